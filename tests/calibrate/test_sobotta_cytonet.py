"""Sobotta 2017 part (b): the data mapped onto cytonet's hepatocyte IL-6 module loads and scores."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from calibrate_helpers import SOBOTTA, require

pytestmark = [pytest.mark.slow, pytest.mark.benchmarks]


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    from cytonet.calibrate.sobotta import build_sobotta_problems

    src = require(SOBOTTA).parent
    return build_sobotta_problems(src, tmp_path_factory.mktemp("sobotta"))


def test_sobotta_mapping_selects_expressible_rows(build):
    assert build.n_rows_total == 2222
    assert build.n_rows + sum(build.left_out.values()) == 2222
    assert build.left_out["actinomycin D"] > 0 and build.left_out["Stattic"] > 0
    assert not any("Pulse" in b or "ActD" in b or "ThreeDoses" in b for b in build.blocks)
    # one cytonet experiment per distinct (IL-6, ruxolitinib) dose pair, hepatocyte context
    assert all(e.cell == "hepatocyte" for e in build.experiments.values())
    assert any(p.kind == "drug" and p.target == "ruxolitinib"
               for e in build.experiments.values() for p in e.perturbations)


def test_no_kept_blot_is_fitted_exactly_by_its_own_offset_and_scale(build):
    """Rows that their free offset / scale fit exactly carry no information and leave
    their sd without a maximum; the mapping leaves them out and says so."""
    import pandas as pd

    from cytonet.calibrate.sobotta import estimated_overrides

    meas = pd.read_csv(build.cytonet_yaml.parent / "measurements.tsv", sep="\t")
    own = meas.observableParameters.map(estimated_overrides)
    counts = own[own.map(len) > 0].value_counts()
    assert all(n > len(k) for k, n in counts.items())
    assert any("exact fit" in why for why in build.left_out)


def test_sobotta_cytonet_problem_lints_and_evaluates(build):
    from cytonet.calibrate.cytonet_problem import load_cytonet_problem
    from cytonet.calibrate.sobotta import FIT_PARAMETERS, _groups, profile_evaluate

    problem = load_cytonet_problem(build.cytonet_yaml)  # cytonet checks + petab.lint
    assert problem.n_data == build.n_rows
    assert set(FIT_PARAMETERS) <= set(problem.x_ids)
    kin = np.array([problem.x_ids.index(p) for p in FIT_PARAMETERS])
    llh, p = profile_evaluate(problem, problem.x_nominal[kin], kin, _groups(problem))
    assert math.isfinite(llh)
    # the profiled observation parameters give the same llh through the PEtab code
    from cytonet.calibrate.petab_problem import scale_values

    x = scale_values(p[problem.x_index], problem.x_scales)
    assert problem.evaluate(x).llh == pytest.approx(llh, rel=1e-6, abs=1e-6)


def test_sobotta_term_is_the_profiled_likelihood_inside_the_joint_objective(tmp_path):
    """The Sobotta rows as a data term of the joint MAP fit: the term is -weight x the
    profiled llh of the same parameters, the joint loss adds it to the margin penalties and
    the priors,."""
    from cytonet.calibrate.joint import JointProblem, JointSettings
    from cytonet.calibrate.sobotta import SobottaTerm
    from cytonet.compile import compile_model
    from cytonet.experiments.parse import load_observations

    model = compile_model()
    params = ["kon_SOCS3_gp130", "kdeg_SOCS3"]
    term = SobottaTerm(model, params, require(SOBOTTA).parent, tmp_path, weight=0.5)
    v0 = {p: model.network.parameters[p].value for p in params}
    llh0 = term.llh(v0)
    assert math.isfinite(llh0) and term.n_rows > 1000
    t0 = term(v0)
    assert t0 == pytest.approx(-0.5 * llh0)
    up = dict(v0, kon_SOCS3_gp130=3 * v0["kon_SOCS3_gp130"])
    t_up = term(up)
    assert t_up != pytest.approx(t0)
    assert term.n_calls == 2 and term.n_failed == 0

    obs, _ = load_observations(str(Path(__file__).resolve().parents[2] / "src" / "cytonet"
                                   / "data" / "observations.yaml"))
    obs = [o for o in obs if o.id.startswith("socs3-")]
    prob = JointProblem(model, obs, params, JointSettings(workers=1), terms=[term])
    X = np.vstack([prob.x0, prob.x0 + [np.log10(3), 0.0]])
    L = prob.loss(X)
    expected = prob.data_loss(prob.margins(X)) + [t0, t_up] + prob.prior_loss(X)
    assert L == pytest.approx(expected)
    with pytest.raises(ValueError, match="not in the model"):
        JointProblem(model, obs, params, terms=[SobottaTermLike(["no_such_parameter"])])


class SobottaTermLike:
    """A data term over a parameter the model does not have (for the located error)."""

    def __init__(self, ids):
        self.param_ids = ids

    def __call__(self, values):
        raise AssertionError("never evaluated")
