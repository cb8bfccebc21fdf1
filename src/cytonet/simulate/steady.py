"""The one steady-state rule: Newton on the model's own right-hand side, integration fallback.

:func:`find_steady_state` starts from the backend's current state (a warm start: the
nominal steady state of the same cells, or the reference cells' state), and

1. takes damped Newton steps on the floating species concentrations, the Jacobian by
   forward differences of the backend's own rates (about 1 ms for the 129-species model;
   with a :class:`JacobianPattern`, one evaluation per column colour), steps kept
   non-negative; converged when the Newton step is below ``newton_tol`` relative to the
   state;
2. if Newton fails (diverges, stalls, or leaves the non-negative orthant), integrates in
   chunks of ``chunk_s`` with the noise clamp between chunks, trying Newton after each
   chunk (accepted once it converges), and once every relative rate is below
   ``rate_tol`` per second a last Newton polish with the full iteration budget, or the
   integrated state itself where that polish fails;
3. sets the rate-rule variables where their rates vanish (:func:`relax_rate_rules`);
4. or raises :class:`~cytonet.errors.SteadyStateError` saying what was tried.

A Newton solution is a steady state to solver precision; an integration-only one is
within about ``rate_tol`` x the slowest time constant of it (about 1e-3 relative on
cytonet's model), which is why Newton is tried first and used to polish.

Ensemble members (:mod:`cytonet.simulate.protocol`) add a step between 1 and 2: parameter
continuation from the nominal steady state (:func:`continue_steady_state`). Measured on
60 sigma-0.3 members of hepatocytes: direct Newton 25 (about 8 ms each), continuation 26
(about 40 ms), integration fallback 9 (about 220 ms).
"""

from __future__ import annotations

__all__ = ["SteadyStateSettings", "SteadyState", "find_steady_state", "newton_steady_state",
           "relax_rate_rules", "continue_steady_state", "JacobianPattern"]

import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import SimulationError, SteadyStateError


@dataclass(frozen=True)
class SteadyStateSettings:
    newton_tol: float = 1e-10      # max |step| / (|x| + atol) at convergence
    newton_max_iter: int = 25
    member_newton_iter: int = 10   # a member's first, direct try before continuation
    continuation_steps: int = 4
    chunk_s: float = 5e5           # integration fallback chunk
    max_chunks: int = 8
    rate_tol: float = 1e-8         # max relative rate (1/s) accepted by the fallback
    noise_floor: float = 1e-18     # |amount| below this is solver noise: set to 0


@dataclass(frozen=True)
class SteadyState:
    state: np.ndarray   # backend state (get_state layout)
    method: str         # newton | continuation | integration+newton | integration
    iterations: int


def _jacobian(backend, x: np.ndarray, f0: np.ndarray, pattern=None) -> np.ndarray:
    """Forward differences of ``backend.rhs``; with a :class:`JacobianPattern`, one
    evaluation per column colour instead of per column."""
    n = len(x)
    h = 1e-7 * np.maximum(np.abs(x), 1e-9)
    if pattern is None:
        jac = np.empty((n, n))
        for j in range(n):
            xp = x.copy()
            xp[j] += h[j]
            jac[:, j] = (backend.rhs(xp) - f0) / h[j]
        return jac
    jac = np.zeros((n, n))
    for cols in pattern.colours:
        xp = x.copy()
        xp[cols] += h[cols]
        df = backend.rhs(xp) - f0
        for j in cols:
            rows = pattern.rows[j]
            jac[rows, j] = df[rows] / h[j]
    return jac


class JacobianPattern:
    """Where the Jacobian can be non-zero, and a column colouring (columns of one colour
    share no row), found from dense differences at two generic positive states near ``x``.

    An entry missed here only slows Newton: convergence is always judged on the true
    right-hand side, so a pattern can never make a wrong steady state."""

    def __init__(self, backend, x: np.ndarray, seed: int = 0):
        rng = np.random.default_rng(seed)
        scale = max(float(np.max(np.abs(x))), 1.0)
        nz = np.zeros((len(x), len(x)), dtype=bool)
        for _ in range(2):
            y = np.abs(x) + scale * 1e-3 * (0.5 + rng.random(len(x)))
            nz |= _jacobian(backend, y, backend.rhs(y)) != 0
        nz |= np.eye(len(x), dtype=bool)
        self.rows = [np.flatnonzero(nz[:, j]) for j in range(len(x))]
        self.colours: list[np.ndarray] = []
        used: list[np.ndarray] = []
        for j in range(len(x)):  # greedy colouring
            for c, rowset in enumerate(used):
                if not rowset[self.rows[j]].any():
                    rowset[self.rows[j]] = True
                    self.colours[c] = np.append(self.colours[c], j)
                    break
            else:
                rowset = np.zeros(len(x), dtype=bool)
                rowset[self.rows[j]] = True
                used.append(rowset)
                self.colours.append(np.array([j]))


