"""Load a PEtab v1 problem, simulate it with libRoadRunner and compute AMICI-convention likelihoods.

The SBML model is compiled once per problem and process; each condition then costs a bulk
parameter set, a ``reset()`` and one ``simulate``. Observable and noise formulas are
compiled to numpy functions once. A :class:`PetabProblem` pickles as its YAML path and
options and rebuilds itself (cached per process) on unpickling, so it can cross process
boundaries for parallel multi-start fits.

Likelihood (AMICI / PEtab v1): for measurement ``m``, simulation ``y`` and noise ``sigma``
with transformation ``h`` (lin, log, log10) and ``r = (h(y) - h(m)) / sigma``::

    normal:  log L_i = -1/2 log(2 pi sigma^2) - r^2 / 2 - log|h'(m)|
    laplace: log L_i = -log(2 sigma) - |r|           - log|h'(m)|

with ``log|h'(m)|`` = 0, ``log m``, ``log(m ln 10)``; ``chi2 = sum r^2``.
"""

from __future__ import annotations

__all__ = [
    "PetabProblem",
    "Evaluation",
    "load_petab_problem",
    "load_cached_petab_problem",
    "scale_values",
    "unscale_values",
]

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import PetabError, Problem, SimulationError
from . import _columns as C
from ._roadrunner import RoadRunnerModel, SolverSettings
from .lint import (
    FILE_COL,
    ROW_COL,
    lint_petab_tables,
    parse_formula,
    parse_overrides,
    read_petab_tables,
    run_libpetab_lint,
)

_TRANSFORM_CODE = {"lin": 0, "log": 1, "log10": 2}
_DIST_CODE = {"normal": 0, "laplace": 1}
_LN10 = math.log(10.0)


