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

Quantitative kinds (v1.1) report ``value`` in the unit of ``within`` (or a plain number),
``threshold`` = ``(low, high)``, both ends inclusive, and the fold the value lies outside
the range (:func:`fold_outside`: 0 inside, else max(low / value, value / high)) as
``fold_error`` and in ``detail``. Where no value can be measured, ``value`` and
``fold_error`` are NaN and the observation fails, saying why.

================  ==================================================================
ec50              the dose where the readout first reaches half of its rise over the
                  scan, value(top dose) - value(zero dose) (:func:`find_ec50`)
ic50              the dose where the drug first removes half of the rise over baseline
                  at zero dose, value(zero dose) - value(baseline) (:func:`find_ic50`)
peak_time         the time of the maximum over ``window`` (first occurrence, refined by a
                  parabola through the neighbouring samples); a trace that does not
                  change over the window has no peak and fails
ratio             test / control, with the floor rule below
fraction_of_peak  value(at) / maximum over [0, at]; a trace that is zero throughout has no
                  peak and fails (as for sustained)
================  ==================================================================

EC50 and IC50 are interpolated linearly in the fraction of the rise against log dose,
between the last scanned dose before the first crossing of one half and the crossing dose.
A crossing before the lowest dose of the scan lies below the scan, and no crossing lies
above it: both fail. So does a rise (ec50: at the top of the scan; ic50: at zero dose) that
is not above the numerical floor. A non-monotonic response is said in ``detail``; the
first crossing counts.

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

__all__ = ["FLOOR", "Trace", "Verdict", "HalfDose", "readout_value", "floor_of", "safe_ratio",
           "fold_outside", "find_ec50", "find_ic50", "find_peak_time", "dose_response", "verdict",
           "format_threshold", "format_time", "format_value"]

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
    ``'<='``, ``'<'`` or ``'in'`` for a range written as a string, or as ``(low, high)`` for
    the quantitative kinds); ``detail`` says what was measured, in words. Quantitative kinds
    also give ``unit`` (that of ``within``; '' for plain numbers) and ``fold_error``
    (:func:`fold_outside`; NaN when no value could be measured).
    """

    passed: bool
    value: float
    threshold: float | str | tuple[float, float]
    detail: str
    op: str = ">="
    unit: str = ""
    fold_error: float | None = None

    def threshold_text(self) -> str:
        return f"{self.op} {format_threshold(self.threshold, self.unit)}"


# --------------------------------------------------------------------------- formatting

def format_value(x: float) -> str:
    """Three significant figures; 'inf', 'n/a' for non-finite values."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.3g}"


def format_threshold(threshold: float | str | tuple[float, float] | None, unit: str = "") -> str:
    """A threshold as text: a number, a range written as text, or ``[low, high] unit``."""
    if isinstance(threshold, str):
        return threshold
    if isinstance(threshold, (tuple, list)):
        low, high = (f"{float(f'{x:.4g}'):g}" for x in threshold)  # 1000, not 1e+03
        return f"[{low}, {high}]" + (f" {unit}" if unit else "")
    return format_value(threshold)


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
    """Judge ``obs`` from one trace per simulated experiment (:meth:`Observation.simulations`:
    test/control/baseline or experiment, and for a scan one per dose)."""
    missing = [r for r in obs.trace_roles if r not in traces]
    if missing:
        raise ValueError(f"{obs.id}: no trace for {', '.join(missing)}")
    used = {r: traces[r] for r in obs.trace_roles}
    bad = [r for r, tr in used.items() if not np.all(np.isfinite(tr.values))]
    if bad:
        if obs.is_quantitative:
            return Verdict(False, math.nan, obs.within, f"the simulated {', '.join(bad)} trace "
                           "has non-finite values (NaN or inf); fold outside range n/a", "in",
                           obs.within_unit, math.nan)
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


# --------------------------------------------------------------------------- quantitative (v1.1)

def fold_outside(value: float, low: float, high: float) -> float:
    """How many fold ``value`` lies outside [low, high]: 0 inside (ends inclusive), else
    max(low / value, value / high); +inf for a value <= 0 below the range, NaN for NaN.

    >>> fold_outside(0.5, 1, 4), fold_outside(2, 1, 4), fold_outside(12, 1, 4)
    (2.0, 0.0, 3.0)
    """
    if value is None or math.isnan(value):
        return math.nan
    if low <= value <= high:
        return 0.0
    if value < low:
        return math.inf if value <= 0 else low / value
    return math.inf if high <= 0 else value / high


@dataclass(frozen=True)
class HalfDose:
    """Where a dose-response reaches half its effect: :func:`find_ec50`, :func:`find_ic50`.

    ``dose`` is NaN when it cannot be found, and ``reason`` says why ('' when found);
    ``rise`` is the effect that is halved; ``monotonic`` whether the response moves one way
    only (zero dose included; differences below 1e-6 of the rise are solver noise).
    """

    dose: float
    rise: float
    monotonic: bool = True
    reason: str = ""


