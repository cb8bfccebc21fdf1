"""Run observations against the model and collect a scorecard.

:func:`validate_observations` turns the observations into simulation requests, one per
distinct experiment across the whole batch with every readout any observation needs from it
-- observations share controls and baselines, so identical (experiment, readout) pairs are
simulated once -- calls the simulator once with the batch, and judges each observation with
:func:`~cytonet.validation.expectations.verdict`. A failed request that carried several
readouts is retried one readout at a time (one more batch), so a readout the model cannot
produce does not take down the other observations of that experiment. A failed simulation
makes an *error* result for every observation that needed it; the others are judged as
usual. :func:`validate_file` also loads the observations and turns every parse
problem into an error result, so nothing is ever silently skipped.

A dose scan (ec50 / ic50, v1.1) is one experiment per dose plus the zero dose
(:meth:`~cytonet.experiments.parse.Observation.simulations`), in the same de-duplicated
batch as everything else. Quantitative results carry ``fold_error``; the scorecard reports
their median (:attr:`Scorecard.median_fold_error`).

The simulator is ``simulate(requests, workers=None) -> list[Result]`` with results in
request order and failures reported in ``Result.error``; by default it is
``cytonet.experiments.runner.simulate_requests``, imported only when needed.
"""

from __future__ import annotations

__all__ = ["ObservationResult", "Scorecard", "FRAME_COLUMNS", "build_requests",
           "validate_observations", "validate_file"]

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import Problem
from ..experiments.parse import QUANTITATIVE, Observation, Source, load_observations
from ..experiments.types import Experiment, Readout, Request, Result
from .expectations import Trace, format_threshold, format_value, verdict

Simulate = Callable[..., list[Result]]


@dataclass
class ObservationResult:
    """The outcome of one observation: a verdict, or an error saying why it could not run.

    Quantitative kinds (v1.1) give ``value`` in ``unit`` (that of ``within``), ``threshold``
    as ``(low, high)`` and ``fold_error``, the fold the value lies outside the range (0
    inside; NaN when no value could be measured).
    """

    id: str
    passed: bool
    value: float | None = None
    threshold: float | str | tuple[float, float] | None = None
    detail: str = ""
    error: str | None = None
    op: str = ""
    claim: str = ""
    source: Source | None = None
    readout: str = ""
    expect: str = ""
    traces: dict[str, Trace] = field(default_factory=dict)
    observation: Observation | None = None
    problems: list[Problem] = field(default_factory=list)
    file: str | None = None
    line: int | None = None
    unit: str = ""
    fold_error: float | None = None
    ensemble_fraction: float | None = None  # of ensemble members passing (validate --ensemble)

    @property
    def is_quantitative(self) -> bool:
        return self.expect in QUANTITATIVE

    @property
    def status(self) -> str:
        return "ERROR" if self.error is not None else ("PASS" if self.passed else "FAIL")

    def summary(self) -> str:
        """``PASS id: value vs threshold (detail)``; error results list their problems."""
        if self.error is not None:
            return "\n".join(f"ERROR {p}" for p in self.problems) or f"ERROR {self.id}: {self.error}"
        t = format_threshold(self.threshold, self.unit)
        unit = f" {self.unit}" if self.unit and _json_number(self.value) is not None else ""
        return (f"{self.status} {self.id}: {format_value(self.value)}{unit} vs {self.op} {t} "
                f"({self.detail})")

    def as_dict(self) -> dict[str, Any]:
        """The spec's keys; compatible extensions: ``error`` on results that could not be run,
        ``fold_error`` on judged quantitative results (null when unknown or infinite)."""
        if isinstance(self.threshold, str):
            threshold = self.threshold
        elif isinstance(self.threshold, (tuple, list)):
            threshold = [_json_number(x) for x in self.threshold]
        else:
            threshold = _json_number(self.threshold)
        out = {"id": self.id, "passed": bool(self.passed), "value": _json_number(self.value),
               "threshold": threshold, "detail": self.detail}
        if self.error is not None:
            out["error"] = self.error
        elif self.is_quantitative:
            out["fold_error"] = _json_number(self.fold_error)
        return out


#: the columns of :meth:`Scorecard.to_frame`
FRAME_COLUMNS = ("id", "verdict", "passed", "kind", "readout", "claim", "value", "unit", "op",
                 "threshold", "low", "high", "fold_error", "ensemble_fraction", "detail",
                 "error", "doi", "pmid", "source", "file", "line")


