"""Sobotta et al. 2017 (doi:10.3389/fphys.2017.00775) data on cytonet's hepatocyte IL-6 module.

:func:`build_sobotta_problems` writes two PEtab v1 problems over the same measurement rows:

* ``cytonet/``: cytonet's exported SBML; each distinct (IL-6 dose, ruxolitinib dose) of
  Sobotta's condition table is one cytonet experiment in hepatocyte context (IL-6 in
  ng/mL as a stimulus at t = 0; ruxolitinib in nM as a drug present before and after
  t = 0, i.e. in the preequilibration, acting through occupancy of JAK1/JAK2). Observables
  keep Sobotta's ids, placeholders and the problem's own offset / scale / sd parameters;
  only the model quantities are replaced by cytonet readouts (see ``OBSERVABLES``).
  Times: minutes -> seconds.
* ``original/``: Sobotta's own model, tables and parameters, restricted to the same rows,
  for the comparison.

Left out (counted in :class:`SobottaBuild`): observables with no cytonet counterpart or
units of the original model (absolute amounts ``*_abs``, the nuclear ratio and
``npSTAT3_wb``, whose formula contains the original import parameters); rows with negative
times or missing overrides (see docs/sobotta2017.md); conditions with actinomycin D or
Stattic (ActD has no cytonet counterpart; Stattic is a covalent inhibitor given 60 min
ahead in unstated units); and the pulse / repeated-dose experiments (``Pulse``,
``ThreePulses``, ``FourPulses``, ``ThreeDoses``) and the ``ActD`` blocks, whose protocol
the condition table does not encode.

:func:`fit_sobotta` estimates a few cytonet kinetic parameters with the observation
parameters profiled out (for each simulation, every offset/scale pair is fitted by least
squares on the log10 scale and every sd in closed form), then scores the result with the
full PEtab likelihood.
"""

from __future__ import annotations

__all__ = ["OBSERVABLES", "FIT_PARAMETERS", "SobottaBuild", "SobottaTerm", "estimated_overrides",
           "build_sobotta_problems", "fit_sobotta", "row_selection"]

import math
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import _columns as C
from .export import (
    _fmt,
    _write_tsv,
    condition_table,
    kinetic_parameter_rows,
    petab_id,
    readout_expression,
    write_petab_yaml,
)

NAME = "Sobotta_Frontiers2017"
# Sobotta observable -> (cytonet readout(s), formula template); {R} the readout sum
OBSERVABLES = {
    "pJAK1_wb": ("phospho:JAK1", "observableParameter1_{o} + observableParameter2_{o} * ({R})"),
    "pgp130_wb": ("phospho:IL6ST", "observableParameter1_{o} + observableParameter2_{o} * ({R})"),
    "pSTAT3_wb": ("phospho:STAT3", "observableParameter1_{o} + observableParameter2_{o} * ({R})"),
    "pSTAT3_lumi": ("phospho:STAT3",
                    "observableParameter1_{o} + observableParameter2_{o} * ({R})"),
    "pSTAT3_ms": ("phospho:STAT3", "100 * ({R}) / ({T})"),  # T: protein:STAT3
    "SOCS3_qpcr": ("mRNA:SOCS3", "observableParameter1_{o} + observableParameter2_{o} * ({R})"),
    "SOCS3_wb": ("protein:SOCS3", "observableParameter1_{o} + observableParameter2_{o} * ({R})"),
}
EXCLUDED_BLOCKS = ("Pulse", "ThreeDoses", "ActD")  # substrings of Sobotta's experiment names
FIT_PARAMETERS = ("kon_IL6_IL6R", "kact_JAK_gp130", "kdeact_JAK", "kphos_STAT3_JAK1",
                  "kimport_STAT3", "kdephos_STAT3_n", "kon_SOCS3_gp130", "K_STAT3_SOCS3",
                  "kdeg_mRNA_SOCS3", "kdeg_SOCS3")


