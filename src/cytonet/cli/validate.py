"""`cytonet validate`: run published observations against the model and score them."""

from __future__ import annotations

__all__ = ["register", "run_validate", "default_observations_file", "positive_int",
           "add_ensemble_arguments", "ensemble_score",
           "quantitative_line"]

import argparse
import json
import math
import sys
import time
from pathlib import Path

from ..errors import InputError, Problem


def default_observations_file() -> Path:
    """The curated observations of the knowledge folder in use (``--data-dir``; default
    the package's ``cytonet/data/observations.yaml``)."""
    from ..knowledge.load import data_dir
    return data_dir() / "observations.yaml"


def default_anchor_file() -> Path:
    """The quantitative literature anchors of the knowledge folder in use
    (``anchors.yaml``, v1.1)."""
    from ..knowledge.load import data_dir
    return data_dir() / "anchors.yaml"


def positive_int(text: str) -> int:
    """A whole number >= 1 (argparse type; :func:`cytonet.cli.simulate._at_least`)."""
    from .simulate import _at_least

    return _at_least(1)(text)


def observation_files(args: argparse.Namespace) -> list[Path]:
    """Files named with --observations, else the curated file (an InputError if missing)."""
    if args.observations:
        return list(args.observations)
    path = default_observations_file()
    if not path.is_file():
        raise InputError(Problem("the package has no curated observations file; name one with "
                                 "--observations FILE", file=str(path)))
    anchors = default_anchor_file()
    return [path, anchors] if anchors.is_file() else [path]


def quantitative_line(card) -> str:
    """``quantitative: N observations, median fold error X`` (v1.1 kinds judged), noting
    those without a measured value (not in the median)."""
    from ..validation.expectations import format_value

    n = len(card.quantitative)
    without = sum(r.fold_error is None or math.isnan(r.fold_error) for r in card.quantitative)
    median = card.median_fold_error
    line = (f"quantitative: {n} observations, median fold error "
            f"{'n/a' if median is None else format_value(median)}")
    return line + (f" ({without} without a measured value)" if without else "")


def ensemble_score(card, args, on_batch=None):
    """Judge the scorecard's observations on --ensemble N members (see validation.ensemble);
    the fractions are also set on each result (``ensemble_fraction``). ``on_batch(k,
    solution)`` is called as member batches finish (instead of the terminal's bar)."""
    from ..experiments.runner import get_simulator
    from ..validation.ensemble import validate_ensemble
    from .ensemble import members_from_args

    model = get_simulator().model
    obs = [r.observation for r in card.results if r.observation is not None]
    theta, labels, what = members_from_args(model, argparse.Namespace(
        parameter_sets=None, source=args.source, jitter=args.jitter, members=args.ensemble,
        seed=args.seed))
    ens = validate_ensemble(obs, model, theta, labels, description=what,
                            drivers=getattr(args, "drivers", 0) or 0,
                            workers=args.workers, on_batch=on_batch,
                            progress=on_batch is None and sys.stderr.isatty())
    for r in card.results:
        r.ensemble_fraction = ens.fractions.get(r.id)
    return ens


