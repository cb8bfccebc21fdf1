"""`cytonet logical`: the logical (Boolean) model compiled from the knowledge graph.

``attractors EXPERIMENT.yaml`` (mpbn most-permissive attractors, their reachability from the
resting cell, and biobalm's attractor count), ``simulate EXPERIMENT.yaml`` (MaBoSS probability
trajectories of readouts) and ``export --bnet|--sbml-qual|--maboss``. Needs the optional
extra ``logical`` (mpbn, biobalm, maboss/cmaboss).
"""

from __future__ import annotations

__all__ = ["register"]

import argparse
import json
import sys
from pathlib import Path

from ..errors import InputError, Problem


def _require_engines() -> None:
    missing = []
    for mod in ("mpbn", "cmaboss"):
        try:
            __import__(mod)
        except ImportError:
            missing.append(mod)
    if missing:
        raise InputError(Problem(f"the logical engines are not installed ({', '.join(missing)}): "
                                 "pip install 'cytonet[logical]'"))


def register(subparsers) -> None:
    p = subparsers.add_parser("logical", help="the logical (Boolean) model: attractors, "
                              "stochastic runs, exports",
                              description=__doc__.split("\n\n")[1])
    sub = p.add_subparsers(dest="logical_command", metavar="ACTION")
    sub.required = True
    a = sub.add_parser("attractors", help="most-permissive attractors of each experiment (mpbn)",
                       description="For each experiment of the file, the most-permissive "
                       "attractors (mpbn) of the logical model under its stimuli, conditions and "
                       "perturbations, which of them the resting cell reaches, and biobalm's "
                       "attractor count.")
    a.add_argument("file", type=Path, metavar="EXPERIMENT.yaml",
                   help="experiment file (docs/experiments.md format)")
    a.add_argument("--json", action="store_true", help="print JSON")
    a.add_argument("--no-biobalm", action="store_true", help="skip biobalm's attractor count")
    a.set_defaults(func=run_attractors)
    s = sub.add_parser("simulate", help="MaBoSS probability trajectories of readouts",
                       description="Stochastic (MaBoSS) runs of the logical model for each "
                       "experiment of the file: the probability that each readout's node is on "
                       "over time.")
    s.add_argument("file", type=Path, metavar="EXPERIMENT.yaml",
                   help="experiment file (docs/experiments.md format)")
    s.add_argument("--readouts", nargs="+", default=["phospho:STAT3"], metavar="KIND:ENTITY",
                   help="readouts such as phospho:STAT3 phenotype:invasion (default phospho:STAT3)")
    s.add_argument("--until", default="24 h", metavar="TIME",
                   help="simulated time, with a unit (default 24 h)")
    s.add_argument("--points", type=int, default=13, metavar="N",
                   help="output times over [0, until] (default 13)")
    s.add_argument("--trajectories", type=int, default=10000, metavar="N",
                   help="stochastic trajectories (default 10000)")
    s.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    s.add_argument("--csv", type=Path, metavar="FILE",
                   help="write experiment,time_h,readout,node,probability")
    s.set_defaults(func=run_simulate)
    e = sub.add_parser("export", help="write the compiled logical model",
                       description="Write the logical model compiled from the knowledge graph "
                       "as BoolNet (.bnet), SBML-qual or a MaBoSS pair (.bnd, .cfg).")
    fmt = e.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--bnet", action="store_true", help="BoolNet rules (.bnet)")
    fmt.add_argument("--sbml-qual", action="store_true", help="SBML Level 3 qual")
    fmt.add_argument("--maboss", action="store_true", help="writes OUT.bnd and OUT.cfg")
    e.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="output file (default: stdout; --maboss needs it, as a stem)")
    e.add_argument("--rules", action="store_true",
                   help="with --bnet: a comment per rule naming the interactions it realizes")
    e.set_defaults(func=run_export)


def _experiments(path: Path):
    from ..experiments.load import load_experiments
    return load_experiments(path)


