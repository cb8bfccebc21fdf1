"""libRoadRunner backend: the model is JIT-compiled once and reused for every run."""

from __future__ import annotations

__all__ = ["RoadRunnerBackend", "clamp_noise"]

import os

import numpy as np

from ..errors import SimulationError
from .base import AbstractBackend


def clamp_noise(model, floor: float = 1e-18) -> None:
    """Set floating-species amounts with |amount| < floor to exactly 0 on a libRoadRunner
    ExecutableModel: solver noise in species that should be absent otherwise decays towards
    denormal numbers, which stalls CVODE in long pre-equilibrations."""
    x = np.asarray(model.getFloatingSpeciesAmounts(), dtype=float)
    small = np.abs(x) < floor
    if small.any():
        x[small] = 0.0
        model.setFloatingSpeciesAmounts(x)


def quiet_sundials() -> None:
    """Route SUNDIALS' own logger (it prints CVODE warnings and errors to stdout, which
    would corrupt ``--json`` output) to the file in ``CYTONET_SOLVER_LOG`` (default: discard).
    Read when a solver context is created, so call before loading a model. Failures are
    reported by cytonet's own status codes and messages either way."""
    target = os.environ.get("CYTONET_SOLVER_LOG", os.devnull)
    for level in ("ERROR", "WARNING", "INFO", "DEBUG"):
        os.environ.setdefault(f"SUNLOGGER_{level}_FILENAME", target)


