"""The `cytonet` command line: one sub-module per command group, each with ``register``."""

from __future__ import annotations

__all__ = ["main", "build_parser", "walk_parsers"]

import argparse
import importlib
import sys
from pathlib import Path

from .. import __version__
from ..errors import CytonetError
from ._examples import add_examples

# Command groups, each a module in this package exposing ``register(subparsers)``.
# A group whose optional dependencies are missing still registers and explains itself.
_GROUPS = ("kb", "model", "simulate", "validate", "report", "petab", "ensemble", "sensitivity",
           "screen", "serve", "logical")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cytonet",
        description="Evidence-backed model of IL-6 family and IL-7 signalling in cancer.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="print the installed version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in _GROUPS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(f"{__name__}."):
                continue  # group not written yet
            raise
        module.register(sub)
    for path, p in _leaf_parsers(sub):
        if path in _USES_KNOWLEDGE or path[:1] in {(g,) for g in _USES_KNOWLEDGE_GROUPS}:
            p.add_argument("--data-dir", type=Path, default=None, metavar="DIR",
                           help="knowledge folder to use instead of the package's data "
                                "(linted first, as 'cytonet kb lint --data-dir DIR')")
    for path, p in walk_parsers(parser):
        add_examples(p, path)
    return parser


def walk_parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """``(command path, parser)`` for the parser and every sub-command below it."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, p in action.choices.items():
                yield from walk_parsers(p, (*path, name))


# commands that read the knowledge (kb has its own --data-dir)
_USES_KNOWLEDGE_GROUPS = ("simulate", "validate", "report", "ensemble", "sensitivity", "screen",
                          "model")
_USES_KNOWLEDGE = {("petab", "export")}


def _leaf_parsers(sub, prefix=()):
    for name, p in sub.choices.items():
        nested = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if nested:
            yield from _leaf_parsers(nested[0], (*prefix, name))
        else:
            yield (*prefix, name), p


def _use_knowledge_folder(folder: Path) -> None:
    """Lint a custom knowledge folder and make it the one this process uses."""
    from ..errors import KnowledgeError, Problem
    from ..knowledge.lint import lint_knowledge
    from ..knowledge.load import use_data_dir

    if not folder.is_dir():
        raise KnowledgeError(Problem("--data-dir: not a folder", file=str(folder)))
    errors = [p for p in lint_knowledge(folder) if p.severity == "error"]
    if errors:
        raise KnowledgeError([*errors, Problem(f"--data-dir: {len(errors)} error(s) in the "
                                               "knowledge folder; fix them first",
                                               file=str(folder))])
    use_data_dir(folder)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    custom = getattr(args, "data_dir", None) if args.command != "kb" else None
    try:
        if custom is not None:
            _use_knowledge_folder(custom)
        return int(args.func(args) or 0)
    except CytonetError as exc:
        print(f"cytonet: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cytonet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        if custom is not None:
            from ..knowledge.load import use_data_dir
            use_data_dir(None)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
