"""Parse experiments and observations written in the shared format (spec/experiments.md, v1.1).

Two entry points:

- :func:`parse_experiment` turns one experiment mapping (``cell``, ``stimuli``,
  ``conditions``, ``perturbations``) into a typed :class:`~cytonet.experiments.types.Experiment`
  in model units, raising :class:`~cytonet.errors.ExperimentError` that lists every problem.
- :func:`load_observations` reads a file (or an already loaded list) of observations and
  returns ``(observations, problems)``: every problem found, each located by file, line,
  observation id and field; one bad observation never stops the others from loading.

Parsing runs in two passes per observation: shape (keys, types, units) and meaning (names
resolve in the catalog, the expectation has the experiments and thresholds it needs). The
allowed keys and value types of each item are pydantic models (the ``_...Shape`` classes,
checked by :func:`cytonet._shape.shape_errors`); the messages keep their location.

v1.1 adds the quantitative kinds (:data:`QUANTITATIVE`): a range ``within: [LOW, HIGH]``
kept in the unit it is written in (:attr:`Observation.within_unit`), and for ``ec50`` /
``ic50`` a dose :class:`Scan` of one stimulus or drug, which :meth:`Observation.simulations`
expands into one experiment per dose (plus the zero dose).
"""

from __future__ import annotations

__all__ = [
    "EXPECTATIONS", "QUANTITATIVE", "STATISTICS", "DEFAULT_THRESHOLDS", "OBSERVATION_KEYS",
    "EXPERIMENT_KEYS", "PERTURBATION_KINDS", "SCAN_KEYS", "DEFAULT_SCAN_POINTS",
    "DEFAULT_PEAK_WINDOW_S", "LIMITS", "Source", "Scan", "Observation", "parse_experiment",
    "parse_readout", "parse_observation", "load_observations", "describe_as_written",
]

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .._shape import Field, Shape, allowed_keys, shape_errors
from .._shape import suggest as _suggest
from .._yaml import line_of, load_yaml
from ..errors import ExperimentError, InputError, Problem
from ..limits import LIMITS as _LIMITS
from ..limits import is_finite_number, limit, limit_note, show
from ..units import Q_, format_quantity, parse_quantity, to_molar_nM, to_seconds
from .types import DEFAULT_READOUT_TIME_S, READOUT_KINDS, Experiment, Perturbation, Readout

# v1 kinds, then the quantitative kinds of v1.1
QUANTITATIVE = ("ec50", "ic50", "peak_time", "ratio", "fraction_of_peak")
EXPECTATIONS = ("increase", "decrease", "no_change", "abrogates", "transient", "sustained",
                *QUANTITATIVE)
STATISTICS = ("max", "auc")
# Default thresholds of the spec's table; an observation may set its own.
DEFAULT_THRESHOLDS = {"fold": 1.5, "tolerance": 1.25, "by": 0.5, "fraction": 0.5}


# ---- item shapes: the keys each item may have and the types the meaning pass relies on
_TEXT = "expected text"


class _ExperimentShape(Shape):
    cell: Any = None
    stimuli: dict | None = Field(
        None, description="expected a mapping of stimulus to dose such as {IL6: 10 ng/mL}")
    conditions: dict | None = Field(
        None, description="expected a mapping of condition to value such as {glucose: 0.5 mM}")
    perturbations: list | None = Field(
        None, description="expected a list of perturbations such as [{knockdown: STAT3}]")


class _KnockdownShape(Shape):
    knockdown: Any = None
    efficiency: Any = None  # a number in 0..1: checked with its range by _number


class _KnockoutShape(Shape):
    knockout: Any = None


class _OverexpressShape(Shape):
    overexpress: Any = None
    fold: Any = None


class _DrugShape(Shape):
    drug: Any = None
    dose: Any = None


class _ObservationShape(Shape):
    id: Any = None
    claim: str | None = Field(None, description=_TEXT)
    source: Any = None
    note: str | None = Field(None, description=_TEXT)
    readout: Any = None
    at: Any = None
    statistic: Any = None
    window: Any = None
    test: Any = None
    control: Any = None
    baseline: Any = None
    experiment: Any = None
    expect: Any = None
    fold: Any = None
    tolerance: Any = None
    by: Any = None
    peak_between: Any = None
    falls_below: dict | None = Field(None, description="expected {fraction: 0.5, by: 4 h}")
    until: Any = None
    fraction: Any = None
    within: Any = None
    scan: Any = None


class _SourceShape(Shape):
    doi: Any = None  # a string or a list of strings: checked item by item by _str_list
    pmid: Any = None
    seed: Any = None
    note: str | None = Field(None, description=_TEXT)


class _ScanShape(Shape):
    stimulus: Any = None
    drug: Any = None
    from_: Any = Field(None, alias="from")
    to: Any = None
    points: Any = None


class _FallsBelowShape(Shape):
    fraction: Any = None
    by: Any = None


EXPERIMENT_KEYS = allowed_keys(_ExperimentShape)
_PERTURBATION_SHAPES: dict[str, type[Shape]] = {
    "knockdown": _KnockdownShape, "knockout": _KnockoutShape,
    "overexpress": _OverexpressShape, "drug": _DrugShape}
PERTURBATION_KINDS = tuple(_PERTURBATION_SHAPES)
_PERTURBATION_EXTRAS = {k: allowed_keys(s)[1:] for k, s in _PERTURBATION_SHAPES.items()}
OBSERVATION_KEYS = allowed_keys(_ObservationShape)
SOURCE_KEYS = allowed_keys(_SourceShape)
SCAN_KEYS = allowed_keys(_ScanShape)
DEFAULT_SCAN_POINTS = 25
DEFAULT_PEAK_WINDOW_S = (0.0, 86400.0)  # peak_time: [0 h, 24 h]

# What each expectation needs: required experiments, optional experiments, allowed thresholds.
_ROLES = {
    "increase": (("test", "control"), (), ("fold",)),
    "decrease": (("test", "control"), (), ("fold",)),
    "no_change": (("test", "control"), (), ("tolerance",)),
    "abrogates": (("test", "control", "baseline"), (), ("by",)),
    "transient": (("experiment",), (), ("peak_between", "falls_below")),
    "sustained": (("experiment",), (), ("until", "fraction")),
    "ec50": (("experiment",), (), ("within",)),
    "ic50": (("experiment",), ("baseline",), ("within",)),
    "peak_time": (("experiment",), (), ("within",)),
    "ratio": (("test", "control"), (), ("within",)),
    "fraction_of_peak": (("experiment",), (), ("within",)),
}
_ALL_ROLES = ("test", "control", "baseline", "experiment")
_ALL_THRESHOLDS = ("fold", "tolerance", "by", "peak_between", "falls_below", "until", "fraction",
                   "within")