class RoadRunnerBackend(AbstractBackend):
    """libRoadRunner (CVODE, LLVM JIT). ``sbml`` is SBML text or a file path."""

    name = "roadrunner"
    capabilities = frozenset({"integrate", "rhs", "parameter_vector", "rate_rules",
                              "reaction_rates"})

    def __init__(self, sbml: str, rtol: float = 1e-8, atol: float = 1e-12,
                 max_steps: int = 200000):
        quiet_sundials()
        import roadrunner
        roadrunner.Logger.setLevel(roadrunner.Logger.LOG_FATAL)
        roadrunner.Logger.disableConsoleLogging()
        self.rr = roadrunner.RoadRunner(str(sbml))
        integ = self.rr.getIntegrator()
        integ.setValue("relative_tolerance", rtol)
        integ.setValue("absolute_tolerance", atol)
        integ.setValue("maximum_num_steps", max_steps)
        self.rr.timeCourseSelections = ["time"]
        self.model = self.rr.model
        self._rate_rule_ids = list(self.model.getRateRuleSymbols())
        self._n_float = self.model.getNumFloatingSpecies()
        # species are set as concentrations ("[id]"); a bare id would set the amount
        self._species = set(self.model.getFloatingSpeciesIds()) | set(
            self.model.getBoundarySpeciesIds())
        self.parameter_ids = list(self.model.getGlobalParameterIds())
        self._pindex = {p: i for i, p in enumerate(self.parameter_ids)}
        self._initial = self.get_state()

    # -------------------------------------------------------- parameters as a vector
    def parameter_index(self, ids) -> np.ndarray:
        try:
            return np.array([self._pindex[p] for p in ids], dtype=int)
        except KeyError as exc:
            raise SimulationError(f"the model has no global parameter {exc.args[0]!r}") from None

    def get_parameter_vector(self, idx: np.ndarray) -> np.ndarray:
        vals = np.asarray(self.model.getGlobalParameterValues(), dtype=float)
        return vals[np.asarray(idx, dtype=int)]

    def set_parameter_vector(self, idx: np.ndarray, values: np.ndarray) -> None:
        if len(idx):
            self.model.setGlobalParameterValues(np.asarray(idx, dtype=np.int32),
                                                np.asarray(values, dtype=float))

    def initial_state(self) -> np.ndarray:
        return self._initial.copy()

    # -------------------------------------------------------- right-hand side
    # Over floating-species concentrations; rate-rule variables (cytonet: phenotype scores
    # relaxing to their targets) are read and set separately (their rates cost a selection
    # each, too slow for a Jacobian).
    def rhs_state(self) -> np.ndarray:
        return np.asarray(self.model.getFloatingSpeciesConcentrations(), dtype=float)

    def set_rhs_state(self, x: np.ndarray) -> None:
        self.model.setFloatingSpeciesConcentrations(np.asarray(x, dtype=float))

    def rhs(self, x: np.ndarray) -> np.ndarray:
        m = self.model
        m.setFloatingSpeciesConcentrations(x)
        return np.asarray(m.getFloatingSpeciesConcentrationRates(), dtype=float)

    def reaction_rates(self) -> dict[str, float]:
        """Each reaction's rate (amount / s) at the current state and values."""
        m = self.model
        return dict(zip(m.getReactionIds(), map(float, m.getReactionRates()), strict=True))

    def rule_ids(self) -> list[str]:
        return list(self._rate_rule_ids)

    def rule_rates(self) -> np.ndarray:
        rr = self.rr
        return np.array([rr.getValue(k + "'") for k in self._rate_rule_ids], dtype=float)

    def set_values(self, values: dict[str, float]) -> None:
        m = self.model
        species = self._species
        for k, v in values.items():
            m[f"[{k}]" if k in species else k] = v

    def get_state(self) -> np.ndarray:
        m = self.model
        amounts = np.array(m.getFloatingSpeciesAmounts(), dtype=float)
        rules = np.array([m[k] for k in self._rate_rule_ids], dtype=float)
        return np.concatenate([amounts, rules])

    def set_state(self, state: np.ndarray) -> None:
        m = self.model
        m.setFloatingSpeciesAmounts(np.asarray(state[: self._n_float], dtype=float))
        for k, v in zip(self._rate_rule_ids, state[self._n_float:], strict=True):
            m[k] = float(v)

    def integrate(self, t_end, times, selections):
        rr = self.rr
        rr.timeCourseSelections = selections
        start = self.get_state()
        integ = rr.getIntegrator()
        try:
            return self._simulate(t_end, times)
        except RuntimeError as first:
            # retry once from the same state with a bounded step and tighter tolerances;
            # error-test failures at hmin usually come from a step jumping over a fast event
            rtol, atol = integ.getValue("relative_tolerance"), integ.getValue("absolute_tolerance")
            try:
                integ.setValue("relative_tolerance", rtol / 100)
                integ.setValue("absolute_tolerance", atol / 100)
                integ.setValue("maximum_time_step", 600.0)
                self.set_state(start)
                return self._simulate(t_end, times)
            except RuntimeError as exc:
                raise SimulationError(f"CVODE failed twice (second try with tighter "
                                      f"tolerances and 10-min maximum step): {exc}") from first
            finally:
                integ.setValue("relative_tolerance", rtol)
                integ.setValue("absolute_tolerance", atol)
                integ.setValue("maximum_time_step", 0.0)

    def _simulate(self, t_end, times):
        rr = self.rr
        if times is None:
            return np.asarray(rr.simulate(0.0, float(t_end), 3))
        ts = list(map(float, times))
        if len(ts) < 2:  # only the initial time (e.g. 'at: 0 min'): roadrunner needs two
            return np.asarray(rr.simulate(times=[*ts, ts[0] + 1.0]))[:len(ts)]
        return np.asarray(rr.simulate(times=ts))

    def relative_rates(self) -> np.ndarray:
        m = self.model
        x = np.asarray(m.getFloatingSpeciesConcentrations())
        dx = np.asarray(m.getFloatingSpeciesConcentrationRates())
        return np.abs(dx) / (np.abs(x) + 1e-9)

    def clamp_noise(self, floor: float = 1e-18) -> None:
        clamp_noise(self.model, floor)

    def get_values(self, ids: list[str]) -> list[float]:
        m = self.model
        return [float(m[k]) for k in ids]