def unscale_values(x: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """Map values from parameter scale (codes 0 lin, 1 log, 2 log10) to linear scale."""
    x = np.asarray(x, dtype=float)
    return np.where(scales == 0, x, np.where(scales == 1, np.exp(x), np.power(10.0, x)))


def scale_values(v: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """Map linear values to parameter scale (codes 0 lin, 1 log, 2 log10)."""
    v = np.asarray(v, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(scales == 0, v, np.where(scales == 1, np.log(v), np.log10(v)))


@dataclass
class Evaluation:
    """Simulated observables and the likelihood at one parameter vector."""

    llh: float
    chi2: float
    simulation: np.ndarray  # y per measurement row, linear scale
    sigma: np.ndarray  # noise per measurement row, on the transformed scale
    residuals: np.ndarray  # (h(y) - h(m)) / sigma
    status: str = "ok"


@dataclass
class _Override:
    """A value that is a constant or an entry of the full PEtab parameter vector."""

    const: float = math.nan
    index: int = -1

    def value(self, p: np.ndarray) -> float:
        return p[self.index] if self.index >= 0 else self.const


@dataclass
class _ConditionMap:
    """How one condition sets the model: global parameters in bulk, then species/compartments."""

    condition_id: str
    const_pos: np.ndarray
    const_val: np.ndarray
    par_pos: np.ndarray
    par_idx: np.ndarray
    state_selections: list[str] = field(default_factory=list)
    state_values: list[_Override] = field(default_factory=list)


@dataclass
class _Formula:
    """A lambdified formula and how to fetch each argument."""

    fn: object
    args: list[
        tuple
    ]  # ('model', col) | ('par', idx) | ('obspar', k) | ('noisepar', k) | ('time',) | ('obs',)


@dataclass
class _Observable:
    observable_id: str
    formula: _Formula
    noise: _Formula
    transformation: str
    distribution: str


@dataclass
class _Block:
    """Measurement rows of one experiment sharing observable and override strings."""

    observable: int
    rows: np.ndarray
    tidx: np.ndarray  # index into the experiment's time grid (inf -> last entry of the grid+1)
    obs_overrides: list[_Override]
    noise_overrides: list[_Override]


@dataclass
class _Experiment:
    preeq: _ConditionMap | None
    sim: _ConditionMap
    times: np.ndarray  # finite time points, sorted
    has_steady_state_points: bool
    blocks: list[_Block]


# compiled problems and roadrunner models, per process, keyed by (yaml path, options)
_CACHE: dict[tuple, PetabProblem] = {}
_MODELS: dict[tuple, RoadRunnerModel] = {}


def load_cached_petab_problem(
    yaml_path: str | Path, drop_invalid: bool = False, settings: SolverSettings | None = None
) -> PetabProblem:
    """The problem compiled in this process for these options (loaded unvalidated if new)."""
    settings = settings or SolverSettings()
    key = (str(Path(yaml_path).resolve()), drop_invalid, settings)
    if key not in _CACHE:
        PetabProblem(key[0], validate=False, drop_invalid=drop_invalid, settings=settings)
    return _CACHE[key]


def load_petab_problem(
    yaml_path: str | Path,
    *,
    validate: bool = True,
    drop_invalid: bool = False,
    settings: SolverSettings | None = None,
) -> PetabProblem:
    """Load, check and compile a PEtab v1 problem.

    ``validate`` runs cytonet's located checks and ``petab.lint``; any error raises
    :class:`~cytonet.errors.PetabError`. With ``drop_invalid=True``, measurement rows with
    errors (and only those) are dropped instead and listed in ``problem.dropped``.
    """
    return PetabProblem(yaml_path, validate=validate, drop_invalid=drop_invalid, settings=settings)


class PetabProblem:
    """A compiled PEtab v1 problem: parameters, conditions, observables and data.

    Parameter vectors ``x`` are on parameter scale and hold the estimated parameters in
    parameter-table order (``x_ids``); ``None`` means the nominal values.
    """

    def __init__(
        self,
        yaml_path: str | Path,
        *,
        validate: bool = True,
        drop_invalid: bool = False,
        settings: SolverSettings | None = None,
    ):
        self.yaml_path = Path(yaml_path).resolve()
        self.drop_invalid = drop_invalid
        self.settings = settings or SolverSettings()
        self.warnings: list[Problem] = []
        self.dropped: list[Problem] = []
        self._model: RoadRunnerModel | None = None
        tables = read_petab_tables(self.yaml_path)
        if validate:
            self._validate(tables)
        self._build(tables)
        _CACHE.setdefault(self._key(), self)

    # --- pickling: path and options only; rebuilt (once per process) on the other side -------
    def _key(self) -> tuple:
        return (str(self.yaml_path), self.drop_invalid, self.settings)

    def __getstate__(self) -> dict:
        return {"key": self._key()}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(load_cached_petab_problem(*state["key"]).__dict__)

    # --- loading ---------------------------------------------------------------------------
    def _validate(self, tables) -> None:
        problems = lint_petab_tables(tables)
        errors = [p for p in problems if p.severity == "error"]
        measurement_files = {str(p) for p in tables.files["measurement"]}
        if self.drop_invalid:
            droppable = [p for p in errors if p.file in measurement_files and p.line]
            if len(droppable) == len(errors):
                self.dropped, errors = droppable, []
        if errors:
            raise PetabError(errors)
        if not self.dropped:
            lib = run_libpetab_lint(self.yaml_path)
            if any(p.severity == "error" for p in lib):
                raise PetabError([p for p in lib if p.severity == "error"])
            self.warnings += [p for p in lib if "not available" not in p.message]

    def _build(self, tables) -> None:
        from ._sbml import read_sbml_symbols

        self.sbml_path = tables.sbml_path
        self.name = self.yaml_path.stem
        sbml = read_sbml_symbols(tables.sbml_path)
        self.sbml_symbols = sbml
        self.files = tables.files

        # parameters
        par = tables.tables["parameter"]
        self.parameter_ids: list[str] = [s.strip() for s in par[C.PARAMETER_ID]]
        pindex = {pid: i for i, pid in enumerate(self.parameter_ids)}
        self._pindex = pindex
        scales = np.array([_TRANSFORM_CODE[s.strip()] for s in par[C.PARAMETER_SCALE]])
        nominal = np.array([_float_or_nan(v) for v in par[C.NOMINAL_VALUE]])
        lb = np.array([_float_or_nan(v) for v in par[C.LOWER_BOUND]])
        ub = np.array([_float_or_nan(v) for v in par[C.UPPER_BOUND]])
        estimate = np.array([s.strip() == "1" for s in par[C.ESTIMATE]])
        self.parameter_scales = scales
        self.nominal = nominal
        self.x_index = np.flatnonzero(estimate)
        self.x_ids = [self.parameter_ids[i] for i in self.x_index]
        self.x_scales = scales[self.x_index]
        self.x_scale_names = [("lin", "log", "log10")[s] for s in self.x_scales]
        self.lb = scale_values(lb[self.x_index], self.x_scales)
        self.ub = scale_values(ub[self.x_index], self.x_scales)
        self.x_nominal = scale_values(nominal[self.x_index], self.x_scales)
        self.lb_linear, self.ub_linear = lb[self.x_index], ub[self.x_index]

        # measurements (drop rows that validation marked, if asked)
        meas = tables.tables["measurement"].copy()
        if self.dropped:
            bad = {(p.file, p.line - 1) for p in self.dropped}
            keep = [(f, r) not in bad for f, r in zip(meas[FILE_COL], meas[ROW_COL], strict=True)]
            meas = meas.loc[keep].reset_index(drop=True)
        if C.PREEQUILIBRATION_CONDITION_ID not in meas.columns:
            meas[C.PREEQUILIBRATION_CONDITION_ID] = ""
        for col in (C.OBSERVABLE_PARAMETERS, C.NOISE_PARAMETERS):
            if col not in meas.columns:
                meas[col] = ""
        for col in (C.OBSERVABLE_ID, C.SIMULATION_CONDITION_ID, C.PREEQUILIBRATION_CONDITION_ID):
            meas[col] = meas[col].str.strip()
        for col in (C.OBSERVABLE_PARAMETERS, C.NOISE_PARAMETERS):
            meas[col] = [";".join(parse_overrides(v)) for v in meas[col]]
        self.measurement_df = meas.assign(
            **{C.MEASUREMENT: meas[C.MEASUREMENT].astype(float), C.TIME: meas[C.TIME].astype(float)}
        )
        meas = self.measurement_df
        self.n_data = len(meas)
        self.measurements = meas[C.MEASUREMENT].to_numpy(dtype=float)
        self.times = meas[C.TIME].to_numpy(dtype=float)

        # observables
        obs_tab = tables.tables["observable"]
        self.observable_ids = [s.strip() for s in obs_tab[C.OBSERVABLE_ID]]
        oindex = {oid: i for i, oid in enumerate(self.observable_ids)}
        selections: list[str] = []
        self._selection_index: dict[str, int] = {}

        def resolve(name: str, oid: str) -> tuple:
            if name == oid:
                return ("obs",)
            for prefix, kind in (("observableParameter", "obspar"), ("noiseParameter", "noisepar")):
                if name.startswith(prefix) and name.endswith("_" + oid):
                    number = name[len(prefix) : -len(oid) - 1]
                    if number.isdigit():
                        return (kind, int(number) - 1)
            if name in sbml.all_ids:
                sel = (
                    f"[{name}]"
                    if name in sbml.species and name not in sbml.amount_species
                    else name
                )
                if sel not in self._selection_index:
                    self._selection_index[sel] = len(selections)
                    selections.append(sel)
                return ("model", self._selection_index[sel])
            if name in pindex:
                return ("par", pindex[name])
            if name == "time":
                return ("time",)
            raise PetabError(
                Problem(
                    f"observable {oid}: unknown symbol {name!r} in formula",
                    file=str(self.files["observable"][0]),
                )
            )

        self._observables: list[_Observable] = []
        for _, r in obs_tab.iterrows():
            oid = r[C.OBSERVABLE_ID].strip()
            formulas = []
            for col in (C.OBSERVABLE_FORMULA, C.NOISE_FORMULA):
                try:
                    expr = parse_formula(r[col])
                except Exception as exc:
                    raise PetabError(
                        Problem(
                            f"observable {oid}: cannot parse formula {r[col]!r}: {exc}",
                            file=r[FILE_COL],
                            line=r[ROW_COL] + 1,
                            item=f"data row {r[ROW_COL]}",
                            field=col,
                        )
                    ) from exc
                formulas.append(_compile_formula(expr, lambda n, oid=oid: resolve(n, oid)))
            trans = str(r.get(C.OBSERVABLE_TRANSFORMATION, "") or "lin").strip() or "lin"
            dist = str(r.get(C.NOISE_DISTRIBUTION, "") or "normal").strip() or "normal"
            self._observables.append(_Observable(oid, formulas[0], formulas[1], trans, dist))
        self.selections = selections

        # transformed data and constant likelihood terms per row
        obs_of_row = np.array([oindex[o] for o in meas[C.OBSERVABLE_ID]], dtype=int)
        self.observable_of_row = obs_of_row
        self._trans = np.array(
            [_TRANSFORM_CODE[self._observables[i].transformation] for i in obs_of_row]
        )
        self._dist = np.array([_DIST_CODE[self._observables[i].distribution] for i in obs_of_row])
        m = self.measurements
        with np.errstate(divide="ignore", invalid="ignore"):
            self._hm = _transform(m, self._trans)
            self._jac_term = np.where(
                self._trans == 0, 0.0, np.where(self._trans == 1, -np.log(m), -np.log(m * _LN10))
            )

        # conditions
        cond = tables.tables["condition"]
        cond_rows = {r[C.CONDITION_ID].strip(): r for _, r in cond.iterrows()}
        model_cols = [
            c
            for c in cond.columns
            if c not in (C.CONDITION_ID, C.CONDITION_NAME) and not c.startswith("__")
        ]
        # settable global parameters: all but rule targets (roadrunner lists those too)
        self._rr_parameter_ids = _roadrunner_parameter_ids(sbml)
        settable = [p for p in self._rr_parameter_ids if p not in sbml.rule_targets]
        self._settable_ids = settable
        settable_pos = {p: i for i, p in enumerate(settable)}
        self._tab_pos = np.array(
            [settable_pos[p] for p in self.parameter_ids if p in settable_pos], dtype=int
        )
        self._tab_idx = np.array(
            [pindex[p] for p in self.parameter_ids if p in settable_pos], dtype=int
        )
        condition_maps: dict[str, _ConditionMap] = {}

        def condition_map(cid: str) -> _ConditionMap:
            if cid in condition_maps:
                return condition_maps[cid]
            row = cond_rows[cid]
            cpos, cval, ppos, pidx, ssel, sval = [], [], [], [], [], []
            for col in model_cols:
                text = str(row[col]).strip()
                blank = text == "" or text.lower() == "nan"
                if col in settable_pos:
                    if blank:
                        continue
                    v = _float_or_nan(text)
                    if math.isnan(v):
                        ppos.append(settable_pos[col])
                        pidx.append(pindex[text])
                    else:
                        cpos.append(settable_pos[col])
                        cval.append(v)
                elif col in sbml.species or col in sbml.compartments:
                    if blank:
                        continue
                    v = _float_or_nan(text)
                    amount = col in sbml.amount_species or col in sbml.compartments
                    ssel.append(col if amount else f"[{col}]")
                    sval.append(
                        _Override(const=v) if not math.isnan(v) else _Override(index=pindex[text])
                    )
            cm = _ConditionMap(
                cid,
                np.array(cpos, dtype=int),
                np.array(cval, dtype=float),
                np.array(ppos, dtype=int),
                np.array(pidx, dtype=int),
                ssel,
                sval,
            )
            condition_maps[cid] = cm
            return cm

        # experiments and measurement blocks
        self._experiments: list[_Experiment] = []
        self.experiment_keys: list[tuple[str, str]] = []
        groups = meas.groupby(
            [C.PREEQUILIBRATION_CONDITION_ID, C.SIMULATION_CONDITION_ID], sort=False
        ).indices
        for (pre, sim), rows in groups.items():
            t = self.times[rows]
            finite = np.unique(t[np.isfinite(t)])
            tpos = {v: i for i, v in enumerate(finite)}
            tidx_all = np.array([tpos.get(v, len(finite)) for v in t], dtype=int)
            sub = meas.iloc[rows]
            blocks = []
            block_groups = sub.groupby(
                [C.OBSERVABLE_ID, C.OBSERVABLE_PARAMETERS, C.NOISE_PARAMETERS], sort=False
            ).indices
            for (oid, ostr, nstr), local in block_groups.items():
                blocks.append(
                    _Block(
                        oindex[oid],
                        rows[local],
                        tidx_all[local],
                        [_override(s, pindex) for s in parse_overrides(ostr)],
                        [_override(s, pindex) for s in parse_overrides(nstr)],
                    )
                )
            self._experiments.append(
                _Experiment(
                    condition_map(pre) if pre else None,
                    condition_map(sim),
                    finite,
                    bool(np.any(~np.isfinite(t))),
                    blocks,
                )
            )
            self.experiment_keys.append((pre, sim))
        self._condition_maps = condition_maps

    # --- model ---------------------------------------------------------------------------
    @property
    def model(self) -> RoadRunnerModel:
        """The compiled roadrunner model (built on first use in each process)."""
        if self._model is None:
            key = self._key()
            if key not in _MODELS:
                _MODELS[key] = RoadRunnerModel(str(self.sbml_path), self.selections, self.settings)
            self._model = _MODELS[key]
            rr_ids = self._model.parameter_ids
            self._settable_rr_idx = np.array(
                [rr_ids.index(p) for p in self._settable_ids], dtype=np.int32
            )
            self._settable_defaults = self._model.default_values[self._settable_rr_idx]
        return self._model

    def full_parameters(self, x: np.ndarray | None = None) -> np.ndarray:
        """All parameter-table values, linear scale, with the estimated ones taken from ``x``."""
        p = self.nominal.copy()
        if x is not None:
            x = np.asarray(x, dtype=float)
            if x.shape != (len(self.x_ids),):
                raise ValueError(
                    f"expected {len(self.x_ids)} estimated parameters, got shape {x.shape}"
                )
            p[self.x_index] = unscale_values(x, self.x_scales)
        return p

    def _parameter_vector(self, cm: _ConditionMap, p: np.ndarray) -> np.ndarray:
        v = self._settable_defaults.copy()
        v[self._tab_pos] = p[self._tab_idx]
        v[cm.const_pos] = cm.const_val
        v[cm.par_pos] = p[cm.par_idx]
        return v

    def _simulate_experiment(self, exp: _Experiment, p: np.ndarray) -> np.ndarray:
        """Return model selections at the experiment's time points (+1 row for t = inf)."""
        model = self.model
        idx = self._settable_rr_idx
        if exp.preeq is not None:
            model.start_condition(idx, self._parameter_vector(exp.preeq, p))
            model.set_species(
                exp.preeq.state_selections, [o.value(p) for o in exp.preeq.state_values]
            )
            model.run_to_steady_state()
            model.set_parameters(idx, self._parameter_vector(exp.sim, p))
        else:
            model.start_condition(idx, self._parameter_vector(exp.sim, p))
        model.set_species(exp.sim.state_selections, [o.value(p) for o in exp.sim.state_values])
        data = model.simulate(exp.times)
        if exp.has_steady_state_points:
            model.run_to_steady_state()
            last = np.array([model.rr.getValue(s) for s in self.selections])
            data = np.vstack([data, last[None, :]])
        return data

    def _evaluate_formula(self, f: _Formula, data, times, block, p, y=None):
        args = []
        for a in f.args:
            kind = a[0]
            if kind == "model":
                args.append(data[block.tidx, a[1]])
            elif kind == "par":
                args.append(p[a[1]])
            elif kind == "obspar":
                args.append(block.obs_overrides[a[1]].value(p))
            elif kind == "noisepar":
                args.append(block.noise_overrides[a[1]].value(p))
            elif kind == "time":
                args.append(times[block.tidx])
            else:  # "obs"
                args.append(y)
        return np.broadcast_to(np.asarray(f.fn(*args), dtype=float), block.rows.shape)

    def simulate(self, x: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Return (y, sigma) per measurement row at ``x``; raise SimulationError if CVODE fails."""
        p = self.full_parameters(x)
        y = np.empty(self.n_data)
        sigma = np.empty(self.n_data)
        for exp in self._experiments:
            data = self._simulate_experiment(exp, p)
            times = np.append(exp.times, np.inf)
            for block in exp.blocks:
                obs = self._observables[block.observable]
                yb = self._evaluate_formula(obs.formula, data, times, block, p)
                y[block.rows] = yb
                sigma[block.rows] = self._evaluate_formula(obs.noise, data, times, block, p, yb)
        return y, sigma

    def transformed(self, y: np.ndarray) -> np.ndarray:
        """Apply each row's observable transformation to simulated values."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return _transform(y, self._trans)

    def likelihood(self, y: np.ndarray, sigma: np.ndarray) -> Evaluation:
        """Log-likelihood and chi2 (AMICI convention) of simulated values and noise."""
        with np.errstate(divide="ignore", invalid="ignore"):
            hy = _transform(y, self._trans)
            r = (hy - self._hm) / sigma
            normal = -0.5 * np.log(2 * np.pi * sigma**2) - 0.5 * r**2
            laplace = -np.log(2 * sigma) - np.abs(r)
            terms = np.where(self._dist == 0, normal, laplace) + self._jac_term
        llh = float(np.sum(terms))
        chi2 = float(np.sum(r**2))
        status = "ok" if math.isfinite(llh) else "non-finite"
        return Evaluation(llh, chi2, y, sigma, r, status)

    def evaluate(self, x: np.ndarray | None = None) -> Evaluation:
        """Simulate and score ``x``; a failed simulation gives llh = -inf and a status message."""
        try:
            y, sigma = self.simulate(x)
        except SimulationError as exc:
            nan = np.full(self.n_data, np.nan)
            return Evaluation(-math.inf, math.inf, nan, nan, nan, f"failed: {exc}")
        return self.likelihood(y, sigma)

    def llh(self, x: np.ndarray | None = None) -> float:
        """Log-likelihood at ``x`` (nominal parameters if None)."""
        return self.evaluate(x).llh

    def chi2(self, x: np.ndarray | None = None) -> float:
        """Sum of squared weighted residuals at ``x``."""
        return self.evaluate(x).chi2

    def simulation_table(self, x: np.ndarray | None = None):
        """The measurement table with a ``simulation`` column (PEtab simulation table)."""
        ev = self.evaluate(x)
        df = self.measurement_df.drop(columns=[FILE_COL, ROW_COL]).copy()
        df[C.SIMULATION] = ev.simulation
        return df

    def simulate_trajectories(self, x: np.ndarray | None = None, n_points: int = 200) -> list[dict]:
        """Dense trajectories of every measured (experiment, observable, overrides) block, for plots."""
        p = self.full_parameters(x)
        out = []
        for key, exp in zip(self.experiment_keys, self._experiments, strict=True):
            tmax = float(exp.times.max()) if len(exp.times) else 1.0
            grid = np.linspace(0.0, tmax if tmax > 0 else 1.0, n_points)
            dense = _Experiment(exp.preeq, exp.sim, grid, False, [])
            try:
                data = self._simulate_experiment(dense, p)
            except SimulationError:
                continue
            for block in exp.blocks:
                obs = self._observables[block.observable]
                fake = _Block(
                    block.observable,
                    np.arange(n_points),
                    np.arange(n_points),
                    block.obs_overrides,
                    block.noise_overrides,
                )
                yb = self._evaluate_formula(obs.formula, data, grid, fake, p)
                out.append(
                    {
                        "observable": obs.observable_id,
                        "preequilibration": key[0],
                        "condition": key[1],
                        "time": grid,
                        "simulation": np.array(yb),
                        "rows": block.rows,
                    }
                )
        return out

    def sample_startpoints(self, n: int, seed: int | None = None) -> np.ndarray:
        """``n`` start points drawn uniformly on parameter scale within the PEtab bounds."""
        rng = np.random.default_rng(seed)
        return rng.uniform(self.lb, self.ub, size=(n, len(self.x_ids)))

    def __repr__(self) -> str:
        return (
            f"PetabProblem({self.name}: {self.n_data} data points, {len(self._experiments)} "
            f"experiments, {len(self.x_ids)} estimated parameters)"
        )


def _float_or_nan(value) -> float:
    try:
        return float(str(value).strip())
    except ValueError:
        return math.nan


def _override(text: str, pindex: dict[str, int]) -> _Override:
    v = _float_or_nan(text)
    return _Override(const=v) if not math.isnan(v) else _Override(index=pindex[text])


def _transform(v: np.ndarray, codes: np.ndarray) -> np.ndarray:
    return np.where(codes == 0, v, np.where(codes == 1, np.log(v), np.log10(v)))


def _compile_formula(expr, resolve) -> _Formula:
    import sympy

    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn = sympy.lambdify(symbols, expr, modules="numpy")
    return _Formula(fn, [resolve(s.name) for s in symbols])


def _roadrunner_parameter_ids(sbml) -> list[str]:
    """Global parameter ids in libRoadRunner's order, without compiling the model.

    Roadrunner lists parameters not set by rules first (SBML order), then rule targets.
    The order is checked against the compiled model when it is built.
    """
    free = [p for p in sbml.parameters if p not in sbml.rule_targets]
    ruled = [p for p in sbml.parameters if p in sbml.rule_targets]
    return free + ruled
