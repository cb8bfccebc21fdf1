"""`cytonet report`: validate the observations and write a self-contained HTML report."""

from __future__ import annotations

__all__ = ["register", "run_report"]

import argparse
import sys
import time
from pathlib import Path

from ..errors import InputError, Problem
from .validate import (
    add_ensemble_arguments,
    ensemble_score,
    observation_files,
    positive_int,
    quantitative_line,
)


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
    add_ensemble_arguments(p)
    p.add_argument("--analysis", action="append", type=Path, default=[], metavar="DIR",
                   help="include an analysis output folder (cytonet sensitivity/screen --out "
                        "DIR): its figure, its table's top rows and its summary.txt")
    p.add_argument("--logical", action="store_true",
                   help="also judge every observation on the logical model and add the "
                        "ODE-vs-logical table (needs the extra 'logical')")
    p.set_defaults(func=run_report)


def _main_first(d: Path, pattern: str) -> list[Path]:
    """Files matching ``pattern``, the one named like the folder (screen/screen.csv) first."""
    return sorted(d.glob(pattern), key=lambda f: (f.stem != d.name, f.name))


def analysis_sections(dirs) -> list[tuple]:
    """(title, text, png data URI, table html) per analysis folder."""
    import base64
    import io

    import pandas as pd

    from .._yaml import read_text

    out = []
    for d in dirs:
        d = Path(d)
        if not d.is_dir():
            raise InputError(Problem(f"--analysis: not a folder: {d}"))
        text = read_text(d / "summary.txt") if (d / "summary.txt").is_file() else ""
        pngs = _main_first(d, "*.png")
        png = ("data:image/png;base64," + base64.b64encode(pngs[0].read_bytes()).decode()) \
            if pngs else None
        csvs = [c for c in _main_first(d, "*.csv") if c.stem not in ("failures", "effects")]
        table = ""
        if csvs:
            try:
                frame = pd.read_csv(io.StringIO(read_text(csvs[0])))
            except InputError:
                raise
            except Exception as exc:  # noqa: BLE001 - pandas raises several kinds
                raise InputError(Problem(f"--analysis: cannot read the table: {exc}",
                                         file=str(csvs[0]))) from exc
            table = frame.head(15).to_html(index=False, float_format="%.3g", border=0)
        out.append((f"Analysis: {d.name}", text, png, table))
    return out


def run_report(args: argparse.Namespace) -> int:
    """Check every input and the output folder first, lock the folder, compute, then write
    the report into a staging folder that replaces ``--out`` in one step (complete or
    untouched, whenever the run is killed)."""
    from ..outputs import OutputLock, check_output_dir

    out = check_output_dir(args.out, what="--out")
    with OutputLock(out):
        return _run_report(args, out)


def _run_report(args: argparse.Namespace, out: Path) -> int:
    from ..outputs import publish_dir, staging_dir
    from ..report.html import load_failure_reasons, render_html, write_report
    from ..validation import run as _run
    from ..validation.run import validate_file
    from ._progress import Stages

    t0 = time.perf_counter()
    stages = Stages("report")
    reasons, problems = load_failure_reasons(args.reasons)
    if problems and args.reasons is not None:  # a file the user named must be right
        raise InputError(problems)
    for p in problems:
        print(f"warning: {p}", file=sys.stderr)
    analyses = analysis_sections(args.analysis)
    files = [str(f) for f in observation_files(args)]
    with stages.stage("compile"):
        warm_up = getattr(_run._default_simulate(), "warm_up", None)
        if warm_up is not None:
            warm_up()
    with stages.stage("validation"):
        card = validate_file(files, workers=args.workers)
    ens = None
    if args.ensemble:
        with stages.stage(f"ensemble of {args.ensemble} members"):
            ens = ensemble_score(card, args, on_batch=stages.members(args.ensemble))
    comparison = None
    if getattr(args, "logical", False):
        from ..logical.validate import compare
        from .validate import _logical_card
        with stages.stage("logical model"):
            comparison = compare(card, _logical_card(files))
    with stages.stage("figures"):
        html = render_html(card, reasons, ensemble=ens, analyses=analyses,
                           comparison=comparison)
    stage = staging_dir(out)
    try:
        with stages.stage("write"):
            write_report(card, stage, reasons=reasons, ensemble=ens, comparison=comparison,
                         html=html)
            publish_dir(stage, out)
    finally:
        if stage.exists():
            import shutil
            shutil.rmtree(stage, ignore_errors=True)
    page = out / "index.html"
    for p in card.problems:
        print(f"ERROR {p}", file=sys.stderr)
    print(f"wrote {page} and {page.parent / 'scorecard.json'} in "
          f"{time.perf_counter() - t0:.1f} s")
    if card.quantitative:
        print(quantitative_line(card))
    if ens is not None:
        print(ens.summary())
    if comparison is not None:
        print(comparison.summary())
    print(f"{card.passed} passed, {card.failed} failed"
          + (f", {card.errors} could not be run" if card.errors else ""))
    if args.strict and card.errors:
        return 2
    return 1 if args.strict and card.failed else 0
