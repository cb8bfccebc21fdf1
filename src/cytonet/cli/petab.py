"""`cytonet petab lint|llh|export` and `cytonet fit`: PEtab problems from the command line."""

from __future__ import annotations

__all__ = ["register", "run_lint", "run_llh", "run_fit", "run_export"]

import argparse
import sys
import time
from pathlib import Path

from .validate import positive_int as _positive_int


def register(subparsers) -> None:
    """Add the ``petab`` command group and the top-level ``fit`` command."""
    petab = subparsers.add_parser(
        "petab", help="check and score PEtab v1 problems", description=__doc__
    )
    sub = petab.add_subparsers(dest="petab_command", metavar="SUBCOMMAND")
    sub.required = True

    lint = sub.add_parser("lint", help="check a PEtab problem; list every problem found",
                          description="Check a PEtab v1 problem (its YAML and the tables it "
                          "names) with cytonet's checks, each problem located by file and line, "
                          "then with petab.lint; exit 2 on errors.")
    lint.add_argument("problem", type=Path, metavar="PROBLEM.yaml", help="PEtab problem YAML")
    lint.add_argument("--no-libpetab", action="store_true", help="skip petab.lint")
    lint.set_defaults(func=run_lint)

    llh = sub.add_parser("llh", help="log-likelihood and chi2 at the nominal parameters",
                         description="Simulate a PEtab v1 problem at the nominal parameter "
                         "values and print its log-likelihood (AMICI's convention) and chi2.")
    llh.add_argument("problem", type=Path, metavar="PROBLEM.yaml", help="PEtab problem YAML")
    llh.add_argument(
        "--drop-invalid",
        action="store_true",
        help="drop measurement rows with errors (reported) instead of failing",
    )
    llh.add_argument(
        "--start-time",
        type=_finite_float,
        default=0.0,
        help="start integration here instead of 0 (not PEtab v1; for Data2Dynamics exports)",
    )
    llh.add_argument("--rtol", type=_positive_float, default=1e-8,
                     help="CVODE relative tolerance (default 1e-8)")
    llh.add_argument("--atol", type=_positive_float, default=1e-12,
                     help="CVODE absolute tolerance (default 1e-12)")
    llh.set_defaults(func=run_llh)

    export = sub.add_parser(
        "export",
        help="write a PEtab v1 problem for cytonet's own model from experiments and data",
        description=run_export.__doc__,
    )
    export.add_argument("--experiments", type=Path, required=True, metavar="FILE",
                        help="experiment file in any layout 'cytonet simulate' reads: a mapping "
                        "name -> experiment, a list of experiments each with a 'name', or "
                        "either under 'experiments:' (spec format)")
    export.add_argument("--data", type=Path, required=True, metavar="FILE",
                        help="TSV/CSV: experiment, readout (KIND:ENTITY), time ('30 min'), "
                        "measurement, optional sd")
    export.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="output folder for the problem YAML, model.xml and the tables")
    export.add_argument("--estimate", nargs="+", default=[], metavar="PARAM",
                        help="model parameters to estimate (log10, value/100 .. value*100)")
    export.add_argument("--scaling", choices=("estimate", "fixed", "none"), default="estimate",
                        help="scale factor per observable (default: estimated)")
    export.add_argument("--offset", action="store_true", help="estimate an offset per observable")
    export.add_argument("--name", default=None, help="problem name (default: data file stem)")
    export.set_defaults(func=run_export)

    fit = subparsers.add_parser(
        "fit", help="multi-start fit of a PEtab problem (pyPESTO)", description=run_fit.__doc__
    )
    fit.add_argument("problem", type=Path, metavar="PROBLEM.yaml", help="PEtab problem YAML")
    fit.add_argument("--starts", type=_positive_int, default=20,
                     help="number of starts (default 20)")
    fit.add_argument("--workers", type=_positive_int, default=1,
                     help="parallel processes (default 1; capped at the cores and the starts)")
    fit.add_argument("--seed", type=int, default=0, help="seed for start points (default 0)")
    fit.add_argument("--optimizer", choices=("fides", "scipy"), default="fides",
                     help="local optimizer (default fides)")
    fit.add_argument("--max-iter", type=_positive_int, default=200, help="iterations per start")
    fit.add_argument("--out", type=Path, default=None, help="output folder (default: fit_<name>)")
    fit.add_argument("--drop-invalid", action="store_true", help="as for 'petab llh'")
    fit.add_argument("--no-progress", action="store_true", help="no progress bar")
    fit.set_defaults(func=run_fit)


def _finite_float(text: str) -> float:
    import math

    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return v


def _positive_float(text: str) -> float:
    v = _finite_float(text)
    if v <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return v


def run_lint(args: argparse.Namespace) -> int:
    """Print every problem (ours located, then petab.lint's); exit 2 on errors."""
    from ..calibrate.lint import lint_petab_problem

    problems = lint_petab_problem(args.problem, libpetab=not args.no_libpetab)
    for p in problems:
        print(f"{p.severity}: {p}")
    errors = sum(p.severity == "error" for p in problems)
    print(f"{args.problem}: {errors} error(s), {len(problems) - errors} warning(s)")
    return 2 if errors else 0


