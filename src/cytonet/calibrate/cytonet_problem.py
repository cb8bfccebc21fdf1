"""PEtab problems on cytonet's own SBML: the runner's pre-equilibration, cached per parameters.

:class:`PetabProblem`'s generic steady-state search integrates in ever longer intervals
from the SBML initial values. On cytonet's model that stalls CVODE: species that should be
absent (receptors of other routes, knocked-out chains) decay towards denormal numbers and
each step gets tiny (``CV_TOO_MUCH_WORK`` near t = 2e6 s, at any ``max_steps`` or
``atol`` tried). The experiment runner avoids it by integrating in chunks of 5e5 s and
setting |amount| < 1e-18 to exactly 0 between chunks, until every relative rate is below
1e-8 /s. :class:`CytonetPetabProblem` does the same for the preequilibration condition and
keeps everything else (conditions, observables, noise, likelihood) of :class:`PetabProblem`.

Steady states are cached per (preequilibration condition, parameter vector), so the
experiments sharing cells pay for one steady state per evaluation, as in the runner.
"""

from __future__ import annotations

__all__ = ["CytonetPetabProblem", "load_cytonet_problem"]

from pathlib import Path

import numpy as np

from ..errors import SimulationError, SteadyStateError
from ._roadrunner import SolverSettings
from .petab_problem import PetabProblem

STEADY_CHUNK_S = 5e5  # as cytonet.experiments.runner
STEADY_MAX_CHUNKS = 8
STEADY_TOL = 1e-8
NOISE_FLOOR = 1e-18


class CytonetPetabProblem(PetabProblem):
    """A :class:`PetabProblem` whose preequilibration follows cytonet's experiment runner."""

    _steady_cache: dict

    def __getstate__(self) -> dict:  # rebuilt as this class, not the base class
        return {"key": self._key()}

    def __setstate__(self, state: dict) -> None:
        path, drop, settings = state["key"]
        self.__dict__.update(
            CytonetPetabProblem(path, validate=False, drop_invalid=drop, settings=settings).__dict__
        )

    def _steady_state(self, cm, p: np.ndarray) -> np.ndarray:
        cache = self.__dict__.setdefault("_steady_cache", {})
        key = (cm.condition_id, p.tobytes())
        model = self.model
        rr = model.rr
        m = rr.model
        rate_ids = list(m.getRateRuleSymbols())
        if key in cache:
            return cache[key]
        idx = self._settable_rr_idx
        model.start_condition(idx, self._parameter_vector(cm, p))
        model.set_species(cm.state_selections, [o.value(p) for o in cm.state_values])
        t = 0.0
        try:
            for _ in range(STEADY_MAX_CHUNKS):
                x = np.asarray(m.getFloatingSpeciesAmounts(), dtype=float)
                small = np.abs(x) < NOISE_FLOOR
                if small.any():
                    x[small] = 0.0
                    m.setFloatingSpeciesAmounts(x)
                rr.simulate(t, t + STEADY_CHUNK_S, 2, ["time"])
                t += STEADY_CHUNK_S
                c = np.asarray(m.getFloatingSpeciesConcentrations())
                dc = np.asarray(m.getFloatingSpeciesConcentrationRates())
                if float(np.max(np.abs(dc) / (np.abs(c) + 1e-9))) < STEADY_TOL:
                    break
            else:
                raise SteadyStateError(f"no steady state for {cm.condition_id} by t = {t:g} s")
        except RuntimeError as exc:
            raise SteadyStateError(f"CVODE failed during preequilibration: {exc}") from exc
        finally:
            rr.timeCourseSelections = ["time"] + self.selections
        amounts = np.asarray(m.getFloatingSpeciesAmounts(), dtype=float)
        rules = np.array([m[k] for k in rate_ids], dtype=float)
        state = np.concatenate([amounts, rules])
        if len(cache) > 256:
            cache.clear()
        cache[key] = state
        return state

    def _simulate_experiment(self, exp, p: np.ndarray) -> np.ndarray:
        if exp.preeq is None:
            return super()._simulate_experiment(exp, p)
        model = self.model
        m = model.rr.model
        state = self._steady_state(exp.preeq, p)
        # same parameters as during preequilibration, then the saved state, then the condition
        model.start_condition(self._settable_rr_idx, self._parameter_vector(exp.preeq, p))
        n = m.getNumFloatingSpecies()
        m.setFloatingSpeciesAmounts(state[:n])
        for k, v in zip(m.getRateRuleSymbols(), state[n:], strict=True):
            m[k] = float(v)
        model.set_parameters(self._settable_rr_idx, self._parameter_vector(exp.sim, p))
        model.set_species(exp.sim.state_selections, [o.value(p) for o in exp.sim.state_values])
        data = model.simulate(exp.times)
        if exp.has_steady_state_points:
            raise SimulationError("steady-state time points are not supported for cytonet models")
        return data


def load_cytonet_problem(yaml_path: str | Path, *, validate: bool = True,
                         drop_invalid: bool = False,
                         settings: SolverSettings | None = None) -> CytonetPetabProblem:
    """Load a PEtab problem on cytonet's SBML (e.g. from :func:`export_petab`)."""
    return CytonetPetabProblem(yaml_path, validate=validate, drop_invalid=drop_invalid,
                               settings=settings)
