"""Fit cytonet's hepatocyte IL-6 module to Sobotta 2017 (docs/sobotta2017.md, part b).

    .venv/bin/python bench/sobotta_fit.py [--starts 2] [--max-evals 100] [--out bench_out/sobotta]

Bounded: Powell with ``--max-evals`` simulations of the whole problem per start (about 2 s
each on one core), observation parameters profiled out. Writes results.json, the fitted
parameter set and both PEtab problems (cytonet one with fitted values as nominal).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import numpy as np

SRC = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchmarks" / "petab_unmerged" \
    / "Sobotta_Frontiers2017"
PSET = Path(__file__).resolve().parents[1] / "src" / "cytonet" / "data" / "parameter_sets" \
    / "sobotta2017_hepatocyte.yaml"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=2)
    ap.add_argument("--max-evals", type=int, default=100)
    ap.add_argument("--out", type=Path, default=Path("bench_out/sobotta"))
    ap.add_argument("--no-write-set", action="store_true")
    ap.add_argument("--budget", type=float, default=900.0, help="wall seconds for the fit")
    a = ap.parse_args()
    from cytonet.calibrate.cytonet_problem import load_cytonet_problem
    from cytonet.calibrate.petab_problem import load_petab_problem, scale_values
    from cytonet.calibrate.sobotta import build_sobotta_problems, fit_sobotta

    b = build_sobotta_problems(SRC, a.out)
    og = load_petab_problem(b.original_yaml, validate=False)
    ev0 = og.evaluate()
    used = set()
    for col in ("observableParameters", "noiseParameters"):
        for v in og.measurement_df[col]:
            used |= {s for s in str(v).split(";") if s}
    og_n = sum(1 for i in og.x_ids if i in used or not re.match(r"^(offset|scale|sd)_", i))
    print(f"rows {b.n_rows} of {b.n_rows_total}; left out {b.left_out}")
    print(f"original on these rows: llh {ev0.llh:.3f} chi2 {ev0.chi2:.3f}, {og_n} estimated "
          "parameters used", flush=True)
    pp = load_cytonet_problem(b.cytonet_yaml)
    r = fit_sobotta(pp, n_starts=a.starts, max_evals=a.max_evals, wall_budget_s=a.budget)
    p = r["p"]
    x = scale_values(p[pp.x_index], pp.x_scales)
    x = np.clip(x, pp.lb, pp.ub)
    ev = pp.evaluate(x)  # the PEtab likelihood of the fitted parameters
    ev_nom = None
    n_est = len(pp.x_ids)
    print(f"cytonet fitted: llh {ev.llh:.3f} chi2 {ev.chi2:.3f}, {n_est} estimated parameters "
          f"({len(r['theta'])} kinetic); wall {r['wall_s']:.0f} s", flush=True)
    out = {"rows": b.n_rows, "rows_total": b.n_rows_total, "left_out": b.left_out,
           "experiments": len(b.experiments), "blocks": b.blocks,
           "original": {"llh": ev0.llh, "chi2": ev0.chi2, "n_estimated_used": og_n,
                        "n_estimated_table": len(og.x_ids)},
           "cytonet_curated_profiled": {"llh": r["runs"][0]["llh_start"]},
           "cytonet_fitted": {"llh": ev.llh, "chi2": ev.chi2, "n_estimated": n_est,
                              "n_kinetic": len(r["theta"]), "profile_llh": r["llh"]},
           "theta": r["theta"], "theta_curated": r["theta0"], "runs": r["runs"],
           "wall_s": r["wall_s"],
           "observation_parameters": {pid: float(p[i]) for i, pid in
                                      zip(pp.x_index, pp.x_ids, strict=True)
                                      if pid not in r["theta"]}}
    del ev_nom
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "results.json").write_text(json.dumps(out, indent=1) + "\n")
    if not a.no_write_set:
        write_parameter_set(r["theta"], r["theta0"], b)
    print(json.dumps({k: out[k] for k in ("original", "cytonet_fitted", "theta")}, indent=1))


def write_parameter_set(theta, theta0, b) -> None:
    from cytonet.compile import compile_model

    net = compile_model().network
    subset = (f"{b.n_rows} of {b.n_rows_total} data points: pJAK1, pgp130, pSTAT3 (western, "
              "Luminex, MS), SOCS3 mRNA and protein in the continuous-stimulation IL-6 "
              "time-course / dose-response and ruxolitinib blocks; no pulse, ActD or Stattic data")
    lines = ["# Named alternative parameter set: cytonet's hepatocyte IL-6 module fitted to",
             "# Sobotta et al. 2017. Values override data/parameters.yaml; the curated set is",
             "# unchanged. Produced by bench/sobotta_fit.py (see docs/sobotta2017.md, part b).",
             "name: sobotta2017_hepatocyte",
             "base: curated",
             "context: hepatocyte",
             "parameters:"]
    for pid, v in theta.items():
        par = net.parameters[pid]
        lines += [f"- id: {pid}", f"  value: {v:.6g}", f"  unit: {par.unit}",
                  "  provenance: fitted",
                  f"  note: \"fitted to Sobotta 2017 (doi:10.3389/fphys.2017.00775), {subset}; "
                  f"curated value {theta0[pid]:.6g}\""]
    PSET.parent.mkdir(parents=True, exist_ok=True)
    PSET.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {PSET}")


if __name__ == "__main__":
    t = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - t:.0f} s")