def run_attractors(args: argparse.Namespace) -> int:
    _require_engines()
    from ..logical.run import attractors, biobalm_attractor_count, get_model

    model = get_model()
    out = []
    for name, exp in _experiments(args.file):
        res = attractors(model, exp)
        if not args.no_biobalm:
            res["biobalm_attractors"] = biobalm_attractor_count(model, exp)
        out.append((name, res))
    if args.json:
        print(json.dumps({n: r for n, r in out}, indent=2, default=str))
        return 0
    for name, res in out:
        n = len(res["attractors"])
        extra = (f"; biobalm: {res['biobalm_attractors']} attractor(s)"
                 if "biobalm_attractors" in res else "")
        print(f"{name}: {n} most-permissive attractor(s){extra}")
        for i, a in enumerate(res["attractors"], 1):
            att = a["attractor"]
            on = sorted(k for k, v in att.items() if v == 1 and k not in res["fixed"])
            free = sorted(k for k, v in att.items() if v == "*")
            print(f"  [{i}] {'reachable' if a['reachable'] else 'not reachable'} from the "
                  f"resting cell; ON: {' '.join(on) or '-'}"
                  + (f"; oscillating: {' '.join(free)}" if free else ""))
    return 0


def run_simulate(args: argparse.Namespace) -> int:
    _require_engines()
    import numpy as np

    from ..experiments.parse import parse_readout
    from ..logical.run import get_model, readout_node, readout_series
    from ..units import parse_quantity, to_seconds

    model = get_model()
    readouts = [parse_readout(r) for r in args.readouts]
    nodes = {r: readout_node(model, r) for r in readouts}
    end = to_seconds(parse_quantity(args.until, kind="time"))
    times = np.linspace(0.0, end, max(args.points, 2))
    rows = []
    for name, exp in _experiments(args.file):
        vals = readout_series(model, exp, readouts, times, sample_count=args.trajectories,
                              seed=args.seed)
        print(f"{name} ({exp.describe()}): probability ON (a phenotype: its score from its "
              f"drivers' probabilities), {args.trajectories} trajectories")
        print("  time_h  " + "  ".join(f"{str(r):>16s}" for r in nodes))
        for i, t in enumerate(times):
            print(f"  {t / 3600:6.2f}  " + "  ".join(f"{vals[r][i]:16.3f}" for r in nodes))
            rows += [(name, t / 3600, str(r), n, float(vals[r][i])) for r, n in nodes.items()]
    if args.csv:
        from .ensemble import write_atomic

        def write(tmp):
            with open(tmp, "w") as f:
                f.write("experiment,time_h,readout,node,value\n")
                for row in rows:
                    f.write(",".join(str(x) for x in row) + "\n")
        write_atomic(args.csv, write)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from ..logical.run import get_model
    from .ensemble import write_atomic

    model = get_model()
    if args.maboss:
        if args.output is None:
            raise InputError(Problem("--maboss writes two files: name a stem with -o FILE"))
        bnd, cfg = model.to_maboss()
        stem = args.output.with_suffix("")
        for suffix, text in ((".bnd", bnd), (".cfg", cfg)):
            write_atomic(stem.with_suffix(suffix), lambda f, t=text: Path(f).write_text(t))
            print(f"wrote {stem.with_suffix(suffix)}", file=sys.stderr)
        return 0
    if args.bnet:
        text = model.to_bnet()
        if args.rules:
            lines = [text.rstrip("\n")]
            lines += [f"# {n}: {r.kind} of {r.entity}; realizes "
                      f"{', '.join(r.interactions) or '-'}" + (f"; {r.note}" if r.note else "")
                      for n, r in model.rules.items()]
            text = "\n".join(lines) + "\n"
    else:
        text = model.to_sbml_qual()
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.output, lambda f: Path(f).write_text(text))
        print(f"wrote {args.output}", file=sys.stderr)
    return 0
