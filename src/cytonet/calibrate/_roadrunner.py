"""The libRoadRunner backend with the PEtab condition protocol (bulk setters, resets).

One libRoadRunner wrapper: :class:`RoadRunnerModel` is the simulation backend
(:class:`~cytonet.simulate.roadrunner.RoadRunnerBackend`) plus what PEtab conditions need
(reset with initial assignments, per-row selections, AMICI-style steady states for
generic PEtab problems)."""

from __future__ import annotations

__all__ = ["RoadRunnerModel", "SolverSettings"]

from dataclasses import dataclass

import numpy as np

from ..errors import SimulationError
from ..simulate.roadrunner import RoadRunnerBackend


@dataclass(frozen=True)
class SolverSettings:
    """CVODE tolerances (AMICI-like defaults); steady states follow the one rule of
    :mod:`cytonet.simulate.steady`."""

    rtol: float = 1e-8
    atol: float = 1e-12
    max_steps: int = 100_000
    start_time: float = 0.0
    """Where integration starts. PEtab v1 starts at 0; a negative value reproduces
    Data2Dynamics models whose inputs switch on before 0 (see docs/sobotta2017.md)."""


class RoadRunnerModel(RoadRunnerBackend):
    """A compiled SBML model with bulk setters for parameters and the PEtab condition protocol.

    ``selections`` are the roadrunner selection strings returned as columns by
    :meth:`simulate`; time is never a column (the caller knows its time points).
    """

    def __init__(self, sbml_path: str, selections: list[str], settings: SolverSettings):
        import roadrunner

        super().__init__(str(sbml_path), rtol=settings.rtol, atol=settings.atol,
                         max_steps=settings.max_steps)
        roadrunner.Logger.setLevel(roadrunner.Logger.LOG_ERROR)
        self.rr.getIntegrator().setValue("stiff", True)
        self.settings = settings
        model = self.rr.model
        self.species_ids: list[str] = list(model.getFloatingSpeciesIds())
        self.selections = list(selections)
        self.rr.timeCourseSelections = ["time"] + self.selections
        self.default_values = np.array(model.getGlobalParameterValues(), dtype=float)

    def integrate(self, t_end, times, selections):
        try:
            return super().integrate(t_end, times, selections)
        finally:
            self.rr.timeCourseSelections = ["time"] + self.selections

    def parameter_position(self, pid: str) -> int:
        return self.parameter_ids.index(pid)

    # --- condition protocol --------------------------------------------------------------
    def start_condition(self, idx: np.ndarray, values: np.ndarray) -> None:
        """Set global parameters, then reset species and time (initial assignments re-evaluated)."""
        model = self.rr.model
        model.setGlobalParameterValues(idx, values)
        self.rr.reset()

    def set_parameters(self, idx: np.ndarray, values: np.ndarray) -> None:
        """Set global parameters without touching the current state (after preequilibration)."""
        self.rr.model.setGlobalParameterValues(idx, values)

    def set_species(self, selections: list[str], values: np.ndarray) -> None:
        """Set current species values (``[S]`` concentration or ``S`` amount)."""
        for sel, value in zip(selections, values, strict=True):
            self.rr.setValue(sel, float(value))

    def simulate(self, times: np.ndarray) -> np.ndarray:
        """Simulate from ``start_time`` through ``times`` (sorted, finite); rows = times."""
        rr = self.rr
        n = len(times)
        t0 = self.settings.start_time
        try:
            if n == 0:
                return np.empty((0, len(self.selections)))
            if times[0] > t0:
                grid = np.concatenate(([t0], times))
                out = rr.simulate(times=grid)
                data = np.asarray(out)[1:, 1:]
            elif n == 1:  # only t = start
                data = np.asarray(rr.simulate(t0, t0 + 1e-12, 2))[:1, 1:]
            else:
                data = np.asarray(rr.simulate(times=np.asarray(times, dtype=float)))[:, 1:]
        except RuntimeError as exc:
            raise SimulationError(f"CVODE failed: {exc}") from exc
        return data

    def run_to_steady_state(self) -> None:
        """The one steady-state rule (:func:`cytonet.simulate.steady.find_steady_state`)."""
        from ..simulate.steady import find_steady_state
        find_steady_state(self, what="preequilibration")
