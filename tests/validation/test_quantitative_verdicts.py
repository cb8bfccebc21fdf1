"""verdict() for the quantitative kinds of v1.1 on synthetic traces with known answers:
EC50 / IC50 of Hill curves, the time of a known peak, ratios, fractions of the peak, and
the failures the spec names (no rise above the floor, half never reached)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from validation_helpers import make_observation

from cytonet.validation.expectations import (
    Trace,
    find_ec50,
    find_ic50,
    find_peak_time,
    fold_outside,
    verdict,
)

MW_IL6 = 20.9  # kDa: 1 ng/mL of IL-6 = 1 / 20.9 nM
T = np.linspace(0, 7200, 241)


def hill(d, k, n=1.0, bottom=0.0, top=1.0):
    d = np.asarray(d, dtype=float)
    return bottom + (top - bottom) * d ** n / (d ** n + k ** n)


def flat(v: float, t=T) -> Trace:
    return Trace(t, np.full_like(t, v, dtype=float))


def scan_traces(obs, response, baseline: float | None = None) -> dict[str, Trace]:
    """A flat trace per simulated experiment whose value is ``response(dose in nM)``."""
    out = {}
    for label, exp in obs.simulations().items():
        if label == "baseline":
            out[label] = flat(baseline)
            continue
        if obs.scan.kind == "stimulus":
            dose = dict(exp.stimuli).get(obs.scan.name, 0.0)
        else:
            dose = next((p.dose_nM for p in exp.perturbations if p.kind == "drug"
                         and p.target == obs.scan.name), 0.0)
        out[label] = flat(float(response(dose)))
    return out


def ec50_obs(within=("0.5 ng/mL", "5 ng/mL"), points=25, **kw):
    return make_observation(expect="ec50", at="30 min", experiment={"cell": "hepatocyte"},
                            scan={"stimulus": "IL6", "from": "0.001 ng/mL", "to": "1000 ng/mL",
                                  "points": points},
                            within=list(within), **kw)


def ic50_obs(within=("100 nM", "1 uM"), **kw):
    return make_observation(expect="ic50", at="30 min",
                            experiment={"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}},
                            scan={"drug": "ruxolitinib", "from": "1 nM", "to": "100 uM"},
                            within=list(within), **kw)


# --------------------------------------------------------------------------- the pure functions

@pytest.mark.parametrize("value, low, high, fold", [
    (2.0, 1.0, 4.0, 0.0), (1.0, 1.0, 4.0, 0.0), (4.0, 1.0, 4.0, 0.0),  # ends inclusive
    (0.5, 1.0, 4.0, 2.0), (12.0, 1.0, 4.0, 3.0), (0.0, 1.0, 4.0, math.inf),
    (math.inf, 1.0, 4.0, math.inf), (0.0, 0.0, 0.5, 0.0),
])
def test_fold_outside(value, low, high, fold):
    assert fold_outside(value, low, high) == pytest.approx(fold)


def test_fold_outside_of_no_value_is_nan():
    assert math.isnan(fold_outside(math.nan, 1.0, 2.0))


@pytest.mark.parametrize("k, n", [(1.0, 1.0), (0.03, 1.0), (0.2, 2.0), (5.0, 0.7)])
def test_find_ec50_of_hill_curves(k, n):
    doses = np.geomspace(1e-4, 1e3, 29)
    values = hill(doses, k, n, bottom=0.2, top=3.0)
    h = find_ec50(doses, values, zero=0.2)
    # half of the rise that the scan reaches (its top is just short of the plateau)
    top_frac = values[-1] - 0.2
    exact = k * (0.5 * top_frac / (2.8 - 0.5 * top_frac)) ** (1 / n)
    assert h.reason == "" and h.monotonic
    assert h.dose == pytest.approx(exact, rel=0.05)


def test_find_ec50_is_exact_on_a_grid_point_and_log_linear_between():
    doses = np.array([1.0, 10.0, 100.0])
    assert find_ec50(doses, [0.0, 0.5, 1.0], zero=0.0).dose == pytest.approx(10.0)
    # halfway in fraction between 0.25 (at 1) and 0.75 (at 100): the geometric mean, 10
    assert find_ec50([1.0, 100.0], [0.25, 1.0], zero=0.0).dose == pytest.approx(
        10 ** (2 * (0.5 - 0.25) / (1.0 - 0.25)))


def test_find_ec50_fails_below_the_scan_and_without_rise():
    doses = np.geomspace(1, 100, 5)
    below = find_ec50(doses, hill(doses, 0.01), zero=0.0)
    assert math.isnan(below.dose) and "lies below the scan" in below.reason
    none = find_ec50(doses, np.full(5, 2.0), zero=2.0)
    assert math.isnan(none.dose) and "is not above the numerical floor" in none.reason
    falling = find_ec50(doses, [1.0, 0.8, 0.6, 0.4, 0.2], zero=1.0)
    assert math.isnan(falling.dose) and "rise at the top of the scan (-0.8)" in falling.reason
    tiny = find_ec50(doses, [1.0, 1.0, 1.0, 1.0, 1.0 + 1e-13], zero=1.0, floor=1e-12)
    assert math.isnan(tiny.dose) and "numerical floor (1e-12)" in tiny.reason


def test_find_ec50_non_monotonic_takes_the_first_crossing():
    doses = np.geomspace(0.01, 100, 9)
    bell = hill(doses, 0.1) * np.exp(-doses / 300)  # rises, then falls at the top
    h = find_ec50(doses, bell, zero=0.0)
    assert not h.monotonic and h.reason == ""
    frac = bell / bell[-1]
    i = int(np.flatnonzero(frac >= 0.5)[0])
    assert doses[i - 1] < h.dose <= doses[i]


@pytest.mark.parametrize("ic50", [3.0, 100.0, 2000.0])
def test_find_ic50_of_inhibition_curves(ic50):
    doses = np.geomspace(0.1, 1e5, 31)
    baseline, zero = 1.0, 9.0
    values = baseline + (zero - baseline) / (1 + doses / ic50)
    h = find_ic50(doses, values, zero=zero, baseline=baseline)
    assert h.reason == "" and h.monotonic and h.rise == pytest.approx(8.0)
    assert h.dose == pytest.approx(ic50, rel=0.03)


def test_find_ic50_failures():
    doses = np.geomspace(1, 1000, 7)
    weak = find_ic50(doses, 1 + 8 / (1 + doses / 1e5), zero=9.0, baseline=1.0)
    assert math.isnan(weak.dose) and "never removes half" in weak.reason
    assert "the top of the scan leaves 99" in weak.reason
    strong = find_ic50(doses, 1 + 8 / (1 + doses / 0.01), zero=9.0, baseline=1.0)
    assert math.isnan(strong.dose) and "lies below the scan" in strong.reason
    nothing = find_ic50(doses, np.ones(7), zero=1.0, baseline=1.0)
    assert math.isnan(nothing.dose) and "nothing to inhibit" in nothing.reason


def test_dose_curves_need_ascending_positive_doses():
    with pytest.raises(ValueError, match="ascending positive doses"):
        find_ec50([1.0, 0.5], [0.0, 1.0], zero=0.0)
    with pytest.raises(ValueError, match="ascending positive doses"):
        find_ic50([0.0, 1.0], [1.0, 0.0], zero=1.0, baseline=0.0)


def pulse(t_peak: float, decay_s: float = 1800.0, t=None) -> Trace:
    t = T if t is None else t
    x = t / t_peak
    return Trace(t, 0.05 + x * np.exp(1 - x))  # maximum exactly at t_peak (d/dt = 0)


@pytest.mark.parametrize("t_peak", [1000.0, 1234.0, 3080.0])
def test_find_peak_time_refines_between_samples(t_peak):
    coarse = np.linspace(0, 7200, 49)  # 150 s apart
    bump = Trace(coarse, 2.0 * np.exp(-((coarse - t_peak) / 600) ** 2))
    t, v = find_peak_time(bump, 0.0, 7200.0)
    assert t == pytest.approx(t_peak, abs=10.0)  # the grid alone would be up to 75 s off
    assert v == pytest.approx(2.0, rel=1e-2)


@pytest.mark.parametrize("t_peak", [150.0, 1234.0, 3600.0])
def test_find_peak_time_of_a_skewed_peak_on_the_observations_grid(t_peak):
    t = make_observation(expect="peak_time", experiment={}, within=["1 min", "1 h"],
                         window=["0 h", "2 h"]).sample_times()
    found, _ = find_peak_time(pulse(t_peak, t=t), 0.0, 7200.0)
    assert found == pytest.approx(t_peak, rel=0.02)


# --------------------------------------------------------------------------- verdicts

def test_ec50_verdict_in_the_unit_of_within():
    obs = ec50_obs()
    k_nM = 2.0 / MW_IL6  # EC50 2 ng/mL
    v = verdict(obs, scan_traces(obs, lambda d: 0.1 + hill(d, k_nM)))
    assert v.passed and v.op == "in" and v.unit == "ng/mL"
    assert v.value == pytest.approx(2.0, rel=0.05)
    assert v.threshold == (0.5, 5.0) and v.fold_error == 0.0
    assert "fold outside range 0" in v.detail
    assert "IL6 0.001-1000 ng/mL (25 doses)" in v.detail and "at 30 min" in v.detail
    assert "non-monotonic" not in v.detail


def test_ec50_verdict_outside_the_range_gives_the_fold():
    obs = ec50_obs(within=("0.05 ng/mL", "1 ng/mL"))
    v = verdict(obs, scan_traces(obs, lambda d: hill(d, 4.0 / MW_IL6)))
    assert not v.passed and v.value == pytest.approx(4.0, rel=0.05)
    assert v.fold_error == pytest.approx(v.value / 1.0)
    assert f"fold outside range {v.fold_error:.3g}" in v.detail


def test_ec50_verdict_says_non_monotonic():
    obs = ec50_obs()
    v = verdict(obs, scan_traces(obs, lambda d: hill(d, 0.05) * np.exp(-d / 20)))
    assert "the response is non-monotonic" in v.detail and "first crossing" in v.detail


def test_ec50_verdict_fails_without_a_rise_above_the_floor():
    obs = ec50_obs()
    v = verdict(obs, scan_traces(obs, lambda d: 5.0 + 1e-13 * (d > 1)))
    assert not v.passed and math.isnan(v.value) and math.isnan(v.fold_error)
    assert "is not above the numerical floor" in v.detail and "no EC50" in v.detail
    assert "fold outside range n/a" in v.detail


def test_ec50_verdict_fails_below_the_scan():
    obs = ec50_obs()
    v = verdict(obs, scan_traces(obs, lambda d: hill(d, 1e-9)))
    assert not v.passed and math.isnan(v.value) and "lies below the scan" in v.detail


def test_ic50_verdict_with_the_default_baseline():
    obs = ic50_obs()
    # basal 1 (the baseline, no IL-6); IL-6 raises it to 9; the drug removes the rise
    v = verdict(obs, scan_traces(obs, lambda d: 1 + 8 / (1 + d / 300.0), baseline=1.0))
    assert v.passed and v.unit == "nM" and v.value == pytest.approx(300, rel=0.03)
    assert "baseline 1" in v.detail and "removed at" in v.detail


def test_ic50_verdict_relative_to_the_baseline_not_to_zero():
    obs = ic50_obs(within=("1 uM", "10 uM"))
    # the drug brings the value from 9 down to 1, never below: half of the rise is 5 at 300 nM;
    # half of the value (4.5) would be reached later
    v = verdict(obs, scan_traces(obs, lambda d: 1 + 8 / (1 + d / 300.0), baseline=1.0))
    assert v.unit == "uM" and v.value == pytest.approx(0.3, rel=0.03)
    assert not v.passed and v.fold_error == pytest.approx(1 / v.value)


def test_ic50_verdict_fails_when_half_is_never_removed():
    obs = ic50_obs()
    v = verdict(obs, scan_traces(obs, lambda d: 1 + 8 / (1 + d / 1e7), baseline=1.0))
    assert not v.passed and math.isnan(v.value) and "never removes half" in v.detail


def test_ic50_verdict_fails_without_a_rise_over_baseline():
    obs = ic50_obs()
    v = verdict(obs, scan_traces(obs, lambda d: 1.0 / (1 + d / 300.0), baseline=2.0))
    assert not v.passed and "nothing to inhibit" in v.detail


def peak_obs(within=("15 min", "30 min"), **kw):
    return make_observation(expect="peak_time", experiment={"stimuli": {"IL6": "1 nM"}},
                            within=list(within), **kw)


def test_peak_time_verdict():
    obs = peak_obs()
    t = obs.sample_times()
    v = verdict(obs, {"experiment": pulse(1200.0, t=t)})
    assert v.passed and v.unit == "min" and v.value == pytest.approx(20.0, rel=0.01)
    assert "maximum 1.05 at 20" in v.detail and "fold outside range 0" in v.detail
    late = verdict(peak_obs(within=("1 h", "2 h")), {"experiment": pulse(1200.0, t=t)})
    assert not late.passed and late.fold_error == pytest.approx(3.0, rel=0.01)


def test_peak_time_at_the_end_of_the_window_and_without_a_peak():
    obs = peak_obs(window=["0 h", "2 h"])
    t = obs.sample_times()
    rising = verdict(obs, {"experiment": Trace(t, 1 - np.exp(-t / 3000))})
    assert rising.value == pytest.approx(120.0) and "at the end of the window" in rising.detail
    none = verdict(obs, {"experiment": flat(3.0, t)})
    assert not none.passed and math.isnan(none.value) and "no peak" in none.detail


def test_peak_time_within_a_later_window():
    obs = peak_obs(within=("1 h", "3 h"), window=["1 h", "4 h"])
    t = obs.sample_times()
    # an early peak at 20 min, a second, lower one at 2 h: the window sees only the second
    tr = Trace(t, pulse(1200.0, t=t).values + 0.5 * np.exp(-((t - 7200) / 1200) ** 2))
    v = verdict(obs, {"experiment": tr})
    assert v.passed and v.value == pytest.approx(2.0, rel=0.05) and v.unit == "h"


def ratio_obs(within=(2, 5)):
    return make_observation(expect="ratio", at="1 h", test={"stimuli": {"IL6": "1 nM"}},
                            control={}, within=list(within))


@pytest.mark.parametrize("test, control, passed, value, fold", [
    (3.0, 1.0, True, 3.0, 0.0), (2.0, 1.0, True, 2.0, 0.0), (10.0, 1.0, False, 10.0, 2.0),
    (1.0, 1.0, False, 1.0, 2.0), (1.0, 0.0, False, math.inf, math.inf),
])
def test_ratio_verdict(test, control, passed, value, fold):
    v = verdict(ratio_obs(), {"test": flat(test), "control": flat(control)})
    assert v.passed is passed and v.value == pytest.approx(value)
    assert v.fold_error == pytest.approx(fold) and v.threshold == (2.0, 5.0) and v.unit == ""
    assert "test/control" in v.detail


def test_ratio_floor_rule_as_v1():
    tr = Trace(T, np.where(T < 1800, 1.0, 1e-20))
    v = verdict(ratio_obs(within=(0.8, 1.25)), {"test": tr, "control": flat(1e-20)})
    assert v.passed and v.value == 1.0 and "numerical floor" in v.detail


def frac_obs(within=(0.2, 0.5), at="2 h"):
    return make_observation(expect="fraction_of_peak", experiment={"stimuli": {"IL6": "1 nM"}},
                            at=at, within=list(within))


def test_fraction_of_peak_verdict():
    obs = frac_obs()
    t = obs.sample_times()
    tr = pulse(1200.0, t=t)
    v = verdict(obs, {"experiment": tr})
    expected = tr.at(7200.0) / 1.05
    assert v.value == pytest.approx(expected, rel=1e-3) and v.unit == ""
    assert v.passed is (0.2 <= expected <= 0.5)
    # a monotonic rise: the value at 'at' is the peak
    rise = verdict(obs, {"experiment": Trace(t, 1 - np.exp(-t / 600))})
    assert rise.value == pytest.approx(1.0) and not rise.passed
    assert rise.fold_error == pytest.approx(2.0)


def test_fraction_of_peak_without_signal_fails():
    obs = frac_obs()
    v = verdict(obs, {"experiment": flat(0.0, obs.sample_times())})
    assert not v.passed and math.isnan(v.value) and "zero throughout" in v.detail


def test_non_finite_traces_fail_with_the_range_kept():
    obs = ratio_obs()
    v = verdict(obs, {"test": flat(np.nan), "control": flat(1.0)})
    assert not v.passed and v.threshold == (2.0, 5.0) and math.isnan(v.fold_error)
    assert "non-finite" in v.detail


def test_a_scan_verdict_needs_every_dose():
    obs = ec50_obs(points=3)
    traces = scan_traces(obs, lambda d: hill(d, 0.1))
    del traces["scan[1]"]
    with pytest.raises(ValueError, match=r"no trace for scan\[1\]"):
        verdict(obs, traces)
