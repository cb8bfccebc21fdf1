"""`cytonet screen`: knockdowns, knockouts and drugs on one readout, over an ensemble."""

from __future__ import annotations

__all__ = ["register", "run_screen_cli", "plot_screen"]

import argparse
import sys
from pathlib import Path

import pandas as pd

from ..outputs import check_output_dir, write_atomic, write_csv
from .ensemble import add_member_arguments, add_scale_arguments, members_from_args
from .simulate import _at_least, load_experiments, parse_time

DEFAULT_MEMBERS = 20


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "screen", help="screen target knockdowns/knockouts and drugs on a readout",
        description="For the experiment (the file's only one, or the one named 'test'), add "
                    "each knockdown (efficiency 0.8) and knockout of the perturbable targets "
                    "and each catalog drug at 10 x its potency (IC50 of its first target; Kd "
                    "for antibodies and ligand traps), run them and the unperturbed experiment "
                    "for every ensemble member, and rank the perturbations by the median of "
                    "log2(perturbed / unperturbed) over members, with the 5-95 %% interval, "
                    "the robustness (fraction of members with the median's sign and |log2| > "
                    "0.25) and the curated observations that support each hit. Writes "
                    "screen.csv, effects.csv (per member), failures.csv and screen.png. "
                    "Default cost on the README question: 20 members x 95 perturbations, "
                    "about 1-2 min on 2 cores (--pairs adds up to 45 pairs).")
    p.add_argument("file", type=Path, metavar="EXPERIMENT.yaml",
                   help="experiment file: one experiment, or one named 'test'")
    p.add_argument("--readout", required=True, metavar="KIND:ENTITY",
                   help="the readout, e.g. phenotype:invasion or mRNA:MMP12")
    p.add_argument("--at", default=None, metavar="TIME",
                   help="read at this time (default: 1 h for phospho/active/nuclear, 24 h "
                        "otherwise)")
    p.add_argument("--targets", nargs="+", default=["all"], metavar="T",
                   help="all (default), none, or entity symbols to knock down and out")
    p.add_argument("--drugs", nargs="+", default=["all"], metavar="D",
                   help="all (default), none, or catalog drug names")
    p.add_argument("--pairs", action="store_true",
                   help="also run every pair among the top 10 single hits")
    p.add_argument("--top", type=_at_least(1), default=15, metavar="K",
                   help="print and plot the K top hits (default 15)")
    add_member_arguments(p, default_members=DEFAULT_MEMBERS)
    add_scale_arguments(p)
    p.add_argument("--out", type=Path, default=Path("screen"), metavar="DIR",
                   help="output folder (default ./screen)")
    p.set_defaults(func=run_screen_cli)


def run_screen_cli(args: argparse.Namespace) -> int:
    from ..analysis._readout import as_readout
    from ..analysis.screen import effects_frame, screen, screen_perturbations
    from ..compile import compile_model

    check_output_dir(args.out, what="--out")
    model = compile_model()
    experiments = dict(load_experiments(args.file, catalog=model.catalog))
    readout = as_readout(model, args.readout, item="--readout")
    at = parse_time(args.at, what="--at") if args.at is not None else None
    targets, drugs = " ".join(args.targets), " ".join(args.drugs)
    screen_perturbations(model, targets, drugs)  # bad names fail before members are drawn
    theta, labels, what = members_from_args(model, args)
    print(f"screen over {what}", file=sys.stderr)
    table = screen(model, experiments, readout, targets=targets, drugs=drugs,
                   pairs=args.pairs, theta=theta, labels=labels, at=at,
                   workers=args.workers, scheduler=args.scheduler,
                   batch_size=args.batch_size, out_dir=args.out / "batches",
                   progress=sys.stderr.isatty())
    a = table.attrs
    out = args.out
    failures = pd.DataFrame(a["failures"], columns=["member", "perturbation", "reason"])
    write_csv(out / "screen.csv", table)
    write_csv(out / "effects.csv", effects_frame(table))
    write_csv(out / "failures.csv", failures)
    write_atomic(out / "screen.png", lambda f: plot_screen(table, args.top, f))

    print(f"screen of {a['quantity']}")
    print(f"{a['n_members']} members ({what}); {len(table)} perturbations; unperturbed "
          f"median {a['baseline_median']:.4g}; {len(failures)} failed (member, perturbation) "
          f"pairs excluded (reasons in {out / 'failures.csv'})")
    for note in a["notes"]:
        print(f"  {note}")
    if len(failures):
        worst = failures.groupby("perturbation").size().sort_values(ascending=False).head(5)
        print("  most failures: " + ", ".join(f"{k} ({v})" for k, v in worst.items()))
    singles = table[table["kind"] != "pair"]
    pairs = table[table["kind"] == "pair"]
    for title, part in (("single perturbations", singles), ("pairs", pairs)):
        if not len(part):
            continue
        print(f"top {min(args.top, len(part))} {title}:")
        for i, r in enumerate(part.head(args.top).itertuples(), 1):
            extra = f"  interaction {r.interaction_log2:+.3f}" if r.kind == "pair" else ""
            print(f"{i:3d}. {r.perturbation:<48s} log2 {r.median_log2:+.3f} "
                  f"[{r.q05_log2:+.3f}, {r.q95_log2:+.3f}]  robust {r.robustness:.2f} "
                  f"(n={r.n_members}){extra}  {r.support}")
    print(f"wrote {out}/screen.csv, effects.csv, failures.csv, screen.png in "
          f"{a['elapsed_s']:.1f} s")
    return 0


def plot_screen(table: pd.DataFrame, k: int, path) -> None:
    """Horizontal bars of the top ``k`` median log2 effects with their 5-95 % intervals."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    parts = [("single perturbations", table[table["kind"] != "pair"])]
    if (table["kind"] == "pair").any():
        parts.append(("pairs", table[table["kind"] == "pair"]))
    tops = [(t, d.dropna(subset=["median_log2"]).head(k).iloc[::-1]) for t, d in parts]
    rows = [max(1, len(d)) for _, d in tops]
    fig, axes = plt.subplots(len(tops), 1, figsize=(7.5, 0.9 * len(tops) + 0.32 * sum(rows)),
                             squeeze=False, gridspec_kw={"height_ratios": rows})
    for ax, (title, top) in zip(axes[:, 0], tops, strict=True):
        y = np.arange(len(top))
        med = top["median_log2"].to_numpy()
        err = np.vstack([med - top["q05_log2"].to_numpy(), top["q95_log2"].to_numpy() - med])
        colors = ["tab:blue" if v < 0 else "tab:red" for v in med]
        ax.barh(y, med, xerr=np.clip(err, 0, None), color=colors, capsize=2)
        ax.axvline(0, color="k", lw=0.6)
        ax.set_yticks(y, [f"{p}  ({r:.0%})" for p, r in zip(top["perturbation"],
                                                            top["robustness"], strict=True)],
                      fontsize=7)
        ax.set_title(title, fontsize=8)
    axes[-1, 0].set_xlabel("median log2(perturbed / unperturbed), 5-95 % over members "
                           "(robustness in brackets)", fontsize=8)
    fig.suptitle(str(table.attrs.get("quantity", ""))[:110], fontsize=7)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    plt.close(fig)
