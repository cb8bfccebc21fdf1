"""The libRoadRunner backend with the PEtab condition protocol (bulk setters, resets).

One libRoadRunner wrapper: :class:`RoadRunnerModel` is the simulation backend
(:class:`~cytonet.simulate.roadrunner.RoadRunnerBackend`) plus what PEtab conditions need
(reset with initial assignments, per-row selections, AMICI-style steady states for
generic PEtab problems)."""

from __future__ import annotations

__all__ = ["RoadRunnerModel", "SolverSettings"]

from dataclasses import dataclass

import numpy as np

from ..errors import SimulationError, SteadyStateError
from ..simulate.roadrunner import RoadRunnerBackend, clamp_noise


@dataclass(frozen=True)
class SolverSettings:
    """CVODE and steady-state tolerances (AMICI-like defaults)."""

    rtol: float = 1e-8
    atol: float = 1e-12
    max_steps: int = 100_000
    ss_rtol: float = 1e-12  # aimed for: keeps finite-difference gradients smooth
    ss_atol: float = 1e-16
    ss_rtol_accept: float = 1e-8  # accepted if the aim is out of reach (AMICI's default)
    ss_atol_accept: float = 1e-12
    ss_max_time: float = 1e9
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
        """Integrate until all rates are below tolerance (AMICI-style convergence check).

        Aims for ``ss_rtol``/``ss_atol``; accepts ``ss_*_accept`` if the aim is not reached
        by ``ss_max_time``.
        """
        rr, s = self.rr, self.settings
        model = rr.model
        t, dt = 0.0, 10.0
        accepted = False
        while t < s.ss_max_time:
            try:
                rr.simulate(t, t + dt, 2, ["time"])
            except RuntimeError as exc:
                raise SteadyStateError(f"CVODE failed during preequilibration: {exc}") from exc
            t += dt
            clamp_noise(model)
            x = np.asarray(model.getFloatingSpeciesConcentrations())
            dx = np.asarray(model.getFloatingSpeciesConcentrationRates())
            if np.all(np.abs(dx) <= s.ss_atol + s.ss_rtol * np.abs(x)):
                rr.timeCourseSelections = ["time"] + self.selections
                return
            accepted = bool(np.all(np.abs(dx) <= s.ss_atol_accept + s.ss_rtol_accept * np.abs(x)))
            dt *= 4.0
        rr.timeCourseSelections = ["time"] + self.selections
        if accepted:
            return
        raise SteadyStateError(f"no steady state by t = {t:g}")
