"""Every backend runs the same plans through the one protocol and agrees with libRoadRunner;
the steady-state rule lands on the steady state a long integration reaches."""

from __future__ import annotations

import numpy as np
import pytest

from cytonet.experiments.parse import parse_experiment, parse_readout
from cytonet.experiments.plan import plan_requests, reference_group
from cytonet.experiments.types import Request
from cytonet.simulate.base import BACKENDS, get_backend
from cytonet.simulate.protocol import Status
from cytonet.simulate.steady import find_steady_state

EXPERIMENTS = [
    {"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"},
     "perturbations": [{"drug": "ruxolitinib", "dose": "100 nM"}]},
    {"cell": "lung_cancer", "stimuli": {"IL11": "20 ng/mL"}, "conditions": {"glucose": "0.5 mM"},
     "perturbations": [{"knockout": "SOCS3"}]},
]
READOUTS = ("phospho:STAT3", "active:MTOR", "secreted:LIF", "phenotype:invasion")
TIMES = (0.0, 900.0, 7200.0)


def _backends(model, tmp_path):
    from cytonet.calibrate._roadrunner import RoadRunnerModel, SolverSettings
    out = {name: get_backend(name)(model.sbml) for name in BACKENDS}
    sbml = tmp_path / "model.xml"
    sbml.write_text(model.sbml, encoding="utf-8")
    out["petab-roadrunner"] = RoadRunnerModel(str(sbml), [], SolverSettings())
    return out


@pytest.fixture(scope="module")
def model():
    from cytonet.experiments.runner import get_simulator
    return get_simulator().model


def test_every_backend_gives_the_same_solution(model, tmp_path):
    exps = [parse_experiment(e, catalog=model.catalog) for e in EXPERIMENTS]
    ros = tuple(parse_readout(r, catalog=model.catalog) for r in READOUTS)
    plan, arms, _ = plan_requests(model, [Request(e, ros, TIMES) for e in exps])
    theta = model.interface.jitter(2, 0.2, seed=4)
    sols = {}
    for name, be in _backends(model, tmp_path).items():
        assert {"integrate", "rhs", "parameter_vector"} <= be.capabilities, name
        sols[name] = be.solve(plan, theta, reference=reference_group(model),
                              nominal=model.interface.theta_nominal)
    ref = sols["roadrunner"]
    assert (ref.status == Status.OK).all()
    for name, sol in sols.items():
        np.testing.assert_array_equal(sol.status, ref.status, err_msg=name)
        for a in range(len(arms)):
            np.testing.assert_allclose(sol.values[a], ref.values[a], rtol=1e-6,
                                       atol=1e-9 * np.abs(ref.values[a]).max(), err_msg=name)


def test_newton_steady_state_is_where_a_long_integration_goes(model):
    be = get_backend("roadrunner")(model.sbml)
    g = reference_group(model)
    be.set_values(g.values)
    ss = find_steady_state(be)
    assert ss.method in ("newton", "integration+newton")
    x = be.rhs_state()
    assert np.max(be.relative_rates()) < 1e-10
    # integrate 100 days more from it: nothing moves
    be.integrate(100 * 86400.0, None, ["time"])
    y = be.rhs_state()
    np.testing.assert_allclose(y, x, rtol=1e-6, atol=1e-9 * np.abs(x).max())


def test_an_integrated_steady_state_is_polished_by_newton(model):
    """Where Newton fails from the start (here: every species 3x off its steady state)
    and the short polishes between integration chunks fail too, the state the
    integration reaches is polished by one full Newton, not accepted at rate_tol."""
    from cytonet.simulate.steady import SteadyStateSettings

    be = get_backend("roadrunner")(model.sbml)
    be.set_values(reference_group(model).values)
    find_steady_state(be)
    x_ss = be.rhs_state()
    be.set_rhs_state(3.0 * x_ss)
    s = SteadyStateSettings(newton_max_iter=25, member_newton_iter=1)
    ss = find_steady_state(be, s)
    assert ss.method == "integration+newton"
    assert np.max(be.relative_rates()) < 1e-10
    x = be.rhs_state()
    np.testing.assert_allclose(x, x_ss, rtol=1e-6, atol=1e-9 * np.abs(x_ss).max())
