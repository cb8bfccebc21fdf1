"""The `cytonet` command line: one sub-module per command group, each with ``register``."""

from __future__ import annotations

__all__ = ["main", "build_parser"]

import argparse
import importlib
import sys

from ..errors import CytonetError

# Command groups, each a module in this package exposing ``register(subparsers)``.
# A group whose optional dependencies are missing still registers and explains itself.
_GROUPS = ("kb", "model", "simulate", "validate", "report", "petab", "ensemble", "sensitivity",
           "screen", "serve")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cytonet",
        description="Evidence-backed model of IL-6 family and IL-7 signalling in cancer.",
    )
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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CytonetError as exc:
        print(f"cytonet: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cytonet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
