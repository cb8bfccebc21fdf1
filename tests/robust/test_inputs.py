"""Hostile command-line input: limits, ranges, paths, spreadsheet cells, custom knowledge,
and the resource budget (at most 500 MB and 30 s before any answer, for inputs up to 1 MB)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cytonet.cli import main

SRC = Path(__file__).resolve().parents[2] / "src"
EXP = "cell: hepatocyte\nstimuli: {IL6: 10 ng/mL}\n"


@pytest.fixture
def exp_file(tmp_path):
    f = tmp_path / "e.yaml"
    f.write_text(EXP)
    return f


def _err(argv, capsys) -> tuple[int, str]:
    rc = main([str(a) for a in argv])
    return rc, capsys.readouterr().err


@pytest.mark.parametrize("until,fragment", [
    ("1e400 h", "not a finite number"), ("800 d", "longer than a year"), ("0 h", "after 0"),
    ("nan h", "cannot read quantity"), ("-1 h", "negative quantity")])
def test_until_is_finite_and_in_range(exp_file, capsys, until, fragment):
    rc, err = _err(["simulate", exp_file, "--until", until], capsys)
    assert rc == 2 and fragment in err, err


def test_points_are_capped_with_the_limit_named(exp_file, capsys, monkeypatch):
    rc, err = _err(["simulate", exp_file, "--points", "10000000"], capsys)
    assert rc == 2
    assert "10000000 output times is more than 100,000" in err
    assert "CYTONET_LIMIT_POINTS" in err
    monkeypatch.setenv("CYTONET_LIMIT_POINTS", "20000000")  # raisable, as the message says
    from cytonet.limits import check_points
    assert check_points(10_000_000) == 10_000_000


def test_bad_limit_variable_is_a_located_error(monkeypatch):
    from cytonet.errors import InputError
    from cytonet.limits import limit

    monkeypatch.setenv("CYTONET_LIMIT_FILE_BYTES", "lots")
    with pytest.raises(InputError, match="CYTONET_LIMIT_FILE_BYTES: expected a positive number"):
        limit("file_bytes")


def test_workers_are_capped_at_the_cores_and_the_work():
    import os

    from cytonet.limits import cap_workers

    cores = len(os.sched_getaffinity(0))
    assert cap_workers(64, 2) == min(2, cores)
    assert cap_workers(64, 1000) == min(64, cores)
    assert cap_workers(None, 5) is None


def test_file_size_limit_names_the_variable(exp_file, capsys, monkeypatch):
    monkeypatch.setenv("CYTONET_LIMIT_FILE_BYTES", "10")
    rc, err = _err(["simulate", exp_file], capsys)
    assert rc == 2 and "more than 10 (limit file_bytes = 10 bytes" in err, err
    assert "CYTONET_LIMIT_FILE_BYTES=N" in err


def test_start_time_must_be_finite(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["petab", "llh", str(tmp_path / "p.yaml"), "--start-time", "nan"])
    assert info.value.code == 2
    assert "expected a finite number, got 'nan'" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["../parameters", "/etc/passwd", "../../data/parameters",
                                  "sub/dir", "..", ""])
def test_parameter_set_names_stay_inside_the_package(name):
    from cytonet.compile.parameters import load_parameter_set
    from cytonet.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="not a parameter-set name|unknown parameter set"):
        load_parameter_set(name)


def test_parameter_set_path_through_validate_is_refused(capsys):
    rc, err = _err(["validate", "--parameter-set", "../parameters"], capsys)
    assert rc == 2 and "not a parameter-set name" in err and "--parameter-file" in err


def test_parameter_file_with_nan_is_refused_before_running(tmp_path, capsys):
    f = tmp_path / "set.yaml"
    f.write_text("parameters:\n- {id: kact_JAK_gp130, value: .nan, provenance: fitted}\n")
    rc, err = _err(["validate", "--parameter-file", f], capsys)
    assert rc == 2
    assert "set.yaml:2: kact_JAK_gp130: field 'value': expected a finite non-negative number, " \
           "got nan" in err


def test_parameter_file_is_used(tmp_path):
    from cytonet.compile.parameters import load_parameter_set

    f = tmp_path / "set.yaml"
    f.write_text("parameters:\n- {id: kact_JAK_gp130, value: 0.5, provenance: fitted}\n")
    assert load_parameter_set(f).value("kact_JAK_gp130") == 0.5


def test_csv_cells_cannot_be_formulas(tmp_path):
    import pandas as pd

    from cytonet.outputs import safe_csv_cell, write_csv

    assert safe_csv_cell("=cmd|calc!A1") == "'=cmd|calc!A1"
    assert [safe_csv_cell(s) for s in ("+1", "-x", "@SUM(A1)", "\tx", "ok")] == \
        ["'+1", "'-x", "'@SUM(A1)", "'\tx", "ok"]
    f = write_csv(tmp_path / "t.csv", pd.DataFrame({"experiment": ["=cmd|calc!A1", "b"],
                                                    "value": [-1.5, 2.0]}))
    assert f.read_text().splitlines() == ["experiment,value", "'=cmd|calc!A1,-1.5", "b,2.0"]


def test_simulate_csv_neutralises_experiment_names(tmp_path, capsys):
    f = tmp_path / "e.yaml"
    f.write_text("experiments:\n  '=cmd|calc!A1': {cell: hepatocyte}\n")
    csv = tmp_path / "o.csv"
    assert main(["simulate", str(f), "--until", "1 h", "--points", "2", "--csv", str(csv)]) == 0
    rows = csv.read_text().splitlines()[1:]
    assert rows and all(r.startswith("'=cmd|calc!A1,") for r in rows)


def test_at_zero_is_the_state_at_t0(tmp_path, capsys):
    f = tmp_path / "o.yaml"
    f.write_text("- id: at-zero\n  claim: x\n  source: {doi: 10.1000/xyz}\n"
                 "  readout: phospho:STAT3\n  at: 0 min\n  expect: no_change\n"
                 "  test: {cell: hepatocyte, stimuli: {IL6: 10 ng/mL}}\n"
                 "  control: {cell: hepatocyte}\n")
    rc = main(["validate", "--observations", str(f)])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "PASS at-zero" in out  # stimuli act from t = 0: nothing has changed yet


@pytest.mark.parametrize("content", [None, "- [unclosed\n"], ids=["missing", "malformed"])
def test_report_reasons_file_must_be_right(tmp_path, capsys, content):
    reasons = tmp_path / "reasons.yaml"
    if content is not None:
        reasons.write_text(content)
    t0 = time.perf_counter()
    rc, err = _err(["report", "--out", tmp_path / "r", "--reasons", reasons], capsys)
    assert rc == 2 and "reasons.yaml" in err, err
    assert time.perf_counter() - t0 < 10  # before validating
    assert not (tmp_path / "r").exists()


# ------------------------------------------------------------------ custom knowledge
@pytest.fixture
def knowledge_copy(tmp_path):
    from cytonet.knowledge.load import DATA_DIR

    d = tmp_path / "kb"
    shutil.copytree(DATA_DIR, d)
    return d


def test_data_dir_is_linted_before_use(knowledge_copy, exp_file, capsys):
    f = knowledge_copy / "entities.yaml"
    f.write_text(f.read_text().replace("mw_kda: 20.9}", "mw_kda: .nan}", 1))
    for argv in (["simulate", exp_file], ["validate"], ["model", "show"]):
        rc, err = _err([*argv, "--data-dir", knowledge_copy], capsys)
        assert rc == 2, argv
        assert "entities.yaml" in err and "finite positive number" in err, err
        assert "fix them first" in err


def test_data_dir_changes_the_model(knowledge_copy, exp_file, capsys, tmp_path):
    import pandas as pd

    from cytonet.knowledge.load import data_dir

    f = knowledge_copy / "contexts.yaml"
    # hepatocytes with 100-fold less IL-6R: IL-6 signals much less in the custom knowledge
    text = f.read_text()
    old = "    IL6R: {level: 2, ref: S_heinrich2003,"
    assert old in text
    csv = {}
    for label, extra in (("shipped", []), ("custom", ["--data-dir", str(knowledge_copy)])):
        if label == "custom":
            f.write_text(text.replace(old, "    IL6R: {level: 0.01, ref: S_heinrich2003,", 1))
        csv[label] = tmp_path / f"{label}.csv"
        assert main(["simulate", str(exp_file), "--until", "30 min", "--points", "2",
                     "--csv", str(csv[label]), *extra]) == 0
    assert data_dir().name == "data"  # the process is back on the shipped knowledge
    a, b = (pd.read_csv(csv[k])["value"].iloc[-1] for k in ("shipped", "custom"))
    assert b < a / 2, (a, b)


# ------------------------------------------------------------------ resources
BOMB = ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "cell: *h\n")
RESOURCE_INPUTS = {
    "alias-bomb": BOMB,
    "deep-nesting": "cell: " + "[" * 400_000 + "]" * 400_000 + "\n",
    "deep-block": "".join(" " * i + f"k{i}:\n" for i in range(1200)),
    "long-string": "cell: " + "x" * 1_000_000 + "\n",
    "long-key": "x" * 1_000_000 + ": 1\n",
    "valid-1MB": "".join(f"- {{name: e{i}, cell: hepatocyte, stimuli: {{IL6: 10 ng/mL}}}}\n"
                         for i in range(17_000)),
}


@pytest.mark.parametrize("case", list(RESOURCE_INPUTS))
@pytest.mark.parametrize("command", ["simulate", "validate"])
def test_hostile_input_answers_within_budget(tmp_path, case, command):
    """Each input of at most 1 MB answers (with a located error) in < 30 s and < 500 MB."""
    text = RESOURCE_INPUTS[case]
    assert len(text.encode()) <= 1_050_000
    f = tmp_path / f"{case}.yaml"
    f.write_text(text)
    argv = ["simulate", str(f)] if command == "simulate" else \
        ["validate", "--observations", str(f)]
    # the peak resident memory of this process image (VmHWM; ru_maxrss would carry the
    # forking parent's peak over the exec)
    code = (f"import sys; sys.path.insert(0, {str(SRC)!r})\n"
            "from cytonet.cli import main\n"
            f"rc = main({argv!r})\n"
            "hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')][0]\n"
            "print('MAXRSS_KB', hwm.split()[1])\n"
            "sys.exit(rc)\n")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    elapsed = time.perf_counter() - t0
    rss_mb = int(proc.stdout.split("MAXRSS_KB")[-1]) / 1024
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert f.name in (proc.stderr + proc.stdout)
    assert len(proc.stderr) < 5000  # the value is not echoed whole
    assert elapsed < 30, elapsed
    assert rss_mb < 500, rss_mb


def test_kb_commands_lint_a_custom_folder_first(knowledge_copy, capsys):
    f = knowledge_copy / "phenotypes.yaml"
    f.write_text(f.read_text().replace("weight: 0.5,", "weight: .nan,", 1))
    for argv in (["kb", "show", "STAT3"], ["kb", "summary"], ["kb", "lint"]):
        rc = main([*argv, "--data-dir", str(knowledge_copy)])
        cap = capsys.readouterr()
        assert rc in (1, 2), argv
        assert "phenotypes.yaml" in cap.err + cap.out
        assert "expected a finite number" in cap.err + cap.out


def test_report_analysis_folder_with_binary_summary(tmp_path, capsys):
    d = tmp_path / "screen"
    d.mkdir()
    (d / "summary.txt").write_bytes(b"\xff\xfe\x00binary")
    rc, err = _err(["report", "--out", tmp_path / "r", "--analysis", d], capsys)
    assert rc == 2 and "summary.txt" in err and "not UTF-8" in err, err