def newton_steady_state(backend, x0: np.ndarray, tol: float = 1e-10, max_iter: int = 25,
                        pattern: JacobianPattern | None = None
                        ) -> tuple[np.ndarray | None, int]:
    """Damped Newton on ``backend.rhs`` from ``x0`` (backend ``rhs_state`` layout).

    Returns ``(x, iterations)`` with ``x`` None where it did not converge."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _newton(backend, x0, tol, max_iter, pattern)


def _newton(backend, x0, tol, max_iter, pattern):
    import scipy.linalg as sl

    x = np.asarray(x0, dtype=float).copy()
    r = backend.rhs(x)
    atol = 1e-12 * max(float(np.max(np.abs(x))), 1.0)
    for it in range(max_iter):
        if not np.all(np.isfinite(r)):
            return None, it
        scale = np.abs(x) + atol
        norm = np.linalg.norm(r / scale)
        jac = _jacobian(backend, x, r, pattern)
        jac -= 1e-10 * np.eye(len(x))  # species that affect nothing (absent chains)
        try:
            lu = sl.lu_factor(jac, check_finite=False)
            dx = sl.lu_solve(lu, -r, check_finite=False)
        except (ValueError, np.linalg.LinAlgError):
            return None, it
        if not np.all(np.isfinite(dx)):
            return None, it
        step = np.max(np.abs(dx) / scale)
        if step < tol:
            return np.maximum(x + dx, 0.0), it + 1
        # damping by the natural monotonicity test (Deuflhard): a step is good when the
        # simplified Newton correction at the new point, J(x)^-1 f(x_new), is shorter than
        # the step taken; a residual-norm test alone stalls near a steady state with slow
        # modes (a 12-day turnover): there the fast species' residuals grow along the
        # curved slow manifold although the step goes straight to the steady state
        lam = 1.0
        while True:
            xn = np.maximum(x + lam * dx, 0.0)
            rn = backend.rhs(xn)
            if np.all(np.isfinite(rn)):
                bar = sl.lu_solve(lu, -rn, check_finite=False)
                if (np.all(np.isfinite(bar)) and np.max(np.abs(bar) / scale)
                        < (1 - lam / 4) * step) or np.linalg.norm(rn / scale) < norm:
                    break
            if lam <= 1 / 64:
                break
            lam /= 2
        x, r = xn, rn
    return None, max_iter


def relax_rate_rules(backend, max_iter: int = 4, tol: float = 1e-12,
                     noise_floor: float = 1e-18) -> None:
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
            break
        h = 1e-6 * (np.abs(x) + 1.0)
        backend.set_values(dict(zip(ids, x + h, strict=True)))
        r1 = backend.rule_rates()
        slope = (r1 - r0) / h
        step = np.where(slope != 0, -r0 / np.where(slope != 0, slope, 1.0), 0.0)
        x = x + step
        backend.set_values(dict(zip(ids, x, strict=True)))
    # secant noise around an exact zero (-2e-31) breaks rules with fractional powers of
    # the variable (phenotype Hill terms): round it to the zero it is
    tiny = np.abs(x) < noise_floor
    if tiny.any():
        x[tiny] = 0.0
        backend.set_values(dict(zip(ids, x, strict=True)))


def continue_steady_state(backend, idx: np.ndarray, theta_from: np.ndarray,
                          theta_to: np.ndarray, steps: int | None = None,
                          settings: SteadyStateSettings | None = None,
                          pattern: JacobianPattern | None = None) -> SteadyState | None:
    """Parameter continuation: from the backend's current state, a steady state at
    ``theta_from``, walk log-linearly to ``theta_to`` by Newton solves each warm-started
    from the last, starting with ``steps`` equal steps, halving a step that fails and
    lengthening one that succeeds. None where it stalls (the caller falls back).

    A jittered member's steady state lies on the branch through the nominal one; Newton
    straight from the nominal state diverges for about half of the sigma-0.3 members of
    cytonet's model, while short steps along the branch converge in a few iterations."""
    s = settings or SteadyStateSettings()
    steps = steps or s.continuation_steps
    a = np.log(np.maximum(theta_from, 1e-300))
    b = np.log(np.maximum(theta_to, 1e-300))
    x = backend.rhs_state()
    total, f, df, tries = 0, 0.0, 1.0 / steps, 0
    while f < 1.0:
        if tries > 4 * steps:
            return None
        tries += 1
        g = min(1.0, f + df)
        backend.set_parameter_vector(idx, np.exp((1 - g) * a + g * b) if g < 1.0 else theta_to)
        y, it = newton_steady_state(backend, x, s.newton_tol, s.member_newton_iter, pattern)
        total += it
        if y is None:  # too long a step: halve it and try again from the last good state
            df /= 2
            if df < 1.0 / (8 * steps):
                return None
            continue
        x, f, df = y, g, df * 1.5
    backend.set_rhs_state(x)
    backend.clamp_noise(s.noise_floor)
    relax_rate_rules(backend)
    return SteadyState(backend.get_state(), "continuation", total)


