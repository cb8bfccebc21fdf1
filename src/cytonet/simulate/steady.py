"""The one steady-state rule: Newton on the model's own right-hand side, integration fallback.

:func:`find_steady_state` starts from the backend's current state (a warm start: the
nominal steady state of the same cells, or the reference cells' state), and

1. takes damped Newton steps on the floating species concentrations, the Jacobian by forward differences of the backend's own rates
   (about 1 ms for the 126-variable model), steps kept non-negative; converged when the
   Newton step is below ``newton_tol`` relative to the state;
2. if Newton fails (diverges, stalls, or leaves the non-negative orthant), integrates in
   chunks of ``chunk_s`` with the noise clamp between chunks until every relative rate is
   below ``rate_tol`` per second, then polishes with Newton from there (kept if it
   converges);
3. sets the rate-rule variables where their rates vanish (:func:`relax_rate_rules`);
4. or raises :class:`~cytonet.errors.SteadyStateError` saying what was tried.

A Newton solution is a steady state to solver precision; an integration-only one is
within about ``rate_tol`` x the slowest time constant of it (about 1e-3 relative on
cytonet's model), which is why Newton is tried first and used to polish.
"""

from __future__ import annotations

__all__ = ["SteadyStateSettings", "SteadyState", "find_steady_state", "newton_steady_state",
           "relax_rate_rules"]

import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import SimulationError, SteadyStateError


@dataclass(frozen=True)
class SteadyStateSettings:
    newton_tol: float = 1e-10      # max |step| / (|x| + atol) at convergence
    newton_max_iter: int = 25
    chunk_s: float = 5e5           # integration fallback chunk
    max_chunks: int = 8
    rate_tol: float = 1e-8         # max relative rate (1/s) accepted by the fallback
    noise_floor: float = 1e-18     # |amount| below this is solver noise: set to 0


@dataclass(frozen=True)
class SteadyState:
    state: np.ndarray   # backend state (get_state layout)
    method: str         # 'newton' | 'integration+newton' | 'integration'
    iterations: int


def _jacobian(backend, x: np.ndarray, f0: np.ndarray) -> np.ndarray:
    n = len(x)
    jac = np.empty((n, n))
    for j in range(n):
        h = 1e-7 * max(abs(x[j]), 1e-9)
        xp = x.copy()
        xp[j] += h
        jac[:, j] = (backend.rhs(xp) - f0) / h
    return jac


def newton_steady_state(backend, x0: np.ndarray, tol: float = 1e-10, max_iter: int = 25
                        ) -> tuple[np.ndarray | None, int]:
    """Damped Newton on ``backend.rhs`` from ``x0`` (backend ``rhs_state`` layout).

    Returns ``(x, iterations)`` with ``x`` None where it did not converge."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _newton(backend, x0, tol, max_iter)


def _newton(backend, x0, tol, max_iter):
    import scipy.linalg as sl

    x = np.asarray(x0, dtype=float).copy()
    r = backend.rhs(x)
    atol = 1e-12 * max(float(np.max(np.abs(x))), 1.0)
    for it in range(max_iter):
        if not np.all(np.isfinite(r)):
            return None, it
        scale = np.abs(x) + atol
        norm = np.linalg.norm(r / scale)
        jac = _jacobian(backend, x, r)
        jac -= 1e-10 * np.eye(len(x))  # species that affect nothing (absent chains)
        try:
            dx = sl.lu_solve(sl.lu_factor(jac, check_finite=False), -r, check_finite=False)
        except (ValueError, np.linalg.LinAlgError):
            return None, it
        if not np.all(np.isfinite(dx)):
            return None, it
        if np.max(np.abs(dx) / scale) < tol:
            return np.maximum(x + dx, 0.0), it + 1
        lam = 1.0
        while True:
            xn = np.maximum(x + lam * dx, 0.0)
            rn = backend.rhs(xn)
            if (np.all(np.isfinite(rn)) and np.linalg.norm(rn / scale) < norm) or lam <= 1 / 64:
                break
            lam /= 2
        x, r = xn, rn
    return None, max_iter


def relax_rate_rules(backend, max_iter: int = 4, tol: float = 1e-12) -> None:
    """Set each rate-rule variable where its rate vanishes (secant steps; exact in one
    for a variable relaxing linearly to a target, as cytonet's phenotype scores do).
    Assumes the rule variables do not feed back on the species."""
    ids = backend.rule_ids()
    if not ids:
        return
    x = np.asarray(backend.get_values(ids), dtype=float)
    for _ in range(max_iter):
        r0 = backend.rule_rates()
        if np.all(np.abs(r0) <= tol * (np.abs(x) + 1.0)):
            return
        h = 1e-6 * (np.abs(x) + 1.0)
        backend.set_values(dict(zip(ids, x + h, strict=True)))
        r1 = backend.rule_rates()
        slope = (r1 - r0) / h
        step = np.where(slope != 0, -r0 / np.where(slope != 0, slope, 1.0), 0.0)
        x = x + step
        backend.set_values(dict(zip(ids, x, strict=True)))


def find_steady_state(backend, settings: SteadyStateSettings | None = None,
                      what: str = "the cells") -> SteadyState:
    """Steady state from the backend's current state and values (see the module docstring).

    Leaves the backend at the steady state; returns it."""
    s = settings or SteadyStateSettings()
    backend.clamp_noise(s.noise_floor)
    x0 = backend.rhs_state()
    x, it = newton_steady_state(backend, x0, s.newton_tol, s.newton_max_iter)
    if x is not None:
        backend.set_rhs_state(x)
        backend.clamp_noise(s.noise_floor)
        relax_rate_rules(backend)
        return SteadyState(backend.get_state(), "newton", it)
    backend.set_rhs_state(x0)
    try:
        for _ in range(s.max_chunks):
            backend.clamp_noise(s.noise_floor)
            backend.integrate(s.chunk_s, None, ["time"])
            if float(np.max(backend.relative_rates())) < s.rate_tol:
                break
        else:
            worst = float(np.max(backend.relative_rates()))
            raise SteadyStateError(
                f"no steady state for {what}: Newton from the warm start failed after {it} "
                f"steps and {s.max_chunks * s.chunk_s / 86400:.0f} days of pre-equilibration "
                f"left a relative rate of {worst:.2g}/s")
    except SimulationError as exc:
        raise SteadyStateError(f"no steady state for {what}: Newton failed after {it} steps "
                               f"and the integration fallback failed ({exc})") from exc
    backend.clamp_noise(s.noise_floor)
    xi = backend.rhs_state()
    x, it2 = newton_steady_state(backend, xi, s.newton_tol, s.newton_max_iter)
    if x is not None:
        backend.set_rhs_state(x)
        backend.clamp_noise(s.noise_floor)
        relax_rate_rules(backend)
        return SteadyState(backend.get_state(), "integration+newton", it + it2)
    backend.set_rhs_state(xi)
    relax_rate_rules(backend)
    return SteadyState(backend.get_state(), "integration", it + it2)
