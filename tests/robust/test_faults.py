"""Fault tests: a killed worker, a killed report, unwritable outputs, concurrent reports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cytonet.cli import main

SRC = Path(__file__).resolve().parents[2] / "src"
OBS = """\
- id: il6-raises-pstat3
  claim: IL-6 raises phospho-STAT3.
  source: {doi: 10.1000/xyz}
  readout: phospho:STAT3
  at: 30 min
  test: {cell: hepatocyte, stimuli: {IL6: 10 ng/mL}}
  control: {cell: hepatocyte}
  expect: increase
"""


# ------------------------------------------------------------------ dead workers
def _square_or_die(task):
    """Dies (SIGKILL) on 'always'; on 'once' only the first time (a flag file remembers)."""
    value, mode, flag = task
    if mode == "always" or (mode == "once" and not os.path.exists(flag)):
        if mode == "once":
            Path(flag).write_text("died once")
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == "raise":
        raise ValueError("bad task")
    return value * value


def test_dead_worker_loses_only_its_task_and_is_retried_once(tmp_path):
    from cytonet._pool import DIED, map_resilient

    flag = str(tmp_path / "flag")
    modes = ["ok", "once", "ok", "always", "raise", "ok"]
    tasks = [(i, m, flag) for i, m in enumerate(modes)]
    results, errors = {}, {}
    map_resilient(_square_or_die, tasks, 2, results.__setitem__, errors.__setitem__)
    assert results == {0: 0, 1: 1, 2: 4, 5: 25}  # 'once' came back in its fresh worker
    assert errors[3] == DIED
    assert errors[4] == "ValueError: bad task"  # the task's own error: not retried
    assert Path(flag).read_text() == "died once"


_KILL_ON = ("STAT3", 0.123)  # knockdown efficiency that marks the request to kill


def _killing_worker(reqs):
    from cytonet.experiments import runner

    for r in reqs:
        if any(p.kind == "knockdown" and p.efficiency == _KILL_ON[1]
               for p in r.experiment.perturbations):
            os.kill(os.getpid(), signal.SIGKILL)
    return runner.get_simulator().run_requests(reqs)


def test_simulate_writes_partial_results_when_a_worker_dies(tmp_path, monkeypatch, capsys):
    from cytonet.experiments import runner

    monkeypatch.setattr(runner, "_worker_run", _killing_worker)
    f = tmp_path / "exps.yaml"
    f.write_text(textwrap.dedent("""\
        - {name: il6, cell: hepatocyte, stimuli: {IL6: 10 ng/mL}}
        - {name: doomed, cell: macrophage, stimuli: {IL6: 10 ng/mL},
           perturbations: [{knockdown: STAT3, efficiency: 0.123}]}
        - {name: il11, cell: generic, stimuli: {IL11: 10 ng/mL}}
        """))
    csv = tmp_path / "out.csv"
    rc = main(["simulate", str(f), "--until", "1 h", "--points", "5", "--workers", "2",
               "--csv", str(csv)])
    err = capsys.readouterr().err
    assert rc == 2
    assert "experiment 'doomed'" in err and "died twice" in err
    text = csv.read_text()
    assert "il6," in text and "il11," in text and "doomed" not in text


# ------------------------------------------------------------------ killed report
DRIVER = """
import os, sys, time
sys.path.insert(0, {src!r})
from cytonet.report import html
real = html._write_text_atomic
def slow(path, text):
    print("WRITING", path.name, flush=True)
    time.sleep(0.6)
    real(path, text)
