"""verdict(): every expectation of the spec table on synthetic traces, passing and failing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from validation_helpers import make_observation

from cytonet.validation.expectations import (
    Trace,
    floor_of,
    readout_value,
    safe_ratio,
    verdict,
)

T = np.linspace(0, 7200, 241)
STIM = {"stimuli": {"IL6": "1 nM"}}


def flat(v: float) -> Trace:
    return Trace(T, np.full_like(T, v))


def compare(expect: str, test: float, control: float, **thresholds):
    obs = make_observation(expect=expect, at="1 h", test=STIM, control={}, **thresholds)
    return verdict(obs, {"test": flat(test), "control": flat(control)})


@pytest.mark.parametrize("expect, test, control, thresholds, passed, value", [
    ("increase", 3.0, 1.0, {}, True, 3.0),
    ("increase", 1.4, 1.0, {}, False, 1.4),
    ("increase", 1.5, 1.0, {}, True, 1.5),            # the default fold 1.5, inclusive
    ("increase", 3.0, 1.0, {"fold": 4}, False, 3.0),
    ("decrease", 0.5, 1.0, {}, True, 0.5),
    ("decrease", 0.8, 1.0, {}, False, 0.8),
    ("decrease", 0.4, 1.0, {"fold": 3}, False, 0.4),
    ("no_change", 1.2, 1.0, {}, True, 1.2),
    ("no_change", 0.7, 1.0, {}, False, 0.7),
    ("no_change", 1.4, 1.0, {"tolerance": 1.5}, True, 1.4),
])
def test_ratio_expectations(expect, test, control, thresholds, passed, value):
    v = compare(expect, test, control, **thresholds)
    assert v.passed is passed
    assert v.value == pytest.approx(value)


def test_thresholds_reported():
    assert compare("increase", 2, 1, fold=2).threshold == 2
    d = compare("decrease", 2, 1, fold=2)
    assert d.threshold == 0.5 and d.op == "<="
    n = compare("no_change", 1, 1)
    assert n.threshold == "[0.8, 1.25]" and n.op == "in"
    assert "test 2, control 1, test/control 2" in compare("increase", 2, 1).detail


def test_floor_rule_both_at_floor_count_as_one():
    # both values 1e-20 against a readout scale of 1 (the test trace reaches 1 earlier)
    obs = make_observation(expect="no_change", at="1 h", test=STIM, control={})
    test = Trace(T, np.where(T < 1800, 1.0, 1e-20))
    control = flat(1e-20)
    v = verdict(obs, {"test": test, "control": control})
    assert v.passed and v.value == 1.0 and "numerical floor" in v.detail
    inc = make_observation(expect="increase", at="1 h", test=STIM, control={})
    assert not verdict(inc, {"test": test, "control": control}).passed


def test_floor_rule_uses_the_readouts_own_scale():
    # values of 1e-20 are not noise when the readout's whole scale is 1e-19
    obs = make_observation(expect="increase", at="1 h", test=STIM, control={})
    v = verdict(obs, {"test": flat(3e-20), "control": flat(1e-20)})
    assert v.passed and v.value == pytest.approx(3.0)
    assert floor_of({"a": flat(2.0), "b": flat(-5.0)}) == pytest.approx(5e-12)


def test_control_at_floor_gives_infinite_ratio():
    v = compare("increase", 1.0, 0.0)
    assert v.passed and math.isinf(v.value)
    assert not compare("decrease", 1.0, 0.0).passed
    assert safe_ratio(0.0, 0.0, 0.0) == 1.0 and safe_ratio(-1.0, 0.0, 1e-12) == -math.inf


def abrogates(test, control, baseline, **kw):
    obs = make_observation(expect="abrogates", at="1 h", test=STIM, control=STIM, baseline={},
                           **kw)
    return verdict(obs, {"test": flat(test), "control": flat(control), "baseline": flat(baseline)})


def test_abrogates_passes_and_fails():
    v = abrogates(test=1.2, control=2.0, baseline=1.0)  # removes 80 % of the rise
    assert v.passed and v.value == pytest.approx(0.8) and v.threshold == 0.5
    v = abrogates(test=1.7, control=2.0, baseline=1.0)  # removes 30 %
    assert not v.passed and v.value == pytest.approx(0.3)
    assert abrogates(test=1.7, control=2.0, baseline=1.0, by=0.25).passed
    assert abrogates(test=1.5, control=2.0, baseline=1.0).passed  # exactly (1 - by): inclusive


@pytest.mark.parametrize("control, baseline", [(1.0, 1.0), (0.8, 1.0)])
def test_abrogates_needs_control_above_baseline(control, baseline):
    v = abrogates(test=0.0, control=control, baseline=baseline)
    assert not v.passed and math.isnan(v.value)
    assert "control - baseline" in v.detail and "<= 0" in v.detail
    assert "nothing to abrogate" in v.detail


def transient_obs(**kw):
    fields = {"peak_between": ["10 min", "60 min"], "falls_below": {"fraction": 0.5, "by": "2 h"}}
    fields.update(kw)
    return make_observation(expect="transient", experiment=STIM, **fields)


def pulse(t_peak: float, decay_s: float) -> Trace:
    rise = np.clip(T / t_peak, 0, 1)
    return Trace(T, 0.05 + rise * np.exp(-np.clip(T - t_peak, 0, None) / decay_s))


def test_transient_passes():
    v = verdict(transient_obs(), {"experiment": pulse(1200, 1800)})
    assert v.passed and v.value < 0.5 and v.op == "<"
    assert "peak" in v.detail and "20 min" in v.detail


def test_transient_fails_when_peak_outside_window():
    v = verdict(transient_obs(), {"experiment": pulse(300, 1800)})  # peaks at 5 min
    assert not v.passed and "outside" in v.detail


def test_transient_fails_when_it_does_not_fall():
    v = verdict(transient_obs(), {"experiment": pulse(1200, 1e6)})
    assert not v.passed and v.value > 0.9


def test_transient_fails_for_a_monotonic_rise():
    v = verdict(transient_obs(), {"experiment": Trace(T, 1 - np.exp(-T / 3000))})
    assert not v.passed and "outside" in v.detail


def sustained_obs(**kw):
    return make_observation(expect="sustained", experiment=STIM, until="2 h", **kw)


def test_sustained_passes_and_fails():
    assert verdict(sustained_obs(), {"experiment": pulse(1200, 1e5)}).passed
    v = verdict(sustained_obs(), {"experiment": pulse(1200, 1800)})
    assert not v.passed and v.value < 0.5
    # a lower threshold accepts the same decay
    assert verdict(sustained_obs(fraction=0.01), {"experiment": pulse(1200, 1800)}).passed


def test_sustained_fails_without_signal():
    v = verdict(sustained_obs(), {"experiment": flat(0.0)})
    assert not v.passed and "no signal" in v.detail


def test_statistics_at_max_auc():
    ramp = Trace(T, T / 3600.0)  # 0 at t=0, 2 at 2 h
    at = make_observation(expect="increase", at="30 min", test=STIM, control={})
    assert readout_value(at, ramp) == pytest.approx(0.5)
    mx = make_observation(expect="increase", statistic="max", window=["0 h", "1 h"], test=STIM,
                          control={})
    assert readout_value(mx, ramp) == pytest.approx(1.0)
    auc = make_observation(expect="increase", statistic="auc", window=["1 h", "2 h"],
                           test=STIM, control={})
    # integral of t/3600 from 3600 to 7200 s = 1.5 x 3600
    assert readout_value(auc, ramp) == pytest.approx(1.5 * 3600)
    # a window whose ends fall between grid points is interpolated in
    odd = make_observation(expect="increase", statistic="auc", window=["1 min", "7 min"],
                           test=STIM, control={})
    exact = (420**2 - 60**2) / 2 / 3600
    assert readout_value(odd, ramp) == pytest.approx(exact)


def test_non_finite_trace_fails_with_reason():
    obs = make_observation(expect="increase", at="1 h", test=STIM, control={})
    bad = Trace(T, np.full_like(T, np.nan))
    v = verdict(obs, {"test": bad, "control": flat(1)})
    assert not v.passed and "non-finite" in v.detail
