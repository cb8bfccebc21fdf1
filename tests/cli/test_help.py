"""`cytonet --version` and the --help of every command: a description and examples that parse."""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

import cytonet
from cytonet.cli import build_parser, main, walk_parsers
from cytonet.cli._examples import EXAMPLES

PARSERS = list(walk_parsers(build_parser()))


def test_version_is_the_installed_distribution(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"cytonet {version('cytonet')}"
    assert cytonet.__version__ == version("cytonet")


def test_version_from_the_command_line():
    env = {"PYTHONPATH": str(Path(cytonet.__file__).parents[1])}
    done = subprocess.run([sys.executable, "-m", "cytonet", "--version"], capture_output=True,
                          text=True, env=env, timeout=60, check=True)
    assert done.stdout.strip() == f"cytonet {cytonet.__version__}"


def test_the_tree_has_every_command_group():
    paths = {path for path, _ in PARSERS}
    assert {(), ("kb", "show"), ("petab", "export"), ("fit",), ("logical", "export"),
            ("report",), ("serve",)} <= paths
    assert len(paths) >= 25


@pytest.mark.parametrize(("path", "parser"), PARSERS, ids=[" ".join(p) or "cytonet"
                                                            for p, _ in PARSERS])
def test_help_has_a_description_and_examples_that_parse(path, parser):
    name = " ".join(("cytonet", *path))
    assert parser.description and parser.description.strip(), f"{name}: no description"
    examples = EXAMPLES.get(path)
    assert examples, f"{name}: no examples (add them to cytonet/cli/_examples.py)"
    text = parser.format_help()
    assert "examples:\n" in text
    for line in examples:
        assert f"  {line}\n" in text
        words = shlex.split(line)
        assert words[0] == "cytonet"
        # an example starts with its own command path and parses without error
        assert tuple(words[1:1 + len(path)]) == path, f"{line!r} is not an example of {name}"
        build_parser().parse_args(words[1:])
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue  # its choices are listed with their own help
        if action.option_strings and action.help is None:
            pytest.fail(f"{name}: option {action.option_strings[0]} has no help text")
        if not action.option_strings and action.help is None and action.nargs != 0:
            pytest.fail(f"{name}: argument {action.metavar or action.dest} has no help text")


def test_examples_name_only_existing_commands():
    paths = {path for path, _ in PARSERS}
    assert set(EXAMPLES) <= paths, set(EXAMPLES) - paths


def test_help_prints_the_examples(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["petab", "export", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "examples:\n  cytonet petab export --experiments examples/il6_experiments.yaml" in out
