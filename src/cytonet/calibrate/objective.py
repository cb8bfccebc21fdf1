"""Negative log-likelihood of a PEtab problem with finite-difference derivatives; pickleable.

libRoadRunner has no adjoint sensitivities, so derivatives come from one finite-difference
sweep over the estimated parameters (on parameter scale) that records, per data point, the
transformed simulation ``h(y)`` and ``log sigma``. From that sweep follow the gradient, the
Fisher information matrix (a Gauss-Newton Hessian) and the Jacobian of least-squares
residuals, so every optimiser gets all of them for ``2n + 1`` (central) or ``n + 1``
(forward) simulations.

Pickling stores the problem's YAML path and options only; each process rebuilds the
problem and compiles the SBML once, on first use.
"""

from __future__ import annotations

__all__ = ["PetabObjective"]

import math
from pathlib import Path

import numpy as np

from ..errors import PetabError, Problem
from ._roadrunner import SolverSettings
from .petab_problem import PetabProblem, load_cached_petab_problem

# floor for sigma in least-squares residuals: s = sqrt(2 (log sigma - log floor))
_LOG_SIGMA_FLOOR = math.log(1e-12)


class PetabObjective:
    """``f(x) = -log L(x)`` for the estimated parameters ``x`` (parameter scale, table order).

    ``fd_method`` is ``"central"`` (default, accurate) or ``"forward"`` (half the cost);
    ``fd_step`` is the step on parameter scale.
    """

    def __init__(
        self,
        problem: PetabProblem | str | Path,
        *,
        fd_method: str = "central",
        fd_step: float = 1e-4,
        drop_invalid: bool = False,
        settings: SolverSettings | None = None,
    ):
        if fd_method not in ("central", "forward"):
            raise ValueError(f"fd_method: expected 'central' or 'forward', got {fd_method!r}")
        if isinstance(problem, PetabProblem):
            self._problem: PetabProblem | None = problem
            self.yaml_path = str(problem.yaml_path)
            drop_invalid, settings = problem.drop_invalid, problem.settings
        else:
            self._problem = None
            self.yaml_path = str(Path(problem).resolve())
        self.drop_invalid = drop_invalid
        self.settings = settings or SolverSettings()
        self.fd_method = fd_method
        self.fd_step = float(fd_step)
        self.n_simulations = 0

    # --- pickling ------------------------------------------------------------------------
    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_problem"] = None  # rebuilt lazily from yaml_path in the receiving process
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    @property
    def problem(self) -> PetabProblem:
        """The compiled problem, loaded (without re-validation) on first use in each process."""
        if self._problem is None:
            self._problem = load_cached_petab_problem(
                self.yaml_path, self.drop_invalid, self.settings
            )
        return self._problem

    # --- values --------------------------------------------------------------------------
    @property
    def x_ids(self) -> list[str]:
        return self.problem.x_ids

    @property
    def lb(self) -> np.ndarray:
        return self.problem.lb

    @property
    def ub(self) -> np.ndarray:
        return self.problem.ub

    def __call__(self, x: np.ndarray) -> float:
        """Negative log-likelihood; ``inf`` where simulation fails."""
        llh = self.llh(x)
        return -llh if math.isfinite(llh) else math.inf

    def llh(self, x: np.ndarray | None = None) -> float:
        self.n_simulations += 1
        return self.problem.llh(x)

    def chi2(self, x: np.ndarray | None = None) -> float:
        self.n_simulations += 1
        return self.problem.chi2(x)

    def _point(self, x: np.ndarray):
        """(evaluation, h(y), log sigma) at x, or None if the simulation failed."""
        self.n_simulations += 1
        ev = self.problem.evaluate(x)
        if not math.isfinite(ev.llh):
            return None
        return ev, self.problem.transformed(ev.simulation), np.log(ev.sigma)

    def _sweep(self, x: np.ndarray):
        """Base point and finite-difference Jacobians of h(y) and log sigma (rows x params)."""
        x = np.asarray(x, dtype=float)
        base = self._point(x)
        if base is None:
            return None
        ev, hy, ls = base
        n, k = len(hy), len(x)
        jy = np.empty((n, k))
        js = np.empty((n, k))
        lb, ub = self.problem.lb, self.problem.ub
        for j in range(k):
            h = self.fd_step * max(1.0, abs(x[j]))
            up_ok, down_ok = x[j] + h <= ub[j], x[j] - h >= lb[j]
            plus = minus = None
            if self.fd_method == "central" or not up_ok:
                if down_ok or not up_ok:
                    xm = x.copy()
                    xm[j] -= h
                    minus = self._point(xm)
            if self.fd_method == "central" or minus is None:
                xp = x.copy()
                xp[j] += h
                plus = self._point(xp)
            if plus is not None and minus is not None:
                jy[:, j] = (plus[1] - minus[1]) / (2 * h)
                js[:, j] = (plus[2] - minus[2]) / (2 * h)
            elif plus is not None:
                jy[:, j] = (plus[1] - hy) / h
                js[:, j] = (plus[2] - ls) / h
            elif minus is not None:
                jy[:, j] = (hy - minus[1]) / h
                js[:, j] = (ls - minus[2]) / h
            else:
                return None
        return ev, jy, js

    def derivatives(self, x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """(f, gradient, Fisher information matrix) at ``x``; f = inf if simulation fails."""
        k = len(x)
        sweep = self._sweep(x)
        if sweep is None:
            return math.inf, np.full(k, np.nan), np.full((k, k), np.nan)
        ev, jy, js = sweep
        r, sigma = ev.residuals, ev.sigma
        laplace = self.problem._dist == 1
        dr = jy / sigma[:, None] - r[:, None] * js
        weight = np.where(laplace, np.sign(r), r)
        grad = js.sum(axis=0) + weight @ dr
        a = jy / sigma[:, None]
        fim = a.T @ a + js.T @ (js * np.where(laplace, 1.0, 2.0)[:, None])
        return -ev.llh, grad, fim

    # --- least squares -------------------------------------------------------------------
    def _check_least_squares(self) -> None:
        if np.any(self.problem._dist != 0):
            raise PetabError(
                Problem(
                    "least-squares fitting needs normal noise for every observable; "
                    "use optimizer='fides' for laplace noise",
                    file=self.yaml_path,
                )
            )

    def _sigma_residuals(self, sigma: np.ndarray) -> np.ndarray:
        return np.sqrt(np.maximum(2.0 * (np.log(sigma) - _LOG_SIGMA_FLOOR), 0.0))

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """``[r; s]`` with ``r = (h(y) - h(m)) / sigma`` and ``s = sqrt(2 log(sigma / floor))``.

        ``sum(res**2) / 2`` equals ``-log L`` up to a constant, for normal noise.
        """
        self._check_least_squares()
        point = self._point(np.asarray(x, dtype=float))
        if point is None:
            return np.full(2 * self.problem.n_data, 1e10)
        ev = point[0]
        return np.concatenate([ev.residuals, self._sigma_residuals(ev.sigma)])

    def residual_jacobian(self, x: np.ndarray) -> np.ndarray:
        """Jacobian of :meth:`residuals` (rows: residuals, columns: estimated parameters)."""
        self._check_least_squares()
        sweep = self._sweep(np.asarray(x, dtype=float))
        n, k = self.problem.n_data, len(x)
        if sweep is None:
            return np.zeros((2 * n, k))
        ev, jy, js = sweep
        dr = jy / ev.sigma[:, None] - ev.residuals[:, None] * js
        s = self._sigma_residuals(ev.sigma)
        with np.errstate(divide="ignore", invalid="ignore"):
            ds = np.where(s[:, None] > 0, js / s[:, None], 0.0)
        return np.vstack([dr, ds])

    def __repr__(self) -> str:
        return f"PetabObjective({self.yaml_path!r}, fd_method={self.fd_method!r})"
