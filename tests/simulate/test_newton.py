"""The damped Newton solver of cytonet.simulate.steady on systems with known answers."""

from __future__ import annotations

import numpy as np

from cytonet.simulate.steady import newton_steady_state


class _SlowManifold:
    """x relaxes to 1 in ~12 days (rate 1e-6/s); y follows x^2 within a millisecond.

    The steady state is (1, 1). From a point on the slow manifold 4 % short of it, the
    full Newton step lands at (1, 0.9984): exactly on x, but off the curved manifold in y,
    whose fast rate makes that residual 10^7 times the starting one. A damping rule that
    only asks for a smaller residual therefore refuses every step along the slow mode."""

    def rhs(self, v):
        x, y = v
        return np.array([-1e-6 * (x - 1.0), -1e3 * (y - x * x)])


def test_newton_converges_along_a_slow_curved_manifold():
    x0 = np.array([0.96, 0.96 ** 2])
    x, iterations = newton_steady_state(_SlowManifold(), x0, tol=1e-10, max_iter=25)
    assert x is not None
    np.testing.assert_allclose(x, [1.0, 1.0], rtol=1e-9)
    assert iterations <= 6


def test_newton_still_reports_a_system_without_a_steady_state():
    class _Drift:  # dx/dt = 1 everywhere: no steady state to find
        def rhs(self, v):
            return np.ones_like(v)

    x, iterations = newton_steady_state(_Drift(), np.array([1.0, 2.0]), max_iter=5)
    assert x is None and iterations <= 5
