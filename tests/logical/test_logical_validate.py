"""validate --formalism logical | both: the same observation format on the logical model."""

from __future__ import annotations

import json
import textwrap

from logical_helpers import engines

from cytonet.cli import main

OBS = textwrap.dedent("""\
    - id: il6-pstat3
      claim: IL-6 raises pSTAT3 in hepatocytes.
      source: {seed: test}
      readout: phospho:STAT3
      at: 30 min
      test: {cell: hepatocyte, stimuli: {IL6: 20 ng/mL}}
      control: {cell: hepatocyte}
      expect: increase
    - id: socs3-ko-no-stat3-loss
      claim: SOCS3 knockout does not lower pSTAT3 (a finding the logical model fails).
      source: {seed: test}
      readout: phospho:STAT3
      at: 4 h
      test: {cell: hepatocyte, stimuli: {IL6: 20 ng/mL}, perturbations: [{knockout: SOCS3}]}
      control: {cell: hepatocyte, stimuli: {IL6: 20 ng/mL}}
      expect: decrease
    - id: il6-pstat3-ratio
      claim: a quantitative ratio.
      source: {seed: test}
      readout: phospho:STAT3
      at: 30 min
      test: {cell: hepatocyte, stimuli: {IL6: 20 ng/mL}}
      control: {cell: hepatocyte}
      expect: ratio
      within: [2, 100]
    - id: weak-knockdown
      claim: a knockdown too weak to switch a node.
      source: {seed: test}
      readout: phospho:STAT3
      test: {cell: hepatocyte, stimuli: {IL6: 20 ng/mL}, perturbations: [{knockdown: JAK1, efficiency: 0.2}]}
      control: {cell: hepatocyte, stimuli: {IL6: 20 ng/mL}}
      expect: no_change
    """)


def test_formalism_logical_judges_and_reports_not_applicable(tmp_path, capsys):
    engines()
    f = tmp_path / "obs.yaml"
    f.write_text(OBS)
    rc = main(["validate", "--formalism", "logical", "--observations", str(f)])
    out = capsys.readouterr().out
    assert rc == 0
    assert "PASS il6-pstat3:" in out
    assert "FAIL socs3-ko-no-stat3-loss:" in out
    assert "N/A il6-pstat3-ratio: quantitative v1.1 kind 'ratio'" in out
    assert "N/A weak-knockdown:" in out and "efficiency" in out
    assert "logical model: expressed 2 of 4 observations (2 not applicable)" in out
    assert out.strip().endswith("1 passed, 1 failed")


def test_formalism_logical_json(tmp_path, capsys):
    engines()
    f = tmp_path / "obs.yaml"
    f.write_text(OBS)
    assert main(["validate", "--formalism", "logical", "--json", "--observations", str(f)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["formalism"] == "logical" and doc["expressed"] == 2
    assert {r["id"] for r in doc["not_applicable"]} == {"il6-pstat3-ratio", "weak-knockdown"}
    assert doc["passed"] == 1 and doc["failed"] == 1


def test_bad_observation_is_an_error_not_skipped(tmp_path, capsys):
    engines()
    f = tmp_path / "obs.yaml"
    f.write_text(OBS.replace("readout: phospho:STAT3\n  at: 4 h", "readout: phospho:NOPE\n  at: 4 h"))
    rc = main(["validate", "--formalism", "logical", "--observations", str(f)])
    out = capsys.readouterr().out
    assert rc == 2 and "ERROR" in out and "socs3-ko-no-stat3-loss" in out


def test_formalism_both_and_report_column(tmp_path, capsys):
    engines()
    f = tmp_path / "obs.yaml"
    f.write_text(OBS)
    rc = main(["validate", "--formalism", "both", "--observations", str(f)])
    out = capsys.readouterr().out
    assert rc == 0
    line = next(ln for ln in out.splitlines() if ln.startswith("il6-pstat3 "))
    assert "ODE PASS" in line and "logical PASS" in line and line.rstrip().endswith("agree")
    assert "logical N/A" in next(ln for ln in out.splitlines()
                                 if ln.startswith("il6-pstat3-ratio "))
    assert "agreement:" in out and "observations both formalisms judge" in out
    assert main(["report", "--logical", "--out", str(tmp_path / "rep"),
                 "--observations", str(f)]) == 0
    html = (tmp_path / "rep" / "index.html").read_text()
    assert "ODE vs logical model" in html and "<th>logical</th>" in html
    doc = json.loads((tmp_path / "rep" / "scorecard.json").read_text())
    assert {r["id"] for r in doc["logical"]["rows"]} >= {"il6-pstat3", "weak-knockdown"}
