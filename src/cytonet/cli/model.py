"""`cytonet model`: export the compiled model (SBML, Antimony), show its parts, check it."""

from __future__ import annotations

__all__ = ["register", "run_export", "run_show", "run_check", "species_table",
           "reactions_table", "parameters_table"]

import argparse
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem


def register(subparsers) -> None:
    p = subparsers.add_parser("model", help="export, inspect and check the compiled model",
                              description="The reaction network compiled from the knowledge "
                                          "base: export it, list its parts, validate its SBML.")
    sub = p.add_subparsers(dest="model_command", metavar="ACTION")
    sub.required = True

    e = sub.add_parser("export", help="write the model as SBML and/or Antimony",
                       description="Write the compiled model as SBML Level 3 Version 2 "
                                   "(--sbml) and/or Antimony text (--antimony).")
    e.add_argument("--sbml", type=Path, metavar="FILE", help="SBML output file")
    e.add_argument("--antimony", type=Path, metavar="FILE", help="Antimony output file")
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

    c = sub.add_parser("check", help="validate the exported SBML with libsbml",
                       description="Run libsbml's consistency checks (units excluded) on the "
                                   "exported SBML; exit 1 when it finds errors.")
    c.set_defaults(func=run_check)


# ---------------------------------------------------------------------- tables

def _composition(species) -> str:
    parts = []
    for c in species.components:
        name = f"{c.entity}[mRNA]" if c.is_mrna else c.entity
        if c.states:
            name += "(" + ",".join(sorted(c.states)) + ")"
        parts.append(f"{c.count}x{name}" if c.count != 1 else name)
    return " + ".join(parts) or "-"


def species_table(network) -> pd.DataFrame:
    rows = [{"species": s.id, "compartment": s.compartment, "composition": _composition(s),
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
    if not args.sbml and not args.antimony:
        raise InputError(Problem("name an output: --sbml FILE and/or --antimony FILE",
                                 item="model export"))
    from ..compile import compile_model
    from ..compile.sbml import to_antimony
    from ..outputs import check_output_file, write_text_atomic

    for path, flag in ((args.sbml, "--sbml"), (args.antimony, "--antimony")):
        if path is not None:
            check_output_file(path, what=flag)
    sbml = compile_model().sbml
    for path, text, what in ((args.sbml, sbml, "SBML"),
                             (args.antimony, to_antimony(sbml) if args.antimony else "", "Antimony")):
        if path is None:
            continue
        write_text_atomic(path, text)
        print(f"wrote {what} to {path}")
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
    from ..compile import compile_model
    from ..compile.sbml import validate_sbml

    model = compile_model()
    errors = validate_sbml(model.sbml)
    for e in errors:
        print(f"SBML error: {e}")
    net = model.network
    print(f"{len(errors)} errors ({len(net.species)} species, {len(net.reactions)} reactions, "
          f"{len(net.parameters)} parameters)")
    return 1 if errors else 0