# What a scan varies for each scanning kind, and an example range for each quantitative kind.
_SCANNED = {"ec50": "stimulus", "ic50": "drug"}
_WITHIN_EXAMPLE = {"ec50": "[0.05 ng/mL, 1 ng/mL]", "ic50": "[50 nM, 500 nM]",
                   "peak_time": "[15 min, 45 min]", "ratio": "[2, 5]",
                   "fraction_of_peak": "[0.1, 0.5]"}

# Doses beyond these are typing mistakes, not experiments (defined in cytonet.limits).
LIMITS = {k: _LIMITS[k].default for k in (
    "stimulus_nM", "drug_nM", "glucose", "mannose", "estradiol", "oxygen", "overexpress_fold",
    "time_s", "scan_points")}
# Conditions: model unit and the molecular weight (kDa) used for mass concentrations.
_CONDITION_UNITS = {"glucose": ("mM", 0.18016), "mannose": ("mM", 0.18016),
                    "estradiol": ("nM", 0.27238), "oxygen": ("%", None)}
def _round(x: float) -> float:
    """12 significant digits: '1 uM' and '1000 nM' give the same float (and the same hash)."""
    return float(f"{x:.12g}")


# what 'experiment' is, said when it is missing
_EXPERIMENT_NOTE = {
    "transient": " (transient and sustained judge the time course of one 'experiment')",
    "sustained": " (transient and sustained judge the time course of one 'experiment')",
    "peak_time": " (peak_time judges the time course of one 'experiment')",
    "fraction_of_peak": " (fraction_of_peak judges the time course of one 'experiment')",
    "ec50": " (the cells the scanned stimulus is added to)",
    "ic50": " (the stimulated cells the scanned drug is added to)",
}
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


# --------------------------------------------------------------------------- records

@dataclass(frozen=True)
class Source:
    """Where an observation comes from: DOIs, PubMed ids, seed documents, a note."""

    doi: tuple[str, ...] = ()
    pmid: tuple[str, ...] = ()
    seed: tuple[str, ...] = ()
    note: str = ""

    def links(self) -> list[tuple[str, str]]:
        """``(label, url)`` for every DOI and PubMed id."""
        out = [(f"doi:{d}", f"https://doi.org/{d}") for d in self.doi]
        out += [(f"PMID:{p}", f"https://pubmed.ncbi.nlm.nih.gov/{p}/") for p in self.pmid]
        return out

    def as_dict(self) -> dict:
        return {"doi": list(self.doi), "pmid": list(self.pmid), "seed": list(self.seed),
                "note": self.note}


@dataclass(frozen=True)
class Scan:
    """A dose scan (ec50 / ic50): ``points`` log-spaced doses of one stimulus or drug.

    ``name`` is the canonical stimulus symbol or drug name; doses are molar (nM). The zero
    dose is always simulated too: it is the observation's ``experiment`` itself.

    >>> Scan("stimulus", "IL6", 1.0, 100.0, 3).doses_nM()
    (1.0, 10.0, 100.0)
    """

    kind: str  # 'stimulus' | 'drug'
    name: str
    from_nM: float
    to_nM: float
    points: int = DEFAULT_SCAN_POINTS

    def doses_nM(self) -> tuple[float, ...]:
        """The scanned doses (nM), ascending, log-spaced from ``from_nM`` to ``to_nM``."""
        return tuple(_round(float(d)) for d in np.geomspace(self.from_nM, self.to_nM,
                                                              self.points))

    def at_dose(self, exp: Experiment, dose_nM: float) -> Experiment:
        """``exp`` with the scanned stimulus or drug added at ``dose_nM`` (0: ``exp`` itself)."""
        if dose_nM == 0:
            return exp
        if self.kind == "stimulus":
            return replace(exp, stimuli=tuple(sorted((*exp.stimuli, (self.name, dose_nM)))))
        drug = Perturbation("drug", self.name, dose_nM=dose_nM)
        return replace(exp, perturbations=tuple(sorted((*exp.perturbations, drug),
                                                       key=lambda p: (p.kind, p.target))))

    def describe(self, unit: str = "nM", scale: float = 1.0) -> str:
        """``'IL6 0.001-1000 ng/mL (25 doses)'``, doses divided by ``scale`` (nM per ``unit``)."""
        def num(x: float) -> str:
            return f"{float(f'{x:.4g}'):g}"
        return f"{self.name} {num(self.from_nM / scale)}-{num(self.to_nM / scale)} {unit} " \
               f"({self.points} doses)"


@dataclass(frozen=True)
class Observation:
    """One published finding, parsed: experiments in model units, times in seconds.

    ``statistic`` is ``'at'`` (value at ``at_s``), ``'max'`` or ``'auc'`` over ``window_s``,
    or ``'trace'`` for ``transient``/``sustained``/``peak_time``/``fraction_of_peak``, which
    judge the time course of ``experiment`` (``peak_time`` over ``window_s``,
    ``fraction_of_peak`` up to ``at_s``). Thresholds left ``None`` take the spec's defaults
    (:meth:`threshold`).

    Quantitative kinds (v1.1) hold ``within`` = (low, high) in ``within_unit`` as written
    (the low end's unit; '' for plain ratios and fractions); ``within_scale`` is model units
    (nM or s) per one ``within_unit``. ``ic50`` always has a ``baseline``: the one given, else
    ``experiment`` without its stimuli.
    """

    id: str
    claim: str
    source: Source
    readout: Readout
    expect: str
    statistic: str = "at"
    at_s: float | None = None
    window_s: tuple[float, float] | None = None
    test: Experiment | None = None
    control: Experiment | None = None
    baseline: Experiment | None = None
    experiment: Experiment | None = None
    fold: float | None = None
    tolerance: float | None = None
    by: float | None = None
    peak_between_s: tuple[float, float] | None = None
    falls_below_fraction: float | None = None
    falls_below_by_s: float | None = None
    until_s: float | None = None
    fraction: float | None = None
    within: tuple[float, float] | None = None
    within_unit: str = ""
    within_scale: float = 1.0
    scan: Scan | None = None
    note: str = ""
    file: str | None = None
    line: int | None = None
    # (role, the experiment described with its doses as the file writes them), for people
    as_written: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def is_quantitative(self) -> bool:
        """One of the v1.1 kinds, judged against a range ``within``."""
        return self.expect in QUANTITATIVE

    def threshold(self, name: str) -> float:
        """A threshold as set by the observation, else the spec default."""
        value = getattr(self, name)
        return float(DEFAULT_THRESHOLDS[name] if value is None else value)

    @property
    def roles(self) -> tuple[str, ...]:
        """The experiments this observation compares, in order."""
        return tuple(r for r in _ALL_ROLES if getattr(self, r) is not None)

    def experiments(self) -> dict[str, Experiment]:
        return {r: getattr(self, r) for r in self.roles}

    def simulations(self) -> dict[str, Experiment]:
        """Every experiment to simulate, by trace label: the roles, and for a scan
        ``experiment`` (the zero dose), ``scan[0]`` ... ``scan[n-1]`` (ascending doses of
        :meth:`Scan.doses_nM`) and, for ic50, ``baseline``."""
        if self.scan is None:
            return self.experiments()
        out = {"experiment": self.experiment}
        for i, dose in enumerate(self.scan.doses_nM()):
            out[f"scan[{i}]"] = self.scan.at_dose(self.experiment, dose)
        if self.baseline is not None:
            out["baseline"] = self.baseline
        return out

    @property
    def trace_roles(self) -> tuple[str, ...]:
        """The labels of :meth:`simulations`: one trace each for the verdict."""
        return tuple(self.simulations())

    @property
    def end_s(self) -> float:
        """The last time the expectation needs."""
        if self.expect == "peak_time":
            return float(self.window_s[1])
        if self.expect == "fraction_of_peak":
            return float(self.at_s)
        if self.statistic == "at":
            return float(self.at_s)
        if self.statistic in STATISTICS:
            return float(self.window_s[1])
        if self.expect == "transient":
            return float(max(self.falls_below_by_s, self.peak_between_s[1]))
        return float(self.until_s)

    def sample_times(self, n: int = 241) -> np.ndarray:
        """Times (s) to simulate: ``n`` points over [0, end] plus every exact time used."""
        end = self.end_s
        pts = [np.linspace(0.0, end, n)]
        if self.expect in ("peak_time", "fraction_of_peak"):
            # the time of a peak needs a fine grid: dense linear, and geometric from 1 s so
            # that early peaks (minutes) are resolved to a few per cent
            a, b = self.window_s if self.expect == "peak_time" else (0.0, self.at_s)
            pts += [np.linspace(a, b, 2 * n - 1), [a, b]]
            lo = max(a, 1.0)
            if b > lo:
                pts.append(np.geomspace(lo, b, n))
        elif self.statistic == "at":
            pts.append([self.at_s])
        elif self.statistic in STATISTICS:
            pts.append(np.linspace(self.window_s[0], self.window_s[1], 121))
        elif self.expect == "transient":
            pts.append(np.linspace(*self.peak_between_s, 61))
            pts.append([self.falls_below_by_s])
        else:
            pts.append([self.until_s])
        return np.unique(np.concatenate([np.asarray(p, dtype=float) for p in pts]))

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.file and self.line else (self.file or "")