def _first_half_crossing(doses: np.ndarray, frac: np.ndarray, rising: bool) -> tuple[float, str]:
    """(dose, '') where ``frac`` first reaches 0.5 (up if ``rising``), on log dose; else
    (NaN, 'below' | 'above')."""
    hit = frac >= 0.5 if rising else frac <= 0.5
    idx = np.flatnonzero(hit)
    if idx.size == 0:
        return math.nan, "above"
    i = int(idx[0])
    if frac[i] == 0.5:
        return float(doses[i]), ""
    if i == 0:
        return math.nan, "below"
    f0, f1 = float(frac[i - 1]), float(frac[i])
    x0, x1 = math.log(doses[i - 1]), math.log(doses[i])
    return float(math.exp(x0 + (0.5 - f0) / (f1 - f0) * (x1 - x0))), ""


def _dose_curve(doses, values) -> tuple[np.ndarray, np.ndarray]:
    d = np.asarray(doses, dtype=float)
    v = np.asarray(values, dtype=float)
    if d.ndim != 1 or d.shape != v.shape or d.size < 2 or np.any(d <= 0) or \
            np.any(np.diff(d) <= 0):
        raise ValueError("a dose-response needs at least two ascending positive doses, each "
                         "with one value")
    return d, v


def find_ec50(doses, values, zero: float, floor: float = 0.0) -> HalfDose:
    """The dose at which ``values`` (at ascending ``doses`` > 0) first reach half of the rise
    ``values[-1] - zero``, ``zero`` being the value at zero dose; interpolated on log dose.

    >>> d = np.geomspace(0.01, 100, 41)
    >>> round(find_ec50(d, 1 + d / (d + 1.0), zero=1.0).dose, 2)  # Hill n = 1, K = 1
    0.98
    """
    d, v = _dose_curve(doses, values)
    rise = float(v[-1] - zero)
    seq = np.concatenate([[zero], v])
    monotonic = bool(np.all(np.diff(seq) >= -1e-6 * abs(rise)))
    if not rise > floor:
        return HalfDose(math.nan, rise, monotonic,
                        f"the rise at the top of the scan ({format_value(rise)}) is not above "
                        f"the numerical floor ({format_value(floor)}): no EC50")
    dose, where = _first_half_crossing(d, (v - zero) / rise, rising=True)
    if where == "below":
        return HalfDose(math.nan, rise, monotonic,
                        f"the lowest dose of the scan already gives "
                        f"{format_value(100 * (v[0] - zero) / rise)} % of the rise: the EC50 lies "
                        "below the scan (lower 'from')")
    return HalfDose(dose, rise, monotonic)


def find_ic50(doses, values, zero: float, baseline: float, floor: float = 0.0) -> HalfDose:
    """The dose of a drug at which ``values`` (at ascending ``doses`` > 0) first fall to half
    of the rise over ``baseline`` at zero dose, ``zero - baseline``; interpolated on log dose.

    >>> d = np.geomspace(1, 1e4, 41)
    >>> round(find_ic50(d, 1 + 9 / (1 + d / 100), zero=10.0, baseline=1.0).dose)
    100
    """
    d, v = _dose_curve(doses, values)
    rise = float(zero - baseline)
    seq = np.concatenate([[zero], v])
    monotonic = bool(np.all(np.diff(seq) <= 1e-6 * abs(rise)))
    if not rise > floor:
        return HalfDose(math.nan, rise, monotonic,
                        f"the rise over baseline at zero dose ({format_value(rise)}) is not above "
                        f"the numerical floor ({format_value(floor)}): nothing to inhibit, no "
                        "IC50")
    frac = (v - baseline) / rise
    dose, where = _first_half_crossing(d, frac, rising=False)
    if where == "below":
        return HalfDose(math.nan, rise, monotonic,
                        f"the lowest dose of the scan already removes "
                        f"{format_value(100 * (1 - frac[0]))} % of the rise: the IC50 lies below "
                        "the scan (lower 'from')")
    if where == "above":
        return HalfDose(math.nan, rise, monotonic,
                        f"the top of the scan leaves {format_value(100 * frac[-1])} % of the "
                        "rise: the drug never removes half of it in the scan (the IC50 lies "
                        "above it, if anywhere)")
    return HalfDose(dose, rise, monotonic)


def find_peak_time(trace: Trace, start: float, end: float) -> tuple[float, float]:
    """(time, value) of the maximum of ``trace`` over [start, end]: its first sample,
    refined by the vertex of the parabola through it and its two neighbours."""
    t, v = trace.window(start, end)
    i = int(np.argmax(v))
    if 0 < i < len(t) - 1:
        x = t[i - 1:i + 2] - t[i]
        a, b, c = np.polyfit(x, v[i - 1:i + 2], 2)
        if a < 0:
            tv = float(np.clip(-b / (2 * a), x[0], x[2]))
            return float(t[i] + tv), float(max(v[i], c + tv * (b + a * tv)))
    return float(t[i]), float(v[i])


