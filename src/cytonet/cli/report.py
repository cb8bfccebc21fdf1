"""`cytonet report`: validate the observations and write a self-contained HTML report."""

from __future__ import annotations

__all__ = ["register", "run_report"]

import argparse
import sys
import time
from pathlib import Path

from .validate import observation_files, positive_int, quantitative_line


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report", help="validate and write an HTML report (DIR/index.html, DIR/scorecard.json)",
        description="Run the observations against the model and write DIR/index.html (figures "
                    "embedded) and DIR/scorecard.json. Exit status 0 once written; with "
                    "--strict, 2 if any observation could not be run and 1 if any failed.")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    p.add_argument("--observations", action="append", type=Path, metavar="FILE",
                   help="observation file (repeatable); default: the package's curated file")
    p.add_argument("--reasons", type=Path, default=None, metavar="FILE",
                   help="YAML 'id: reason' of known failures (default: the package's "
                        "data/failure_reasons.yaml if present)")
    p.add_argument("--workers", type=positive_int, default=None, metavar="N",
                   help="parallel simulation processes (default: the simulator's choice)")
    p.add_argument("--strict", action="store_true",
                   help="exit 2 on observations that could not be run, 1 on failures")
    p.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    from ..report.html import load_failure_reasons, write_report
    from ..validation.run import validate_file

    t0 = time.perf_counter()
    card = validate_file([str(f) for f in observation_files(args)], workers=args.workers)
    reasons, problems = load_failure_reasons(args.reasons)
    for p in problems:
        print(f"warning: {p}", file=sys.stderr)
    page = write_report(card, args.out, reasons=reasons)
    for p in card.problems:
        print(f"ERROR {p}", file=sys.stderr)
    print(f"wrote {page} and {page.parent / 'scorecard.json'} in "
          f"{time.perf_counter() - t0:.1f} s")
    if card.quantitative:
        print(quantitative_line(card))
    print(f"{card.passed} passed, {card.failed} failed"
          + (f", {card.errors} could not be run" if card.errors else ""))
    if args.strict and card.errors:
        return 2
    return 1 if args.strict and card.failed else 0
