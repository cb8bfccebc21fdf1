"""`cytonet model`: export the compiled model (SBML, Antimony), show its parts, check it."""

from __future__ import annotations

__all__ = ["register", "run_export", "run_show", "run_check", "species_table",
           "reactions_table", "parameters_table"]

import argparse
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem
from .simulate import _at_least


def register(subparsers) -> None:
    p = subparsers.add_parser("model", help="export, inspect and check the compiled model",
                              description="The reaction network compiled from the knowledge "
                                          "base: export it, list its parts, validate its SBML.")
    sub = p.add_subparsers(dest="model_command", metavar="ACTION")
    sub.required = True

    e = sub.add_parser(
        "export", help="write the model as SBML, Antimony and/or a COMBINE archive",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write the compiled model as annotated SBML Level 3 Version 2 (--sbml; "
                    "MIRIAM and SBO terms, units, starting at the generic cells' "
                    "unstimulated steady state), Antimony text (--antimony), or a COMBINE "
                    "archive (--omex) holding that SBML and a SED-ML description of the "
                    "experiments of a file (pre-equilibration, then the stimulus).",
        epilog="example:\n  cytonet model export --omex il11.omex "
               "--experiments examples/il11_invasion.yaml --readouts phenotype:invasion")
    e.add_argument("--sbml", type=Path, metavar="FILE", help="SBML output file")
    e.add_argument("--antimony", type=Path, metavar="FILE", help="Antimony output file")
    e.add_argument("--omex", type=Path, metavar="FILE",
                   help="COMBINE archive (SBML + SED-ML) for the --experiments file")
    e.add_argument("--experiments", type=Path, metavar="EXPERIMENTS.yaml",
                   help="experiments for --omex, in the format 'cytonet simulate' reads")
    e.add_argument("--readouts", nargs="+", default=["phospho:STAT3"], metavar="KIND:ENTITY",
                   help="readouts of the SED-ML data generators (default phospho:STAT3)")
    e.add_argument("--until", default="24 h", metavar="TIME",
                   help="time course from t = 0 to this time, with a unit (default 24 h)")
    e.add_argument("--points", type=_at_least(2), default=97, metavar="N",
                   help="evenly spaced output times over [0, until] (default 97)")
    e.set_defaults(func=run_export)

    s = sub.add_parser("show", help="list species, reactions and parameters",
                       description="Aligned tables of the model's species (compartment, "
                                   "composition), reactions (template, realized interactions, "
                                   "rate law) and parameters (value, unit, provenance). "
                                   "Without a section flag all three are shown.")
    s.add_argument("--species", action="store_true", help="species table")
    s.add_argument("--reactions", action="store_true", help="reactions table")
    s.add_argument("--parameters", action="store_true", help="parameters table")
    s.add_argument("--grep", metavar="TEXT",
                   help="keep rows where any column contains TEXT (case-insensitive)")
    s.set_defaults(func=run_show)

    c = sub.add_parser("check", help="validate an SBML file (default: the exported model)",
                       description="Run libsbml's consistency checks on an SBML file, or on "
                                   "the exported model without FILE; report its errors and "
                                   "its unit-consistency warnings; exit 1 when it finds "
                                   "errors.",
                       epilog="example: cytonet model check my_model.xml")
    c.add_argument("file", type=Path, nargs="?", metavar="FILE",
                   help="SBML file to check (default: the exported model)")
    c.set_defaults(func=run_check)


# ---------------------------------------------------------------------- tables

def species_table(network) -> pd.DataFrame:
    from ..compile.network import composition
    rows = [{"species": s.id, "compartment": s.compartment, "composition": composition(s),
             "boundary": "yes" if s.boundary else ""} for s in network.species.values()]
    return pd.DataFrame(rows, columns=["species", "compartment", "composition", "boundary"])


def reactions_table(network) -> pd.DataFrame:
    rows = [{"reaction": r.id, "template": r.template,
             "realizes": ", ".join(r.realizes) or "-", "rate": r.rate}
            for r in network.reactions]
    return pd.DataFrame(rows, columns=["reaction", "template", "realizes", "rate"])


def parameters_table(network) -> pd.DataFrame:
    rows = [{"parameter": p.id, "value": f"{p.value:.4g}", "unit": p.unit,
             "provenance": p.provenance.kind, "ref": p.provenance.ref or "-",
             "note": p.provenance.note or ""}
            for p in sorted(network.parameters.values(), key=lambda p: p.id)]
    return pd.DataFrame(rows, columns=["parameter", "value", "unit", "provenance", "ref", "note"])


def _grep(df: pd.DataFrame, text: str | None) -> pd.DataFrame:
    if not text:
        return df
    needle = text.lower()
    mask = df.astype(str).apply(lambda col: col.str.lower().str.contains(needle, regex=False))
    return df[mask.any(axis=1)]


def _print_table(title: str, df: pd.DataFrame, total: int) -> None:
    shown = f"{len(df)} of {total}" if len(df) != total else f"{total}"
    print(f"{title} ({shown})")
    if len(df):
        # left-aligned text columns read better than pandas' right alignment
        print(df.to_string(index=False, justify="left",
                           formatters={c: (lambda w: lambda v: f"{v:<{w}}")(
                               int(df[c].astype(str).str.len().max()))
                               for c in df.columns[:-1] if c != "value"}))
    print()


# ---------------------------------------------------------------------- actions

def run_export(args: argparse.Namespace) -> int:
    if not args.sbml and not args.antimony and not args.omex:
        raise InputError(Problem("name an output: --sbml FILE, --antimony FILE and/or "
                                 "--omex FILE", item="model export"))
    if bool(args.omex) != bool(args.experiments):
        raise InputError(Problem("--omex FILE and --experiments FILE go together (the archive "
                                 "describes the experiments of that file)", item="model export"))
    from ..outputs import check_output_file, write_text_atomic

    for path, flag in ((args.sbml, "--sbml"), (args.antimony, "--antimony"),
                       (args.omex, "--omex")):
        if path is not None:
            check_output_file(path, what=flag)
    experiments = readouts = times = None
    if args.omex:
        from ..experiments.load import load_experiments
        from ..limits import check_points
        from .simulate import parse_readouts, parse_time
        check_points(args.points)
        until = parse_time(args.until)
        experiments = load_experiments(args.experiments)  # bad input answers first
    from ..compile import compile_model
    from ..compile.sbml import to_antimony
    from ..experiments.combine import baseline_sbml

    model = compile_model()
    if args.omex:
        import numpy as np
        readouts = parse_readouts(args.readouts, model)
        times = np.linspace(0.0, until, args.points)
    if args.sbml or args.antimony:
        sbml = baseline_sbml(model)
        for path, text, what in ((args.sbml, sbml, "SBML"),
                                 (args.antimony, to_antimony(sbml) if args.antimony else "",
                                  "Antimony")):
            if path is None:
                continue
            write_text_atomic(path, text)
            print(f"wrote {what} to {path}")
    if args.omex:
        from ..experiments.combine import write_omex
        try:
            write_omex(args.omex, model, experiments, readouts, times)
        except ImportError as exc:
            raise InputError(Problem(f"--omex needs python-libsedml and python-libcombine "
                                     f"(pip install 'cytonet[interop]'): {exc}",
                                     item="--omex")) from exc
        print(f"wrote COMBINE archive ({len(experiments)} experiments) to {args.omex}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from ..compile import compile_model

    net = compile_model().network
    sections = [(flag, title, fn) for flag, title, fn in
                (("species", "species", species_table), ("reactions", "reactions", reactions_table),
                 ("parameters", "parameters", parameters_table))]
    wanted = [s for s in sections if getattr(args, s[0])] or sections
    for _, title, fn in wanted:
        df = fn(net)
        _print_table(title, _grep(df, args.grep), len(df))
    return 0


def run_check(args: argparse.Namespace) -> int:
    from ..compile.sbml import unit_warnings, validate_sbml

    if args.file is not None:
        from .._yaml import read_text
        sbml, what = read_text(args.file), str(args.file)
        if "<sbml" not in sbml:
            raise InputError(Problem("not an SBML file: no <sbml> element", file=what))
    else:
        from ..compile import compile_model
        from ..experiments.combine import baseline_sbml
        sbml, what = baseline_sbml(compile_model()), "the exported model"
    errors = validate_sbml(sbml)
    units = unit_warnings(sbml)
    for e in errors:
        print(f"{what}: SBML error: {e}")
    for w in units:
        print(f"{what}: unit warning: {w}")
    import libsbml
    m = libsbml.readSBMLFromString(sbml).getModel()
    parts = (f" ({m.getNumSpecies()} species, {m.getNumReactions()} reactions, "
             f"{m.getNumParameters()} parameters)") if m is not None else ""
    print(f"{what}: {len(errors)} errors, {len(units)} unit warnings{parts}")
    return 1 if errors else 0
