"""How far inside (or outside) its pass region each judged observation lies.

A verdict is a yes/no; calibration and robustness need the distance behind it. The margin
of a result is in natural-log units of its own figure, positive inside the pass region and
negative outside, 0 on the edge:

==================  ===========================================================
kind                margin
==================  ===========================================================
increase            ln(ratio / fold)
decrease            ln((1 / fold) / ratio)
no_change           ln(tolerance) - |ln ratio|
abrogates           removed - by (fractions of the control's rise; about ln units
                    for small differences)
transient           ln(fraction / left) when the peak lies in its window, else
                    -ln(2) at most (a peak outside its window fails outright)
sustained           ln(left / fraction)
v1.1 kinds          ln distance to the nearer end of ``within``: min(ln(v / low),
                    ln(high / v)); negative = -ln(fold outside)
==================  ===========================================================

A result without a value (ERROR, NaN) has margin ``-inf``; an infinite ratio (control at
the numerical floor) has margin +-ln(1000), by its verdict.
"""

from __future__ import annotations

__all__ = ["result_margin"]

import math

from .run import ObservationResult

_TINY = 1e-300
_CAP = math.log(1e3)  # the margin of a pass (or fail) by an infinite ratio


def _ln_ratio(a: float, b: float) -> float:
    if a <= 0 or b <= 0:
        return -math.inf if a <= 0 < b else math.inf
    return math.log(max(a, _TINY) / max(b, _TINY))


def result_margin(res: ObservationResult) -> float:
    """The signed log-margin of one judged result (see the module docstring)."""
    v = res.value
    if res.error or v is None or math.isnan(v):
        return -math.inf
    if math.isinf(v):  # a ratio over a control at the numerical floor
        return _CAP if res.passed else -_CAP
    obs, kind = res.observation, res.expect
    if res.is_quantitative:
        low, high = res.threshold
        return min(_ln_ratio(v, low), _ln_ratio(high, v))
    if kind == "increase":
        return _ln_ratio(v, float(res.threshold))
    if kind == "decrease":
        return _ln_ratio(float(res.threshold), v)
    if kind == "no_change":
        tol = obs.threshold("tolerance")
        return math.log(tol) - abs(_ln_ratio(v, 1.0)) if v > 0 else -math.inf
    if kind == "abrogates":
        return float(v) - float(res.threshold)
    if kind == "transient":
        m = _ln_ratio(float(res.threshold), v) if v > 0 else math.log(1e3)
        return m if res.passed or m < 0 else min(m, -math.log(2.0))
    if kind == "sustained":
        return _ln_ratio(v, float(res.threshold))
    raise ValueError(f"observation {res.id!r}: no margin for expect {kind!r}")
