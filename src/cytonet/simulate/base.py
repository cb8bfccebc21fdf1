"""The backend interface: load SBML once, set values, integrate, read selected values."""

from __future__ import annotations

__all__ = ["AbstractBackend", "get_backend", "BACKENDS"]

import abc

import numpy as np


class AbstractBackend(abc.ABC):
    """One compiled model in one process. Subclasses: RoadRunnerBackend (default).

    Primitives (abstract below) are what the one protocol
    (:mod:`cytonet.simulate.protocol`) needs; :meth:`solve` runs a plan for many members.
    ``capabilities`` declares what a backend supports: ``integrate``, ``rhs`` (right-hand
    side and state as vectors, for the Newton steady state), ``parameter_vector`` (bulk
    parameter setting, for ensembles), ``rate_rules``.
    """

    name: str = "abstract"
    capabilities: frozenset[str] = frozenset()

    def solve(self, plan, theta=None, **kw):
        """``solve(plan, theta[n_members, n_theta]) -> Solution`` (see protocol.solve)."""
        from .protocol import solve
        missing = {"integrate", "rhs", "parameter_vector"} - set(self.capabilities)
        if missing:
            raise NotImplementedError(f"backend {self.name!r} lacks {', '.join(sorted(missing))}"
                                      " needed by the protocol")
        return solve(self, plan, theta, **kw)

    @abc.abstractmethod
    def parameter_index(self, ids) -> np.ndarray: ...

    @abc.abstractmethod
    def get_parameter_vector(self, idx: np.ndarray) -> np.ndarray: ...

    @abc.abstractmethod
    def set_parameter_vector(self, idx: np.ndarray, values: np.ndarray) -> None: ...

    @abc.abstractmethod
    def initial_state(self) -> np.ndarray:
        """The state the SBML file starts from."""

    @abc.abstractmethod
    def rhs_state(self) -> np.ndarray:
        """Floating-species concentrations, as the right-hand side sees them."""

    @abc.abstractmethod
    def set_rhs_state(self, x: np.ndarray) -> None: ...

    @abc.abstractmethod
    def rhs(self, x: np.ndarray) -> np.ndarray:
        """d/dt of ``rhs_state`` at ``x`` (leaves the backend at ``x``)."""

    @abc.abstractmethod
    def rule_ids(self) -> list[str]:
        """Variables set by rate rules (not in ``rhs_state``)."""

    @abc.abstractmethod
    def rule_rates(self) -> np.ndarray:
        """d/dt of the rate-rule variables at the current state."""

    @abc.abstractmethod
    def __init__(self, sbml: str, rtol: float = 1e-8, atol: float = 1e-12): ...

    @abc.abstractmethod
    def set_values(self, values: dict[str, float]) -> None:
        """Set parameters and species concentrations by id."""

    @abc.abstractmethod
    def get_state(self) -> np.ndarray: ...

    @abc.abstractmethod
    def set_state(self, state: np.ndarray) -> None: ...

    @abc.abstractmethod
    def integrate(self, t_end: float, times: np.ndarray | None, selections: list[str]
                  ) -> np.ndarray:
        """Integrate from t = 0 of the current state; values of ``selections`` at ``times``."""

    @abc.abstractmethod
    def clamp_noise(self, floor: float = 1e-18) -> None:
        """Set |amount| < floor to exact zeros (solver noise in absent species)."""

    @abc.abstractmethod
    def get_values(self, ids: list[str]) -> list[float]:
        """Current values of parameters / rule variables by id."""

    @abc.abstractmethod
    def relative_rates(self) -> np.ndarray:
        """|dx/dt| / (|x| + floor) of the state, for steady-state checks."""


def get_backend(name: str = "roadrunner") -> type[AbstractBackend]:
    if name == "roadrunner":
        from .roadrunner import RoadRunnerBackend
        return RoadRunnerBackend
    raise ValueError(f"unknown simulation backend {name!r}; available: {', '.join(BACKENDS)}")


BACKENDS = ("roadrunner",)
