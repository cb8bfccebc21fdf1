"""Overhead of cytonet's experiment runner over a bare libRoadRunner loop.

200 varied experiments (seeded): random contexts, stimuli and doses, conditions, knockdowns,
knockouts, overexpression and drugs, drawn on 50 pre-stimulus cell setups so that
pre-equilibrations are shared as in real use. Both sides do exactly the same integrations:
one steady state per distinct pre-stimulus key (chunks of STEADY_CHUNK_S until the largest
relative rate is below STEADY_TOL, starting from the generic cells' steady state) and one
stimulated run of 24 h with 97 output times and four readouts.

- cytonet: ``simulate_requests(requests, workers=1)`` on a fresh process-wide Simulator;
- bare: one ``roadrunner.RoadRunner`` on the exported SBML, values from
  ``experiment_values`` set by hand, readouts summed from the selected species.

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

from cytonet.compile import compile_model
from cytonet.compile.model import PERTURBABLE, STIMULUS_SPECIES
from cytonet.errors import CytonetError
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

class BareLoop:
    """What a careful user would write with libRoadRunner alone (same integrations)."""

    def __init__(self, model, rtol=1e-8, atol=1e-12):
        import roadrunner
        roadrunner.Logger.setLevel(roadrunner.Logger.LOG_FATAL)
        self.model = model
        self.rr = roadrunner.RoadRunner(model.sbml)
        integ = self.rr.getIntegrator()
        integ.setValue("relative_tolerance", rtol)
        integ.setValue("absolute_tolerance", atol)
        integ.setValue("maximum_num_steps", 200000)
        m = self.rr.model
        self.n = m.getNumFloatingSpecies()
        self.rate_rules = list(m.getRateRuleSymbols())
        self.initial = self.state()
        self.steady: dict[Experiment, np.ndarray] = {}
        phen = list(model.catalog.kb.phenotypes)
        self.phen, self.targets = [f"phenotype_{p}" for p in phen], [f"target_{p}" for p in phen]
        self.stim_zero = {sid: 0.0 for sid in STIMULUS_SPECIES.values()}
        self.released = self.model.network.released_species()

    def state(self) -> np.ndarray:
        m = self.rr.model
        return np.concatenate([m.getFloatingSpeciesAmounts(),
                               [m[k] for k in self.rate_rules]])

    def set_state(self, x: np.ndarray) -> None:
        m = self.rr.model
        m.setFloatingSpeciesAmounts(x[: self.n])
        for k, v in zip(self.rate_rules, x[self.n:], strict=True):
            m[k] = float(v)

    def set(self, values: dict) -> None:
        m = self.rr.model
        species = self.model.network.species
        for k, v in values.items():
            m[f"[{k}]" if k in species else k] = v  # species are concentrations

    def clamp_noise(self) -> None:
        """Solver noise below 1e-18 to exact zeros (denormal decay stalls CVODE)."""
        m = self.rr.model
        x = np.asarray(m.getFloatingSpeciesAmounts())
        small = np.abs(x) < 1e-18
        if small.any():
            x[small] = 0.0
            m.setFloatingSpeciesAmounts(x)

    def simulate(self, *args, **kwargs):
        """rr.simulate; on a CVODE failure one retry with tighter tolerances and a bounded
        step, as the runner's backend does."""
        rr = self.rr
        start = self.state()
        try:
            return rr.simulate(*args, **kwargs)
        except RuntimeError:
            integ = rr.getIntegrator()
            rtol, atol = integ.getValue("relative_tolerance"), integ.getValue("absolute_tolerance")
            try:
                integ.setValue("relative_tolerance", rtol / 100)
                integ.setValue("absolute_tolerance", atol / 100)
                integ.setValue("maximum_time_step", 600.0)
                self.set_state(start)
                return rr.simulate(*args, **kwargs)
            finally:
                integ.setValue("relative_tolerance", rtol)
                integ.setValue("absolute_tolerance", atol)
                integ.setValue("maximum_time_step", 0.0)

    def steady_state(self, key: Experiment) -> np.ndarray:
        if key in self.steady:
            return self.steady[key]
        ref = Experiment()
        if key != ref and ref not in self.steady:
            self.steady_state(ref)
        m = self.rr.model
        self.set_state(self.steady.get(ref, self.initial))
        self.set(runner.experiment_values(self.model, key, stimulated=False))
        gone = {self.model.catalog.model_symbol(p.target) for p in key.perturbations
                if p.kind == "knockout"}
        if gone:
            self.set({sid: 0.0 for sid, sp in self.model.network.species.items()
                      if any(c.entity in gone for c in sp.components)})
        self.set(self.stim_zero)
        self.rr.timeCourseSelections = ["time"]
        for _ in range(runner.STEADY_MAX_CHUNKS):
            self.clamp_noise()
            self.simulate(0.0, runner.STEADY_CHUNK_S, 3)
            c = np.asarray(m.getFloatingSpeciesConcentrations())
            dc = np.asarray(m.getFloatingSpeciesConcentrationRates())
            if float(np.max(np.abs(dc) / (np.abs(c) + 1e-9))) < runner.STEADY_TOL:
                break
        else:
            raise CytonetError(f"no steady state for {key.describe()}")
        self.clamp_noise()
        self.set(dict(zip(self.phen, [m[t] for t in self.targets], strict=True)))
        self.steady[key] = self.state()
        return self.steady[key]

    def run(self, exp: Experiment, plans, selections) -> dict:
        self.set_state(self.steady_state(exp.prestimulus()))
        self.set(runner.experiment_values(self.model, exp, stimulated=True))
        m = self.rr.model
        self.set({STIMULUS_SPECIES[s]: m[f"[{STIMULUS_SPECIES[s]}]"] + nM for s, nM in exp.stimuli})
        self.set({sid: 0.0 for sid in self.released})
        self.rr.timeCourseSelections = selections
        data = np.asarray(self.simulate(times=list(TIMES)))
        return {ro: sum(w * data[:, i] for i, w in plan) for ro, plan in plans.items()}