def run_llh(args: argparse.Namespace) -> int:
    """Print llh and chi2 at the nominal parameters, data points and estimated parameters."""
    from ..calibrate import SolverSettings
    from ..calibrate.petab_problem import load_petab_problem

    t0 = time.perf_counter()
    settings = SolverSettings(rtol=args.rtol, atol=args.atol, start_time=args.start_time)
    problem = load_petab_problem(args.problem, drop_invalid=args.drop_invalid, settings=settings)
    for p in problem.dropped:
        print(f"dropped: {p}", file=sys.stderr)
    t1 = time.perf_counter()
    ev = problem.evaluate()
    t2 = time.perf_counter()
    print(f"problem: {problem.name}")
    print(f"llh: {ev.llh:.10g}")
    print(f"chi2: {ev.chi2:.10g}")
    print(
        f"data points: {problem.n_data}"
        + (f" ({len(problem.dropped)} dropped)" if problem.dropped else "")
    )
    print(f"estimated parameters: {len(problem.x_ids)}")
    if args.start_time != 0.0:
        print(f"integration starts at t = {args.start_time:g} (not PEtab v1)")
    print(f"simulated experiments (preequilibration, condition): {len(problem.experiment_keys)}")
    print(f"time: load {t1 - t0:.2f} s, simulate {1000 * (t2 - t1):.1f} ms")
    if ev.status != "ok":
        print(f"status: {ev.status}", file=sys.stderr)
        return 1
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write <name>.yaml, model.xml and the four PEtab tables; check them with petab.lint.

    Each experiment becomes a simulation condition with a preequilibration condition for its
    unstimulated cells; each readout an observable (weighted species sum x scale).
    """
    from ..calibrate.export import export_petab_files
    from ..calibrate.lint import lint_petab_problem
    from ..outputs import OutputLock, check_output_dir

    with OutputLock(check_output_dir(args.out, what="--out")):
        return _run_export(args, export_petab_files, lint_petab_problem)


def _run_export(args, export_petab_files, lint_petab_problem) -> int:
    res = export_petab_files(
        args.experiments, args.data, args.out, estimate=args.estimate, scaling=args.scaling,
        offset=args.offset, name=args.name,
    )
    print(f"wrote {res.yaml_path}")
    print(
        f"conditions: {res.n_conditions} (+{res.n_preequilibrations} preequilibration), "
        f"observables: {len(res.observables)}, measurements: {res.n_measurements}, "
        f"estimated parameters: {len(res.estimated)}"
    )
    problems = [p for p in lint_petab_problem(res.yaml_path) if p.severity == "error"]
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    return 2 if problems else 0


def run_fit(args: argparse.Namespace) -> int:
    """Multi-start local optimisation from start points sampled within the PEtab bounds.

    Writes fit_result.json, starts.csv and fit_<observable>.png to --out.
    """
    from ..calibrate.fit import fit, plot_fit, save_fit_result
    from ..calibrate.petab_problem import load_petab_problem
    from ..outputs import OutputLock, check_output_dir

    if args.out is not None:
        check_output_dir(args.out, what="--out")  # before loading and fitting
    problem = load_petab_problem(args.problem, drop_invalid=args.drop_invalid)
    out = check_output_dir(args.out or Path(f"fit_{problem.name}"), what="--out")
    with OutputLock(out):
        return _run_fit(args, problem, out, fit, plot_fit, save_fit_result)


def _run_fit(args, problem, out, fit, plot_fit, save_fit_result) -> int:
    from ..limits import cap_workers

    args.workers = cap_workers(args.workers, args.starts)
    print(
        f"fitting {problem.name}: {len(problem.x_ids)} parameters, {problem.n_data} data points, "
        f"{args.starts} starts on {args.workers} worker(s), optimizer {args.optimizer}",
        flush=True,
    )
    result = fit(
        problem,
        n_starts=args.starts,
        n_workers=args.workers,
        seed=args.seed,
        optimizer=args.optimizer,
        max_iter=args.max_iter,
        progress=not args.no_progress,
    )
    paths = save_fit_result(result, out)
    paths += plot_fit(problem, result.best_x, out)
    ok = sum(s.status == "ok" for s in result.starts)
    print(
        f"best llh: {result.best_llh:.6f} (nominal {result.nominal_llh:.6f}), chi2 {result.best_chi2:.4f}"
    )
    print(f"starts: {result.n_starts} ({ok} converged), wall time {result.wall_time_s:.1f} s")
    finals = sorted((s.llh for s in result.starts), reverse=True)
    print("best final llh per start: " + ", ".join(f"{v:.3f}" for v in finals[:10]))
    print(f"wrote {len(paths)} files to {out}")
    return 0
