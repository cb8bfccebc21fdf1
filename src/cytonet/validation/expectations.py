"""Judge one observation from simulated traces: the spec's expectation table, as pure functions.

Each observation names a readout and an expectation; :func:`verdict` takes the parsed
:class:`~cytonet.experiments.parse.Observation` and one :class:`Trace` per experiment
role (``test``, ``control``, ``baseline`` or ``experiment``) and returns a
:class:`Verdict`. The table (spec/experiments.md, defaults in brackets):

=============  ====================================================================
increase       test / control >= fold [1.5]
decrease       test / control <= 1 / fold [1.5]
no_change      1 / tolerance <= test / control <= tolerance [1.25]
abrogates      (test - baseline) <= (1 - by) x (control - baseline), with
               control - baseline > 0 [by 0.5]; the value reported is the fraction of
               the control's rise that the test removes, 1 - (test - b) / (control - b)
transient      the peak (first maximum over [0, end]) lies in peak_between and the value
               at falls_below.by is below fraction x peak [fraction 0.5]; the value
               reported is value(by) / peak
sustained      the value at ``until`` is at least fraction x peak, the peak being the
               maximum over [0, until] [fraction 0.5]; the value reported is
               value(until) / peak. A trace that is zero throughout has no signal to
               sustain and fails.
=============  ====================================================================

Numerical floor: the *scale* of a readout in an observation is the largest absolute
value any of its traces takes at any simulated time; the floor is ``1e-12 x scale``. A
ratio of two values that are both at or below the floor counts as 1 (both are zero to
solver precision); a denominator at the floor under a numerator above it gives +-inf.
Differences (abrogates) at or below the floor count as zero.

The readout value of a trace is its value ``at`` a time (linear interpolation), or its
``max`` or ``auc`` (trapezoid rule, value x seconds) over a window; the window's end
points are interpolated in, so the result does not depend on the grid's alignment.
"""

from __future__ import annotations

__all__ = ["FLOOR", "Trace", "Verdict", "readout_value", "floor_of", "safe_ratio", "verdict",
           "format_time", "format_value"]

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..experiments.parse import DEFAULT_THRESHOLDS, Observation

FLOOR = 1e-12  # relative to the readout's own scale


