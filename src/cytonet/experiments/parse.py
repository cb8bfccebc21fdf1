"""Parse experiments and observations written in the shared format (spec/experiments.md, v1).

Two entry points:

- :func:`parse_experiment` turns one experiment mapping (``cell``, ``stimuli``,
  ``conditions``, ``perturbations``) into a typed :class:`~cytonet.experiments.types.Experiment`
  in model units, raising :class:`~cytonet.errors.ExperimentError` that lists every problem.
- :func:`load_observations` reads a file (or an already loaded list) of observations and
  returns ``(observations, problems)``: every problem found, each located by file, line,
  observation id and field; one bad observation never stops the others from loading.

Parsing runs in two passes per observation: shape (keys, types, units) and meaning (names
resolve in the catalog, the expectation has the experiments and thresholds it needs).
"""

from __future__ import annotations

__all__ = [
    "EXPECTATIONS", "STATISTICS", "DEFAULT_THRESHOLDS", "OBSERVATION_KEYS", "EXPERIMENT_KEYS",
    "PERTURBATION_KINDS", "LIMITS", "Source", "Observation", "parse_experiment",
    "parse_readout", "parse_observation", "load_observations",
]

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._yaml import line_of, load_yaml
from ..errors import ExperimentError, InputError, Problem
from ..units import parse_quantity, to_molar_nM, to_seconds
from .types import DEFAULT_READOUT_TIME_S, READOUT_KINDS, Experiment, Perturbation, Readout

EXPECTATIONS = ("increase", "decrease", "no_change", "abrogates", "transient", "sustained")
STATISTICS = ("max", "auc")
# Default thresholds of the spec's table; an observation may set its own.
DEFAULT_THRESHOLDS = {"fold": 1.5, "tolerance": 1.25, "by": 0.5, "fraction": 0.5}
EXPERIMENT_KEYS = ("cell", "stimuli", "conditions", "perturbations")
PERTURBATION_KINDS = ("knockdown", "knockout", "overexpress", "drug")
_PERTURBATION_EXTRAS = {"knockdown": ("efficiency",), "knockout": (), "overexpress": ("fold",),
                        "drug": ("dose",)}
OBSERVATION_KEYS = ("id", "claim", "source", "note", "readout", "at", "statistic", "window",
                    "test", "control", "baseline", "experiment", "expect", "fold", "tolerance",
                    "by", "peak_between", "falls_below", "until", "fraction")
SOURCE_KEYS = ("doi", "pmid", "seed", "note")

# What each expectation needs (required experiments, allowed experiments, allowed thresholds).
_ROLES = {
    "increase": (("test", "control"), ("fold",)),
    "decrease": (("test", "control"), ("fold",)),
    "no_change": (("test", "control"), ("tolerance",)),
    "abrogates": (("test", "control", "baseline"), ("by",)),
    "transient": (("experiment",), ("peak_between", "falls_below")),
    "sustained": (("experiment",), ("until", "fraction")),
}
_ALL_ROLES = ("test", "control", "baseline", "experiment")
_ALL_THRESHOLDS = ("fold", "tolerance", "by", "peak_between", "falls_below", "until", "fraction")

# Doses beyond these are typing mistakes, not experiments.
LIMITS = {
    "stimulus_nM": 1e6,          # 1 mM of a cytokine
    "drug_nM": 1e9,              # 1 M of a drug
    "glucose": 1000.0,           # mM
    "mannose": 1000.0,           # mM
    "estradiol": 1e6,            # nM (1 mM)
    "oxygen": 100.0,             # percent
    "overexpress_fold": 1e4,
    "time_s": 365 * 86400.0,     # a year
}
# Conditions: model unit and the molecular weight (kDa) used for mass concentrations.
_CONDITION_UNITS = {"glucose": ("mM", 0.18016), "mannose": ("mM", 0.18016),
                    "estradiol": ("nM", 0.27238), "oxygen": ("%", None)}
