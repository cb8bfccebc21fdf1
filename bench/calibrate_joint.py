"""Joint MAP calibration of cytonet's kinetic parameters (issue 13, item 4); re-runnable.

    .venv/bin/python bench/calibrate_joint.py [--top 20] [--starts 2] [--max-iter 15]
        [--out build/joint] [--observations FILE ...] [--holdout FILE ...]
        [--params ID ...] [--select REGEX] [--name NAME]
        [--sobotta DIR | --no-sobotta] [--sobotta-weight W]
        [--budget-min MINUTES] [--max-evaluations N]

1. Ranks every kinetic parameter with provenance `assumed` by the local slope of the loss
   times its prior width (cytonet.calibrate.joint.rank_parameters), on the package's curated
   observations and anchors (the qualitative findings as smooth margin penalties, the
   quantitative anchors as robust log-range penalties).
2. Fits the top ``--top`` of them by multi-start MAP with their priors (pyPESTO, L-BFGS-B),
   the rest at the default values.
3. Writes ``OUT/ranking.csv``, ``OUT/fit.json`` (compute spent, per-start results and
   convergence, passes before/after on the fitted files and on ``--holdout`` files that
   the fit never saw) and ``OUT/joint_map.yaml``, a parameter set in the
   ``data/parameter_sets`` format with provenance "fitted: <data>, prior: <source>".

The Sobotta 2017 hepatocyte time courses (``../shared/benchmarks/petab_unmerged/
Sobotta_Frontiers2017``, mapped by cytonet.calibrate.sobotta) enter the ranking and the fit
as a data term: ``--sobotta-weight`` x their negative log-likelihood, observation parameters
profiled out. ``--no-sobotta`` leaves them out (a focused fit that does not touch the
hepatocyte module).

``--params`` fits the named parameters instead of the ranked ones (step 1 is skipped), and
``--select`` keeps only the observations whose id matches the regular expression: a
focused fit of one module's assumed parameters to the anchors that measure it.

``--budget-min`` and ``--max-evaluations`` bound the fit's compute: when spent, the fit
stops and the files are written for the best point seen, with ``fit.json`` saying that the
budget, not convergence, ended it.

The parameter set becomes the default only after the whole suite (nominal and under
jitter) improves with it; the script does not decide that. ``bench/adopt_fit.py OUT/NAME.yaml``
then writes it into data/parameters.yaml (cytonet.calibrate.adopt), with each replaced
value and its reason kept in the new note.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from cytonet.calibrate.joint import (
    JointProblem,
    JointSettings,
    fit_joint,
    rank_parameters,
    tie_reason,
    tied_parameters,
)
from cytonet.compile import compile_model
from cytonet.experiments.parse import load_observations
from cytonet.outputs import write_atomic
from cytonet.validation.run import validate_observations

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "cytonet" / "data"
SOBOTTA = ROOT.parent / "shared" / "benchmarks" / "petab_unmerged" / "Sobotta_Frontiers2017"


def _load(files):
    obs = []
    for f in files:
        o, problems = load_observations(str(f))
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise SystemExit(f"{f}: {errors[0]}")
        obs += o
    return obs


def _score(obs, model_values, model, settings):
    """Passes and margins of ``obs`` at the fitted values (one member)."""
    prob = JointProblem(model, obs, list(model_values), settings)
    M = prob.margins(np.log10([model_values[p] for p in prob.param_ids]))
    return int(prob.passes(M)[0]), len(obs)


def _write_set(args, model, iface, prob, fit, obs, fit_terms, chosen, values) -> Path:
    """Write the fitted parameter set (OUT/NAME.yaml, atomically); its path."""
    data = ", ".join(Path(f).name for f in args.observations)
    if not args.no_sobotta:
        data += f", Sobotta 2017 hepatocyte data ({fit_terms[0].n_rows} rows, profiled)"
    if args.select:
        data += f" (ids matching {args.select!r}: {', '.join(o.id for o in obs)})"
    stop = f"; stopped by its budget of {fit.budget_spent}" if fit.budget_spent else ""
    lines = ["# Joint MAP fit (bench/calibrate_joint.py); values override data/parameters.yaml.",
             f"name: {args.name}", "base: curated", "parameters:"]
    for p in chosen:
        src = iface.priors[p].source
        lines += [f"- id: {p}", f"  value: {values[p]:.6g}",
                  "  unit: " + json.dumps(model.network.parameters[p].unit), "  provenance: fitted",
                  "  note: " + json.dumps(
                      f"fitted: {data} (margin penalties, MAP{stop}); prior: {src}, median "
                      f"{10 ** prob.mu[chosen.index(p)]:.4g}, sigma_log10 "
                      f"{prob.sigma[chosen.index(p)]:g}")]
    for p, v in prob.tied_values(fit.x_best).items():
        lines += [f"- id: {p}", f"  value: {v:.6g}",
                  "  unit: " + json.dumps(model.network.parameters[p].unit), "  provenance: derived",
                  "  note: " + json.dumps(
                      f"{tie_reason(p)} ({model.network.parameters[p].provenance.note})")]
    path = args.out / f"{args.name}.yaml"
    write_atomic(path, lambda tmp: tmp.write_text("\n".join(lines) + "\n"))
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--observations", nargs="+", type=Path,
                    default=[DATA / "observations.yaml", DATA / "anchors.yaml"])
    ap.add_argument("--holdout", nargs="*", type=Path, default=[])
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--starts", type=int, default=2)
    ap.add_argument("--max-iter", type=int, default=15)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("build/joint"))
    ap.add_argument("--params", nargs="+", default=None,
                    help="fit these parameters (skips the ranking)")
    ap.add_argument("--select", default=None,
                    help="only the observations whose id matches this regular expression")
    ap.add_argument("--name", default="joint_map", help="name of the written parameter set")
    ap.add_argument("--sobotta", type=Path, default=SOBOTTA,
                    help="the Sobotta 2017 PEtab folder (a data term of the fit)")
    ap.add_argument("--no-sobotta", action="store_true", help="fit without the Sobotta data")
    ap.add_argument("--sobotta-weight", type=float, default=1.0)
    ap.add_argument("--budget-min", type=float, default=None,
                    help="stop the fit after this many minutes, keeping the best point")
    ap.add_argument("--max-evaluations", type=int, default=None,
                    help="stop the fit after this many fresh evaluations (all starts)")
    args = ap.parse_args(argv)
    if args.sobotta_weight <= 0:
        raise SystemExit("--sobotta-weight must be > 0 (--no-sobotta leaves the data out)")
    if not args.no_sobotta and not (args.sobotta / "Sobotta_Frontiers2017.yaml").is_file():
        raise SystemExit(f"--sobotta {args.sobotta}: no Sobotta_Frontiers2017.yaml there "
                         "(give the folder, or --no-sobotta to fit without these data)")
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    model = compile_model()
    iface = model.interface
    obs = _load(args.observations)
    # read the held-out files before the fit, so that a bad one fails in seconds, not after it
    hobs = _load(args.holdout) if args.holdout else None
    if args.select:
        import re
        obs = [o for o in obs if re.search(args.select, o.id)]
        if not obs:
            raise SystemExit(f"--select {args.select!r} matches no observation")
    settings = JointSettings(workers=args.workers)
    card = validate_observations(obs)
    print(f"{len(obs)} observations; default set passes {card.passed}", flush=True)

    def terms(params):
        if args.no_sobotta:
            return []
        from cytonet.calibrate.sobotta import SobottaTerm

        sob = SobottaTerm(model, params, args.sobotta, args.out / "sobotta",
                          weight=args.sobotta_weight)
        return [sob]

    if args.params:
        unknown = [p for p in args.params if p not in iface.theta_ids]
        if unknown:
            raise SystemExit(f"--params: not kinetic parameters of the model: {unknown}")
        chosen, rank_s = list(args.params), 0.0
        print(f"fitting the {len(chosen)} named parameters: {', '.join(chosen)}", flush=True)
    else:
        candidates = [p for p in iface.theta_ids if iface.priors[p].source.startswith("assumed")]
        t = time.perf_counter()
        ranking = rank_parameters(model, obs, candidates, settings=settings,
                                  terms=terms(candidates))
        rank_s = time.perf_counter() - t
        with open(args.out / "ranking.csv", "w") as fh:
            fh.write("parameter,slope_times_sigma\n")
            fh.writelines(f"{p},{e:.6g}\n" for p, e in ranking)
        chosen = [p for p, e in ranking[:args.top] if e > 0]
        print(f"ranked {len(candidates)} assumed parameters in {rank_s:.0f} s; fitting "
              f"{len(chosen)}: {', '.join(chosen)}", flush=True)

    fit_terms = terms(chosen + tied_parameters(model, chosen))
    prob = JointProblem(model, obs, chosen, settings, terms=fit_terms)
    fit = fit_joint(prob, n_starts=args.starts, max_iter=args.max_iter, seed=args.seed,
                    log=lambda m: print(m, flush=True),
                    budget_s=None if args.budget_min is None else 60 * args.budget_min,
                    max_evaluations=args.max_evaluations)
    values = fit.values()
    set_file = _write_set(args, model, iface, prob, fit, obs, fit_terms, chosen, values)
    hold = {}
    if hobs is not None:
        try:  # the fitted set is already written; a failure here must not lose it
            base = JointProblem(model, hobs, chosen, settings)
            hold = {"files": [str(f) for f in args.holdout], "n": len(hobs),
                    "passes_default": int(base.passes(base.margins(base.x0))[0]),
                    "passes_fitted": _score(hobs, values, model, settings)[0]}
        except Exception as exc:  # noqa: BLE001 - recorded in fit.json, not swallowed
            hold = {"files": [str(f) for f in args.holdout], "error": repr(exc)}
            print(f"holdout scoring failed ({exc!r}); the fitted set is in {set_file}",
                  file=sys.stderr, flush=True)
    report = {
        "observations": [str(f) for f in args.observations], "n_observations": fit.n_observations,
        "parameters": {p: {"default": float(10 ** x0), "fitted": values[p],
                           "prior_median": float(10 ** mu), "prior_sigma_log10": float(s)}
                       for p, x0, mu, s in zip(chosen, prob.x0, prob.mu, prob.sigma, strict=True)},
        "loss_start": fit.loss_start, "loss_best": fit.loss_best,
        "passes_start": fit.passes_start, "passes_best": fit.passes_best,
        "starts": fit.starts, "members_solved": fit.n_members_solved,
        "evaluations": fit.n_evaluations, "stopped_by_budget": fit.budget_spent or None,
        "simulation_wall_s": fit.wall_s, "total_wall_s": time.perf_counter() - t0,
        "ranking_wall_s": rank_s, "holdout": hold,
        "sobotta": None if args.no_sobotta else {
            "folder": str(args.sobotta), "rows": fit_terms[0].n_rows,
            "weight": args.sobotta_weight,
            "llh_start": -fit.terms_start / args.sobotta_weight,
            "llh_best": -fit.terms_best / args.sobotta_weight,
            "calls": fit_terms[0].n_calls, "failed": fit_terms[0].n_failed},
        "settings": {"margin": settings.margin, "softness": settings.softness,
                     "fd_step": settings.fd_step, "max_iter": args.max_iter,
                     "starts": args.starts, "top": args.top,
                     "budget_min": args.budget_min, "max_evaluations": args.max_evaluations},
    }
    text = json.dumps(report, indent=2)
    write_atomic(args.out / "fit.json", lambda tmp: tmp.write_text(text))
    print(json.dumps({k: report[k] for k in ("loss_start", "loss_best", "passes_start",
                                             "passes_best", "members_solved", "evaluations",
                                             "stopped_by_budget", "total_wall_s",
                                             "holdout", "sobotta")}, indent=2))
    print(f"starts: {[(s['fval'], s['exitflag'], s['n_fval']) for s in fit.starts]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