def _drivers_text(ens, oid: str) -> str:
    ds = (ens.drivers or {}).get(oid)
    return ("; driven by " + ", ".join(f"{p} (rho {rho:+.2f})" for p, rho in ds)) if ds else ""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "validate", help="check the model against published observations",
        description="Run every observation (spec/experiments.md format) against the model and "
                    "print PASS/FAIL per observation, then (when there are quantitative "
                    "observations) their count and median fold error, closing with "
                    "'N passed, N failed'. "
                    "Exit status: 2 if any observation could not be parsed or run; "
                    "1 with --strict if any failed; 0 otherwise.")
    p.add_argument("--observations", action="append", type=Path, metavar="FILE",
                   help="observation file (repeatable); default: the package's curated findings "
                        "and quantitative anchors")
    p.add_argument("--json", action="store_true",
                   help='print {"passed": N, "failed": N, "results": [...]} instead')
    p.add_argument("--strict", action="store_true", help="exit 1 when any observation fails")
    p.add_argument("--workers", type=positive_int, default=None, metavar="N",
                   help="parallel simulation processes (default: the simulator's choice)")
    p.add_argument("--parameter-set", metavar="NAME", default=None,
                   help="validate with a named alternative parameter set from "
                        "data/parameter_sets (e.g. sobotta2017_hepatocyte) on top of the curated one")
    p.add_argument("--parameter-file", metavar="FILE", type=Path, default=None,
                   help="validate with the parameter set in FILE (same format as "
                        "data/parameter_sets/*.yaml) on top of the curated one")
    p.add_argument("--formalism", choices=["ode", "logical", "both"], default="ode",
                   help="judge on the ODE model (default), the logical model compiled from the "
                        "same graph (docs/logical.md), or both with an agreement summary")
    add_ensemble_arguments(p)
    p.add_argument("--drivers", type=positive_int, default=None, metavar="K",
                   help="with --ensemble: for each observation that some members pass and "
                        "others fail, up to K parameters whose draws are significantly "
                        "rank-correlated with its margin (Spearman, Bonferroni over the "
                        "parameters)")
    p.set_defaults(func=run_validate)


def parameter_set_from_args(args: argparse.Namespace):
    """--parameter-set NAME (a str: a packaged set) or --parameter-file FILE (a Path)."""
    name, file = getattr(args, "parameter_set", None), getattr(args, "parameter_file", None)
    if name is not None and file is not None:
        raise InputError(Problem("give --parameter-set NAME or --parameter-file FILE, not both"))
    return Path(file) if file is not None else name


def add_ensemble_arguments(p: argparse.ArgumentParser) -> None:
    """--ensemble N with --jitter SIGMA | --from priors and --seed (validate and report)."""
    p.add_argument("--ensemble", type=positive_int, default=None, metavar="N",
                   help="also judge every observation on N parameter members and report the "
                        "fraction passing (members: --jitter SIGMA, default 0.3, or --from priors)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--jitter", type=float, default=None, metavar="SIGMA",
                     help="with --ensemble: log-normal jitter of every kinetic parameter")
    src.add_argument("--from", dest="source", choices=["priors"], default=None,
                     help="with --ensemble: draw members from the parameters' priors")
    p.add_argument("--seed", type=int, default=0, help="with --ensemble: random seed (default 0)")


def run_validate(args: argparse.Namespace) -> int:
    from ..validation.run import validate_file

    if getattr(args, "drivers", None) and not getattr(args, "ensemble", None):
        raise InputError(Problem("--drivers needs --ensemble N (the drivers are read off the "
                                 "ensemble's members)"))
    files = [str(f) for f in observation_files(args)]
    formalism = getattr(args, "formalism", "ode")
    if formalism != "ode":
        return run_validate_logical(args, files, both=formalism == "both")
    # compile and JIT the model first (if the simulator can), so the time below is the suite's
    from ..validation import run as _run
    chosen = parameter_set_from_args(args)
    if chosen is not None:
        from ..compile import load_parameter_set
        from ..experiments.runner import use_parameter_set
        load_parameter_set(chosen)  # a bad name or file fails here, located, not in a worker
        use_parameter_set(chosen)
    t0 = time.perf_counter()
    warm_up = getattr(_run._default_simulate(), "warm_up", None)
    if warm_up is not None:
        warm_up()
    compile_note = (f"; model compiled beforehand in {time.perf_counter() - t0:.1f} s"
                    if warm_up is not None else "")
    card = validate_file(files, workers=args.workers)
    ens = ensemble_score(card, args) if getattr(args, "ensemble", None) else None
    if args.json:
        doc = card.as_dict()
        if ens is not None:
            doc["ensemble"] = ens.as_dict()
            for r in doc["results"]:
                r["ensemble_fraction"] = ens.fractions.get(r["id"])
                if ens.drivers is not None:
                    r["ensemble_drivers"] = [{"parameter": p, "rho": round(rho, 3)}
                                             for p, rho in ens.drivers.get(r["id"], [])]
        print(json.dumps(doc, indent=2))
        for p in card.problems:
            print(f"ERROR {p}", file=sys.stderr)
    else:
        for r in card.results:
            if r.status != "ERROR":
                tail = (f" [ensemble: {ens.fractions.get(r.id, 0.0):.2f} of members pass"
                        f"{_drivers_text(ens, r.id)}]" if ens is not None else "")
                print(r.summary() + tail)
        for p in card.problems:
            print(f"ERROR {p}")
        judged = card.passed + card.failed
        errors = f"; {card.errors} could not be run" if card.errors else ""
        print(f"validated {judged} observations in {card.elapsed_s:.1f} s "
              f"({card.n_requests} distinct simulations{compile_note}){errors}")
        if card.quantitative:
            print(quantitative_line(card))
        if ens is not None:
            print(ens.summary())
        print(f"{card.passed} passed, {card.failed} failed")
    if card.errors:
        return 2
    return 1 if args.strict and card.failed else 0


