"""cytonet logical export | attractors | simulate."""

from __future__ import annotations

import csv
import json

import libsbml
from logical_helpers import engines

from cytonet.cli import main

EXP = """experiments:
  rest: {cell: hepatocyte}
  il6: {cell: hepatocyte, stimuli: {IL6: 20 ng/mL}}
"""


def test_export_bnet_sbml_maboss(tmp_path, capsys):
    assert main(["logical", "export", "--bnet", "--rules"]) == 0
    out = capsys.readouterr().out
    assert "STAT3, JAK1 & JAK2 & TYK2" in out
    assert "# SOCS3_mRNA: mRNA of SOCS3; realizes STAT3-transcribes-SOCS3" in out
    f = tmp_path / "m.sbml"
    assert main(["logical", "export", "--sbml-qual", "-o", str(f)]) == 0
    assert libsbml.readSBMLFromFile(str(f)).getNumErrors() == 0
    assert main(["logical", "export", "--maboss", "-o", str(tmp_path / "m")]) == 0
    assert "rate_up" in (tmp_path / "m.bnd").read_text()
    assert "sample_count" in (tmp_path / "m.cfg").read_text()
    assert main(["logical", "export", "--maboss"]) == 2  # needs a stem


def test_attractors_and_simulate(tmp_path, capsys):
    engines()
    f = tmp_path / "exp.yaml"
    f.write_text(EXP)
    assert main(["logical", "attractors", str(f), "--json", "--no-biobalm"]) == 0
    doc = json.loads(capsys.readouterr().out)
    rest = doc["rest"]["attractors"]
    assert len(rest) == 1 and rest[0]["reachable"] and rest[0]["attractor"]["STAT3"] == 0
    il6 = doc["il6"]["attractors"]
    assert il6[0]["attractor"]["STAT3"] == "*"  # the SOCS3 loop oscillates under MP semantics
    out_csv = tmp_path / "p.csv"
    assert main(["logical", "simulate", str(f), "--readouts", "phospho:STAT3", "--until", "2 h",
                 "--points", "5", "--trajectories", "500", "--csv", str(out_csv)]) == 0
    rows = list(csv.DictReader(out_csv.open()))
    assert len(rows) == 10
    il6_1h = [float(r["value"]) for r in rows if r["experiment"] == "il6"
              and abs(float(r["time_h"]) - 1.0) < 1e-9]
    assert il6_1h[0] > 0.5
    assert all(float(r["value"]) == 0 for r in rows if r["experiment"] == "rest")