def _accept(backend, x, s, method, it) -> SteadyState:
    backend.set_rhs_state(x)
    backend.clamp_noise(s.noise_floor)
    relax_rate_rules(backend)
    return SteadyState(backend.get_state(), method, it)


def find_steady_state(backend, settings: SteadyStateSettings | None = None,
                      what: str = "the cells", pattern: JacobianPattern | None = None,
                      continue_from: tuple | None = None) -> SteadyState:
    """Steady state from the backend's current state and values (see the module docstring).

    ``continue_from = (idx, theta_from, theta_to)``: the current state is the steady state
    at ``theta_from`` and the backend holds ``theta_to`` (an ensemble member); Newton gets
    ``member_newton_iter`` steps, then :func:`continue_steady_state` is tried before the
    integration fallback. Leaves the backend at the steady state; returns it."""
    s = settings or SteadyStateSettings()
    backend.clamp_noise(s.noise_floor)
    x0 = backend.rhs_state()
    iters = s.newton_max_iter if continue_from is None else s.member_newton_iter
    x, it = newton_steady_state(backend, x0, s.newton_tol, iters, pattern)
    if x is not None:
        return _accept(backend, x, s, "newton", it)
    if continue_from is not None:
        idx, theta_from, theta_to = continue_from
        backend.set_rhs_state(x0)
        backend.set_parameter_vector(idx, theta_from)
        ss = continue_steady_state(backend, idx, theta_from, theta_to, settings=s,
                                   pattern=pattern)
        backend.set_parameter_vector(idx, theta_to)
        if ss is not None:
            return ss
        # a last, longer Newton from the warm start before integrating
        x, it2 = newton_steady_state(backend, x0, s.newton_tol, s.newton_max_iter, pattern)
        it += it2
        if x is not None:
            return _accept(backend, x, s, "newton", it)
    backend.set_rhs_state(x0)

    def polish(xi: np.ndarray, iters: int) -> SteadyState | None:
        """Newton from the integrated state xi: accepted if it converges, else back at xi."""
        nonlocal it
        x, k = newton_steady_state(backend, xi, s.newton_tol, iters, pattern)
        it += k
        if x is not None:
            return _accept(backend, x, s, "integration+newton", it)
        backend.set_rhs_state(xi)
        return None

    # integrate in chunks, polishing with Newton after each (accepted once it converges)
    chunks = [s.chunk_s] * s.max_chunks
    rate = float("inf")
    try:
        for dt in chunks:
            backend.clamp_noise(s.noise_floor)
            backend.integrate(dt, None, ["time"])
            backend.clamp_noise(s.noise_floor)
            xi = backend.rhs_state()
            if (ss := polish(xi, s.member_newton_iter)) is not None:
                return ss
            rate = float(np.max(backend.relative_rates()))
            if rate < s.rate_tol:
                # near the steady state now: one full Newton polish before settling for
                # the integrated state (whose error is rate_tol x the slowest time scale)
                return polish(xi, s.newton_max_iter) or _accept(backend, xi, s,
                                                                "integration", it)
    except SimulationError as exc:
        raise SteadyStateError(f"no steady state for {what}: Newton failed and the "
                               f"integration fallback failed ({exc})") from exc
    days = sum(chunks) / 86400
    raise SteadyStateError(
        f"no steady state for {what}: Newton from the warm start failed, and after "
        f"{days:.0f} days of pre-equilibration the largest relative rate was {rate:.2g}/s")
