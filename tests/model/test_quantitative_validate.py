"""End to end on the real model: `cytonet validate --json --observations FILE` with v1.1
quantitative items. The ranges below show the shape of each kind (as the spec's example
does); the test checks that the figures are measured and consistent with the model's own
traces, not that the model agrees with them."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from model_helpers import value_at

from cytonet.cli import main
from cytonet.validation.expectations import fold_outside

SPEC_EXAMPLE = Path(__file__).resolve().parents[1] / "experiments" / "data" / "spec_example_v11.yaml"
MW_IL6 = 20.9  # kDa
MORE = """
- id: ruxolitinib-pstat3-ic50-hepatocyte
  claim: Ruxolitinib blocks IL-6-induced STAT3 phosphorylation (shape of an IC50 item).
  source: {pmid: 20130243}
  readout: phospho:STAT3
  at: 30 min
  experiment: {cell: hepatocyte, stimuli: {IL6: 10 ng/mL}}
  scan: {drug: ruxolitinib, from: 1 nM, to: 10 uM}
  expect: ic50
  within: [100 nM, 1 uM]
- id: il6-pstat3-peak-time
  claim: IL-6-induced pSTAT3 peaks within the first hour (shape of a peak_time item).
  source: {doi: 10.1042/BJ20030407}
  readout: phospho:STAT3
  experiment: {cell: hepatocyte, stimuli: {IL6: 10 ng/mL}}
  expect: peak_time
  within: [10 min, 60 min]
- id: il6-pstat3-ratio
  claim: IL-6 raises pSTAT3 several fold (shape of a ratio item).
  source: {doi: 10.1042/BJ20030407}
  readout: phospho:STAT3
  at: 30 min
  test: {cell: hepatocyte, stimuli: {IL6: 10 ng/mL}}
  control: {cell: hepatocyte}
  expect: ratio
  within: [3, 30]
- id: il6-pstat3-fraction-4h
  claim: pSTAT3 falls back towards basal by 4 h (shape of a fraction_of_peak item).
  source: {doi: 10.1042/BJ20030407}
  readout: phospho:STAT3
  at: 4 h
  experiment: {cell: hepatocyte, stimuli: {IL6: 10 ng/mL}}
  expect: fraction_of_peak
  within: [0, 0.5]
"""


@pytest.fixture(scope="module")
def quant_file(sim, tmp_path_factory):
    f = tmp_path_factory.mktemp("quant") / "quantitative.yaml"
    f.write_text(SPEC_EXAMPLE.read_text() + MORE)
    return f


def run_json(capsys, path) -> tuple[int, dict]:
    rc = main(["validate", "--json", "--observations", str(path)])
    out, _ = capsys.readouterr()

    def no_constants(name):
        raise AssertionError(f"the JSON holds {name}")
    return rc, json.loads(out, parse_constant=no_constants)


def test_validate_quantitative_file_on_the_model(capsys, quant_file):
    rc, data = run_json(capsys, quant_file)
    assert rc == 0 and data["errors"] == 0 and data["problems"] == []
    res = {r["id"]: r for r in data["results"]}
    assert list(res) == ["il6-pstat3-ec50-hepatocyte", "ruxolitinib-pstat3-ic50-hepatocyte",
                         "il6-pstat3-peak-time", "il6-pstat3-ratio", "il6-pstat3-fraction-4h"]
    for r in res.values():
        assert set(r) == {"id", "passed", "value", "threshold", "detail", "fold_error"}
        low, high = r["threshold"]
        assert isinstance(r["value"], float) and math.isfinite(r["value"]), r
        assert r["fold_error"] == pytest.approx(fold_outside(r["value"], low, high))
        assert r["passed"] is (r["fold_error"] == 0.0) is (low <= r["value"] <= high)
        assert f"fold outside range {r['fold_error']:.3g}" in r["detail"]
    folds = sorted(r["fold_error"] for r in res.values())
    assert data["median_fold_error"] == pytest.approx(folds[2])

    # the EC50 (ng/mL, the unit of within) lies inside the scan, and the model's own
    # pSTAT3 at that dose is half-way between the zero dose and the top of the scan
    ec50 = res["il6-pstat3-ec50-hepatocyte"]
    assert ec50["threshold"] == [0.05, 1.0] and 0.001 < ec50["value"] < 1000
    hep = {"cell": "hepatocyte"}
    zero = value_at(hep, "phospho:STAT3", 1800)
    top = value_at({**hep, "stimuli": {"IL6": "1000 ng/mL"}}, "phospho:STAT3", 1800)
    mid = value_at({**hep, "stimuli": {"IL6": f"{ec50['value']} ng/mL"}}, "phospho:STAT3", 1800)
    assert (mid - zero) / (top - zero) == pytest.approx(0.5, abs=0.03)

    # the IC50 (nM) removes half of the rise over the default baseline (no IL-6)
    ic50 = res["ruxolitinib-pstat3-ic50-hepatocyte"]
    assert ic50["threshold"] == [100.0, 1000.0] and 1 < ic50["value"] < 10000
    il6 = {**hep, "stimuli": {"IL6": "10 ng/mL"}}
    drugged = {**il6, "perturbations": [{"drug": "ruxolitinib", "dose": f"{ic50['value']} nM"}]}
    left = (value_at(drugged, "phospho:STAT3", 1800) - zero) / \
        (value_at(il6, "phospho:STAT3", 1800) - zero)
    assert left == pytest.approx(0.5, abs=0.03)

    peak = res["il6-pstat3-peak-time"]  # minutes, inside the default window [0 h, 24 h]
    assert 0 < peak["value"] < 24 * 60
    assert 0 < res["il6-pstat3-fraction-4h"]["value"] <= 1
    assert res["il6-pstat3-ratio"]["value"] > 1


def test_validate_prints_the_quantitative_line(capsys, quant_file):
    rc = main(["validate", "--observations", str(quant_file)])
    lines = capsys.readouterr().out.splitlines()
    assert rc == 0
    assert lines[-2].startswith("quantitative: 5 observations, median fold error ")
    assert lines[0].startswith(("PASS il6-pstat3-ec50-hepatocyte: ",
                                "FAIL il6-pstat3-ec50-hepatocyte: "))
    assert " ng/mL vs in [0.05, 1] ng/mL (" in lines[0]
