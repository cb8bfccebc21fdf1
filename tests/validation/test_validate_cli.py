"""`cytonet validate` and `cytonet report` from the command line (simulator injected)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from validation_helpers import FakeSimulator, HillSimulator

import cytonet.validation.run as run
from cytonet.cli import main

BAD = Path(__file__).parents[1] / "experiments" / "data" / "bad_observations.yaml"
GOOD = """\
- id: il6-up
  claim: IL-6 raises pSTAT3.
  source: {doi: 10.1042/BJ20030407}
  readout: phospho:STAT3
  at: 30 min
  test: {cell: hepatocyte, stimuli: {IL6: 20 ng/mL}}
  control: {cell: hepatocyte}
  expect: increase
- id: il6-up-a-lot
  claim: IL-6 raises pSTAT3 a million-fold (fails).
  source: {pmid: 123}
  readout: phospho:STAT3
  test: {cell: hepatocyte, stimuli: {IL6: 20 ng/mL}}
  control: {cell: hepatocyte}
  expect: increase
  fold: 1000000
"""


@pytest.fixture(autouse=True)
def fake_simulator(monkeypatch):
    sim = FakeSimulator()
    monkeypatch.setattr(run, "_default_simulate", lambda: sim)
    return sim


@pytest.fixture
def good_file(tmp_path) -> Path:
    p = tmp_path / "good.yaml"
    p.write_text(GOOD)
    return p


def cli(capsys, *argv) -> tuple[int, list[str], str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out.splitlines(), err


def test_lines_and_closing_line(capsys, good_file):
    rc, lines, err = cli(capsys, "validate", "--observations", str(good_file))
    assert rc == 0 and err == ""
    assert lines[0].startswith("PASS il6-up: ") and " vs >= 1.5 (phospho:STAT3 at 30 min" in lines[0]
    assert lines[1].startswith("FAIL il6-up-a-lot: ") and "vs >= 1e+06" in lines[1]
    assert lines[2].startswith("validated 2 observations in ")
    assert lines[-1] == "1 passed, 1 failed"


def test_strict_makes_failures_exit_1(capsys, good_file):
    rc, lines, _ = cli(capsys, "validate", "--strict", "--observations", str(good_file))
    assert rc == 1 and lines[-1] == "1 passed, 1 failed"


def test_json(capsys, good_file):
    rc, lines, _ = cli(capsys, "validate", "--json", "--observations", str(good_file))
    data = json.loads("\n".join(lines))
    assert rc == 0
    assert (data["passed"], data["failed"]) == (1, 1)
    assert [r["id"] for r in data["results"]] == ["il6-up", "il6-up-a-lot"]
    assert set(data["results"][0]) == {"id", "passed", "value", "threshold", "detail"}


def test_malformed_file_errors_located_good_ones_still_run(capsys):
    rc, lines, err = cli(capsys, "validate", "--observations", str(BAD))
    assert rc == 2
    assert "Traceback" not in err
    assert lines[0].startswith("PASS good-il6-pstat3: ")
    assert lines[1].startswith("PASS good-lif-socs3: ")
    errors = [ln for ln in lines if ln.startswith("ERROR ")]
    assert len(errors) == 20
    assert f"ERROR {BAD}:19: bare-number-dose: field 'test.stimuli.IL6': bare number 20 has " \
           "no unit; write it with a unit, e.g. '20 nM' or '20 ng/mL'" in errors
    assert any(e.startswith(f"ERROR {BAD}:") and "unknown-entity: field "
               "'test.perturbations[0].knockdown': unknown entity 'STAT33'; did you mean STAT3"
               in e for e in errors)
    assert "could not be run" in lines[-2]
    assert lines[-1] == "2 passed, 0 failed"


def test_json_with_errors(capsys):
    rc, lines, err = cli(capsys, "validate", "--json", "--observations", str(BAD))
    data = json.loads("\n".join(lines))
    assert rc == 2 and data["passed"] == 2 and data["errors"] == 17  # 17 bad observations (one is a duplicate id)
    errs = [r for r in data["results"] if "error" in r]
    assert {r["id"] for r in errs} >= {"unknown-drug", "Not_Kebab", "absurd-oxygen"}
    assert all(r["passed"] is False for r in errs)
    assert "ERROR " in err


def test_malformed_yaml_exit_2_no_traceback(capsys):
    broken = BAD.parent / "broken_syntax.yaml"
    rc, lines, err = cli(capsys, "validate", "--observations", str(broken))
    assert rc == 2 and "Traceback" not in err
    assert lines[0] == f"ERROR {broken}:6: malformed YAML: expected ',' or '}}', but got " \
                       "'<scalar>' (while parsing a flow mapping)"
    assert lines[-1] == "0 passed, 0 failed"


def test_several_files(capsys, good_file, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(GOOD.replace("il6-up", "il6-more"))
    rc, lines, _ = cli(capsys, "validate", "--observations", str(good_file),
                       "--observations", str(other))
    assert rc == 0 and lines[-1] == "2 passed, 2 failed"


def test_simulation_failure_exit_2(capsys, good_file, monkeypatch):
    sim = FakeSimulator(fail=lambda r: bool(r.experiment.stimuli))
    monkeypatch.setattr(run, "_default_simulate", lambda: sim)
    rc, lines, _ = cli(capsys, "validate", "--observations", str(good_file))
    assert rc == 2
    assert lines[0].startswith(f"ERROR {good_file}:1: il6-up: field 'test': simulation failed")
    assert lines[-1] == "0 passed, 0 failed"


def test_bad_workers_is_a_usage_error(capsys, good_file):
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--workers", "0", "--observations", str(good_file)])
    assert exc.value.code == 2
    assert "expected at least 1" in capsys.readouterr().err


def test_missing_default_file_is_a_clear_error(capsys, monkeypatch, tmp_path):
    import cytonet.cli.validate as v
    monkeypatch.setattr(v, "default_observations_file", lambda: tmp_path / "nope.yaml")
    rc, _, err = cli(capsys, "validate")
    assert rc == 2 and "cytonet: error:" in err and "--observations FILE" in err


def test_report_cli(capsys, good_file, tmp_path):
    out = tmp_path / "rep"
    rc, lines, err = cli(capsys, "report", "--out", str(out), "--observations", str(good_file))
    assert rc == 0 and lines[-1] == "1 passed, 1 failed"
    assert (out / "index.html").is_file()
    # never silent: each stage on stderr, started and done with its seconds, in order
    done = [line.split(" done in ")[0] for line in err.splitlines() if " done in " in line]
    assert done == ["cytonet report: compile", "cytonet report: validation",
                    "cytonet report: figures", "cytonet report: write"], err
    assert "cytonet report: validation ...\n" in err
    assert json.loads((out / "scorecard.json").read_text())["passed"] == 1


QUANT = GOOD + """\
- id: il6-ec50
  claim: IL-6 activates STAT3 with an EC50 in this range.
  source: {pmid: 123}
  readout: phospho:STAT3
  at: 30 min
  experiment: {cell: hepatocyte}
  scan: {stimulus: IL6, from: 0.001 ng/mL, to: 1000 ng/mL}
  expect: ec50
  within: [1 ng/mL, 3 ng/mL]