@dataclass(frozen=True)
class Trace:
    """One simulated readout: values at times (seconds from t = 0)."""

    times: np.ndarray
    values: np.ndarray

    def __post_init__(self):
        object.__setattr__(self, "times", np.asarray(self.times, dtype=float))
        object.__setattr__(self, "values", np.asarray(self.values, dtype=float))
        if self.times.shape != self.values.shape or self.times.ndim != 1:
            raise ValueError(f"trace needs matching 1-d times and values, got shapes "
                             f"{self.times.shape} and {self.values.shape}")

    def at(self, t: float) -> float:
        return float(np.interp(t, self.times, self.values))

    def window(self, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
        """Times and values over [a, b], end points interpolated in."""
        inside = self.times[(self.times > a) & (self.times < b)]
        t = np.concatenate([[a], inside, [b]])
        return t, np.interp(t, self.times, self.values)


@dataclass(frozen=True)
class Verdict:
    """The judgement of one observation.

    ``value`` is the measured figure, compared with ``threshold`` by ``op`` (``'>='``,
    ``'<='``, ``'<'`` or ``'in'`` for a range written as a string); ``detail`` says what
    was measured, in words.
    """

    passed: bool
    value: float
    threshold: float | str
    detail: str
    op: str = ">="

    def threshold_text(self) -> str:
        t = self.threshold if isinstance(self.threshold, str) else format_value(self.threshold)
        return f"{self.op} {t}"


# --------------------------------------------------------------------------- formatting

def format_value(x: float) -> str:
    """Three significant figures; 'inf', 'n/a' for non-finite values."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.3g}"


def format_time(s: float) -> str:
    """Seconds as the spec writes times: '30 min', '2 h', '3 d'."""
    if s >= 86400 and s % 86400 == 0:
        return f"{s / 86400:g} d"
    if s >= 3600:
        return f"{s / 3600:.3g} h"
    if s >= 60:
        return f"{s / 60:.3g} min"
    return f"{s:.3g} s"


def _when(obs: Observation) -> str:
    if obs.statistic == "at":
        return f"at {format_time(obs.at_s)}"
    a, b = obs.window_s
    return f"{obs.statistic} over {format_time(a)}-{format_time(b)}"


# --------------------------------------------------------------------------- numbers

def readout_value(obs: Observation, trace: Trace) -> float:
    """The observation's statistic of one trace: value ``at``, ``max`` or ``auc`` over the window."""
    if obs.statistic == "at":
        return trace.at(obs.at_s)
    t, v = trace.window(*obs.window_s)
    if obs.statistic == "max":
        return float(np.max(v))
    if obs.statistic == "auc":
        return float(np.trapezoid(v, t))
    raise ValueError(f"statistic {obs.statistic!r} has no single value")


def floor_of(traces: Mapping[str, Trace]) -> float:
    """``FLOOR`` x the readout's scale (max |value| over every trace of the observation)."""
    scale = max((float(np.max(np.abs(tr.values))) for tr in traces.values() if tr.values.size),
                default=0.0)
    return FLOOR * scale


def safe_ratio(a: float, b: float, floor: float) -> float:
    """a / b, with the floor rule: both at or below the floor -> 1; b alone -> +-inf."""
    if abs(a) <= floor and abs(b) <= floor:
        return 1.0
    if abs(b) <= floor:
        return math.copysign(math.inf, a)
    return a / b


# --------------------------------------------------------------------------- verdicts

def verdict(obs: Observation, traces: Mapping[str, Trace]) -> Verdict:
    """Judge ``obs`` from one trace per experiment role (test/control/baseline or experiment)."""
    missing = [r for r in obs.roles if r not in traces]
    if missing:
        raise ValueError(f"{obs.id}: no trace for {', '.join(missing)}")
    used = {r: traces[r] for r in obs.roles}
    bad = [r for r, tr in used.items() if not np.all(np.isfinite(tr.values))]
    if bad:
        return Verdict(False, math.nan, "n/a", f"the simulated {', '.join(bad)} trace has "
                       "non-finite values (NaN or inf)", op="")
    floor = floor_of(used)
    judge = _JUDGES[obs.expect]
    return judge(obs, used, floor)


def _compare(obs: Observation, traces: Mapping[str, Trace], floor: float) -> Verdict:
    test = readout_value(obs, traces["test"])
    control = readout_value(obs, traces["control"])
    r = safe_ratio(test, control, floor)
    floored = " (both at the numerical floor: ratio 1)" if abs(test) <= floor and \
        abs(control) <= floor else ""
    what = (f"{obs.readout} {_when(obs)}: test {format_value(test)}, control "
            f"{format_value(control)}, test/control {format_value(r)}{floored}")
    if obs.expect == "increase":
        fold = obs.threshold("fold")
        return Verdict(bool(r >= fold), r, fold, f"{what}; needs >= {format_value(fold)}", ">=")
    if obs.expect == "decrease":
        fold = obs.threshold("fold")
        limit = 1.0 / fold
        return Verdict(bool(r <= limit), r, limit,
                       f"{what}; needs <= 1/{format_value(fold)} = {format_value(limit)}", "<=")
    tol = obs.threshold("tolerance")
    rng = f"[{format_value(1 / tol)}, {format_value(tol)}]"
    return Verdict(bool(1.0 / tol <= r <= tol), r, rng, f"{what}; needs within {rng}", "in")


def _abrogates(obs: Observation, traces: Mapping[str, Trace], floor: float) -> Verdict:
    test = readout_value(obs, traces["test"])
    control = readout_value(obs, traces["control"])
    base = readout_value(obs, traces["baseline"])
    by = obs.threshold("by")
    d_ctrl, d_test = control - base, test - base
    vals = (f"{obs.readout} {_when(obs)}: test {format_value(test)}, control "
            f"{format_value(control)}, baseline {format_value(base)}")
    if d_ctrl <= floor:
        return Verdict(False, math.nan, by,
                       f"{vals}; control - baseline = {format_value(d_ctrl)} <= 0: the control "
                       "does not rise above the baseline, so there is nothing to abrogate", ">=")
    if abs(d_test) <= floor:
        d_test = 0.0
    removed = 1.0 - d_test / d_ctrl
    return Verdict(bool(d_test <= (1.0 - by) * d_ctrl), removed, by,
                   f"{vals}; the test removes {format_value(100 * removed)} % of the control's "
                   f"rise over baseline; needs >= {format_value(100 * by)} %", ">=")


def _peak(trace: Trace, end: float) -> tuple[float, float]:
    """(peak value, time of its first occurrence) over [0, end]."""
    t, v = trace.window(0.0, end) if end > 0 else (trace.times[:1], trace.values[:1])
    i = int(np.argmax(v))
    return float(v[i]), float(t[i])


def _transient(obs: Observation, traces: Mapping[str, Trace], floor: float) -> Verdict:
    tr = traces["experiment"]
    a, b = obs.peak_between_s
    by = obs.falls_below_by_s
    frac = (obs.falls_below_fraction if obs.falls_below_fraction is not None
            else DEFAULT_THRESHOLDS["fraction"])
    peak, t_peak = _peak(tr, max(by, b))
    v_by = tr.at(by)
    left = safe_ratio(v_by, peak, floor)
    in_window = a - 1e-9 <= t_peak <= b + 1e-9
    falls = peak > floor and v_by < frac * peak
    detail = (f"{obs.readout}: peak {format_value(peak)} at {format_time(t_peak)} "
              f"(needs {format_time(a)}-{format_time(b)}"
              f"{'' if in_window else ': outside'}); at {format_time(by)} "
              f"{format_value(100 * left)} % of the peak (needs < {format_value(100 * frac)} %)")
    if peak <= floor:
        detail += "; no signal above the numerical floor"
    return Verdict(bool(in_window and falls), left, frac, detail, "<")


def _sustained(obs: Observation, traces: Mapping[str, Trace], floor: float) -> Verdict:
    tr = traces["experiment"]
    until = obs.until_s
    frac = obs.threshold("fraction")
    peak, t_peak = _peak(tr, until)
    v = tr.at(until)
    left = safe_ratio(v, peak, floor)
    detail = (f"{obs.readout}: peak {format_value(peak)} at {format_time(t_peak)}; at "
              f"{format_time(until)} {format_value(v)} = {format_value(100 * left)} % of the peak "
              f"(needs >= {format_value(100 * frac)} %)")
    if peak <= floor:
        return Verdict(False, left, frac, detail + "; the trace is zero throughout: no signal "
                       "to sustain", ">=")
    return Verdict(bool(v >= frac * peak), left, frac, detail, ">=")


_JUDGES = {"increase": _compare, "decrease": _compare, "no_change": _compare,
           "abrogates": _abrogates, "transient": _transient, "sustained": _sustained}
