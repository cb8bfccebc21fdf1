"""A bare libRoadRunner loop on cytonet's exported SBML: the peer of the benchmarks.

What a careful user would write with libRoadRunner alone, reading the SBML's documented
inputs (``expr_X``/``act_X``/condition parameters, the ``*_dose`` bolus species, the
released-species counters): a steady state per distinct pre-stimulus key by integration in
chunks (noise clamp between chunks) until the largest relative rate is below ``rate_tol``,
starting from the generic cells' steady state, then the stimulated run. It shares no code
with cytonet's protocol beyond :func:`experiment_values` (the translation of the spec's
experiment into model values, which a user would otherwise type by hand).
"""

from __future__ import annotations

__all__ = ["BareLoop", "readout_plans"]

import numpy as np

from cytonet.compile.model import DOSE_SPECIES, STIMULUS_SPECIES
from cytonet.errors import CytonetError
from cytonet.experiments.plan import experiment_values
from cytonet.experiments.types import Experiment


class BareLoop:
    """What a careful user would write with libRoadRunner alone (same integrations)."""

    def __init__(self, model, rtol=1e-8, atol=1e-12, rate_tol=1e-8, chunk_s=5e5,
                 max_chunks=8):
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
        self.rate_tol, self.chunk_s, self.max_chunks = rate_tol, chunk_s, max_chunks
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
        self.set(experiment_values(self.model, key, stimulated=False))
        gone = {self.model.catalog.model_symbol(p.target) for p in key.perturbations
                if p.kind == "knockout"}
        if gone:
            self.set({sid: 0.0 for sid, sp in self.model.network.species.items()
                      if any(c.entity in gone for c in sp.components)})
        self.set(self.stim_zero)
        self.rr.timeCourseSelections = ["time"]
        for _ in range(self.max_chunks):
            self.clamp_noise()
            self.simulate(0.0, self.chunk_s, 3)
            c = np.asarray(m.getFloatingSpeciesConcentrations())
            dc = np.asarray(m.getFloatingSpeciesConcentrationRates())
            if float(np.max(np.abs(dc) / (np.abs(c) + 1e-9))) < self.rate_tol:
                break
        else:
            raise CytonetError(f"no steady state for {key.describe()}")
        self.clamp_noise()
        self.set(dict(zip(self.phen, [m[t] for t in self.targets], strict=True)))
        self.steady[key] = self.state()
        return self.steady[key]

    def run(self, exp: Experiment, plans, selections, times) -> dict:
        self.set_state(self.steady_state(exp.prestimulus()))
        self.set(experiment_values(self.model, exp, stimulated=True))
        self.set({sid: 0.0 for sid in DOSE_SPECIES.values()})
        self.set({DOSE_SPECIES[s]: nM for s, nM in exp.stimuli})  # the bolus (SBML's input)
        self.set({sid: 0.0 for sid in self.released})
        self.rr.timeCourseSelections = selections
        data = np.asarray(self.simulate(times=[float(t) for t in times]))
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