# --------------------------------------------------------------------------- helpers

class _Ctx:
    """Problems of one observation (or one experiment), located in one file."""

    def __init__(self, file: str | None, item: str | None, line: int | None = None):
        self.file = file
        self.item = item
        self.line = line
        self.problems: list[Problem] = []

    def where(self, obj: Any = None, key: str | None = None, fld: str | None = None) -> Problem:
        line = line_of(obj, key) if obj is not None else None
        return Problem("", file=self.file, line=line or self.line, item=self.item,
                       field=fld if fld is not None else key)

    def add(self, msg: str, obj: Any = None, key: str | None = None, fld: str | None = None):
        w = self.where(obj, key, fld)
        self.problems.append(Problem(msg, file=w.file, line=w.line, item=w.item, field=w.field))

    def take(self, exc: InputError, default_where: Problem):
        """Record the problems of ``exc``, filling in location parts they lack."""
        for p in exc.problems:
            self.problems.append(Problem(p.message, file=p.file or default_where.file,
                                         line=p.line or default_where.line,
                                         item=p.item or default_where.item,
                                         field=p.field or default_where.field,
                                         severity=p.severity))


def _join(prefix: str | None, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _check_shape(ctx: _Ctx, shape: type[Shape], obj: Mapping, prefix: str | None,
                 what: str) -> set[str]:
    """Report every unknown key and wrongly typed value of ``obj`` (located); the keys of
    the wrongly typed values, which the meaning pass then skips."""
    bad = set()
    lines = {str(k): k for k in obj}  # the key as written (YAML keys may be numbers)
    for key, message in shape_errors(shape, obj, what):
        ctx.add(message, obj, lines.get(key, key), _join(prefix, key))
        if key in shape.model_fields or key in allowed_keys(shape):
            bad.add(key)
    return bad


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _number(ctx: _Ctx, obj: Mapping, key: str, fld: str, *, lo: float | None = None,
            hi: float | None = None, lo_open: bool = False, hi_open: bool = False,
            meaning: str = "") -> float | None:
    v = obj[key]
    if not is_finite_number(v):
        ctx.add(f"expected a plain number{meaning}, got {v!r}", obj, key, fld)
        return None
    v = float(v)
    bad_lo = lo is not None and (v <= lo if lo_open else v < lo)
    bad_hi = hi is not None and (v >= hi if hi_open else v > hi)
    if bad_lo or bad_hi:
        lo_s = "" if lo is None else ("> " if lo_open else ">= ") + f"{lo:g}"
        hi_s = "" if hi is None else ("< " if hi_open else "<= ") + f"{hi:g}"
        rng = " and ".join(s for s in (lo_s, hi_s) if s)
        ctx.add(f"{v:g} is out of range: expected a number {rng}{meaning}", obj, key, fld)
        return None
    return v


def _time(ctx: _Ctx, value: Any, obj: Mapping, key: str, fld: str) -> float | None:
    try:
        q = parse_quantity(value, where=ctx.where(obj, key, fld), kind="time")
    except InputError as exc:
        ctx.take(exc, ctx.where(obj, key, fld))
        return None
    s = to_seconds(q)
    if s > LIMITS["time_s"]:
        ctx.add(f"time {value!r} is longer than a year; is the unit right?", obj, key, fld)
        return None
    return s


def _time_pair(ctx: _Ctx, obj: Mapping, key: str, fld: str) -> tuple[float, float] | None:
    v = obj[key]
    if not isinstance(v, list) or len(v) != 2:
        ctx.add(f"expected two times [start, end] such as [0 h, 4 h], got {v!r}", obj, key, fld)
        return None
    a = _time(ctx, v[0], obj, key, fld)
    b = _time(ctx, v[1], obj, key, fld)
    if a is None or b is None:
        return None
    if not b > a:
        ctx.add(f"end {v[1]!r} must come after start {v[0]!r}", obj, key, fld)
        return None
    return (a, b)


def _str_list(ctx: _Ctx, obj: Mapping, key: str, fld: str) -> tuple[str, ...] | None:
    v = obj[key]
    items = v if isinstance(v, list) else [v]
    out = []
    for x in items:
        if isinstance(x, bool) or not isinstance(x, (str, int)) or str(x).strip() == "":
            ctx.add(f"expected a string or a list of strings, got {x!r}", obj, key, fld)
            return None
        out.append(str(x).strip())
    return tuple(out)


# --------------------------------------------------------------------------- experiments

def _catalog(catalog):
    if catalog is None:
        from ..knowledge import default_catalog
        catalog = default_catalog()
    return catalog


def _parse_experiment(obj: Any, ctx: _Ctx, catalog, prefix: str) -> Experiment | None:
    """Parse one experiment mapping; problems go to ``ctx``; None when any was found."""
    n_before = len(ctx.problems)
    if obj is None:
        obj = {}
    if not isinstance(obj, Mapping):
        ctx.add("expected an experiment mapping with cell, stimuli, conditions, perturbations; "
                f"got {type(obj).__name__} {obj!r}", fld=prefix)
        return None
    bad = _check_shape(ctx, _ExperimentShape, obj, prefix, "an experiment")

    cell = "generic"
    if obj.get("cell") is not None:
        fld = _join(prefix, "cell")
        try:
            cell = catalog.contexts.resolve(obj["cell"], where=ctx.where(obj, "cell", fld))
        except InputError as exc:
            ctx.take(exc, ctx.where(obj, "cell", fld))

    stimuli: dict[str, float] = {}
    raw = obj.get("stimuli")
    if raw and "stimuli" not in bad:
        for name, dose in raw.items():
            fld = _join(prefix, f"stimuli.{name}")
            where = ctx.where(raw, str(name), fld)
            try:
                sym = catalog.stimuli.resolve(str(name), where=where)
                q = parse_quantity(dose, where=where, kind="concentration")
                ent = catalog.kb.entities.get(sym)
                nM = to_molar_nM(q, ent.mw_kda if ent else None, what=sym, where=where)
            except InputError as exc:
                ctx.take(exc, where)
                continue
            if nM > LIMITS["stimulus_nM"]:
                ctx.add(f"dose {dose!r} of {sym} is {nM:.3g} nM, above 1 mM: not a plausible "
                        "cytokine dose; check the unit", raw, str(name), fld)
            elif sym in stimuli:
                ctx.add(f"{sym} is given twice (as different spellings)", raw, str(name), fld)
            else:
                stimuli[sym] = _round(nM)

    conditions: dict[str, float] = {}
    raw = obj.get("conditions")
    if raw and "conditions" not in bad:
        for name, value in raw.items():
            fld = _join(prefix, f"conditions.{name}")
            where = ctx.where(raw, str(name), fld)
            try:
                cond = catalog.conditions.resolve(str(name), where=where)
                unit, mw = _CONDITION_UNITS[cond]
                if unit == "%":
                    q = parse_quantity(value, where=where, kind="percent")
                    v = float(q.magnitude)
                else:
                    q = parse_quantity(value, where=where, kind="concentration")
                    v = to_molar_nM(q, mw, what=cond, where=where) / (1e6 if unit == "mM" else 1.0)
            except InputError as exc:
                ctx.take(exc, where)
                continue
            if v > LIMITS[cond]:
                ctx.add(f"{cond} {value!r} is above {LIMITS[cond]:g} {unit}: not a plausible "
                        "value; check the unit", raw, str(name), fld)
            elif cond in conditions:
                ctx.add(f"{cond} is given twice", raw, str(name), fld)
            else:
                conditions[cond] = _round(v)

    perturbations: list[Perturbation] = []
    raw = obj.get("perturbations")
    if raw and "perturbations" not in bad:
        seen: dict[str, str] = {}
        for i, item in enumerate(raw):
            p = _parse_perturbation(item, ctx, catalog, f"{_join(prefix, 'perturbations')}[{i}]",
                                    obj)
            if p is None:
                continue
            if p.target in seen:
                ctx.add(f"{p.target} is perturbed twice ({seen[p.target]} and {p.kind})",
                        item if isinstance(item, Mapping) else obj, p.kind,
                        f"{_join(prefix, 'perturbations')}[{i}]")
                continue
            seen[p.target] = p.kind
            perturbations.append(p)

    if len(ctx.problems) > n_before:
        return None
    return Experiment(cell=cell, stimuli=tuple(sorted(stimuli.items())),
                      conditions=tuple(sorted(conditions.items())),
                      perturbations=tuple(sorted(perturbations, key=lambda p: (p.kind, p.target))))


def _parse_perturbation(item: Any, ctx: _Ctx, catalog, fld: str, parent: Mapping
                        ) -> Perturbation | None:
    if not isinstance(item, Mapping):
        ctx.add(f"expected a perturbation mapping such as {{knockdown: STAT3, efficiency: 0.9}}, "
                f"got {item!r}", parent, "perturbations", fld)
        return None
    kinds = [k for k in item if k in PERTURBATION_KINDS]
    if len(kinds) != 1:
        found = f"got {', '.join(map(str, kinds))}" if kinds else f"got keys {list(item)}"
        ctx.add(f"a perturbation names exactly one of {', '.join(PERTURBATION_KINDS)}; {found}",
                item, None, fld)
        return None
    kind = kinds[0]
    n_before = len(ctx.problems)
    _check_shape(ctx, _PERTURBATION_SHAPES[kind], item, fld, f"a {kind} perturbation")
    where = ctx.where(item, kind, f"{fld}.{kind}")
    try:
        if kind == "drug":
            target = catalog.drugs.resolve(item[kind], where=where)
        else:
            target = catalog.entities.resolve(item[kind], where=where)
            ent = catalog.kb.entities.get(target)
            if ent is not None and ent.kind in ("condition", "phenotype"):
                ctx.add(f"{target} is a {ent.kind}, not a gene product; it cannot take a "
                        f"{kind} perturbation", item, kind, f"{fld}.{kind}")
    except InputError as exc:
        ctx.take(exc, where)
        return None
    if kind == "knockdown":
        eff = 0.8
        if "efficiency" in item:
            eff = _number(ctx, item, "efficiency", f"{fld}.efficiency", lo=0.0, hi=1.0,
                          meaning=" (the fraction of expression removed, 0..1)")
        return None if eff is None or len(ctx.problems) > n_before else \
            Perturbation("knockdown", target, efficiency=eff)
    if kind == "overexpress":
        fold = 5.0
        if "fold" in item:
            fold = _number(ctx, item, "fold", f"{fld}.fold", lo=0.0, lo_open=True,
                           hi=LIMITS["overexpress_fold"], meaning=" (fold over basal expression)")
        return None if fold is None or len(ctx.problems) > n_before else \
            Perturbation("overexpress", target, fold=fold)
    if kind == "drug":
        if "dose" not in item:
            ctx.add(f"drug {target} needs a dose, e.g. 'dose: 1 uM'", item, kind, f"{fld}.dose")
            return None
        dwhere = ctx.where(item, "dose", f"{fld}.dose")
        try:
            q = parse_quantity(item["dose"], where=dwhere, kind="concentration")
            nM = to_molar_nM(q, catalog.kb.drugs[target].mw_kda, what=target, where=dwhere)
        except InputError as exc:
            ctx.take(exc, dwhere)
            return None
        if nM > LIMITS["drug_nM"]:
            ctx.add(f"dose {item['dose']!r} of {target} is above 1 M: check the unit",
                    item, "dose", f"{fld}.dose")
            return None
        return None if len(ctx.problems) > n_before else \
            Perturbation("drug", target, dose_nM=_round(nM))
    return None if len(ctx.problems) > n_before else Perturbation("knockout", target)


def parse_experiment(mapping: Any, where: Problem | None = None, catalog=None) -> Experiment:
    """Parse one experiment mapping into model units.

    ``where`` locates it (file, line, item; ``where.field`` is the prefix of field names,
    e.g. ``'test'``). Raises ExperimentError listing every problem found.

    >>> parse_experiment({'cell': 'hepatocyte', 'stimuli': {'IL-6': '10 nM'}}).stimuli
    (('IL6', 10.0),)
    """
    w = where or Problem("")
    ctx = _Ctx(w.file, w.item, w.line)
    exp = _parse_experiment(mapping, ctx, _catalog(catalog), w.field or "")
    if exp is None:
        raise ExperimentError(ctx.problems)
    return exp


def _written(value: Any) -> str:
    """A dose as the user gave it: text as it is, a pint quantity as ``10 ng/mL``."""
    import pint

    return format_quantity(value) if isinstance(value, pint.Quantity) else str(value)


def describe_as_written(mapping: Any) -> str:
    """An experiment mapping in one line with its doses as written, for people:
    ``lung_cancer, IL11 20 ng/mL, glucose 0.5 mM, knockdown IL11RA (0.8)`` (where
    :meth:`Experiment.describe` shows the converted model units, ``IL11 1.01 nM``)."""
    if not isinstance(mapping, Mapping):
        return "" if mapping is None else str(mapping)
    parts = [str(mapping.get("cell") or "generic")]
    for key in ("stimuli", "conditions"):
        raw = mapping.get(key)
        if isinstance(raw, Mapping):
            parts += [f"{k} {_written(v)}" for k, v in raw.items()]
    for item in mapping.get("perturbations") or ():
        if not isinstance(item, Mapping):
            parts.append(str(item))
            continue
        kind = next((k for k in item if k in PERTURBATION_KINDS), None)
        if kind is None:
            parts.append(str(dict(item)))
        elif kind == "drug":
            parts.append(f"{item[kind]} {_written(item.get('dose', ''))}".strip())
        else:
            extra = [f"{item[k]}" for k in _PERTURBATION_EXTRAS[kind] if k in item]
            if kind == "knockdown" and not extra:
                extra = ["0.8"]
            if kind == "overexpress":
                extra = [f"x{e}" for e in (extra or ["5"])]
            parts.append(f"{kind} {item[kind]}" + (f" ({extra[0]})" if extra else ""))
    return ", ".join(parts)


# --------------------------------------------------------------------------- readouts

def parse_readout(text: Any, where: Problem | None = None, catalog=None) -> Readout:
    """``'phospho:STAT3'`` -> Readout('phospho', 'STAT3'); aliases resolve (``phospho:ERK``)."""
    w = where or Problem("")

    def fail(msg: str) -> ExperimentError:
        return ExperimentError(Problem(msg, file=w.file, line=w.line, item=w.item, field=w.field))

    if not isinstance(text, str) or text.count(":") != 1:
        raise fail(f"expected KIND:ENTITY such as 'phospho:STAT3' or 'mRNA:SOCS3', got {text!r}")
    kind, name = (s.strip() for s in text.split(":"))
    canon = {k.lower(): k for k in READOUT_KINDS}
    if kind.lower() not in canon:
        close = difflib.get_close_matches(kind.lower(), list(canon), n=1, cutoff=0.6)
        hint = f"; did you mean '{canon[close[0]]}'?" if close else ""
        raise fail(f"unknown readout kind {kind!r}{hint} (expected one of "
                   f"{', '.join(READOUT_KINDS)})")
    kind = canon[kind.lower()]
    cat = _catalog(catalog)
    index = cat.phenotypes if kind == "phenotype" else cat.entities
    return Readout(kind, index.resolve(name, where=w))


# --------------------------------------------------------------------------- observations

def parse_observation(obj: Any, file: str | None = None, catalog=None, index: int = 0
                      ) -> tuple[Observation | None, list[Problem]]:
    """Parse one observation mapping; returns (observation or None, its problems)."""
    catalog = _catalog(catalog)
    label = f"observation #{index + 1}"
    if not isinstance(obj, Mapping):
        return None, [Problem("expected an observation (a mapping with id, claim, source, "
                              f"readout, expect, ...), got {type(obj).__name__} {obj!r}",
                              file=file, item=label)]
    oid = obj.get("id")
    ctx = _Ctx(file, None, line_of(obj))
    if oid is None or oid == "":
        ctx.item = label
        ctx.add("missing required field (a unique kebab-case id)", obj, None, "id")
    elif not isinstance(oid, str) or not _KEBAB.match(oid):
        ctx.item = str(oid) if isinstance(oid, (str, int)) else label
        ctx.add(f"id {oid!r} is not kebab-case (lower-case words joined by '-', e.g. "
                "'il11-induces-mmp12')", obj, "id")
    else:
        ctx.item = oid
    bad = _check_shape(ctx, _ObservationShape, obj, None, "an observation")

    def present(key: str) -> bool:
        return key in obj and obj[key] is not None

    def missing(key: str, what: str) -> None:
        ctx.add(f"missing required field ({what})", obj, None, key)

    # ---- text and source
    claim = obj.get("claim")
    if not present("claim"):
        missing("claim", "one sentence stating the published finding")
    note = "" if "note" in bad else (obj.get("note") or "")
    source = _parse_source(obj, ctx) if present("source") else None
    if not present("source"):
        missing("source", "{doi: ...} or {pmid: ...}")

    # ---- readout
    readout = None
    if not present("readout"):
        missing("readout", "KIND:ENTITY such as 'phospho:STAT3'")
    else:
        w = ctx.where(obj, "readout")
        try:
            readout = parse_readout(obj["readout"], w, catalog)
        except InputError as exc:
            ctx.take(exc, w)

    # ---- expectation
    expect = obj.get("expect")
    if not present("expect"):
        missing("expect", "one of " + ", ".join(EXPECTATIONS))
        expect = None
    elif expect not in EXPECTATIONS:
        ctx.add(f"unknown expectation {expect!r}{_suggest(expect, EXPECTATIONS)} "
                f"(expected one of {', '.join(EXPECTATIONS)})", obj, "expect")
        expect = None

    # ---- experiments: parse every one given, then check against the expectation
    exps: dict[str, Experiment | None] = {}
    for role in _ALL_ROLES:
        if role in obj:
            exps[role] = _parse_experiment(obj[role], _Sub(ctx, obj, role), catalog, role)
    if expect is not None:
        needed, optional, thresholds = _ROLES[expect]
        for role in needed:
            if role not in obj:
                extra = _EXPERIMENT_NOTE.get(expect, "") if role == "experiment" else ""
                ctx.add(f"missing required field: expect {expect!r} needs "
                        f"{', '.join(needed)}{extra}", obj, None, role)
        takes = ", ".join(needed) + "".join(f", optional {r}" for r in optional)
        for role in _ALL_ROLES:
            if role in obj and role not in needed + optional:
                ctx.add(f"{role!r} is not used with expect {expect!r} (it takes {takes})",
                        obj, role)
        for t in _ALL_THRESHOLDS:
            if t in obj and t not in thresholds:
                ctx.add(f"{t!r} is not a threshold of expect {expect!r} (it takes "
                        f"{', '.join(thresholds)})", obj, t)
        if "scan" in obj and expect not in _SCANNED:
            ctx.add(f"'scan' is not used with expect {expect!r} (only ec50 and ic50 scan a dose)",
                    obj, "scan")

    # ---- when the readout is taken
    statistic, at_s, window_s = "at", None, None
    if expect in ("transient", "sustained"):
        statistic = "trace"
        for k in ("at", "statistic", "window"):
            if k in obj:
                ctx.add(f"{k!r} is not used with expect {expect!r}, which judges the time course "
                        "(use peak_between/falls_below or until)", obj, k)
    elif expect == "peak_time":
        statistic = "trace"
        if "at" in obj:
            ctx.add("'at' is not used with expect 'peak_time', which takes the time of the "
                    "maximum over 'window' (default [0 h, 24 h])", obj, "at")
        if present("statistic") and obj["statistic"] != "max":
            ctx.add(f"expect 'peak_time' takes the maximum over 'window'; statistic may only be "
                    f"'max', got {obj['statistic']!r}", obj, "statistic")
        window_s = (_time_pair(ctx, obj, "window", "window") if present("window")
                    else DEFAULT_PEAK_WINDOW_S)
    elif expect == "fraction_of_peak":
        statistic = "trace"
        for k in ("statistic", "window"):
            if k in obj:
                ctx.add(f"{k!r} is not used with expect 'fraction_of_peak', which divides the "
                        "value at 'at' by the maximum over [0, at]", obj, k)
        if not present("at"):
            missing("at", "a time such as '4 h': expect 'fraction_of_peak' divides the value "
                          "at 'at' by the maximum over [0, at]")
        else:
            at_s = _time(ctx, obj["at"], obj, "at", "at")
            if at_s is not None and at_s <= 0:
                ctx.add("at must be after t = 0", obj, "at")
                at_s = None
    else:
        if present("statistic"):
            stat = obj["statistic"]
            if stat not in STATISTICS:
                ctx.add(f"expected 'max' or 'auc' (with a window), got {stat!r}", obj, "statistic")
            else:
                statistic = stat
            if present("at"):
                ctx.add("give either 'at' or 'statistic' with 'window', not both", obj, "at")
            if not present("window"):
                ctx.add(f"statistic {stat!r} needs a window such as [0 h, 4 h]", obj, None,
                        "window")
            else:
                window_s = _time_pair(ctx, obj, "window", "window")
        elif present("window"):
            ctx.add("a window needs 'statistic: max' or 'statistic: auc'", obj, "window")
        elif present("at"):
            at_s = _time(ctx, obj["at"], obj, "at", "at")
        elif readout is not None:
            at_s = DEFAULT_READOUT_TIME_S[readout.kind]

    # ---- quantitative kinds (v1.1): the scan and the range
    quant: dict[str, Any] = {}
    if expect in _SCANNED:
        if not present("scan"):
            missing("scan", f"expect {expect!r} needs {{{_SCANNED[expect]}: NAME, from: DOSE, "
                            "to: DOSE}")
        else:
            quant["scan"] = _parse_scan(ctx, obj, expect, catalog)
            _check_scanned_not_dosed(ctx, obj, quant["scan"], exps.get("experiment"), catalog)
    if expect in QUANTITATIVE:
        if not present("within"):
            missing("within", f"a range [LOW, HIGH] such as {_WITHIN_EXAMPLE[expect]}")
        else:
            rng = _parse_within(ctx, obj, expect, quant.get("scan"), catalog)
            if rng is not None:
                quant["within"], quant["within_unit"], quant["within_scale"] = rng
    if expect == "ic50" and exps.get("baseline") is None and exps.get("experiment") is not None:
        # default baseline: the experiment without its stimuli
        exps["baseline"] = replace(exps["experiment"], stimuli=())

    # ---- thresholds
    vals: dict[str, Any] = {}
    if expect in ("increase", "decrease") and present("fold"):
        vals["fold"] = _number(ctx, obj, "fold", "fold", lo=1.0,
                               meaning=" (a fold change, e.g. 2)")
    if expect == "no_change" and present("tolerance"):
        vals["tolerance"] = _number(ctx, obj, "tolerance", "tolerance", lo=1.0,
                                    meaning=" (test/control must lie in [1/tolerance, tolerance])")
    if expect == "abrogates" and present("by"):
        vals["by"] = _number(ctx, obj, "by", "by", lo=0.0, hi=1.0, lo_open=True,
                             meaning=" (the fraction of the control's rise removed)")
    if expect == "transient":
        if not present("peak_between"):
            missing("peak_between", "two times such as [10 min, 60 min]")
        else:
            vals["peak_between_s"] = _time_pair(ctx, obj, "peak_between", "peak_between")
        if not present("falls_below"):
            missing("falls_below", "{fraction: 0.5, by: 4 h}")
        else:
            fb = obj["falls_below"]
            if "falls_below" not in bad:
                _check_shape(ctx, _FallsBelowShape, fb, "falls_below", "falls_below")
                if "by" not in fb:
                    ctx.add("missing required field (a time such as '4 h')", fb, None,
                            "falls_below.by")
                else:
                    vals["falls_below_by_s"] = _time(ctx, fb["by"], fb, "by", "falls_below.by")
                vals["falls_below_fraction"] = (
                    _number(ctx, fb, "fraction", "falls_below.fraction", lo=0.0, hi=1.0,
                            lo_open=True, hi_open=True, meaning=" (a fraction of the peak)")
                    if "fraction" in fb else DEFAULT_THRESHOLDS["fraction"])
                pb, by_s = vals.get("peak_between_s"), vals.get("falls_below_by_s")
                if pb and by_s is not None and by_s <= pb[0]:
                    ctx.add("the time to fall below must come after the start of peak_between",
                            fb, "by", "falls_below.by")
    if expect == "sustained":
        if not present("until"):
            missing("until", "a time such as '4 h'")
        else:
            vals["until_s"] = _time(ctx, obj["until"], obj, "until", "until")
            if vals["until_s"] is not None and vals["until_s"] <= 0:
                ctx.add("until must be after t = 0", obj, "until")
        if present("fraction"):
            vals["fraction"] = _number(ctx, obj, "fraction", "fraction", lo=0.0, hi=1.0,
                                       lo_open=True, meaning=" (a fraction of the peak)")

    if ctx.problems:
        return None, ctx.problems
    return Observation(
        id=oid, claim=claim.strip(), source=source, readout=readout, expect=expect,
        statistic=statistic, at_s=at_s, window_s=window_s,
        test=exps.get("test"), control=exps.get("control"), baseline=exps.get("baseline"),
        experiment=exps.get("experiment"), note=note.strip(), file=file, line=line_of(obj),
        as_written=tuple((r, describe_as_written(obj[r])) for r in _ALL_ROLES if r in obj),
        **vals, **quant,
    ), []


class _Sub(_Ctx):
    """A view of an observation's context for one of its experiments (shares the problems)."""

    def __init__(self, parent: _Ctx, obj: Mapping, role: str):
        super().__init__(parent.file, parent.item, line_of(obj, role) or parent.line)
        self.problems = parent.problems


def _parse_source(obj: Mapping, ctx: _Ctx) -> Source | None:
    src = obj["source"]
    if isinstance(src, str):
        src = {"doi": src} if _DOI.match(src.strip()) else None
    if not isinstance(src, Mapping):
        ctx.add(f"expected {{doi: ..., pmid: ..., seed: ..., note: ...}}, got {obj['source']!r}",
                obj, "source")
        return None
    n = len(ctx.problems)
    bad = _check_shape(ctx, _SourceShape, src, "source", "a source")
    out: dict[str, Any] = {}
    for key in ("doi", "pmid", "seed"):
        if src.get(key) is not None:
            vals = _str_list(ctx, src, key, f"source.{key}")
            if vals is None:
                continue
            for v in vals:
                if key == "doi" and not _DOI.match(v):
                    ctx.add(f"{v!r} is not a DOI (expected '10.NNNN/...')", src, key,
                            "source.doi")
                if key == "pmid" and not v.isdigit():
                    ctx.add(f"{v!r} is not a PubMed id (expected digits)", src, key,
                            "source.pmid")
            out[key] = vals
    note = src.get("note")
    if note and "note" not in bad:
        out["note"] = note.strip()
    if not out and len(ctx.problems) == n:
        ctx.add("a source needs at least one of doi, pmid, seed or note", obj, "source")
    return Source(**out) if len(ctx.problems) == n else None


# --------------------------------------------------------------------------- v1.1 scans, ranges

def _scan_mw(kind: str, name: str, catalog) -> float | None:
    """Molecular weight (kDa) of a scanned stimulus or drug, for mass doses."""
    if kind == "drug":
        return catalog.kb.drugs[name].mw_kda
    ent = catalog.kb.entities.get(name)
    return ent.mw_kda if ent else None


def _parse_scan(ctx: _Ctx, obj: Mapping, expect: str, catalog) -> Scan | None:
    """``scan: {stimulus|drug: NAME, from: DOSE, to: DOSE, points: N}``; None on problems."""
    raw = obj["scan"]
    want = _SCANNED[expect]
    example = (f"{{{want}: {'IL6' if want == 'stimulus' else 'ruxolitinib'}, from: "
               f"{'0.001 ng/mL' if want == 'stimulus' else '1 nM'}, to: "
               f"{'1000 ng/mL' if want == 'stimulus' else '10 uM'}}}")
    if not isinstance(raw, Mapping):
        ctx.add(f"expected a scan mapping such as {example}, got {raw!r}", obj, "scan")
        return None
    n_before = len(ctx.problems)
    _check_shape(ctx, _ScanShape, raw, "scan", "a scan")
    kinds = [k for k in ("stimulus", "drug") if k in raw]
    name = None
    if len(kinds) != 1:
        found = "got both" if kinds else f"got keys {[str(k) for k in raw]}"
        ctx.add(f"a scan names exactly one of stimulus, drug; {found} (expected e.g. {example})",
                obj, "scan")
    elif kinds[0] != want:
        other = "ec50" if want == "drug" else "ic50"
        ctx.add(f"expect {expect!r} scans a {want} ({example}), got {kinds[0]} "
                f"{raw[kinds[0]]!r} (a {kinds[0]} dose is scanned with expect {other!r})",
                raw, kinds[0], f"scan.{kinds[0]}")
    else:
        where = ctx.where(raw, want, f"scan.{want}")
        index = catalog.stimuli if want == "stimulus" else catalog.drugs
        try:
            name = index.resolve(raw[want], where=where)
        except InputError as exc:
            ctx.take(exc, where)

    doses: dict[str, float] = {}
    for key in ("from", "to"):
        fld = f"scan.{key}"
        if raw.get(key) is None:
            ctx.add("missing required field (a dose such as "
                    f"'{'0.001 ng/mL' if want == 'stimulus' else '1 nM'}')", raw, None, fld)
            continue
        where = ctx.where(raw, key, fld)
        try:
            q = parse_quantity(raw[key], where=where, kind="concentration")
            if q.magnitude <= 0:
                ctx.add(f"{key} {raw[key]!r} must be above zero: the doses of a scan are "
                        "log-spaced (the zero dose is always run as well)", raw, key, fld)
                continue
            if name is None:
                continue  # the name is wrong: it is reported; mass doses cannot be converted
            doses[key] = to_molar_nM(q, _scan_mw(want, name, catalog), what=name, where=where)
        except InputError as exc:
            ctx.take(exc, where)
    if "from" in doses and "to" in doses:
        limit = LIMITS["stimulus_nM" if want == "stimulus" else "drug_nM"]
        if doses["to"] <= doses["from"]:
            ctx.add(f"to {raw['to']!r} must be above from {raw['from']!r}", raw, "to", "scan.to")
        elif doses["to"] > limit:
            ctx.add(f"to {raw['to']!r} of {name} is {doses['to']:.3g} nM, above "
                    f"{'1 mM: not a plausible cytokine dose' if want == 'stimulus' else '1 M'}; "
                    "check the unit", raw, "to", "scan.to")

    points = DEFAULT_SCAN_POINTS
    if "points" in raw:
        v = raw["points"]
        ok = is_finite_number(v) and float(v).is_integer()
        if not ok or not 2 <= v <= LIMITS["scan_points"]:
            ctx.add(f"expected a whole number of doses from 2 to {LIMITS['scan_points']}, "
                    f"got {v!r}", raw, "points", "scan.points")
        else:
            points = int(v)
    if len(ctx.problems) > n_before or name is None:
        return None
    return Scan(want, name, _round(doses["from"]), _round(doses["to"]), points)


def _check_scanned_not_dosed(ctx: _Ctx, obj: Mapping, scan: Scan | None,
                             exp: Experiment | None, catalog) -> None:
    """The scanned stimulus or drug must not also be given a dose in ``experiment``."""
    if scan is None or exp is None:
        return
    raw = obj["experiment"]
    if scan.kind == "stimulus":
        if scan.name not in dict(exp.stimuli):
            return
        stim = raw["stimuli"]
        key = next(str(k) for k in stim if catalog.stimuli.lookup(str(k)) == {scan.name})
        ctx.add(f"{scan.name} is the scanned stimulus (scan.stimulus), so 'experiment' must not "
                f"also give it a dose; got {stim[key]!r} (remove it from the experiment)",
                stim, key, f"experiment.stimuli.{key}")
        return
    if not any(p.kind == "drug" and p.target == scan.name for p in exp.perturbations):
        return
    for i, item in enumerate(raw["perturbations"]):
        if isinstance(item, Mapping) and "drug" in item and \
                catalog.drugs.lookup(str(item["drug"])) == {scan.name}:
            ctx.add(f"{scan.name} is the scanned drug (scan.drug), so 'experiment' must not also "
                    f"give it a dose; got {item.get('dose')!r} (remove it from the experiment)",
                    item, "drug", f"experiment.perturbations[{i}]")


_QUANTITY_TEXT = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*(.*?)\s*$")


def _parse_within(ctx: _Ctx, obj: Mapping, expect: str, scan: Scan | None, catalog
                  ) -> tuple[tuple[float, float], str, float] | None:
    """``within: [LOW, HIGH]`` -> ((low, high) in the low end's unit, that unit, model units
    per unit); None on problems. Doses for ec50/ic50, times for peak_time, plain numbers for
    ratio and fraction_of_peak."""
    v = obj["within"]
    example = _WITHIN_EXAMPLE[expect]
    if not isinstance(v, list) or len(v) != 2:
        ctx.add(f"expected a range [LOW, HIGH] such as {example}, got {v!r}", obj, "within")
        return None
    n_before = len(ctx.problems)
    if expect in ("ratio", "fraction_of_peak"):
        what = "a ratio" if expect == "ratio" else "a fraction of the peak"
        ends = []
        for x in v:
            if not is_finite_number(x) or x < 0:
                ctx.add(f"expected two plain numbers >= 0 such as {example} ({what} has no "
                        f"unit), got {x!r}", obj, "within")
            else:
                ends.append(float(x))
        if len(ends) < 2:
            return None
        low, high = ends
        unit, scale = "", 1.0
        if expect == "fraction_of_peak" and low > 1:
            ctx.add(f"low {v[0]!r} is above 1: the value divided by the peak is at most 1",
                    obj, "within")
    else:
        kind = "time" if expect == "peak_time" else "concentration"
        where = ctx.where(obj, "within")
        qs = []
        for x in v:
            try:
                qs.append(parse_quantity(x, where=where, kind=kind))
            except InputError as exc:
                ctx.take(exc, where)
        if len(qs) < 2:
            return None
        unit = _QUANTITY_TEXT.match(v[0]).group(1)
        if kind == "time":
            to_model = to_seconds
        elif scan is None:
            if not all(q.check("[substance]/[length]**3") for q in qs):
                return None  # mass doses need the scanned name, whose problem is reported
            to_model = to_molar_nM
        else:
            mw = _scan_mw(scan.kind, scan.name, catalog)

            def to_model(q):
                return to_molar_nM(q, mw, what=scan.name, where=where)
        try:
            scale = to_model(Q_(1.0, qs[0].units))
            low = float(qs[0].magnitude)
            high = to_model(qs[1]) / scale
        except InputError as exc:
            ctx.take(exc, where)
            return None
    if low > high:
        ctx.add(f"low {v[0]!r} is above high {v[1]!r} (expected [LOW, HIGH])", obj, "within")
    if len(ctx.problems) > n_before:
        return None
    return (low, _round(high)), unit, _round(scale)


def _read(source: Any) -> tuple[list[tuple[Any, str | None]], list[Problem]]:
    """(items with their file, problems) from a path, a list of paths, or loaded data."""
    if isinstance(source, (str, Path)):
        path = str(source)
        try:
            data = load_yaml(path)
        except InputError as exc:
            return [], list(exc.problems)
        return _items(data, path)
    if isinstance(source, list) and source and all(isinstance(s, (str, Path)) for s in source):
        items, problems = [], []
        for s in source:
            i, p = _read(s)
            items += i
            problems += p
        return items, problems
    return _items(source, None)


def _items(data: Any, file: str | None) -> tuple[list[tuple[Any, str | None]], list[Problem]]:
    if data is None:
        return [], [Problem("the file holds no observations", file=file)]
    if isinstance(data, Mapping):
        extra = [k for k in data if k != "observations"]
        problems = [Problem(f"unknown top-level key {k!r}; expected a list of observations or "
                            "a mapping with the single key 'observations'", file=file,
                            line=line_of(data, str(k)), field=str(k)) for k in extra]
        if "observations" not in data:
            problems.append(Problem("expected a list of observations or a mapping with key "
                                    "'observations'", file=file, line=line_of(data)))
            return [], problems
        data = data["observations"]
        if not isinstance(data, list):
            return [], problems + [Problem("'observations' must hold a list of observations",
                                           file=file, field="observations")]
        return [(d, file) for d in data], problems
    if isinstance(data, list):
        return [(d, file) for d in data], []
    return [], [Problem(f"expected a list of observations, got {type(data).__name__}",
                        file=file)]


def load_observations(source: Any, catalog=None) -> tuple[list[Observation], list[Problem]]:
    """Load observations from a YAML file, several files, or already loaded data.

    ``source`` is a path, a list of paths, a list of observation mappings, or a mapping
    ``{observations: [...]}``. Returns the observations that parsed cleanly and every
    problem found (file, line, observation id, field); a malformed observation is left
    out of the first list and fully described in the second. Ids must be unique across
    everything loaded in one call.
    """
    catalog = _catalog(catalog)
    items, problems = _read(source)
    if len(items) > limit("items"):
        files = sorted({f for _, f in items if f})
        return [], [*problems, Problem(f"{len(items)} observations is more than "
                                       f"{show(limit('items'))} ({limit_note('items')})",
                                       file=", ".join(files) or None)]
    observations: list[Observation] = []
    first_seen: dict[str, str] = {}
    for i, (obj, file) in enumerate(items):
        oid = obj.get("id") if isinstance(obj, Mapping) else None
        if isinstance(oid, str) and oid in first_seen:
            problems.append(Problem(f"duplicate id {oid!r} (first defined at {first_seen[oid]}); "
                                    "ids must be unique", file=file, line=line_of(obj, "id"),
                                    item=oid, field="id"))
            continue
        obs, probs = parse_observation(obj, file, catalog, index=i)
        if isinstance(oid, str):
            first_seen[oid] = f"{file}:{line_of(obj, 'id')}" if file else f"item {i + 1}"
        problems += probs
        if obs is not None:
            observations.append(obs)
    return observations, problems
