"""`cytonet sensitivity`: global sensitivity of one readout over the parameters' priors."""

from __future__ import annotations

__all__ = ["register", "run_sensitivity_cli", "plot_sensitivity"]

import argparse
import sys
from pathlib import Path

import pandas as pd

from ..outputs import check_output_dir, write_atomic, write_csv
from .ensemble import add_scale_arguments
from .simulate import _at_least, load_experiments, parse_time


def _fraction(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}") from None
    if not 0.0 < v < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}")
    return v


def register(subparsers) -> None:
    from ..analysis.sensitivity import DEFAULT_COVERAGE, DEFAULT_PARAMETERS, DEFAULT_SAMPLES

    p = subparsers.add_parser(
        "sensitivity", help="global sensitivity of a readout to the kinetic parameters",
        description="Rank the kinetic parameters by their influence on one readout of the "
                    "experiment (or on log2 test/control when the file holds experiments "
                    "named 'test' and 'control'), over the parameters' log-normal priors "
                    "(SALib designs in the unit cube mapped through each prior's quantile "
                    "function, on its central --coverage interval). Writes the ranked table "
                    "(sensitivity.csv), a bar plot with confidence intervals (sensitivity.png) "
                    "and the failed members with their reasons (failures.csv). Default cost "
                    "on the README question: about 1300 members (Morris) or 2000 (Sobol), "
                    "1-2 min on 2 cores.")
    p.add_argument("file", type=Path, metavar="EXPERIMENT.yaml",
                   help="experiment file: one experiment, or one named 'test'")
    p.add_argument("--readout", required=True, metavar="KIND:ENTITY",
                   help="the readout, e.g. phenotype:invasion or mRNA:MMP12")
    p.add_argument("--at", default=None, metavar="TIME",
                   help="read at this time (default: 1 h for phospho/active/nuclear, 24 h "
                        "for mRNA, protein, secreted, free and phenotypes)")
    p.add_argument("--method", choices=["morris", "sobol"], default="morris",
                   help="morris (elementary effects; default) or sobol (S1, ST)")
    p.add_argument("--parameters", nargs="+", default=None, metavar="P",
                   help="all, top:N (the N largest local effects at the default set) or "
                        f"parameter ids (default {DEFAULT_PARAMETERS['morris']} for morris, "
                        f"{DEFAULT_PARAMETERS['sobol']} for sobol)")
    p.add_argument("--samples", type=_at_least(2), default=None, metavar="N",
                   help=f"Morris trajectories (default {DEFAULT_SAMPLES['morris']}) or Sobol "
                        f"base points, a power of 2 (default {DEFAULT_SAMPLES['sobol']})")
    p.add_argument("--coverage", type=_fraction, default=DEFAULT_COVERAGE, metavar="F",
                   help=f"central prior interval sampled (default {DEFAULT_COVERAGE:g})")
    p.add_argument("--top", type=_at_least(1), default=10, metavar="K",
                   help="print and plot the K highest-ranked parameters (default 10)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    add_scale_arguments(p)
    p.add_argument("--out", type=Path, default=Path("sensitivity"), metavar="DIR",
                   help="output folder (default ./sensitivity)")
    p.set_defaults(func=run_sensitivity_cli)


def run_sensitivity_cli(args: argparse.Namespace) -> int:
    from ..analysis._readout import as_readout
    from ..analysis.sensitivity import sensitivity
    from ..compile import compile_model

    check_output_dir(args.out, what="--out")
    model = compile_model()
    experiments = dict(load_experiments(args.file, catalog=model.catalog))
    readout = as_readout(model, args.readout, item="--readout")
    at = parse_time(args.at, what="--at") if args.at is not None else None
    params = None if args.parameters is None else " ".join(args.parameters)
    table = sensitivity(model, experiments, readout, at=at, method=args.method,
                        parameters=params, samples=args.samples, seed=args.seed,
                        coverage=args.coverage, workers=args.workers,
                        scheduler=args.scheduler, batch_size=args.batch_size,
                        out_dir=args.out / "batches", progress=sys.stderr.isatty())
    a = table.attrs
    out = args.out
    failures = pd.DataFrame(a["failures"], columns=["stage", "member", "where", "reason"])
    write_csv(out / "sensitivity.csv", table)
    write_csv(out / "failures.csv", failures)
    write_atomic(out / "sensitivity.png", lambda f: plot_sensitivity(table, args.top, f))

    print(f"{a['method']} sensitivity of {a['quantity']}")
    print(f"{a['n_parameters']} parameters over their priors' central {a['coverage']:.0%}; "
          f"{a['n_members']} members, {a['n_failed']} failed (excluded, reasons in "
          f"{out / 'failures.csv'}); {a['blocks_used']} of {a['blocks']} {a['block_unit']} used")
    for note in a["notes"]:
        print(f"  {note}")
    top = table[table["analysed"]].head(args.top)
    if a["method"] == "morris":
        cols = ["rank", "parameter", "mu_star", "mu_star_conf", "sigma", "provenance"]
    else:
        cols = ["rank", "parameter", "S1", "S1_conf", "ST", "ST_conf", "provenance"]
    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        print(top[cols].to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    print(f"wrote {out}/sensitivity.csv, sensitivity.png, failures.csv in "
          f"{a['elapsed_s']:.1f} s")
    return 0


def plot_sensitivity(table: pd.DataFrame, k: int, path) -> None:
    """Horizontal bars of the top ``k``: mu_star (Morris) or S1 and ST (Sobol), each with
    its confidence half-width."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    top = table[table["analysed"]].head(k).iloc[::-1]
    y = np.arange(len(top))
    fig, ax = plt.subplots(figsize=(7, 0.9 + 0.32 * max(1, len(top))))
    if table.attrs.get("method") == "sobol":
        ax.barh(y + 0.2, top["ST"], 0.4, xerr=top["ST_conf"], label="ST (total)", capsize=2)
        ax.barh(y - 0.2, top["S1"], 0.4, xerr=top["S1_conf"], label="S1 (first order)",
                capsize=2)
        ax.set_xlabel("Sobol index (95 % CI)")
        ax.legend(fontsize=7, loc="lower right")
    else:
        ax.barh(y, top["mu_star"], xerr=top["mu_star_conf"], capsize=2)
        ax.set_xlabel("Morris mu* (95 % CI), per prior-quantile range")
    ax.set_yticks(y, top["parameter"], fontsize=7)
    ax.set_title(str(table.attrs.get("quantity", ""))[:110], fontsize=7)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    plt.close(fig)