def _logical_card(files):
    from .logical import _require_engines

    _require_engines()
    from ..logical.validate import validate_logical
    return validate_logical(files)


def run_validate_logical(args: argparse.Namespace, files: list[str], both: bool) -> int:
    """--formalism logical | both (docs/logical.md)."""
    if getattr(args, "ensemble", None):
        raise InputError(Problem("--ensemble applies to the ODE model only "
                                 "(use it with --formalism ode)"))
    t0 = time.perf_counter()
    lsc = _logical_card(files)
    card = lsc.card
    n_all = len(card.results) + len(lsc.not_applicable)
    if not both:
        if args.json:
            print(json.dumps(lsc.as_dict(), indent=2))
        else:
            for r in card.results:
                if r.status != "ERROR":
                    print(r.summary())
            for oid, why in lsc.not_applicable:
                print(f"N/A {oid}: {why}")
            for p in card.problems:
                print(f"ERROR {p}")
            print(f"logical model: expressed {lsc.expressed} of {n_all} observations "
                  f"({len(lsc.not_applicable)} not applicable) in "
                  f"{time.perf_counter() - t0:.1f} s")
            print(f"{card.passed} passed, {card.failed} failed")
        if card.errors:
            return 2
        return 1 if args.strict and card.failed else 0

    from ..logical.validate import compare
    from ..validation.run import validate_file

    if getattr(args, "parameter_set", None):
        from ..experiments.runner import use_parameter_set
        use_parameter_set(args.parameter_set)
    ode = validate_file(files, workers=args.workers)
    cmp = compare(ode, lsc)
    if args.json:
        print(json.dumps({"ode": ode.as_dict(), "logical": lsc.as_dict(),
                          "comparison": cmp.as_dict()}, indent=2))
    else:
        width = max((len(r["id"]) for r in cmp.rows), default=10)
        for r in cmp.rows:
            mark = ("agree" if r["ode"] == r["logical"] else "DISAGREE") \
                if r["logical"] in ("PASS", "FAIL") and r["ode"] in ("PASS", "FAIL") else "-"
            print(f"{r['id']:<{width}}  ODE {r['ode']:<5} logical {r['logical']:<5} {mark}")
        for p in list(ode.problems) + list(card.problems):
            print(f"ERROR {p}")
        if cmp.disagreements:
            print("disagreements:")
            for r in cmp.disagreements:
                print(f"  {r['id']}: ODE {r['ode']} ({r['ode_detail']}); logical "
                      f"{r['logical']} ({r['logical_detail']})")
        print(f"ODE: {ode.passed} passed, {ode.failed} failed; logical: {card.passed} passed, "
              f"{card.failed} failed, expressed {lsc.expressed} of {n_all}")
        print(cmp.summary())
    if ode.errors or card.errors:
        return 2
    return 1 if args.strict and (ode.failed or card.failed) else 0