def _frame_number(x) -> float:
    """A number for a DataFrame cell: None becomes NaN, infinities stay."""
    return math.nan if x is None else float(x)


def _json_number(x: float | None) -> float | None:
    """JSON has no NaN or infinity: those become null (the detail says why)."""
    if x is None or not math.isfinite(x):
        return None
    return float(x)


@dataclass
class Scorecard:
    """Every observation's result, the located problems, and the time taken."""

    results: list[ObservationResult]
    problems: list[Problem] = field(default_factory=list)
    elapsed_s: float = 0.0
    n_requests: int = 0

    @property
    def passed(self) -> int:
        return sum(r.status == "PASS" for r in self.results)

    @property
    def failed(self) -> int:
        return sum(r.status == "FAIL" for r in self.results)

    @property
    def quantitative(self) -> list[ObservationResult]:
        """The judged (PASS or FAIL) results of quantitative kinds."""
        return [r for r in self.results if r.is_quantitative and r.status != "ERROR"]

    @property
    def median_fold_error(self) -> float | None:
        """Median fold error of the quantitative results that have a value (an infinite fold
        error counts); None when there are none."""
        folds = [r.fold_error for r in self.quantitative
                 if r.fold_error is not None and not math.isnan(r.fold_error)]
        return float(np.median(folds)) if folds else None

    @property
    def errors(self) -> int:
        """Observations that could not be run, plus file-level problems (e.g. bad YAML)."""
        return sum(r.status == "ERROR" for r in self.results) + \
            sum(p.item is None for p in self.problems)

    def as_dict(self) -> dict[str, Any]:
        """``{"passed", "failed", "results": [{id, passed, value, threshold, detail}]}``.

        Compatible extensions: ``errors`` (count), ``problems`` (every located problem as
        text), ``median_fold_error`` (of the quantitative results; null when there are none)
        and ``elapsed_s`` at top level, ``error`` on results that could not be run (those have
        ``passed: false`` and are not counted in ``failed``), ``fold_error`` on quantitative
        results.
        """
        return {"passed": self.passed, "failed": self.failed,
                "results": [r.as_dict() for r in self.results],
                "errors": self.errors, "problems": [str(p) for p in self.problems],
                "median_fold_error": _json_number(self.median_fold_error),
                "elapsed_s": round(self.elapsed_s, 3)}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.as_dict(), indent=indent)

    def to_frame(self):
        """A pandas DataFrame, one row per observation, in :data:`FRAME_COLUMNS` order.

        ``verdict`` is PASS, FAIL or ERROR (``passed`` the same as a bool); ``kind`` the
        observation's ``expect``; ``value`` the measured number in ``unit`` (NaN when there
        is none); ``op`` and ``threshold`` what it was judged against (as text), with ``low``
        and ``high`` the numeric range of quantitative kinds; ``fold_error`` how many fold
        the value lies outside that range (0 inside); ``doi``, ``pmid`` and ``source`` (the
        note) where the observation comes from; ``file`` and ``line`` where it is written;
        ``error`` why an observation could not be run.

        >>> card = Scorecard([
        ...     ObservationResult("il6-pstat3-up", True, value=4.2, threshold=2.0, op=">",
        ...                       expect="increase", readout="phospho:STAT3",
        ...                       source=Source(doi=("10.1042/BJ20030407",))),
        ...     ObservationResult("il6-ec50", False, value=3.1, threshold=(0.01, 1.0),
        ...                       op="within", expect="ec50", unit="nM", fold_error=3.1,
        ...                       readout="phospho:STAT3")])
        >>> df = card.to_frame()
        >>> df[["id", "verdict", "kind", "value", "low", "high", "fold_error"]]
                      id verdict      kind  value   low  high  fold_error
        0  il6-pstat3-up    PASS  increase    4.2   NaN   NaN         NaN
        1       il6-ec50    FAIL      ec50    3.1  0.01   1.0         3.1
        >>> df.loc[0, "doi"], df.loc[1, "threshold"]
        ('10.1042/BJ20030407', '[0.01, 1] nM')
        """
        import pandas as pd

        rows = []
        for r in self.results:
            rng = r.threshold if isinstance(r.threshold, tuple | list) else None
            src = r.source
            rows.append({
                "id": r.id, "verdict": r.status, "passed": r.status == "PASS",
                "kind": r.expect, "readout": r.readout, "claim": r.claim,
                "value": _frame_number(r.value), "unit": r.unit, "op": r.op,
                "threshold": ("" if r.threshold is None
                              else format_threshold(r.threshold, r.unit)),
                "low": _frame_number(rng[0]) if rng else math.nan,
                "high": _frame_number(rng[1]) if rng else math.nan,
                "fold_error": _frame_number(r.fold_error),
                "ensemble_fraction": _frame_number(r.ensemble_fraction),
                "detail": r.detail, "error": r.error or "",
                "doi": "; ".join(src.doi) if src else "",
                "pmid": "; ".join(src.pmid) if src else "",
                "source": src.note if src else "",
                "file": r.file or "", "line": r.line})
        df = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
        df["line"] = df["line"].astype("Int64")
        return df

    def result(self, oid: str) -> ObservationResult:
        for r in self.results:
            if r.id == oid:
                return r
        raise KeyError(oid)


