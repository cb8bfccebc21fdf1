"""The backend interface: load SBML once, set values, integrate, read selected values."""

from __future__ import annotations

__all__ = ["AbstractBackend", "get_backend", "BACKENDS"]

import abc

import numpy as np


class AbstractBackend(abc.ABC):
    """One compiled model in one process. Subclasses: RoadRunnerBackend (default)."""

    name: str = "abstract"

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
