"""`cytonet model` and `cytonet simulate`: files written, tables shown, errors located."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from cytonet.cli import main

ONE = """\
cell: hepatocyte
stimuli: {IL6: 10 ng/mL}
"""
NAMED = """\
experiments:
  - name: il6
    cell: hepatocyte
    stimuli: {IL6: 10 ng/mL}
  - name: il6 + ruxolitinib
    cell: hepatocyte
    stimuli: {IL-6: 10 ng/mL}
    perturbations: [{drug: ruxolitinib, dose: 1 uM}]
"""


def write(tmp_path, name: str, text: str):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


# ---------------------------------------------------------------- cytonet model

def test_model_export_writes_sbml_and_antimony(tmp_path, capsys, model):
    sbml, ant = tmp_path / "m.xml", tmp_path / "m.ant"
    assert main(["model", "export", "--sbml", str(sbml), "--antimony", str(ant)]) == 0
    assert sbml.read_text().startswith("<?xml") and "<sbml" in sbml.read_text()
    assert model.network.name in ant.read_text()
    out = capsys.readouterr().out
    assert f"wrote SBML to {sbml}" in out and f"wrote Antimony to {ant}" in out


def test_model_export_needs_an_output(capsys):
    assert main(["model", "export"]) == 2
    assert "--sbml FILE, --antimony FILE and/or --omex FILE" in capsys.readouterr().err


def test_model_export_omex_needs_experiments(tmp_path, capsys):
    assert main(["model", "export", "--omex", str(tmp_path / "a.omex")]) == 2
    assert "--omex FILE and --experiments FILE go together" in capsys.readouterr().err
    assert not (tmp_path / "a.omex").exists()


def test_model_show_parameters_lists_provenance(capsys, model):
    assert main(["model", "show", "--parameters"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"parameters ({len(model.network.parameters)})")
    header = out.splitlines()[1].split()
    assert header == ["parameter", "value", "unit", "provenance", "ref", "note"]
    lit = next(p for p in model.network.parameters.values() if p.provenance.kind == "literature")
    line = next(ln for ln in out.splitlines() if ln.startswith(lit.id + " "))
    assert "literature" in line and lit.provenance.ref in line and lit.unit in line


def test_model_show_grep_filters_every_section(capsys):
    assert main(["model", "show", "--grep", "SOCS3"]) == 0
    out = capsys.readouterr().out
    for section in ("species (", "reactions (", "parameters ("):
        assert section in out
    body = [ln for ln in out.splitlines() if ln and not ln.startswith(
        ("species", "reactions", "parameters", "reaction ", "parameter "))]
    assert body and all("socs3" in ln.lower() for ln in body)


def test_model_show_reactions_cite_interactions(capsys):
    assert main(["model", "show", "--reactions", "--grep", "phos_STAT3"]) == 0
    out = capsys.readouterr().out
    assert "JAK1-phosphorylates-STAT3" in out and "phosphorylate" in out


def test_model_check_reports_zero_errors(capsys):
    assert main(["model", "check"]) == 0
    assert capsys.readouterr().out.startswith("the exported model: 0 errors, 0 unit warnings")


def test_model_check_checks_a_users_sbml(tmp_path, capsys, model):
    good = tmp_path / "good.xml"
    good.write_text(model.sbml, encoding="utf-8")
    assert main(["model", "check", str(good)]) == 0
    assert capsys.readouterr().out.startswith(f"{good}: 0 errors, 0 unit warnings")
    # a species in a compartment that does not exist is an error, named with the file
    bad = tmp_path / "bad.xml"
    bad.write_text(model.sbml.replace('compartment="V_cyt"', 'compartment="V_nowhere"', 1),
                   encoding="utf-8")
    assert main(["model", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}: SBML error: line " in out and "V_nowhere" in out
    # a parameter with units that do not fit its rate law: a unit warning, not an error
    units = tmp_path / "units.xml"
    units.write_text(model.sbml.replace('id="kdeg_ligand_medium" value="5.348e-06" units="u_per_s"',
                                        'id="kdeg_ligand_medium" value="5.348e-06" units="u_nM"'),
                     encoding="utf-8")
    assert main(["model", "check", str(units)]) == 0
    out = capsys.readouterr().out
    # libsbml compares each kinetic law with the first one it read, so the warnings name the
    # rate laws that disagree with the planted one rather than the planted parameter
    assert f"{units}: unit warning: line " in out and "produces units that are inconsistent" in out
    assert "0 errors, 0 unit warnings" not in out


def test_model_check_refuses_what_is_not_sbml(tmp_path, capsys):
    f = tmp_path / "notes.txt"
    f.write_text("hello", encoding="utf-8")
    assert main(["model", "check", str(f)]) == 2
    assert f"{f}: not an SBML file" in capsys.readouterr().err
    assert main(["model", "check", str(tmp_path / "missing.xml")]) == 2
    assert "missing.xml: cannot read file" in capsys.readouterr().err


# ---------------------------------------------------------------- cytonet simulate

def test_simulate_prints_a_table(tmp_path, capsys):
    f = write(tmp_path, "one.yaml", ONE)
    assert main(["simulate", str(f), "--readouts", "phospho:STAT3", "mRNA:SOCS3",
                 "--until", "2 h", "--points", "9"]) == 0
    out = capsys.readouterr().out
    assert "phospho:STAT3" in out and "mRNA:SOCS3" in out and "30 min" in out and "2 h" in out


def test_simulate_writes_csv_and_png(tmp_path, capsys):
    f = write(tmp_path, "named.yaml", NAMED)
    csv, png = tmp_path / "out.csv", tmp_path / "out.png"
    assert main(["simulate", str(f), "--readouts", "phospho:STAT3", "phospho:ERK",
                 "--until", "4h", "--points", "17", "--csv", str(csv), "--plot", str(png)]) == 0
    df = pd.read_csv(csv)
    assert list(df.columns) == ["experiment", "time_h", "readout", "value", "unit"]
    assert set(df["experiment"]) == {"il6", "il6 + ruxolitinib"}
    assert set(df["readout"]) == {"phospho:STAT3", "phospho:MAPK1"}
    assert set(df["unit"]) == {"nM"} and df["time_h"].max() == pytest.approx(4.0)
    assert len(df) >= 2 * 2 * 17
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the relation, not the numbers: ruxolitinib lowers the IL-6 peak
    peak = df[df.readout == "phospho:STAT3"].groupby("experiment")["value"].max()
    assert peak["il6 + ruxolitinib"] < peak["il6"]


def test_simulate_accepts_a_mapping_of_named_experiments(tmp_path, capsys):
    f = write(tmp_path, "map.yaml", """\
        experiments:
          basal: {cell: hepatocyte}
          lif: {cell: hepatocyte, stimuli: {LIF: 10 ng/mL}}
        """)
    assert main(["simulate", str(f), "--until", "1 h", "--points", "5"]) == 0
    out = capsys.readouterr().out
    assert "basal" in out and "lif" in out


@pytest.mark.parametrize("text, field, message", [
    ("cell: hepatocyte\nstimuli: {IL6: 10}\n", "stimuli.IL6", "bare number 10 has no unit"),
    ("stimuli: {IL6: 10 ng/mL}\nperturbations: [{drug: ruxolitinib, dose: -1 uM}]\n",
     "perturbations[0].dose", "negative"),
    ("- name: a\n  cell: hepatocite\n", "cell", "unknown context 'hepatocite'; did you mean hepatocyte"),
    ("stimuli: {IL6: 10 ng/mL}\nperturbation: []\n", "perturbation",
     "unknown key 'perturbation' in an experiment; did you mean 'perturbations'?"),
    ("stimuli: {IL66: 10 ng/mL}\n", "stimuli.IL66", "IL66"),
])
def test_simulate_bad_file_exits_2_with_location(tmp_path, capsys, text, field, message):
    f = write(tmp_path, "bad.yaml", text)
    assert main(["simulate", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"cytonet: error: {f}:")
    assert f"field '{field}'" in err and message in err
    assert "Traceback" not in err


def test_simulate_reports_every_bad_experiment(tmp_path, capsys):
    f = write(tmp_path, "bad.yaml", """\
        - name: first
          stimuli: {IL6: 10}
        - name: second
          cell: nowhere
        """)
    assert main(["simulate", str(f)]) == 2
    err = capsys.readouterr().err
    assert f"{f}:2: first: field 'stimuli.IL6'" in err
    assert f"{f}:4: second: field 'cell'" in err


@pytest.mark.parametrize("args, message", [
    (["--readouts", "phosph:STAT3"], "did you mean 'phospho'?"),
    (["--readouts", "phospho:IL6"], "the model has no phospho form of IL6"),
    (["--until", "5"], "--until: bare number '5' has no unit"),
])
def test_simulate_bad_options(tmp_path, capsys, args, message):
    f = write(tmp_path, "one.yaml", ONE)
    assert main(["simulate", str(f), *args]) == 2
    assert message in capsys.readouterr().err


def test_simulate_missing_file(tmp_path, capsys):
    assert main(["simulate", str(tmp_path / "nope.yaml")]) == 2
    assert "cannot read file" in capsys.readouterr().err


def test_python_dash_m_runs_the_command_line():
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-m", "cytonet", "kb", "show", "STAT3"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "STAT3" in out.stdout