# --------------------------------------------------------------------------- requests

def build_requests(observations: Sequence[Observation]
                   ) -> tuple[list[Request], dict[tuple[Experiment, Readout], int]]:
    """One request per distinct experiment, carrying every readout that any observation needs
    from it, on the union of the observations' time grids.

    Observations share controls and baselines, so this de-duplicates every identical
    (experiment, readout) pair and runs each experiment once; a dose scan contributes one
    experiment per dose and its zero dose (:meth:`Observation.simulations`). Returns the
    requests and the index of each (experiment, readout) pair among them.
    """
    readouts: dict[Experiment, dict[Readout, None]] = {}
    times: dict[Experiment, set[float]] = {}
    for obs in observations:
        grid = obs.sample_times().tolist()
        for exp in obs.simulations().values():
            readouts.setdefault(exp, {})[obs.readout] = None
            times.setdefault(exp, set()).update(grid)
    requests = [Request(experiment=exp, readouts=tuple(sorted(readouts[exp], key=str)),
                        times=tuple(sorted(times[exp]))) for exp in readouts]
    index = {(r.experiment, ro): i for i, r in enumerate(requests) for ro in r.readouts}
    return requests, index


def _call(sim: Simulate, requests: list[Request], workers: int | None
          ) -> tuple[list[Result] | None, str | None]:
    """Run one batch: (results, None) or (None, why the whole batch failed)."""
    try:
        results = list(sim(requests, workers=workers))
    except Exception as exc:  # noqa: BLE001 - a batch boundary: record, never lose the rest
        return None, f"the simulator raised {type(exc).__name__}: {exc}"
    if len(results) != len(requests):
        return None, f"the simulator returned {len(results)} results for {len(requests)} requests"
    return results, None


def _default_simulate() -> Simulate:
    from ..experiments.runner import simulate_requests
    return simulate_requests


def _error_result(obs: Observation, message: str, problems: list[Problem]) -> ObservationResult:
    return ObservationResult(id=obs.id, passed=False, detail=message, error=message,
                             claim=obs.claim, source=obs.source, readout=str(obs.readout),
                             expect=obs.expect, observation=obs, problems=problems,
                             file=obs.file, line=obs.line)