def dose_response(obs: Observation, traces: Mapping[str, Trace]) -> tuple[np.ndarray, np.ndarray]:
    """(doses in nM, readout values) of a scan observation, one per scanned dose."""
    doses = np.asarray(obs.scan.doses_nM(), dtype=float)
    values = np.array([readout_value(obs, traces[f"scan[{i}]"]) for i in range(len(doses))])
    return doses, values


def _range_verdict(obs: Observation, value: float, what: str) -> Verdict:
    """Judge ``value`` (in the unit of within) against ``obs.within``; ``what`` leads the
    detail."""
    low, high = obs.within
    fold = fold_outside(value, low, high)
    passed = bool(low <= value <= high)  # False for NaN
    return Verdict(passed, value, (low, high),
                   f"{what}; needs within {format_threshold(obs.within, obs.within_unit)}; "
                   f"fold outside range {format_value(fold)}", "in", obs.within_unit, fold)


def _unit(obs: Observation) -> str:
    return f" {obs.within_unit}" if obs.within_unit else ""


def _half_dose(obs: Observation, traces: Mapping[str, Trace], floor: float) -> Verdict:
    doses, values = dose_response(obs, traces)
    zero = readout_value(obs, traces["experiment"])
    u, k = _unit(obs), obs.within_scale
    head = (f"{obs.readout} {_when(obs)}, {obs.scan.describe(obs.within_unit or 'nM', k)}: "
            f"{format_value(zero)} at zero dose, {format_value(values[-1])} at the top")
    if obs.expect == "ec50":
        h = find_ec50(doses, values, zero, floor)
        found = f"half of the rise ({format_value(h.rise)}) at {format_value(h.dose / k)}{u}"
    else:
        base = readout_value(obs, traces["baseline"])
        h = find_ic50(doses, values, zero, base, floor)
        head += f", baseline {format_value(base)}"
        found = (f"half of the rise over baseline ({format_value(h.rise)}) removed at "
                 f"{format_value(h.dose / k)}{u}")
    what = f"{head}; {h.reason or found}"
    if not h.monotonic:
        i = int(np.argmax(values) if obs.expect == "ec50" else np.argmin(values))
        turn = "peaks" if obs.expect == "ec50" else "is lowest"
        what += (f" (the response is non-monotonic: it {turn} at {format_value(values[i])} at "
                 f"{format_value(doses[i] / k)}{u}; the first crossing of half counts)")
    return _range_verdict(obs, h.dose / k, what)


def _peak_time(obs: Observation, traces: Mapping[str, Trace], floor: float) -> Verdict:
    tr = traces["experiment"]
    a, b = obs.window_s
    t_peak, peak = find_peak_time(tr, a, b)
    _, v = tr.window(a, b)
    head = f"{obs.readout} over {format_time(a)}-{format_time(b)}"
    if float(np.max(v) - np.min(v)) <= floor:
        return _range_verdict(obs, math.nan, f"{head}: the readout does not change over the "
                              "window (not above the numerical floor): no peak")
    what = (f"{head}: maximum {format_value(peak)} at "
            f"{format_value(t_peak / obs.within_scale)}{_unit(obs)}")
    if t_peak >= b - 1e-9:
        what += " (at the end of the window: the readout may still be rising)"
    elif t_peak <= a + 1e-9:
        what += " (at the start of the window: the readout only falls)"
    return _range_verdict(obs, t_peak / obs.within_scale, what)


def _ratio(obs: Observation, traces: Mapping[str, Trace], floor: float) -> Verdict:
    test = readout_value(obs, traces["test"])
    control = readout_value(obs, traces["control"])
    r = safe_ratio(test, control, floor)
    floored = " (both at the numerical floor: ratio 1)" if abs(test) <= floor and \
        abs(control) <= floor else ""
    return _range_verdict(obs, r, f"{obs.readout} {_when(obs)}: test {format_value(test)}, "
                          f"control {format_value(control)}, test/control "
                          f"{format_value(r)}{floored}")


def _fraction_of_peak(obs: Observation, traces: Mapping[str, Trace], floor: float) -> Verdict:
    tr = traces["experiment"]
    peak, t_peak = _peak(tr, obs.at_s)
    v = tr.at(obs.at_s)
    head = (f"{obs.readout}: peak {format_value(peak)} at {format_time(t_peak)}; at "
            f"{format_time(obs.at_s)} {format_value(v)}")
    if peak <= floor:
        return _range_verdict(obs, math.nan, f"{head}; the trace is zero throughout: no peak")
    frac = safe_ratio(v, peak, floor)
    return _range_verdict(obs, frac, f"{head} = {format_value(frac)} of the peak")


_JUDGES = {"increase": _compare, "decrease": _compare, "no_change": _compare,
           "abrogates": _abrogates, "transient": _transient, "sustained": _sustained,
           "ec50": _half_dose, "ic50": _half_dose, "peak_time": _peak_time, "ratio": _ratio,
           "fraction_of_peak": _fraction_of_peak}
