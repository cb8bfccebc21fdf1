"""Overhead of cytonet's experiment runner over a bare libRoadRunner loop.

200 varied experiments (seeded): random contexts, stimuli and doses, conditions, knockdowns,
knockouts, overexpression and drugs, drawn on 50 pre-stimulus cell setups so that
pre-equilibrations are shared as in real use. Both sides do exactly the same integrations:
one steady state per distinct pre-stimulus key and one stimulated run of 24 h with 97
output times and four readouts.

- cytonet: ``Simulator.run_requests(requests)`` on a fresh Simulator (one process): the
  one protocol, Newton steady states warm-started from the generic cells;
- bare: ``bench/bare.py``, one ``roadrunner.RoadRunner`` on the exported SBML, steady
  states by chunked integration to a relative rate of 1e-8/s (the first release's rule),
  readouts summed from the selected species. The two steady-state rules differ by about
  1e-3 relative (the integration rule stops short of the steady state), which bounds the
  largest difference printed.

Model compilation and the SBML load are outside both timings. Prints figures; asserts
nothing. Usage: ``python bench/overhead.py [--n 200] [--seed 7] [--repeat 5] [--profile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import time

import numpy as np
from bare import BareLoop, readout_plans

from cytonet.compile import compile_model
from cytonet.compile.model import PERTURBABLE, STIMULUS_SPECIES
from cytonet.experiments import runner
from cytonet.experiments.parse import parse_experiment, parse_readout
from cytonet.experiments.types import Experiment, Request

READOUTS = ("phospho:STAT3", "mRNA:SOCS3", "phospho:ERK", "phenotype:proliferation")
TIMES = tuple(np.linspace(0.0, 86400.0, 97))
STIMULUS_DOSES = ("1 ng/mL", "10 ng/mL", "100 ng/mL")
DRUG_DOSES = ("10 nM", "100 nM", "1 uM", "10 uM")
CONDITIONS = {"glucose": ("0.5 mM", "5 mM"), "oxygen": ("1 %", "5 %"),
              "estradiol": ("1 nM", "10 nM"), "mannose": ("25 mM",)}


# ---------------------------------------------------------------------- workload

def random_setup(rng: random.Random, contexts, drugs) -> dict:
    """A context with 0-2 perturbations (unique targets)."""
    setup: dict = {"cell": rng.choice(contexts), "perturbations": []}
    used: set[str] = set()
    for _ in range(rng.choice((0, 1, 1, 2))):
        kind = rng.choice(("knockdown", "knockout", "overexpress", "drug", "drug"))
        if kind == "drug":
            drug = rng.choice(drugs)
            if drug in used:
                continue
            used.add(drug)
            setup["perturbations"].append({"drug": drug, "dose": rng.choice(DRUG_DOSES)})
            continue
        target = rng.choice(PERTURBABLE)
        if target in used:
            continue
        used.add(target)
        item = {kind: target}
        if kind == "knockdown":
            item["efficiency"] = rng.choice((0.5, 0.8, 0.95))
        elif kind == "overexpress":
            item["fold"] = rng.choice((2, 5, 10))
        setup["perturbations"].append(item)
    return setup


def workload(n: int, seed: int, model) -> list[Experiment]:
    rng = random.Random(seed)
    kb = model.catalog.kb
    contexts = sorted(kb.contexts)
    drugs = sorted(kb.drugs)
    setups = [random_setup(rng, contexts, drugs) for _ in range(max(1, n // 4))]
    stimuli = sorted(STIMULUS_SPECIES)
    out = []
    for _ in range(n):
        exp = dict(rng.choice(setups))
        exp["stimuli"] = {s: rng.choice(STIMULUS_DOSES)
                          for s in rng.sample(stimuli, rng.choice((0, 1, 1, 2)))}
        if rng.random() < 0.2:
            cond = rng.choice(sorted(CONDITIONS))
            exp["conditions"] = {cond: rng.choice(CONDITIONS[cond])}
        out.append(parse_experiment(exp, catalog=model.catalog))
    return out


# ---------------------------------------------------------------------- bare loop

# ---------------------------------------------------------------------- timing

def time_cytonet(model, requests):
    sim = runner.Simulator(model)  # a fresh simulator: no steady states yet (load untimed)
    t0 = time.perf_counter()
    results = sim.run_requests(requests)
    return time.perf_counter() - t0, results


def time_bare(model, experiments, readouts):
    bare = BareLoop(model)
    plans, sel = readout_plans(model, readouts)
    out = []
    t0 = time.perf_counter()
    for exp in experiments:
        try:
            out.append(bare.run(exp, plans, sel, TIMES))
        except Exception as exc:  # noqa: BLE001 - as the runner: a failure spares the rest
            out.append(exc)
    return time.perf_counter() - t0, out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=5, help="best of N for each side")
    ap.add_argument("--profile", action="store_true", help="cProfile the cytonet side")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    model = compile_model()
    print(f"compiled model in {time.perf_counter() - t0:.2f} s "
          f"({len(model.network.species)} species, {len(model.network.reactions)} reactions)")
    experiments = workload(args.n, args.seed, model)
    readouts = tuple(parse_readout(r, catalog=model.catalog) for r in READOUTS)
    requests = [Request(e, readouts, TIMES) for e in experiments]
    keys = {e.prestimulus() for e in experiments}
    print(f"{len(experiments)} experiments, {len(keys)} distinct pre-stimulus keys, "
          f"{len(readouts)} readouts x {len(TIMES)} times")

    best_c = best_b = float("inf")
    for i in range(args.repeat):  # alternate which side goes first (caches, machine load)
        if i % 2:
            tb, bare = time_bare(model, experiments, readouts)
            tc, results = time_cytonet(model, requests)
        else:
            tc, results = time_cytonet(model, requests)
            tb, bare = time_bare(model, experiments, readouts)
        print(f"  run {i + 1}: cytonet {tc:.3f} s, bare {tb:.3f} s")
        best_c, best_b = min(best_c, tc), min(best_b, tb)

    failed = sum(not r.ok for r in results)
    bare_failed = sum(isinstance(b, Exception) for b in bare)
    worst = 0.0
    for r, b in zip(results, bare, strict=True):
        if r.ok and not isinstance(b, Exception):
            for ro in readouts:
                x, y = r.values[ro], b[ro]
                scale = max(np.abs(y).max(), 1e-30)
                worst = max(worst, float(np.max(np.abs(x - y)) / scale))
    print(f"failed runs: cytonet {failed}, bare {bare_failed}; "
          f"largest difference {worst:.2e} (relative to each trace's max)")
    print(f"cytonet (Simulator.run_requests, 1 process): {best_c:.3f} s "
          f"({1e3 * best_c / len(requests):.2f} ms/experiment)")
    print(f"bare libRoadRunner loop:               {best_b:.3f} s "
          f"({1e3 * best_b / len(requests):.2f} ms/experiment)")
    print(f"ratio cytonet / bare: {best_c / best_b:.3f} (goal <= 1.2; best of {args.repeat})")

    if args.profile:
        prof = cProfile.Profile()
        sim = runner.Simulator(model)
        prof.enable()
        sim.run_requests(requests)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