def validate_observations(observations: Sequence[Observation], simulate: Simulate | None = None,
                          workers: int | None = None) -> Scorecard:
    """Simulate and judge ``observations``: one simulator call with the whole batch (plus one
    for per-readout retries of failed multi-readout requests, if any)."""
    t0 = time.perf_counter()
    observations = list(observations)
    requests, index = build_requests(observations)
    batch_error = None
    lookup: dict[tuple[Experiment, Readout], tuple[Request, Result]] = {}
    n_requests = len(requests)
    try:
        sim = simulate if simulate is not None else _default_simulate()
    except ImportError as exc:
        sim = None
        batch_error = f"the simulator is not available: cannot import it ({exc})"
    if sim is not None and requests:
        results, batch_error = _call(sim, requests, workers)
        if results is not None:
            lookup = {key: (requests[i], results[i]) for key, i in index.items()}
            # A failed request with several readouts may have failed for one readout only:
            # run those again one readout at a time (one more batch) so the others survive.
            split = [Request(req.experiment, (ro,), req.times)
                     for req, res in zip(requests, results, strict=True)
                     if res.error is not None and len(req.readouts) > 1 for ro in req.readouts]
            if split:
                again, _ = _call(sim, split, workers)  # if this batch fails, keep the first errors
                n_requests += len(split)
                for req, res in zip(split, again or [None] * len(split), strict=True):
                    if res is not None:
                        lookup[(req.experiment, req.readouts[0])] = (req, res)

    card = Scorecard(results=[], n_requests=n_requests)
    for obs in observations:
        if batch_error is not None:
            p = Problem(batch_error, file=obs.file, line=obs.line, item=obs.id)
            card.results.append(_error_result(obs, batch_error, [p]))
            card.problems.append(p)
            continue
        traces, problems = _traces(obs, lookup)
        if problems:
            msg = "; ".join(f"{p.field}: {p.message}" for p in problems)
            card.results.append(_error_result(obs, msg, problems))
            card.problems += problems
            continue
        v = verdict(obs, traces)
        card.results.append(ObservationResult(
            id=obs.id, passed=v.passed, value=v.value, threshold=v.threshold, detail=v.detail,
            op=v.op, claim=obs.claim, source=obs.source, readout=str(obs.readout),
            expect=obs.expect, traces=traces, observation=obs, file=obs.file, line=obs.line,
            unit=v.unit, fold_error=v.fold_error))
    card.elapsed_s = time.perf_counter() - t0
    return card


def _traces(obs: Observation, lookup: dict[tuple[Experiment, Readout], tuple[Request, Result]]
            ) -> tuple[dict[str, Trace], list[Problem]]:
    """The observation's traces on its own time grid, or the problems that prevent them."""
    grid = obs.sample_times()
    traces: dict[str, Trace] = {}
    problems: list[Problem] = []
    for role, exp in obs.simulations().items():
        req, res = lookup.get((exp, obs.readout), (None, None))
        field_ = "scan" if role.startswith("scan[") else role  # a scanned dose: the scan

        def fail(msg: str, field_: str = field_) -> None:
            problems.append(Problem(msg, file=obs.file, line=obs.line, item=obs.id,
                                    field=field_))

        if req is None or res is None:
            fail("no simulation result")
            continue
        if res.error is not None:
            fail(f"simulation failed ({exp.describe()}): {res.error}")
            continue
        vals = res.values.get(obs.readout)
        if vals is None:
            fail(f"the simulation returned no values for {obs.readout}")
            continue
        vals = np.asarray(vals, dtype=float).reshape(-1)
        if vals.shape[0] != len(req.times):
            fail(f"the simulation returned {vals.shape[0]} values for {len(req.times)} times")
            continue
        if not np.all(np.isfinite(vals)):
            fail(f"the simulation returned non-finite values (NaN or inf) for {obs.readout}")
            continue
        req_t = np.asarray(req.times)
        pos = np.clip(np.searchsorted(req_t, grid), 0, len(req_t) - 1)
        if not np.allclose(req_t[pos], grid, rtol=0, atol=1e-6):
            raise AssertionError("request times do not contain the observation's grid")
        traces[role] = Trace(grid, vals[pos])
    return traces, problems


def validate_file(source: Any, simulate: Simulate | None = None, workers: int | None = None,
                  catalog=None) -> Scorecard:
    """Load observations (a path, paths or data) and validate them; parse problems become
    error results (grouped by observation) and file-level problems are kept in ``problems``."""
    t0 = time.perf_counter()
    observations, problems = load_observations(source, catalog=catalog)
    card = validate_observations(observations, simulate=simulate, workers=workers)
    add_problem_results(card, problems)
    card.elapsed_s = time.perf_counter() - t0
    return card


def add_problem_results(card: Scorecard, problems: Sequence[Problem]) -> Scorecard:
    """Parse problems into ``card``: one ERROR result per observation with problems (a
    duplicate id keeps the first's result); all problems kept in ``card.problems``."""
    by_item: dict[str, list[Problem]] = {}
    for p in problems:
        if p.item is not None:
            by_item.setdefault(p.item, []).append(p)
    for item, probs in by_item.items():
        msg = "; ".join((f"{p.field}: " if p.field else "") + p.message for p in probs)
        card.results.append(ObservationResult(id=item, passed=False, detail=msg, error=msg,
                                              problems=probs, file=probs[0].file,
                                              line=probs[0].line))
    card.problems = list(problems) + card.problems
    return card
