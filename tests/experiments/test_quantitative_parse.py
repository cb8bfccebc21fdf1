"""The quantitative kinds of v1.1 (ec50, ic50, peak_time, ratio, fraction_of_peak): each
parses into model units with its range kept in the unit it is written in, and each mistake
is reported with file, line, observation id and field, as v1 mistakes are."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_observation_errors import line_of

from cytonet.experiments.parse import (
    DEFAULT_PEAK_WINDOW_S,
    DEFAULT_SCAN_POINTS,
    Scan,
    load_observations,
    parse_observation,
)
from cytonet.experiments.types import DEFAULT_READOUT_TIME_S, Experiment, Perturbation, Readout

DATA = Path(__file__).parent / "data"
SPEC_EXAMPLE = DATA / "spec_example_v11.yaml"
BAD = DATA / "bad_quantitative.yaml"
MW_IL6 = 20.9  # kDa, data/entities.yaml
NG_PER_ML_IL6_NM = 1.0 / MW_IL6  # 1 ng/mL of IL-6 in nM


def obs_of(**fields):
    obj = {"id": "q", "claim": "c", "source": {"pmid": 1}, "readout": "phospho:STAT3"}
    obj.update(fields)
    o, problems = parse_observation(obj, file="q.yaml")
    assert problems == [], [str(p) for p in problems]
    return o


def test_spec_example_parses():
    obs, problems = load_observations(SPEC_EXAMPLE)
    assert problems == []
    (o,) = obs
    assert (o.id, o.expect, o.readout, o.statistic, o.at_s) == (
        "il6-pstat3-ec50-hepatocyte", "ec50", Readout("phospho", "STAT3"), "at", 1800.0)
    assert o.is_quantitative and o.roles == ("experiment",) and o.baseline is None
    assert o.experiment == Experiment(cell="hepatocyte")
    # the scan in nM (IL-6's molecular weight), the range in the unit it is written in
    assert o.scan.kind == "stimulus" and o.scan.name == "IL6"
    assert o.scan.points == DEFAULT_SCAN_POINTS == 25
    assert o.scan.from_nM == pytest.approx(0.001 * NG_PER_ML_IL6_NM)
    assert o.scan.to_nM == pytest.approx(1000 * NG_PER_ML_IL6_NM)
    assert o.within == (0.05, 1.0) and o.within_unit == "ng/mL"
    assert o.within_scale == pytest.approx(NG_PER_ML_IL6_NM)


def test_scan_expands_into_one_experiment_per_dose_plus_zero():
    o = load_observations(SPEC_EXAMPLE)[0][0]
    sims = o.simulations()
    assert list(sims)[:2] == ["experiment", "scan[0]"] and len(sims) == 26
    assert o.trace_roles == tuple(sims)
    assert sims["experiment"] == o.experiment  # the zero dose is the experiment itself
    doses = o.scan.doses_nM()
    assert len(doses) == 25 and doses[0] == o.scan.from_nM and doses[-1] == o.scan.to_nM
    ratios = [b / a for a, b in zip(doses, doses[1:], strict=False)]
    assert ratios == pytest.approx([10 ** 0.25] * 24)  # log-spaced: 4 per decade
    assert sims["scan[3]"].stimuli == (("IL6", doses[3]),)
    assert sims["scan[3]"].cell == "hepatocyte"


def test_drug_scan_keeps_the_stimuli_and_default_baseline():
    o = obs_of(expect="ic50", experiment={"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"},
                                          "perturbations": [{"knockdown": "SOCS3"}]},
               scan={"drug": "INCB018424", "from": "1 nM", "to": "10 uM", "points": 5},
               within=["0.1 uM", "1000 nM"])
    assert o.scan == Scan("drug", "ruxolitinib", 1.0, 10000.0, 5)
    assert o.scan.doses_nM() == (1.0, 10.0, 100.0, 1000.0, 10000.0)
    # the default baseline: the experiment without its stimuli
    assert o.baseline == Experiment(cell="hepatocyte",
                                    perturbations=(Perturbation("knockdown", "SOCS3", 0.8),))
    assert o.roles == ("baseline", "experiment")
    assert list(o.simulations()) == ["experiment", *(f"scan[{i}]" for i in range(5)), "baseline"]
    exp = o.simulations()["scan[2]"]
    assert exp.stimuli == o.experiment.stimuli
    assert [p.describe() for p in exp.perturbations] == ["ruxolitinib 100 nM",
                                                         "knockdown SOCS3 (0.8)"]
    # the range: low end's unit, high end converted into it
    assert (o.within, o.within_unit, o.within_scale) == ((0.1, 1.0), "uM", 1000.0)


def test_ic50_takes_an_explicit_baseline_and_a_window_statistic():
    o = obs_of(expect="ic50", experiment={"stimuli": {"IL6": "1 nM"}},
               baseline={"perturbations": [{"knockout": "IL6ST"}]},
               scan={"drug": "ruxolitinib", "from": "1 nM", "to": "1 uM"},
               within=["10 nM", "1 uM"], statistic="auc", window=["0 h", "2 h"])
    assert o.baseline.perturbations[0].kind == "knockout"
    assert (o.statistic, o.window_s, o.end_s) == ("auc", (0.0, 7200.0), 7200.0)


def test_mass_range_of_a_sequestering_drug_converts_with_its_molecular_weight():
    o = obs_of(expect="ic50", readout="phospho:STAT3",
               experiment={"stimuli": {"IL6": "10 ng/mL"}},
               scan={"drug": "tocilizumab", "from": "0.01 ug/mL", "to": "100 ug/mL"},
               within=["0.1 ug/mL", "1 ug/mL"])
    assert o.scan.from_nM == pytest.approx(0.01 / 148 * 1e3)  # 148 kDa
    assert o.within_unit == "ug/mL" and o.within_scale == pytest.approx(1e3 / 148)


def test_peak_time_default_window_and_units():
    o = obs_of(expect="peak_time", experiment={"stimuli": {"IL6": "1 nM"}},
               within=["15 min", "1 h"])
    assert o.statistic == "trace" and o.window_s == DEFAULT_PEAK_WINDOW_S == (0.0, 86400.0)
    assert (o.within, o.within_unit, o.within_scale) == ((15.0, 60.0), "min", 60.0)
    assert o.end_s == 86400.0
    t = o.sample_times()
    # fine early resolution: a peak at minutes is resolved to a few per cent
    early = t[(t >= 600) & (t <= 1200)]
    assert early.size >= 15 and t[0] == 0.0 and t[-1] == 86400.0
    w = obs_of(expect="peak_time", experiment={}, within=["1 h", "2 h"], window=["30 min", "4 h"],
               statistic="max")
    assert w.window_s == (1800.0, 14400.0) and w.end_s == 14400.0


def test_ratio_and_fraction_of_peak():
    r = obs_of(expect="ratio", test={"stimuli": {"IL6": "1 nM"}}, control={}, within=[2, 5.5])
    assert (r.within, r.within_unit, r.within_scale) == ((2.0, 5.5), "", 1.0)
    assert r.at_s == DEFAULT_READOUT_TIME_S["phospho"] and r.statistic == "at"
    assert r.scan is None and r.simulations() == r.experiments()
    f = obs_of(expect="fraction_of_peak", experiment={"stimuli": {"IL6": "1 nM"}}, at="4 h",
               within=[0, 0.5])
    assert (f.statistic, f.at_s, f.end_s, f.within) == ("trace", 14400.0, 14400.0, (0.0, 0.5))


def test_v1_observations_are_unchanged():
    o = obs_of(expect="increase", test={"stimuli": {"IL6": "1 nM"}}, control={})
    assert not o.is_quantitative and o.within is None and o.scan is None
    assert o.simulations() == o.experiments() and o.trace_roles == o.roles


# (id, field, line: (needle, after id), message text) -- one row per kind of mistake
EXPECTED = [
    ("ec50-without-scan", "scan", ("id: ec50-without-scan", None),
     "missing required field (expect 'ec50' needs {stimulus: NAME, from: DOSE, to: DOSE})"),
    ("ec50-without-within", "within", ("id: ec50-without-within", None),
     "missing required field (a range [LOW, HIGH] such as [0.05 ng/mL, 1 ng/mL])"),
    ("ec50-scans-a-drug", "scan.drug", ("drug: ruxolitinib", "ec50-scans-a-drug"),
     "expect 'ec50' scans a stimulus ({stimulus: IL6, from: 0.001 ng/mL, to: 1000 ng/mL}), got "
     "drug 'ruxolitinib' (a drug dose is scanned with expect 'ic50')"),
    ("ic50-scans-a-stimulus", "scan.stimulus", ("stimulus: IL6", "ic50-scans-a-stimulus"),
     "expect 'ic50' scans a drug ({drug: ruxolitinib, from: 1 nM, to: 10 uM}), got stimulus "
     "'IL6' (a stimulus dose is scanned with expect 'ec50')"),
    ("scan-names-both", "scan", ("scan:", "scan-names-both"),
     "a scan names exactly one of stimulus, drug; got both"),
    ("scan-unknown-key", "scan.point", ("point: 13", "scan-unknown-key"),
     "unknown key 'point' in a scan; did you mean 'points'? (allowed: stimulus, drug, from, to, "
     "points)"),
    ("scan-from-zero", "scan.from", ("from: 0 ng/mL", None),
     "from '0 ng/mL' must be above zero: the doses of a scan are log-spaced"),
    ("scan-to-below-from", "scan.to", ("to: 100 pg/mL", None),
     "to '100 pg/mL' must be above from '10 ng/mL'"),
    ("scan-bare-number", "scan.from", ("from: 0.001", "scan-bare-number"),
     "bare number 0.001 has no unit; write it with a unit, e.g. '0.001 nM' or '0.001 ng/mL'"),
    ("scan-without-to", "scan.to", ("scan:", "scan-without-to"),
     "missing required field (a dose such as '0.001 ng/mL')"),
    ("scan-points-fractional", "scan.points", ("points: 2.5", None),
     "expected a whole number of doses from 2 to 1000, got 2.5"),
    ("scan-unknown-stimulus", "scan.stimulus", ("stimulus: IL-66", None),
     "unknown stimulus 'IL-66'; did you mean IL6"),
    ("scan-unknown-drug", "scan.drug", ("drug: aspirin", None), "unknown drug 'aspirin'"),
    ("scan-mass-dose-without-mw", "scan.from", ("from: 1 ng/mL", "scan-mass-dose-without-mw"),
     "of ruxolitinib to molar: the knowledge base has no molecular weight for it"),
    ("scanned-stimulus-also-dosed", "experiment.stimuli.IL-6",
     ("IL-6: 10 ng/mL", "scanned-stimulus-also-dosed"),
     "IL6 is the scanned stimulus (scan.stimulus), so 'experiment' must not also give it a "
     "dose; got '10 ng/mL'"),
    ("scanned-drug-also-dosed", "experiment.perturbations[0]",
     ("- drug: ruxolitinib", "scanned-drug-also-dosed"),
     "ruxolitinib is the scanned drug (scan.drug), so 'experiment' must not also give it a "
     "dose; got '1 uM'"),
    ("within-one-end", "within", ("within: 1 ng/mL", None),
     "expected a range [LOW, HIGH] such as [0.05 ng/mL, 1 ng/mL], got '1 ng/mL'"),
    ("within-reversed", "within", ("within: [1 ng/mL, 50 pg/mL]", None),
     "low '1 ng/mL' is above high '50 pg/mL' (expected [LOW, HIGH])"),
    ("peak-time-with-at", "at", ("at: 30 min", "peak-time-with-at"),
     "'at' is not used with expect 'peak_time', which takes the time of the maximum over "
     "'window' (default [0 h, 24 h])"),
    ("peak-time-with-auc", "statistic", ("statistic: auc", "peak-time-with-auc"),
     "expect 'peak_time' takes the maximum over 'window'; statistic may only be 'max', got "
     "'auc'"),
    ("ratio-within-units", "within", ("within: [2 nM, 5]", None),
     "expected two plain numbers >= 0 such as [2, 5] (a ratio has no unit), got '2 nM'"),
    ("ratio-with-experiment", "test", ("id: ratio-with-experiment", None),
     "missing required field: expect 'ratio' needs test, control"),
    ("ratio-with-experiment", "control", ("id: ratio-with-experiment", None),
     "missing required field: expect 'ratio' needs test, control"),
    ("ratio-with-experiment", "experiment", ("experiment:", "ratio-with-experiment"),
     "'experiment' is not used with expect 'ratio' (it takes test, control)"),
    ("ratio-with-scan", "scan", ("scan:", "ratio-with-scan"),
     "'scan' is not used with expect 'ratio' (only ec50 and ic50 scan a dose)"),
    ("ratio-with-fold", "fold", ("fold: 2", "ratio-with-fold"),
     "'fold' is not a threshold of expect 'ratio' (it takes within)"),
    ("fraction-without-at", "at", ("id: fraction-without-at", None),
     "missing required field (a time such as '4 h': expect 'fraction_of_peak' divides the "
     "value at 'at' by the maximum over [0, at])"),
    ("fraction-with-window", "window", ("window: [0 h, 4 h]", "fraction-with-window"),
     "'window' is not used with expect 'fraction_of_peak'"),
    ("fraction-above-one", "within", ("within: [1.5, 2]", None),
     "low 1.5 is above 1: the value divided by the peak is at most 1"),
    ("ec50-with-baseline", "baseline", ("baseline:", "ec50-with-baseline"),
     "'baseline' is not used with expect 'ec50' (it takes experiment)"),
    ("increase-with-within", "within", ("within: [2, 5]", "increase-with-within"),
     "'within' is not a threshold of expect 'increase' (it takes fold)"),
    ("unknown-key-range", "range", ("range: [2, 5]", None),
     "unknown key 'range' in an observation"),
    ("unknown-quantitative-kind", "expect", ("expect: ec_50", None),
     "unknown expectation 'ec_50'; did you mean 'ec50'?"),
]
# a range whose two ends are both wrong gives one problem per end (as v1's time pairs)
TWICE = [
    ("within-bare-numbers", "within", ("within: [0.05, 1]", None),
     ["bare number 0.05 has no unit", "bare number 1 has no unit"]),
    ("peak-time-within-doses", "within", ("within: [15 nM, 45 nM]", None),
     ["expected a time (s, min, h, d), got '15 nM'", "expected a time (s, min, h, d), got "
      "'45 nM'"]),
]


@pytest.fixture(scope="module")
def loaded():
    return load_observations(BAD)


def test_good_quantitative_observations_still_load(loaded):
    obs, _ = loaded
    assert [o.id for o in obs] == ["good-ec50", "good-ic50"]
    ec50, ic50 = obs
    assert ec50.scan.name == "IL6" and ec50.scan.points == 13  # 'IL-6' resolves
    assert ic50.scan.name == "ruxolitinib" and ic50.within_unit == "uM"  # 'Jakafi' resolves


@pytest.mark.parametrize("oid, field, where, text", EXPECTED,
                         ids=[f"{e[0]}:{e[1]}" for e in EXPECTED])
def test_each_mistake_is_located(loaded, oid, field, where, text):
    _, problems = loaded
    matches = [p for p in problems if p.item == oid and p.field == field]
    assert len(matches) == 1, [str(p) for p in problems if p.item == oid]
    p = matches[0]
    line = line_of(BAD, *where)
    assert p.file == str(BAD) and p.line == line
    assert text in p.message
    assert str(p).startswith(f"{BAD}:{line}: {oid}: field '{field}': ")


@pytest.mark.parametrize("oid, field, where, texts", TWICE, ids=[t[0] for t in TWICE])
def test_both_ends_of_a_range_are_checked(loaded, oid, field, where, texts):
    _, problems = loaded
    matches = [p for p in problems if p.item == oid]
    assert [p.field for p in matches] == [field, field]
    assert all(p.line == line_of(BAD, *where) for p in matches)
    assert all(t in p.message for t, p in zip(texts, matches, strict=True))


def test_no_other_problems(loaded):
    _, problems = loaded
    assert len(problems) == len(EXPECTED) + 2 * len(TWICE)


@pytest.mark.parametrize("fields, field, text", [
    ({"scan": "IL6"}, "scan", "expected a scan mapping such as {stimulus: IL6"),
    ({"scan": {"stimulus": "IL6", "from": "1 pM", "to": "10 mM"}}, "scan.to",
     "above 1 mM: not a plausible cytokine dose"),
    ({"scan": {"stimulus": "IL6", "from": "1 pM", "to": "1 nM", "points": 1}}, "scan.points",
     "expected a whole number of doses from 2 to 1000, got 1"),
    ({"scan": {"stimulus": "IL6", "from": "1 pM", "to": "1 nM", "points": True}}, "scan.points",
     "expected a whole number of doses"),
    ({"scan": {"stimulus": "IL6", "from": "1 min", "to": "1 nM"}}, "scan.from",
     "expected a concentration"),
    ({"scan": {"from": "1 pM", "to": "1 nM"}}, "scan",
     "a scan names exactly one of stimulus, drug; got keys ['from', 'to']"),
    ({"within": ["1 nM", "2 nM", "3 nM"]}, "within", "expected a range [LOW, HIGH]"),
    ({"within": ["1 h", "2 h"]}, "within", "expected a concentration"),
])
def test_bad_ec50_fields(fields, field, text):
    obj = {"id": "ec", "claim": "c", "source": {"pmid": 1}, "readout": "phospho:STAT3",
           "expect": "ec50", "experiment": {}, "within": ["1 nM", "2 nM"],
           "scan": {"stimulus": "IL6", "from": "1 pM", "to": "1 uM"}}
    obj.update(fields)
    o, probs = parse_observation(obj, file="f.yaml")
    assert o is None
    p = next((p for p in probs if p.field == field), None)
    assert p is not None, [str(p) for p in probs]
    assert text in p.message and p.item == "ec" and p.file == "f.yaml"


def test_ratio_range_must_be_plain_non_negative_numbers():
    obj = {"id": "r", "claim": "c", "source": {"pmid": 1}, "readout": "phospho:STAT3",
           "expect": "ratio", "test": {}, "control": {}, "within": [-1, 2]}
    o, probs = parse_observation(obj)
    assert o is None and [p.field for p in probs] == ["within"]
    assert "expected two plain numbers >= 0 such as [2, 5] (a ratio has no unit), got -1" in \
        probs[0].message


def test_fraction_of_peak_at_must_be_after_zero():
    obj = {"id": "f", "claim": "c", "source": {"pmid": 1}, "readout": "phospho:STAT3",
           "expect": "fraction_of_peak", "experiment": {}, "at": "0 h", "within": [0.1, 0.5]}
    o, probs = parse_observation(obj)
    assert o is None and [(p.field, p.message) for p in probs] == [
        ("at", "at must be after t = 0")]