def _block_name(obs: str, opars: str, npars: str) -> str:
    first = (str(opars) if isinstance(opars, str) and opars else str(npars)).split(";")[0]
    return re.sub(r"^(offset|scale|sd)_[a-z0-9]+_[a-z]+_", "", first)


def row_selection(source_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Sobotta measurement rows kept, the condition table, and counts of rows left out."""
    meas = pd.read_csv(source_dir / f"measurementData_{NAME}.tsv", sep="\t")
    cond = pd.read_csv(source_dir / f"experimentalCondition_{NAME}.tsv", sep="\t")
    cond = cond.set_index("conditionId")
    meas["block"] = [_block_name(o, a, b) for o, a, b in
                     zip(meas.observableId, meas.observableParameters, meas.noiseParameters,
                         strict=True)]
    left: dict[str, int] = {}
    keep = np.ones(len(meas), dtype=bool)

    def drop(mask, why):
        n = int(np.sum(mask & keep))
        if n:
            left[why] = left.get(why, 0) + n
        keep[mask] = False

    n_ovr = meas.observableParameters.isna() & meas.observableId.isin(
        [o for o, (_, f) in OBSERVABLES.items() if "observableParameter" in f])
    drop(meas.time.to_numpy() < 0, "negative time (invalid in PEtab v1)")
    drop(n_ovr.to_numpy(), "missing observableParameters (invalid)")
    drop(~meas.observableId.isin(OBSERVABLES).to_numpy(),
         "observable without cytonet counterpart (absolute amounts, nuclear STAT3)")
    c = cond.loc[meas.simulationConditionId]
    drop((c.input_actd.to_numpy() > 0), "actinomycin D")
    drop((c.input_stattic.to_numpy() > 0), "Stattic")
    for b in EXCLUDED_BLOCKS:
        drop(meas.block.str.contains(b).to_numpy(), f"pulse / dose-series / ActD block ({b})")
    # rows left with no more kept rows than the offset / scale parameters they share: those
    # parameters fit them exactly, whatever the model, and their sd then has no maximum
    # (it runs to its lower bound, 1e-15 for some blots, and the llh with it); they say
    # nothing about the kinetics, so the term does not see them
    own = [estimated_overrides(v) for v in meas.observableParameters]
    kept_per = pd.Series([k for k, ok in zip(own, keep, strict=True) if ok]).value_counts()
    drop(np.array([bool(k) and kept_per.get(k, 0) <= len(k) for k in own]),
         "blots left with no more rows than their offset / scale (an exact fit, sd unbounded)")
    return meas.loc[keep].reset_index(drop=True), cond, left


def estimated_overrides(value) -> tuple[str, ...]:
    """The parameter ids among a row's ';'-separated PEtab overrides (numbers are fixed
    values, read as the PEtab loader reads them)."""
    from .petab_problem import _float_or_nan

    if not isinstance(value, str):
        return ()
    tokens = (t.strip() for t in value.split(";"))
    return tuple(t for t in tokens if t and math.isnan(_float_or_nan(t)))


@dataclass
class SobottaBuild:
    cytonet_yaml: Path
    original_yaml: Path
    n_rows: int
    n_rows_total: int
    left_out: dict[str, int]
    experiments: dict = field(default_factory=dict)
    blocks: list[str] = field(default_factory=list)


def build_sobotta_problems(source_dir: str | Path, out_dir: str | Path, *, model=None,
                           estimate=FIT_PARAMETERS, blocks: list[str] | None = None,
                           obs_nominal: dict[str, float] | None = None) -> SobottaBuild:
    """Write ``out_dir/cytonet`` and ``out_dir/original`` (see the module docstring).

    ``blocks``: keep only Sobotta experiment blocks whose name contains one of these.
    ``obs_nominal``: nominal values for observation parameters (e.g. fitted ones).
    """
    from ..compile import compile_model
    from ..experiments.parse import parse_experiment
    from ..experiments.types import Readout

    source = Path(source_dir)
    out = Path(out_dir)
    model = model or compile_model()
    meas, cond, left = row_selection(source)
    n_total = len(pd.read_csv(source / f"measurementData_{NAME}.tsv", sep="\t"))
    if blocks:
        sel = meas.block.apply(lambda b: any(k in b for k in blocks)).to_numpy()
        if (~sel).sum():
            left["blocks not in the chosen subset"] = int((~sel).sum())
        meas = meas.loc[sel].reset_index(drop=True)

    # experiments: one per distinct (IL-6, ruxolitinib)
    experiments, sim_of = {}, {}
    for cid in dict.fromkeys(meas.simulationConditionId):
        il6, rux = float(cond.at[cid, "input_il6"]), float(cond.at[cid, "input_ruxolitinib"])
        name = petab_id(f"IL6_{il6:g}ngml_rux_{rux:g}nM")
        if name not in experiments:
            spec = {"cell": "hepatocyte"}
            if il6 > 0:
                spec["stimuli"] = {"IL6": f"{il6:g} ng/mL"}
            if rux > 0:
                spec["perturbations"] = [{"drug": "ruxolitinib", "dose": f"{rux:g} nM"}]
            experiments[name] = parse_experiment(spec)
        sim_of[cid] = name
    cond_df, ids = condition_table(model, experiments)

    # cytonet problem
    cy = out / "cytonet"
    cy.mkdir(parents=True, exist_ok=True)
    obs_rows = []
    for oid in dict.fromkeys(meas.observableId):
        ro, template = OBSERVABLES[oid]
        kind, ent = ro.split(":")
        r = readout_expression(model, Readout(kind, ent))
        t = readout_expression(model, Readout("protein", "STAT3"))
        src = pd.read_csv(source / f"observables_{NAME}.tsv", sep="\t").set_index("observableId")
        obs_rows.append({C.OBSERVABLE_ID: oid, C.OBSERVABLE_NAME: ro,
                         C.OBSERVABLE_FORMULA: template.format(o=oid, R=r, T=t),
                         C.NOISE_FORMULA: src.at[oid, C.NOISE_FORMULA],
                         C.OBSERVABLE_TRANSFORMATION: src.at[oid, C.OBSERVABLE_TRANSFORMATION],
                         C.NOISE_DISTRIBUTION: src.at[oid, C.NOISE_DISTRIBUTION]})
    m = pd.DataFrame({
        C.OBSERVABLE_ID: meas.observableId,
        C.PREEQUILIBRATION_CONDITION_ID: [ids[sim_of[c]][0] for c in meas.simulationConditionId],
        C.SIMULATION_CONDITION_ID: [ids[sim_of[c]][1] for c in meas.simulationConditionId],
        C.MEASUREMENT: meas.measurement.map(_fmt),
        C.TIME: (60.0 * meas.time).map(_fmt),
        C.OBSERVABLE_PARAMETERS: meas.observableParameters.fillna(""),
        C.NOISE_PARAMETERS: meas.noiseParameters.astype(str),
    })
    used = set()
    for col in (C.OBSERVABLE_PARAMETERS, C.NOISE_PARAMETERS):
        for v in m[col]:
            used |= {s.strip() for s in str(v).split(";") if s.strip()}
    spar = pd.read_csv(source / f"parameters_{NAME}.tsv", sep="\t", dtype=str)
    spar = spar[spar.parameterId.isin(used)].copy()
    if obs_nominal:
        spar[C.NOMINAL_VALUE] = [_fmt(obs_nominal[p]) if p in obs_nominal else v
                                 for p, v in zip(spar.parameterId, spar[C.NOMINAL_VALUE],
                                                 strict=True)]
    cond_cols = [c for c in cond_df.columns if c not in (C.CONDITION_ID, C.CONDITION_NAME)]
    kin = kinetic_parameter_rows(model, estimate, exclude=cond_cols)
    par = pd.concat([pd.DataFrame(kin), spar[[c for c in kin[0]]]], ignore_index=True)
    (cy / "model.xml").write_text(model.sbml, encoding="utf-8")
    _write_tsv(cond_df, cy / "conditions.tsv")
    _write_tsv(pd.DataFrame(obs_rows), cy / "observables.tsv")
    _write_tsv(m, cy / "measurements.tsv")
    _write_tsv(par, cy / "parameters.tsv")
    cy_yaml = write_petab_yaml(cy, "sobotta_cytonet")

    # original model, same rows
    og = out / "original"
    og.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / f"model_{NAME}.xml", og / "model.xml")
    shutil.copy(source / f"experimentalCondition_{NAME}.tsv", og / "conditions.tsv")
    shutil.copy(source / f"observables_{NAME}.tsv", og / "observables.tsv")
    shutil.copy(source / f"parameters_{NAME}.tsv", og / "parameters.tsv")
    _write_tsv(meas.drop(columns=["block"]), og / "measurements.tsv")
    og_yaml = write_petab_yaml(og, "sobotta_original")
    return SobottaBuild(cy_yaml, og_yaml, len(meas), n_total, left, experiments,
                        sorted(set(meas.block)))


# ------------------------------------------------------------------------------ fitting
@dataclass
class _Group:
    rows: np.ndarray
    off: int  # index into the full parameter vector, -1 if none
    scale: int
    sd: int


def _groups(problem) -> list[_Group]:
    meas = problem.measurement_df
    pidx = problem._pindex
    out = []
    keys = meas.groupby([C.OBSERVABLE_ID, C.OBSERVABLE_PARAMETERS, C.NOISE_PARAMETERS],
                        sort=False).indices
    for (_oid, o, n), rows in keys.items():
        parts = [s for s in str(o).split(";") if s]
        off, sc = (pidx[parts[0]], pidx[parts[1]]) if len(parts) == 2 else (-1, -1)
        sd = pidx.get(str(n), -1)
        out.append(_Group(np.asarray(rows), off, sc, sd))
    return out


def _inner(problem, groups, y_raw, p) -> np.ndarray:
    """Best offsets / scales / sds for raw readouts ``y_raw`` (offset 0, scale 1)."""
    from scipy.optimize import least_squares

    p = p.copy()
    lb = {i: v for i, v in zip(problem.x_index, problem.lb_linear, strict=True)}
    ub = {i: v for i, v in zip(problem.x_index, problem.ub_linear, strict=True)}
    hm = np.log10(problem.measurements)
    # pairs (offset, scale) -> rows, then sd -> rows
    pairs: dict[tuple[int, int], list[np.ndarray]] = {}
    for g in groups:
        if g.off >= 0:
            pairs.setdefault((g.off, g.scale), []).append(g.rows)
    for (io, isc), rs in pairs.items():
        rows = np.concatenate(rs)
        r, h = np.maximum(y_raw[rows], 0.0), hm[rows]
        free = [i for i in (io, isc) if i in lb]
        if not free:
            continue
        lo = np.log10([max(lb[i], 1e-12) for i in free])
        hi = np.log10([ub[i] for i in free])
        guess = {io: max(np.min(10**h) * 0.3, 1e-12),
                 isc: np.mean(10**h) / max(np.mean(r), 1e-30)}
        u0 = np.clip(np.log10([guess[i] for i in free]), lo, hi)

        def res(u, r=r, h=h, free=free, io=io, isc=isc):
            q = dict(zip(free, 10.0 ** np.asarray(u), strict=True))
            o, sc = q.get(io, p[io]), q.get(isc, p[isc])
            return np.log10(np.maximum(o + sc * r, 1e-300)) - h

        sol = least_squares(res, u0, bounds=(lo, hi), method="trf", xtol=1e-10)
        for i, u in zip(free, sol.x, strict=True):
            p[i] = 10.0**u
    # sd: closed form on the transformed scale
    y = _apply(problem, groups, y_raw, p)
    sds: dict[int, list[np.ndarray]] = {}
    for g in groups:
        if g.sd >= 0:
            sds.setdefault(g.sd, []).append(g.rows)
    trans = problem._trans
    for isd, rs in sds.items():
        rows = np.concatenate(rs)
        hy = np.where(trans[rows] == 2, np.log10(np.maximum(y[rows], 1e-300)), y[rows])
        hmr = np.where(trans[rows] == 2, hm[rows], problem.measurements[rows])
        s = math.sqrt(float(np.mean((hy - hmr) ** 2)))
        p[isd] = min(max(s, lb.get(isd, 1e-15)), ub.get(isd, 1e6))
    return p


def _apply(problem, groups, y_raw, p) -> np.ndarray:
    y = y_raw.copy()
    for g in groups:
        if g.off >= 0:
            y[g.rows] = p[g.off] + p[g.scale] * y_raw[g.rows]
    return y


def profile_evaluate(problem, theta: np.ndarray, kin_pos: np.ndarray, groups):
    """(llh, full parameter vector) with observation parameters profiled out at ``theta``."""
    p = problem.nominal.copy()
    p[problem.x_index[kin_pos]] = 10.0 ** np.asarray(theta)
    fixed = p.copy()
    for g in groups:  # raw readouts: offset 0, scale 1
        if g.off >= 0:
            p[g.off], p[g.scale] = 0.0, 1.0
    y_raw, sigma0 = _simulate_full(problem, p)
    p = np.where(np.isin(np.arange(len(p)), problem.x_index), p, fixed)
    p = _inner(problem, groups, y_raw, p)
    y = _apply(problem, groups, y_raw, p)
    sigma = sigma0.copy()
    for g in groups:  # noise formulas are noiseParameter1: the sd itself
        if g.sd >= 0:
            sigma[g.rows] = p[g.sd]
    return problem.likelihood(y, sigma).llh, p


def _simulate_full(problem, p):
    """Simulate at the full parameter vector ``p`` (linear scale) -> (y, sigma) per row."""
    saved = problem.nominal
    try:
        problem.nominal = p  # full_parameters() starts from nominal; x then rewrites the same
        y, sigma = problem.simulate(None)
    finally:
        problem.nominal = saved
    return y, sigma


class SobottaTerm:
    """The Sobotta 2017 rows as a data term of the joint MAP fit
    (:class:`cytonet.calibrate.joint.JointProblem`): ``term(values)`` is ``weight`` x the
    negative PEtab log-likelihood at the kinetic parameter ``values`` (a mapping over
    ``param_ids``; the model's other parameters at their values in ``model``), with every
    offset / scale / sd profiled out as in :func:`fit_sobotta`. A simulation that fails
    scores ``failure_penalty`` and is counted in ``n_failed``."""

    def __init__(self, model, param_ids, source_dir: str | Path, out_dir: str | Path, *,
                 weight: float = 1.0, failure_penalty: float = 1e6):
        from .cytonet_problem import load_cytonet_problem

        self.param_ids = list(dict.fromkeys(param_ids))
        build = build_sobotta_problems(source_dir, out_dir, model=model,
                                       estimate=self.param_ids)
        self.problem = load_cytonet_problem(build.cytonet_yaml, validate=False)
        self.kin_pos = np.array([self.problem.x_ids.index(p) for p in self.param_ids])
        self.groups = _groups(self.problem)
        self.n_rows = build.n_rows
        self.weight, self.failure_penalty = float(weight), float(failure_penalty)
        self.n_calls = self.n_failed = 0

    def llh(self, values) -> float:
        """The profiled log-likelihood at ``values`` (raises if a simulation fails)."""
        theta = np.log10([float(values[p]) for p in self.param_ids])
        return profile_evaluate(self.problem, theta, self.kin_pos, self.groups)[0]

    def __call__(self, values) -> float:
        self.n_calls += 1
        try:
            llh = self.llh(values)
        except Exception:  # noqa: BLE001 - a failed simulation is the worst value, counted
            llh = -math.inf
        if not math.isfinite(llh):
            self.n_failed += 1
            return self.failure_penalty
        return -self.weight * llh


class _Budget(Exception):
    pass


def fit_sobotta(problem, *, n_starts: int = 2, max_evals: int = 150, seed: int = 0,
                spread: float = 0.5, wall_budget_s: float = 900.0, log=print) -> dict:
    """Fit the kinetic parameters (log10, within the table bounds) with profiled observation
    parameters. Start 0 is the curated values; the others are drawn within +-``spread``
    decades of them. Powell's method, at most ``max_evals`` simulations per start and
    ``wall_budget_s`` seconds in all (the best point seen so far is kept when it runs out)."""
    from scipy.optimize import minimize

    groups = _groups(problem)
    kin_ids = [i for i in problem.x_ids if not re.match(r"^(offset|scale|sd)_", i)]
    kin_pos = np.array([problem.x_ids.index(i) for i in kin_ids])
    lo, hi = problem.lb[kin_pos], problem.ub[kin_pos]
    theta0 = problem.x_nominal[kin_pos]
    rng = np.random.default_rng(seed)
    starts = [theta0] + [np.clip(theta0 + rng.uniform(-spread, spread, len(theta0)), lo, hi)
                         for _ in range(n_starts - 1)]
    best_all = (-math.inf, theta0, 0)
    runs = []
    t0 = time.perf_counter()
    for k, th in enumerate(starts):
        if time.perf_counter() - t0 > wall_budget_s:
            log(f"start {k}: skipped (wall budget spent)")
            break
        state = {"n": 0, "best": (-math.inf, th)}

        def f(t, state=state, k=k):
            if state["n"] >= max_evals or time.perf_counter() - t0 > wall_budget_s:
                raise _Budget
            state["n"] += 1
            t = np.clip(t, lo, hi)
            try:
                llh, _ = profile_evaluate(problem, t, kin_pos, groups)
            except Exception:  # noqa: BLE001 - failed simulation = worst value
                llh = -math.inf
            if llh > state["best"][0]:
                state["best"] = (llh, t.copy())
            if state["n"] % 10 == 0:
                log(f"  start {k}: {state['n']} simulations, best llh {state['best'][0]:.3f} "
                    f"({time.perf_counter() - t0:.0f} s)")
            return -llh if math.isfinite(llh) else 1e10

        llh_start = -f(th)
        try:
            minimize(f, th, method="Powell", bounds=list(zip(lo, hi, strict=True)),
                     options={"maxfev": max_evals, "xtol": 1e-3, "ftol": 1e-6})
        except _Budget:
            pass
        llh, theta = state["best"]
        runs.append({"start": k, "llh_start": llh_start, "llh": llh, "n_eval": state["n"],
                     "theta": [float(v) for v in theta]})
        log(f"start {k}: llh {llh_start:.3f} -> {llh:.3f} ({state['n']} simulations, "
            f"{time.perf_counter() - t0:.0f} s)")
        if llh > best_all[0]:
            best_all = (llh, theta, k)
    llh, p = profile_evaluate(problem, best_all[1], kin_pos, groups)
    return {"llh": llh, "p": p, "theta": dict(zip(kin_ids, (10.0 ** best_all[1]).tolist(),
                                                  strict=True)),
            "theta0": dict(zip(kin_ids, (10.0 ** theta0).tolist(), strict=True)),
            "best_start": best_all[2], "runs": runs, "wall_s": time.perf_counter() - t0}