html._write_text_atomic = slow
from cytonet.cli import main
sys.exit(main(["report", "--out", {out!r}, "--observations", {obs!r}, "--workers", "1"]))
"""


def _report_state(out: Path, old: dict) -> str:
    """'old', 'new' or 'none'; fails on a mixed or truncated report."""
    if not out.exists():
        return "none"
    files = {p.name: p for p in out.iterdir() if not p.name.startswith(".")}
    assert set(files) >= {"index.html", "scorecard.json"}, sorted(files)
    ino = {n: files[n].stat().st_ino for n in ("index.html", "scorecard.json")}
    is_old = [ino[n] == old[n] for n in ino]
    assert all(is_old) or not any(is_old), f"mixed report: {ino} vs {old}"
    assert files["index.html"].read_text(encoding="utf-8").rstrip().endswith("</html>")
    json.loads(files["scorecard.json"].read_text(encoding="utf-8"))
    return "old" if all(is_old) else "new"


def _start(tmp_path, out):
    obs = tmp_path / "obs.yaml"
    obs.write_text(OBS)
    script = tmp_path / "driver.py"
    script.write_text(DRIVER.format(src=str(SRC), out=str(out), obs=str(obs)))
    return subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_killing_report_leaves_the_previous_report_or_none(tmp_path):
    out = tmp_path / "report"
    (out / "sensitivity").mkdir(parents=True)
    (out / "sensitivity" / "summary.txt").write_text("kept")  # an analysis folder inside
    proc = _start(tmp_path, out)
    assert proc.wait(timeout=240) == 0, proc.stderr.read()
    old = {n: (out / n).stat().st_ino for n in ("index.html", "scorecard.json")}
    seen = set()
    for delay in (0.0, 0.7, 1.3):  # first file, between the two files, about the switch
        proc = _start(tmp_path, out)
        line = proc.stdout.readline()
        assert line.startswith("WRITING"), (line, proc.stderr.read())
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        seen.add(_report_state(out, old))
        assert (out / "sensitivity" / "summary.txt").read_text() == "kept"
    # kills before the switch leave the old report; the last may land after it (the new one)
    assert "old" in seen and seen <= {"old", "new"}, seen
    proc = _start(tmp_path, out)  # and a run that finishes replaces it whole
    assert proc.wait(timeout=240) == 0, proc.stderr.read()
    assert _report_state(out, old) == "new"
    assert (out / "sensitivity" / "summary.txt").read_text() == "kept"
    assert not list(tmp_path.glob(".report.staging-*")), "stale staging folders were not removed"


def test_report_that_fails_while_writing_leaves_the_folder_untouched(tmp_path, monkeypatch):
    from cytonet.report import html

    out = tmp_path / "report"
    out.mkdir()
    (out / "index.html").write_text("<html>old</html>")
    (out / "scorecard.json").write_text("{}")
    obs = tmp_path / "obs.yaml"
    obs.write_text(OBS)
    real = html._write_text_atomic

    def fail_second(path, text):
        if path.name == "scorecard.json":
            raise OSError(28, "No space left on device")
        real(path, text)

    monkeypatch.setattr(html, "_write_text_atomic", fail_second)
    with pytest.raises(OSError):
        main(["report", "--out", str(out), "--observations", str(obs)])
    assert (out / "index.html").read_text() == "<html>old</html>"
    assert (out / "scorecard.json").read_text() == "{}"
    assert not list(tmp_path.glob(".report.staging-*"))


# ------------------------------------------------------------------ concurrent report
def test_second_concurrent_report_is_refused(tmp_path, capsys):
    from cytonet.outputs import OutputLock

    out = tmp_path / "report"
    obs = tmp_path / "obs.yaml"
    obs.write_text(OBS)
    t0 = time.perf_counter()
    with OutputLock(out):  # another run holds the folder
        rc = main(["report", "--out", str(out), "--observations", str(obs)])
    assert rc == 2
    assert f"another cytonet run (pid {os.getpid()}) is writing" in capsys.readouterr().err
    assert time.perf_counter() - t0 < 10  # refused before validating anything
    assert not out.exists()


def test_lock_is_released_when_its_holder_is_killed(tmp_path):
    from cytonet.outputs import OutputLock

    out = tmp_path / "x"
    code = (f"import sys, time; sys.path.insert(0, {str(SRC)!r})\n"
            "from cytonet.outputs import OutputLock\n"
            f"lock = OutputLock({str(out)!r}).__enter__(); print('held', flush=True); "
            "time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    with pytest.raises(Exception, match="is writing this output now"):
        OutputLock(out).__enter__()
    proc.kill()
    proc.wait()
    with OutputLock(out):
        pass


# ------------------------------------------------------------------ unwritable outputs
@pytest.fixture
def exp_file(tmp_path):
    f = tmp_path / "e.yaml"
    f.write_text("cell: hepatocyte\nstimuli: {IL6: 10 ng/mL}\n")
    return f


def _run(argv, capsys) -> tuple[int, str]:
    t0 = time.perf_counter()
    rc = main([str(a) for a in argv])
    assert time.perf_counter() - t0 < 10, "the output should be refused before computing"
    return rc, capsys.readouterr().err


def test_unwritable_outputs_are_refused_before_computing(tmp_path, exp_file, capsys):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    cases = [
        (["simulate", exp_file, "--csv", tmp_path], "is a folder; give a file name"),
        (["simulate", exp_file, "--csv", a_file / "out.csv"], "is a file, not a folder"),
        (["simulate", exp_file, "--plot", tmp_path / "out.xyz"], "cannot write format 'xyz'"),
        (["report", "--out", a_file], "exists and is a file"),
        (["ensemble", exp_file, "--out", a_file], "exists and is a file"),
        (["screen", exp_file, "--readout", "phospho:STAT3", "--out", a_file],
         "exists and is a file"),
        (["sensitivity", exp_file, "--readout", "phospho:STAT3", "--out", a_file],
         "exists and is a file"),
        (["kb", "export", "--out", a_file / "g.graphml"], "is a file, not a folder"),
        (["model", "export", "--sbml", tmp_path], "is a folder"),
        (["fit", tmp_path / "missing.yaml", "--out", a_file], "exists and is a file"),
    ]
    for argv, fragment in cases:
        rc, err = _run(argv, capsys)
        assert rc == 2, (argv, err)
        assert fragment in err, (argv, err)


def test_kb_export_creates_a_missing_folder_atomically(tmp_path):
    out = tmp_path / "new" / "deeper" / "graph.graphml"
    assert main(["kb", "export", "--out", str(out)]) == 0
    assert out.read_text().startswith("<?xml")
    assert [p.name for p in out.parent.iterdir()] == ["graph.graphml"]  # no temp file left


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path):
    from cytonet.errors import InputError
    from cytonet.outputs import write_atomic

    target = tmp_path / "t.csv"
    target.write_text("old")

    def half(f):
        Path(f).write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(InputError, match="t.csv: cannot write: No space left on device"):
        write_atomic(target, half)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]
