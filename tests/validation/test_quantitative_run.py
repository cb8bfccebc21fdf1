"""Quantitative observations through validate_observations / validate_file with an injected
simulator: a scan is one request per dose in the same de-duplicated batch, results carry
fold_error, the scorecard its median, and the JSON stays valid."""

from __future__ import annotations

import json
import math

import pytest
from validation_helpers import EC50_NM, IC50_NM, HillSimulator, make_observation

from cytonet.validation.run import build_requests, validate_file, validate_observations

HEP = {"cell": "hepatocyte"}
IL6 = {"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}}
MW_IL6 = 20.9


def quantitative():
    return [
        make_observation(id="ec50", expect="ec50", at="1 h", experiment=HEP,
                         scan={"stimulus": "IL6", "from": "0.001 ng/mL", "to": "1000 ng/mL"},
                         within=["1 ng/mL", "3 ng/mL"]),
        make_observation(id="ic50", expect="ic50", at="1 h", experiment=IL6,
                         scan={"drug": "ruxolitinib", "from": "1 nM", "to": "10 uM",
                               "points": 9},
                         within=["10 nM", "100 nM"]),
        make_observation(id="ratio", expect="ratio", at="1 h", test=IL6, control=HEP,
                         within=[2, 100]),
        make_observation(id="up", expect="increase", at="1 h", test=IL6, control=HEP),
    ]


def test_scans_join_the_one_deduplicated_batch():
    sim = HillSimulator()
    obs = quantitative()
    card = validate_observations(obs, simulate=sim)
    assert len(sim.calls) == 1
    reqs = sim.calls[0]
    # hepatocyte (ec50's zero dose, ic50's default baseline, the controls), 25 IL-6 doses,
    # 9 drug doses; IL6 10 ng/mL (ic50's zero dose, the tests) is one of the 25 doses
    # (4 per decade from 0.001 ng/mL), so it is run once for all of them
    assert len({r.experiment for r in reqs}) == len(reqs) == card.n_requests == 1 + 25 + 9
    reqs2, index = build_requests(obs)
    assert len(reqs2) == len(reqs) and len(index) == len(reqs)
    assert [r.status for r in card.results] == ["PASS", "FAIL", "PASS", "PASS"]


def test_values_units_and_fold_errors():
    card = validate_observations(quantitative(), simulate=HillSimulator())
    ec50 = card.result("ec50")
    # half of the rise from zero dose to the top of the scan (1000 ng/mL, not quite saturating)
    assert ec50.unit == "ng/mL" and ec50.value == pytest.approx(EC50_NM * MW_IL6, rel=0.05)
    assert ec50.threshold == (1.0, 3.0) and ec50.fold_error == 0.0
    ic50 = card.result("ic50")
    assert ic50.unit == "nM" and ic50.value == pytest.approx(IC50_NM, rel=0.05)
    assert ic50.fold_error == pytest.approx(ic50.value / 100.0)
    assert card.result("up").fold_error is None and not card.result("up").is_quantitative
    assert [r.id for r in card.quantitative] == ["ec50", "ic50", "ratio"]
    assert card.median_fold_error == 0.0
    assert "ERROR" not in card.result("ic50").summary()
    assert card.result("ic50").summary().startswith(
        f"FAIL ic50: {ic50.value:.3g} nM vs in [10, 100] nM (")


def test_json_extensions_and_no_nan():
    obs = quantitative()
    obs.append(make_observation(id="no-rise", expect="ec50", at="1 h", experiment=HEP,
                                readout="mRNA:SOCS3",
                                scan={"stimulus": "LIF", "from": "1 pM", "to": "1 nM"},
                                within=["1 pM", "1 nM"]))
    sim = HillSimulator()  # LIF does nothing here: no rise, no EC50
    text = validate_observations(obs, simulate=sim).to_json()

    def no_constants(name):
        raise AssertionError(f"JSON holds {name}")
    data = json.loads(text, parse_constant=no_constants)
    res = {r["id"]: r for r in data["results"]}
    for oid in ("ec50", "ic50", "ratio", "no-rise"):
        assert set(res[oid]) == {"id", "passed", "value", "threshold", "detail", "fold_error"}
        assert "fold outside range" in res[oid]["detail"]
    assert set(res["up"]) == {"id", "passed", "value", "threshold", "detail"}
    assert res["ec50"]["threshold"] == [1.0, 3.0] and res["ec50"]["fold_error"] == 0.0
    assert res["no-rise"]["value"] is None and res["no-rise"]["fold_error"] is None
    assert res["no-rise"]["passed"] is False and "numerical floor" in res["no-rise"]["detail"]
    # the median over those with a value: 0 (ec50), 0 (ratio), 3 (ic50)
    assert data["median_fold_error"] == 0.0


def test_median_fold_error_counts_infinite_not_unknown():
    card = validate_observations(quantitative()[:3], simulate=HillSimulator())
    card.results[0].fold_error = math.inf
    card.results[2].fold_error = math.nan
    assert card.median_fold_error == math.inf  # median of [inf, ic50's fold]
    assert json.loads(card.to_json())["median_fold_error"] is None


def test_no_quantitative_observations_no_median():
    card = validate_observations(quantitative()[3:], simulate=HillSimulator())
    assert card.quantitative == [] and card.median_fold_error is None
    assert json.loads(card.to_json())["median_fold_error"] is None


def test_a_failed_dose_is_an_error_located_at_the_scan():
    # the 10 uM ruxolitinib run fails: the ic50 cannot be judged; the others are
    sim = HillSimulator(fail=lambda r: any(p.dose_nM == 10000.0
                                           for p in r.experiment.perturbations))
    card = validate_observations(quantitative(), simulate=sim)
    ic50 = card.result("ic50")
    assert ic50.status == "ERROR" and [p.field for p in ic50.problems] == ["scan"]
    assert "simulation failed (hepatocyte, IL6 0.478469 nM, ruxolitinib 10000 nM)" in ic50.error
    assert [r.status for r in card.results] == ["PASS", "ERROR", "PASS", "PASS"]
    assert "fold_error" not in ic50.as_dict() and card.quantitative == [card.results[0],
                                                                         card.results[2]]


def test_validate_file_with_the_spec_example_and_parse_errors(tmp_path):
    f = tmp_path / "obs.yaml"
    f.write_text(
        "- id: il6-pstat3-ec50-hepatocyte\n  claim: c\n  source: {doi: 10.1042/BJ20030407}\n"
        "  readout: phospho:STAT3\n  at: 30 min\n  experiment: {cell: hepatocyte}\n"
        "  scan: {stimulus: IL6, from: 0.001 ng/mL, to: 1000 ng/mL}\n  expect: ec50\n"
        "  within: [0.05 ng/mL, 1 ng/mL]\n"
        "- id: bad\n  claim: c\n  source: {pmid: 1}\n  readout: phospho:STAT3\n"
        "  experiment: {cell: hepatocyte}\n  scan: {stimulus: IL6, from: 1 nM, to: 1 pM}\n"
        "  expect: ec50\n  within: [1 nM, 2 nM]\n")
    card = validate_file(f, simulate=HillSimulator())
    assert [(r.id, r.status) for r in card.results] == [("il6-pstat3-ec50-hepatocyte", "FAIL"),
                                                        ("bad", "ERROR")]
    assert str(card.problems[0]) == (f"{f}:15: bad: field 'scan.to': to '1 pM' must be above "
                                     "from '1 nM'")
    ec50 = card.result("il6-pstat3-ec50-hepatocyte")
    assert ec50.value == pytest.approx(EC50_NM * MW_IL6, rel=0.05)
    assert ec50.fold_error == pytest.approx(ec50.value)


def test_scorecard_frame_has_one_row_per_observation():
    obs = quantitative()
    bad = make_observation(id="kd-fails", expect="increase", at="1 h",
                           test={**IL6, "perturbations": [{"knockdown": "STAT3"}]},
                           control=HEP, source={"doi": "10.1234/abc", "pmid": 7})
    sim = HillSimulator(fail=lambda r: bool(r.experiment.perturbations) and
                        r.experiment.perturbations[0].kind == "knockdown")
    card = validate_observations([*obs, bad], simulate=sim)
    df = card.to_frame()
    from cytonet.validation.run import FRAME_COLUMNS

    assert tuple(df.columns) == FRAME_COLUMNS
    assert list(df["id"]) == ["ec50", "ic50", "ratio", "up", "kd-fails"]
    assert list(df["verdict"]) == [r.status for r in card.results] == \
        ["PASS", "FAIL", "PASS", "PASS", "ERROR"]
    assert list(df["passed"]) == [True, False, True, True, False]
    rows = df.set_index("id")
    assert rows.loc["ec50", "kind"] == "ec50" and rows.loc["ec50", "unit"] == "ng/mL"
    assert (rows.loc["ec50", "low"], rows.loc["ec50", "high"]) == (1.0, 3.0)
    assert rows.loc["ec50", "threshold"] == "[1, 3] ng/mL"
    assert rows.loc["ic50", "value"] == pytest.approx(card.result("ic50").value)
    assert rows.loc["ic50", "fold_error"] == pytest.approx(card.result("ic50").fold_error)
    assert math.isnan(rows.loc["up", "low"]) and math.isnan(rows.loc["up", "fold_error"])
    assert rows.loc["up", "pmid"] == "1" and rows.loc["up", "readout"] == "phospho:STAT3"
    err = rows.loc["kd-fails"]
    assert "CVODE error -4" in err["error"] and math.isnan(err["value"])
    assert (err["doi"], err["pmid"]) == ("10.1234/abc", "7")
    assert err["file"] == "synthetic.yaml"
    # the frame's counts are the scorecard's
    assert (df["verdict"] == "PASS").sum() == card.passed
    assert (df["verdict"] == "FAIL").sum() == card.failed
