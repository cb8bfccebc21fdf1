"""Every command of the README runs as written against the shipped ``examples/``.

The README's ```sh blocks are parsed (continuation lines joined, comments dropped); each
``.venv/bin/cytonet ARGS`` line runs as ``python -m cytonet ARGS`` from a temporary copy of
``examples/`` (so its outputs land there), with the same arguments, and must exit 0 and
write the files it names. A command that reads what an earlier README command writes
(``petab llh problem/...`` after ``petab export --out problem/``) runs that one first, in
the same folder. The expensive ones run unchanged but are marked ``heavy``, opt-in with
``pytest -m heavy tests/cli`` (times on the loaded 2-core reference machine): fit --starts
20 (about 7 min), sensitivity, screen, ensemble --members 200 and report --ensemble 20
(minutes each), and every ``validate`` of the whole curated suite (1-4 min each: plain,
--parameter-set, --formalism both, --ensemble 50); ``validate --observations
examples/my_findings.yaml`` runs in the default suite. ``make`` lines are checked to name a
Makefile target; ``make serve`` (a server) is covered by tests/web.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cytonet

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
EXAMPLES = ROOT / "examples"
PREFIX = ".venv/bin/cytonet"

# commands that run unchanged but marked heavy (opt-in): their first word
SLOW = {"fit", "sensitivity", "screen", "ensemble", "report"}
# flags whose value is a file or folder the command writes
OUTPUT_FLAGS = {"--plot", "--sbml", "--omex", "--antimony", "--out", "-o", "--output", "--csv"}


def sh_commands(text: str) -> list[list[str]]:
    """The commands of every ```sh block of a Markdown text, as argument lists."""
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        joined = re.sub(r"\\\n", " ", block)
        for line in joined.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                commands.append(words)
    return commands


def _cytonet_commands() -> list[list[str]]:
    return [c[1:] for c in sh_commands(README.read_text(encoding="utf-8")) if c[0] == PREFIX]


def _is_slow(args: list[str]) -> bool:
    if args[0] == "validate":  # the whole curated suite, unless a small file is named
        return "--observations" not in args
    return args[0] in SLOW


def _outputs(args: list[str]) -> list[str]:
    return [args[i + 1] for i, a in enumerate(args[:-1]) if a in OUTPUT_FLAGS]


def _first_part(path: str) -> str:
    return Path(path).parts[0] if path else ""


def _prerequisites(args: list[str], earlier: list[list[str]]) -> list[list[str]]:
    """Earlier README commands whose outputs this command reads (same first path part)."""
    reads = {_first_part(a) for a in args if "/" in a and not a.startswith("-")}
    reads -= {"examples"}
    return [c for c in earlier if reads & {_first_part(o.rstrip("/")) for o in _outputs(c)}]


COMMANDS = _cytonet_commands()


def _params() -> list:
    return [pytest.param(i, id=f"{i:02d}-" + "_".join(args[:3]),
                         marks=[pytest.mark.heavy] if _is_slow(args) else [])
            for i, args in enumerate(COMMANDS)]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(Path(cytonet.__file__).parents[1]),
               MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "cytonet", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=1800)


def test_readme_has_the_commands_it_documents():
    words = {tuple(c[:2]) for c in COMMANDS}
    assert len(COMMANDS) >= 20
    assert {("kb", "show"), ("simulate", "examples/experiment.yaml"), ("petab", "export"),
            ("fit", "problem/il6_pstat3.yaml"), ("report", "--out")} <= words


def test_every_other_readme_command_is_a_make_target():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z]+):", makefile, flags=re.M))
    others = [c for c in sh_commands(README.read_text(encoding="utf-8")) if c[0] != PREFIX]
    assert others, "the README shows make report / make test / make serve"
    for c in others:
        assert c[0] == "make" and len(c) == 2 and c[1] in targets, c


def test_every_input_a_readme_command_names_is_shipped_or_made_before():
    for i, args in enumerate(COMMANDS):
        for a in args:
            if a.startswith("examples/"):
                assert (ROOT / a).is_file(), f"README command {args} names a missing {a}"
        if any("/" in a and not a.startswith(("-", "examples/")) and a not in _outputs(args)
               for a in args):
            assert _prerequisites(args, COMMANDS[:i]), f"nothing earlier writes what {args} reads"


def test_every_shipped_example_is_used():
    named = README.read_text(encoding="utf-8") + (ROOT / "Makefile").read_text(encoding="utf-8")
    for f in sorted(EXAMPLES.iterdir()):
        if f.name != "README.md":
            assert f"examples/{f.name}" in named, f"examples/{f.name} is named nowhere"
            assert f.name in (EXAMPLES / "README.md").read_text(encoding="utf-8")


def test_synthetic_data_script_makes_the_shipped_table(tmp_path):
    """examples/make_il6_pstat3.py writes a table of the shipped one's shape (values may move
    with the model; the shipped file is the data set, the script how it was made)."""
    import pandas as pd

    out = tmp_path / "made.tsv"
    env = dict(os.environ, PYTHONPATH=str(Path(cytonet.__file__).parents[1]))
    subprocess.run([sys.executable, str(EXAMPLES / "make_il6_pstat3.py"), str(out)],
                   check=True, env=env, timeout=300)
    made = pd.read_csv(out, sep="\t")
    shipped = pd.read_csv(EXAMPLES / "il6_pstat3.tsv", sep="\t")
    assert list(made.columns) == list(shipped.columns)
    key = ["experiment", "readout", "time"]
    assert made[key].equals(shipped[key])
    assert (shipped.sd > 0).all() and (shipped.measurement > 0).all()


@pytest.mark.parametrize("index", _params())
def test_readme_command_runs(index, tmp_path):
    args = COMMANDS[index]
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    for before in _prerequisites(args, COMMANDS[:index]):
        done = _run(before, tmp_path)
        assert done.returncode == 0, f"prerequisite {before}:\n{done.stderr[-3000:]}"
    done = _run(args, tmp_path)
    assert done.returncode == 0, (f"{PREFIX} {shlex.join(args)} exited {done.returncode}:\n"
                                  f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    for out in _outputs(args):
        assert (tmp_path / out).exists(), f"{shlex.join(args)} did not write {out}"
    if "--json" in args:
        import json

        json.loads(done.stdout)