- id: rux-ic50
  claim: Ruxolitinib blocks IL-6-induced pSTAT3 with an IC50 in this range.
  source: {pmid: 123}
  readout: phospho:STAT3
  at: 30 min
  experiment: {cell: hepatocyte, stimuli: {IL6: 10 ng/mL}}
  scan: {drug: ruxolitinib, from: 1 nM, to: 10 uM}
  expect: ic50
  within: [10 nM, 100 nM]
- id: il6-ratio
  claim: IL-6 raises pSTAT3 by this much.
  source: {pmid: 123}
  readout: phospho:STAT3
  test: {cell: hepatocyte, stimuli: {IL6: 20 ng/mL}}
  control: {cell: hepatocyte}
  expect: ratio
  within: [2, 50]
"""


@pytest.fixture
def quant_file(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(run, "_default_simulate", lambda: HillSimulator())
    p = tmp_path / "quant.yaml"
    p.write_text(QUANT)
    return p


def test_quantitative_line_before_the_closing_line(capsys, quant_file):
    rc, lines, err = cli(capsys, "validate", "--observations", str(quant_file))
    assert rc == 0 and err == ""
    ic50 = next(ln for ln in lines if ln.startswith("FAIL rux-ic50: "))
    assert " nM vs in [10, 100] nM (" in ic50 and "fold outside range 3" in ic50
    assert lines[-3].startswith("validated 5 observations in ")
    # fold errors 0 (ec50), ~3 (ic50), 0 (ratio): median 0
    assert lines[-2] == "quantitative: 3 observations, median fold error 0"
    assert lines[-1] == "3 passed, 2 failed"


def test_no_quantitative_line_without_quantitative_observations(capsys, good_file):
    _, lines, _ = cli(capsys, "validate", "--observations", str(good_file))
    assert not any(ln.startswith("quantitative:") for ln in lines)


def test_json_with_quantitative_results(capsys, quant_file):
    rc, lines, _ = cli(capsys, "validate", "--json", "--observations", str(quant_file))
    data = json.loads("\n".join(lines))
    assert rc == 0 and data["median_fold_error"] == 0.0
    res = {r["id"]: r for r in data["results"]}
    assert set(res["rux-ic50"]) == {"id", "passed", "value", "threshold", "detail",
                                    "fold_error"}
    assert res["rux-ic50"]["threshold"] == [10.0, 100.0]
    assert res["rux-ic50"]["fold_error"] == pytest.approx(res["rux-ic50"]["value"] / 100)
    assert set(res["il6-up"]) == {"id", "passed", "value", "threshold", "detail"}


def test_quantitative_line_counts_those_without_a_value():
    from cytonet.cli.validate import quantitative_line
    from cytonet.validation.run import ObservationResult, Scorecard
    rs = [ObservationResult(id=f"q{i}", passed=False, expect="ec50", fold_error=f)
          for i, f in enumerate([1.5, float("nan"), 2.0, 4.0])]
    card = Scorecard(results=rs)
    assert quantitative_line(card) == ("quantitative: 4 observations, median fold error 2 "
                                       "(1 without a measured value)")
    card = Scorecard(results=rs[1:2])
    assert quantitative_line(card) == ("quantitative: 1 observations, median fold error n/a "
                                       "(1 without a measured value)")


def test_report_cli_with_quantitative_observations(capsys, quant_file, tmp_path):
    out = tmp_path / "rep"
    rc, lines, _ = cli(capsys, "report", "--out", str(out), "--observations", str(quant_file))
    assert rc == 0 and lines[-2] == "quantitative: 3 observations, median fold error 0"
    assert 'id="quantitative"' in (out / "index.html").read_text()
    assert json.loads((out / "scorecard.json").read_text())["median_fold_error"] == 0.0