def _round(x: float) -> float:
    """12 significant digits: '1 uM' and '1000 nM' give the same float (and the same hash)."""
    return float(f"{x:.12g}")


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
class Observation:
    """One published finding, parsed: experiments in model units, times in seconds.

    ``statistic`` is ``'at'`` (value at ``at_s``), ``'max'`` or ``'auc'`` over ``window_s``,
    or ``'trace'`` for ``transient``/``sustained``, which judge the whole time course of
    ``experiment``. Thresholds left ``None`` take the spec's defaults (:meth:`threshold`).
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
    note: str = ""
    file: str | None = None
    line: int | None = None

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

    @property
    def end_s(self) -> float:
        """The last time the expectation needs."""
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
        if self.statistic == "at":
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


def _suggest(key: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _unknown_keys(ctx: _Ctx, obj: Mapping, allowed: Iterable[str], prefix: str | None,
                  what: str) -> None:
    allowed = tuple(allowed)
    for k in obj:
        if k not in allowed:
            ctx.add(f"unknown key {str(k)!r} in {what}{_suggest(k, allowed)} "
                    f"(allowed: {', '.join(allowed)})", obj, str(k), _join(prefix, str(k)))


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _number(ctx: _Ctx, obj: Mapping, key: str, fld: str, *, lo: float | None = None,
            hi: float | None = None, lo_open: bool = False, hi_open: bool = False,
            meaning: str = "") -> float | None:
    v = obj[key]
    if not _is_number(v) or not np.isfinite(v):
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
    _unknown_keys(ctx, obj, EXPERIMENT_KEYS, prefix, "an experiment")

    cell = "generic"
    if obj.get("cell") is not None:
        fld = _join(prefix, "cell")
        try:
            cell = catalog.contexts.resolve(obj["cell"], where=ctx.where(obj, "cell", fld))
        except InputError as exc:
            ctx.take(exc, ctx.where(obj, "cell", fld))

    stimuli: dict[str, float] = {}
    raw = obj.get("stimuli")
    if raw is not None and not isinstance(raw, Mapping):
        ctx.add(f"expected a mapping of stimulus to dose such as {{IL6: 10 ng/mL}}, got {raw!r}",
                obj, "stimuli", _join(prefix, "stimuli"))
    elif raw:
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
    if raw is not None and not isinstance(raw, Mapping):
        ctx.add(f"expected a mapping of condition to value such as {{glucose: 0.5 mM}}, got "
                f"{raw!r}", obj, "conditions", _join(prefix, "conditions"))
    elif raw:
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
    if raw is not None and not isinstance(raw, list):
        ctx.add("expected a list of perturbations such as [{knockdown: STAT3}], got "
                f"{raw!r}", obj, "perturbations", _join(prefix, "perturbations"))
    elif raw:
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
    _unknown_keys(ctx, item, (kind, *_PERTURBATION_EXTRAS[kind]), fld, f"a {kind} perturbation")
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
    _unknown_keys(ctx, obj, OBSERVATION_KEYS, None, "an observation")

    def present(key: str) -> bool:
        return key in obj and obj[key] is not None

    def missing(key: str, what: str) -> None:
        ctx.add(f"missing required field ({what})", obj, None, key)

    # ---- text and source
    claim = obj.get("claim")
    if not present("claim"):
        missing("claim", "one sentence stating the published finding")
    elif not isinstance(claim, str):
        ctx.add(f"expected text, got {claim!r}", obj, "claim")
    note = obj.get("note") or ""
    if not isinstance(note, str):
        ctx.add(f"expected text, got {note!r}", obj, "note")
        note = ""
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
        needed, thresholds = _ROLES[expect]
        for role in needed:
            if role not in obj:
                extra = (" (transient and sustained judge the time course of one 'experiment')"
                         if role == "experiment" else "")
                ctx.add(f"missing required field: expect {expect!r} needs "
                        f"{', '.join(needed)}{extra}", obj, None, role)
        for role in _ALL_ROLES:
            if role in obj and role not in needed:
                ctx.add(f"{role!r} is not used with expect {expect!r} (it takes "
                        f"{', '.join(needed)})", obj, role)
        for t in _ALL_THRESHOLDS:
            if t in obj and t not in thresholds:
                ctx.add(f"{t!r} is not a threshold of expect {expect!r} (it takes "
                        f"{', '.join(thresholds)})", obj, t)

    # ---- when the readout is taken
    statistic, at_s, window_s = "at", None, None
    trace_kind = expect in ("transient", "sustained")
    if trace_kind:
        statistic = "trace"
        for k in ("at", "statistic", "window"):
            if k in obj:
                ctx.add(f"{k!r} is not used with expect {expect!r}, which judges the time course "
                        "(use peak_between/falls_below or until)", obj, k)
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
            if not isinstance(fb, Mapping):
                ctx.add(f"expected {{fraction: 0.5, by: 4 h}}, got {fb!r}", obj, "falls_below")
            else:
                _unknown_keys(ctx, fb, ("fraction", "by"), "falls_below", "falls_below")
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
        **vals,
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
    _unknown_keys(ctx, src, SOURCE_KEYS, "source", "a source")
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
    if note is not None and not isinstance(note, str):
        ctx.add(f"expected text, got {note!r}", src, "note", "source.note")
    elif note:
        out["note"] = note.strip()
    if not out and len(ctx.problems) == n:
        ctx.add("a source needs at least one of doi, pmid, seed or note", obj, "source")
    return Source(**out) if len(ctx.problems) == n else None


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
