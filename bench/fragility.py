"""What decides the verdicts under parameter jitter (docs/calibration.md, "What the jitter
members say"); re-runnable.

    .venv/bin/python bench/fragility.py [--observations FILE] [--members 150] [--sigma 0.3]
        [--seed 1] [--cell generic] [--top 4]

Draws ``--members`` log-normal jitter members (cytonet.analysis.ensemble.draw_members),
judges the observations on each (cytonet.validation.ensemble.EnsembleJudge) and simulates
the resting state of ``--cell`` for the same members. Prints

1. per resting readout, the correlation across members of its log with the member's pass
   rate, and the quantiles of the readout;
2. per observation that passes in some but not all members, its pass fraction and the
   parameters that drive it, as ``validate --ensemble N --drivers K`` reports them
   (cytonet.validation.ensemble.ensemble_drivers: Spearman rho of each parameter with the
   observation's margin, kept when significant after a Bonferroni correction).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from cytonet.analysis.ensemble import draw_members, run_ensemble
from cytonet.compile import compile_model
from cytonet.experiments.parse import load_observations, parse_experiment
from cytonet.experiments.runner import parse_readout
from cytonet.validation.ensemble import EnsembleJudge, ensemble_drivers

SHARED = Path(__file__).resolve().parents[2] / "shared" / "observations" / "literature.yaml"
RESTING = ("free:IL6", "free:LIF", "nuclear:RELA", "phospho:STAT3", "mRNA:SOCS3")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--observations", type=Path, default=SHARED)
    ap.add_argument("--members", type=int, default=150)
    ap.add_argument("--sigma", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cell", default="generic")
    ap.add_argument("--top", type=int, default=4)
    a = ap.parse_args()

    model = compile_model()
    obs, problems = load_observations(str(a.observations), model.catalog)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SystemExit(f"{a.observations}: {errors[0]}")
    theta, labels = draw_members(model, a.members, source="jitter", sigma=a.sigma, seed=a.seed)
    judge = EnsembleJudge(obs, model)
    cards = judge.scorecards(theta, labels)
    ids = [o.id for o in judge.observations]
    margins, passed = judge.margin_matrix(cards)
    rate = passed.mean(axis=1)
    print(f"{a.members} members, jitter {a.sigma} (seed {a.seed}): mean pass rate "
          f"{100 * rate.mean():.1f} %")

    readouts = [parse_readout(r, model) for r in RESTING]
    rest = run_ensemble(model, {"rest": parse_experiment({"cell": a.cell})}, readouts, [0.0],
                        theta, members=labels).table
    print(f"\nresting {a.cell}: correlation of log(value) with the member's pass rate")
    for ro in RESTING:
        col = rest[rest.readout == ro].set_index("member")["value"].reindex(labels)
        ok = np.isfinite(col.values) & (col.values > 0)
        r = np.corrcoef(np.log(col.values[ok]), rate[ok])[0, 1] if ok.sum() > 2 else np.nan
        q = np.percentile(col.values[ok], [10, 50, 90]) if ok.any() else [np.nan] * 3
        print(f"  {ro:16s} r = {r:+.2f}   10/50/90 %: {q[0]:.3g} / {q[1]:.3g} / {q[2]:.3g}")

    # the members in bands of resting nuclear NF-kB (x the default's): how much of the
    # mean the ones that rest with NF-kB switched on (the IkBalpha titration cliff) cost
    col = rest[rest.readout == "nuclear:RELA"].set_index("member")["value"].reindex(labels)
    at_default = run_ensemble(model, {"rest": parse_experiment({"cell": a.cell})}, readouts,
                              [0.0], model.interface.theta_nominal[None, :]).table
    x0 = float(at_default[at_default.readout == "nuclear:RELA"]["value"].iloc[0])
    print(f"\nmembers by resting nuclear:RELA in {a.cell} (default {x0:.3g} nM): "
          "count, mean pass rate")
    edges = x0 * np.array([0.0, 3.0, 10.0, 100.0, np.inf])
    values = col.values
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        m = np.isfinite(values) & (values >= lo) & (values < hi)
        label = f"[{lo / x0:g}, {hi / x0:g}) x default"
        shown = f"{100 * rate[m].mean():.1f} %" if m.any() else "-"
        print(f"  {label:24s} {int(m.sum()):4d}  {shown}")
    failed = int((~np.isfinite(values)).sum())
    if failed:
        print(f"  {failed} member(s) without a resting state (failed simulation)")

    # part 2 is validate --ensemble --drivers: one definition of a driver (Spearman of the
    # calibration's margin, Bonferroni over the parameters), cytonet.validation.ensemble
    drivers = ensemble_drivers(theta, model.interface.theta_ids, margins, ids, passed,
                               top=a.top)
    print("\nobservations passing in some members: fraction, then the parameters whose draws "
          "are significantly rank-correlated with the margin (Spearman rho)")
    frac = dict(zip(ids, passed.mean(axis=0), strict=True))
    for oid in sorted(drivers, key=lambda o: frac[o]):
        text = ", ".join(f"{p} {rho:+.2f}" for p, rho in drivers[oid]) or "none significant"
        print(f"  {frac[oid]:.2f} {oid}: {text}")

if __name__ == "__main__":
    main()