def readout_plans(model, readouts):
    sel: list[str] = []
    plans = {}
    for ro in readouts:
        plan = []
        for sid, w in model.readout(ro.kind, ro.entity):
            name = sid if sid.startswith("phenotype_") else f"[{sid}]"
            if name not in sel:
                sel.append(name)
            plan.append((sel.index(name), w))
        plans[ro] = plan
    return plans, sel


# ---------------------------------------------------------------------- timing

def time_cytonet(requests):
    runner._SIMULATOR = None  # a fresh simulator: empty steady-state cache
    runner.get_simulator()    # compile + load outside the timing
    t0 = time.perf_counter()
    results = runner.simulate_requests(requests, workers=1)
    return time.perf_counter() - t0, results


def time_bare(model, experiments, readouts):
    bare = BareLoop(model)
    plans, sel = readout_plans(model, readouts)
    out = []
    t0 = time.perf_counter()
    for exp in experiments:
        try:
            out.append(bare.run(exp, plans, sel))
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
            tc, results = time_cytonet(requests)
        else:
            tc, results = time_cytonet(requests)
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
    print(f"cytonet (simulate_requests, workers=1): {best_c:.3f} s "
          f"({1e3 * best_c / len(requests):.2f} ms/experiment)")
    print(f"bare libRoadRunner loop:               {best_b:.3f} s "
          f"({1e3 * best_b / len(requests):.2f} ms/experiment)")
    print(f"ratio cytonet / bare: {best_c / best_b:.3f} (goal <= 1.2; best of {args.repeat})")

    if args.profile:
        prof = cProfile.Profile()
        runner._SIMULATOR = None
        runner.get_simulator()
        prof.enable()
        runner.simulate_requests(requests, workers=1)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
