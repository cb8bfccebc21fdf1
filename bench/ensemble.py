"""Ensemble throughput: cytonet's batched protocol vs a bare single-process libRoadRunner loop.

N jittered members (log-normal sigma 0.3 on every kinetic parameter, seeded) of one
typical experiment: hepatocytes pre-equilibrated, IL-6 20 ng/mL at t = 0, 24 h with 49
output times, readouts phospho:STAT3, mRNA:SOCS3, phospho:ERK, phenotype:proliferation.

- cytonet: ``run_members(plan, theta, workers=W)``: batches of members on W processes,
  each member's steady state by Newton warm-started from the nominal steady state
  (integration fallback), then the 24 h run;
- bare (``bench/bare.py``, one process, what a careful user writes with libRoadRunner
  alone): per member reset the model, set its parameters (setGlobalParameterValues), reach
  the unstimulated steady state by a long integration in chunks of 5e5 s (noise clamp
  between chunks) until the largest relative rate is below ``--bare-rate-tol`` (1e-12/s:
  what a long integration needs to land within 1e-6 of the steady state here; the
  first release's 1e-8/s stops about 1e-3 short), add the bolus, simulate 24 h.

Prints both wall times, the ratio and the largest difference between matching members
(relative to each trace's maximum). Model compile and SBML loads are outside the timings.
Usage: ``python bench/ensemble.py [--members 10000] [--workers 2] [--bare-members N]``;
``--bare-members`` times the bare loop on the first N members only (it is the slow side)
and scales its time to all members, saying so.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from bare import BareLoop, readout_plans

from cytonet.analysis.ensemble import draw_members, run_members
from cytonet.compile import compile_model
from cytonet.experiments.parse import parse_experiment, parse_readout
from cytonet.experiments.plan import plan_requests
from cytonet.experiments.types import Request

READOUTS = ("phospho:STAT3", "mRNA:SOCS3", "phospho:ERK", "phenotype:proliferation")
TIMES = tuple(np.linspace(0.0, 86400.0, 49))
EXPERIMENT = {"cell": "hepatocyte", "stimuli": {"IL6": "20 ng/mL"}}


def bare_members(model, exp, readouts, theta, rate_tol):
    """The peer: one process, one RoadRunner, a cold long integration per member."""
    bare = BareLoop(model, rate_tol=rate_tol, max_chunks=60)
    plans, sel = readout_plans(model, readouts)
    m = bare.rr.model
    ids = list(m.getGlobalParameterIds())
    idx = np.array([ids.index(p) for p in model.interface.theta_ids], dtype=np.int32)
    out = []
    t0 = time.perf_counter()
    for row in theta:
        bare.rr.resetAll()
        m.setGlobalParameterValues(idx, row)
        bare.steady.clear()  # this member's own steady states, from the SBML's initial state
        try:
            out.append(bare.run(exp, plans, sel, TIMES))
        except Exception as exc:  # noqa: BLE001 - as cytonet: a failure spares the rest
            out.append(exc)
    return time.perf_counter() - t0, out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=10000)
    ap.add_argument("--bare-members", type=int, default=None,
                    help="time the bare loop on this many members only (scaled)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--sigma", type=float, default=0.3)
    ap.add_argument("--bare-rate-tol", type=float, default=1e-12)
    args = ap.parse_args(argv)

    model = compile_model()
    exp = parse_experiment(EXPERIMENT, catalog=model.catalog)
    readouts = tuple(parse_readout(r, catalog=model.catalog) for r in READOUTS)
    theta, _ = draw_members(model, args.members, source="jitter", sigma=args.sigma,
                            seed=args.seed)
    plan, arms, _ = plan_requests(model, [Request(exp, readouts, TIMES)])
    from cytonet.analysis.ensemble import _worker_simulator
    _worker_simulator(None)  # compile + load outside the timing (forked workers inherit)
    print(f"{args.members} members of {exp.describe()}: pre-equilibration + 24 h, "
          f"{len(readouts)} readouts x {len(TIMES)} times; {args.workers} workers")

    t0 = time.perf_counter()
    sol = run_members(plan, theta, workers=args.workers)
    tc = time.perf_counter() - t0
    ok = sol.member_ok
    nb = args.bare_members or args.members
    tb, bare = bare_members(model, exp, readouts, theta[:nb], args.bare_rate_tol)
    tb_all = tb * args.members / nb

    worst, compared = 0.0, 0
    for i, b in enumerate(bare):
        if not ok[i] or isinstance(b, Exception):
            continue
        compared += 1
        for k, ro in enumerate(readouts):
            x, y = sol.values[arms[0]][i, k], b[ro]
            worst = max(worst, float(np.max(np.abs(x - y)) / max(np.abs(y).max(), 1e-30)))
    bare_failed = sum(isinstance(b, Exception) for b in bare)
    print(f"failed members: cytonet {int((~ok).sum())} of {args.members}, "
          f"bare {bare_failed} of {nb}; steady states: {sol.steady_methods}")
    print(f"largest difference over {compared} matching members: {worst:.2e} "
          f"(relative to each trace's max)")
    print(f"cytonet ({args.workers} workers): {tc:.2f} s ({1e3 * tc / args.members:.2f} ms/member)")
    scaled = f" (timed on {nb} members, scaled)" if nb != args.members else ""
    print(f"bare libRoadRunner loop (1 process): {tb_all:.2f} s "
          f"({1e3 * tb / nb:.2f} ms/member){scaled}")
    print(f"ratio bare / cytonet: {tb_all / tc:.2f}x (goal >= 3)")


if __name__ == "__main__":
    main()
