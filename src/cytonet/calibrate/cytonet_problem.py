"""PEtab problems on cytonet's own SBML: pre-equilibration by the one steady-state rule.

:class:`PetabProblem`'s generic steady-state search integrates in ever longer intervals
from the SBML initial values. On cytonet's model that stalls CVODE: species that should be
absent (receptors of other routes, knocked-out chains) decay towards denormal numbers and
each step gets tiny. :class:`CytonetPetabProblem` pre-equilibrates with the experiment
runner's rule instead (:func:`cytonet.simulate.steady.find_steady_state`: Newton with an
integration fallback), and keeps everything else (conditions, observables, noise,
likelihood) of :class:`PetabProblem`. Stimuli in cytonet's exported conditions are
boluses into the dose species, so a condition is exact at any parameters.

Steady states are cached per (preequilibration condition, parameter vector), so the
experiments sharing cells pay for one steady state per evaluation, as in the runner; the
first steady state of each condition warm-starts the later ones.
"""

from __future__ import annotations

__all__ = ["CytonetPetabProblem", "load_cytonet_problem"]

from pathlib import Path

import numpy as np

from ..errors import SimulationError
from ..simulate.steady import find_steady_state
from ._roadrunner import SolverSettings
from .petab_problem import PetabProblem


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
        warm = self.__dict__.setdefault("_warm_start", {})
        key = (cm.condition_id, p.tobytes())
        if key in cache:
            return cache[key]
        model = self.model
        model.start_condition(self._settable_rr_idx, self._parameter_vector(cm, p))
        model.set_species(cm.state_selections, [o.value(p) for o in cm.state_values])
        if cm.condition_id in warm:
            # start from this condition's first steady state, then re-apply its species
            model.set_state(warm[cm.condition_id])
            model.set_species(cm.state_selections, [o.value(p) for o in cm.state_values])
        state = find_steady_state(model, what=f"preequilibration {cm.condition_id}").state
        warm.setdefault(cm.condition_id, state)
        if len(cache) > 256:
            cache.clear()
        cache[key] = state
        return state

    def _simulate_experiment(self, exp, p: np.ndarray) -> np.ndarray:
        if exp.preeq is None:
            return super()._simulate_experiment(exp, p)
        model = self.model
        state = self._steady_state(exp.preeq, p)
        # same parameters as during preequilibration, then the saved state, then the condition
        model.start_condition(self._settable_rr_idx, self._parameter_vector(exp.preeq, p))
        model.set_state(state)
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
