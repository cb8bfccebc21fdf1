"""`cytonet ensemble`: experiments over many parameter members, with quantile bands."""

from __future__ import annotations

__all__ = ["register", "run_ensemble_cli", "add_member_arguments", "members_from_args",
           "add_scale_arguments", "write_atomic"]

import argparse
import sys
from pathlib import Path

import numpy as np

from ..errors import InputError, Problem
from ..outputs import check_output_dir, write_atomic, write_csv
from .simulate import _at_least, load_experiments, parse_readouts, parse_time


def add_member_arguments(p: argparse.ArgumentParser, default_members: int = 100) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--from", dest="source", choices=["priors"], default=None,
                     help="draw members from the kinetic parameters' priors")
    src.add_argument("--jitter", type=float, metavar="SIGMA", default=None,
                     help="members = default set x exp(SIGMA x N(0,1)) per parameter "
                          "(the default, SIGMA 0.3)")
    src.add_argument("--parameter-sets", metavar="DIR", type=Path, default=None,
                     help="one member per parameter-set YAML file in DIR")
    p.add_argument("--members", type=_at_least(1), default=default_members, metavar="N",
                   help=f"number of members (default {default_members})")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")


def add_scale_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=_at_least(1), default=None, metavar="N",
                   help="processes (default 2 on 2+ cores)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run batches on a Dask cluster at ADDRESS ('local': a LocalCluster "
                        "of --workers processes)")
    p.add_argument("--batch-size", type=_at_least(1), default=None, metavar="N",
                   help="members per task (default: about n / (4 x workers), at most 64)")


def members_from_args(model, args) -> tuple[np.ndarray, list[str], str]:
    """(theta, labels, description) from --from / --jitter / --parameter-sets."""
    from ..analysis.ensemble import draw_members

    if args.parameter_sets is not None:
        d = args.parameter_sets
        if not d.is_dir():
            raise InputError(Problem(f"--parameter-sets: not a folder: {d}"))
        files = sorted(d.glob("*.yaml"))
        if not files:
            raise InputError(Problem(f"--parameter-sets: no *.yaml files in {d}"))
        theta, labels = draw_members(model, len(files), source="sets",
                                     parameter_sets=files)
        return theta, labels, f"{len(files)} parameter sets from {d}"
    if args.source == "priors":
        theta, labels = draw_members(model, args.members, source="priors", seed=args.seed)
        return theta, labels, f"{args.members} members from the priors (seed {args.seed})"
    sigma = 0.3 if args.jitter is None else args.jitter
    theta, labels = draw_members(model, args.members, source="jitter", sigma=sigma,
                                 seed=args.seed)
    return theta, labels, f"{args.members} members, log-normal jitter {sigma:g} " \
        f"(seed {args.seed})"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "ensemble", help="run experiments over an ensemble of parameter sets",
        description="Simulate every experiment of the file for each member (drawn from the "
                    "priors, jittered around the default set, or named parameter sets); "
                    "write the tidy table (member, experiment, readout, time, value), the "
                    "5/50/95 %% bands, the failed members with their reasons and a plot. "
                    "Batches are saved as they finish; rerunning the same command resumes.")
    p.add_argument("file", type=Path, metavar="EXPERIMENTS.yaml",
                   help="experiment file (docs/experiments.md format)")
    p.add_argument("--readouts", nargs="+", default=["phospho:STAT3"], metavar="KIND:ENTITY",
                   help="readouts such as phospho:STAT3 phenotype:invasion (default phospho:STAT3)")
    p.add_argument("--until", default="24 h", metavar="TIME",
                   help="simulate from t = 0 to this time, with a unit (default 24 h)")
    p.add_argument("--points", type=_at_least(2), default=49, metavar="N",
                   help="evenly spaced output times over [0, until] (default 49)")
    add_member_arguments(p)
    add_scale_arguments(p)
    p.add_argument("--out", type=Path, default=Path("ensemble"), metavar="DIR",
                   help="output folder (default ./ensemble)")
    p.add_argument("--format", choices=["parquet", "csv"], default="parquet",
                   help="table format (default parquet)")
    p.set_defaults(func=run_ensemble_cli)


def run_ensemble_cli(args: argparse.Namespace) -> int:
    from ..analysis.ensemble import run_ensemble
    from ..compile import compile_model
    from ..limits import check_points

    check_points(args.points)
    check_output_dir(args.out, what="--out")
    model = compile_model()
    experiments = dict(load_experiments(args.file, catalog=model.catalog))
    readouts = parse_readouts(args.readouts, model)
    times = np.linspace(0.0, parse_time(args.until), args.points)
    theta, labels, what = members_from_args(model, args)
    print(f"{len(experiments)} experiments x {what}", file=sys.stderr)
    res = run_ensemble(model, experiments, readouts, times, theta, members=labels,
                       workers=args.workers, scheduler=args.scheduler,
                       batch_size=args.batch_size, out_dir=args.out / "batches",
                       progress=sys.stderr.isatty())
    out = args.out
    table = res.table.assign(time_h=res.table["time_s"] / 3600.0)
    if args.format == "parquet":
        write_atomic(out / "members.parquet", lambda f: table.to_parquet(f, index=False))
    else:
        write_csv(out / "members.csv", table)
    q = res.quantiles()
    write_csv(out / "quantiles.csv", q)
    write_csv(out / "failures.csv", res.failures)
    write_atomic(out / "bands.png", lambda f: plot_bands(q, f))
    n_ok = len(set(res.members)) - res.failures["member"].nunique()
    print(f"{n_ok} of {len(res.members)} members ran every experiment; "
          f"{len(res.failures)} failed (member, experiment) pairs in {out / 'failures.csv'}")
    for r in res.failures.head(10).itertuples():
        print(f"  FAILED {r.member} / {r.experiment}: {r.status}: {r.reason}")
    print(f"wrote {out}/members.{args.format}, quantiles.csv, failures.csv, bands.png "
          f"in {res.elapsed_s:.1f} s")
    return 0


def plot_bands(q, path) -> None:
    """One panel per readout: median line and 5-95 % band per experiment."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    readouts = list(dict.fromkeys(q["readout"]))
    fig, axes = plt.subplots(len(readouts), 1, figsize=(7, 2.6 * len(readouts)), squeeze=False)
    for ax, ro in zip(axes[:, 0], readouts, strict=True):
        for exp, d in q[q["readout"] == ro].groupby("experiment", sort=False):
            t = d["time_s"].to_numpy() / 3600.0
            line, = ax.plot(t, d["q50"], label=str(exp))
            ax.fill_between(t, d["q05"], d["q95"], color=line.get_color(), alpha=0.2)
        ax.set_title(ro, fontsize=9)
        ax.set_xlabel("time (h)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=90)
    plt.close(fig)
