"""Joint MAP calibration: margins agree with verdicts; the objective, its gradient, the
priors and the Kd ties behave as documented (cytonet.calibrate.joint)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from cytonet.calibrate.joint import JointProblem, JointSettings, fit_joint, rank_parameters
from cytonet.compile import compile_model
from cytonet.experiments.parse import load_observations
from cytonet.validation.margins import result_margin
from cytonet.validation.run import validate_observations

DATA = Path(__file__).resolve().parents[2] / "src" / "cytonet" / "data"


@pytest.fixture(scope="module")
def model():
    return compile_model()


@pytest.fixture(scope="module")
def package_obs():
    obs = []
    for f in ("observations.yaml", "anchors.yaml"):
        o, _ = load_observations(str(DATA / f))
        obs += o
    return obs


def test_margins_have_the_sign_of_the_verdicts(package_obs):
    card = validate_observations(package_obs)
    judged = [r for r in card.results if r.status in ("PASS", "FAIL")]
    assert len(judged) == len(package_obs)
    for r in judged:
        m = result_margin(r)
        assert not math.isnan(m), r.id
        assert (m >= 0) == (r.status == "PASS"), (r.id, r.status, m, r.detail)


def test_objective_gradient_priors_and_kd_ties(model, package_obs):
    obs = [o for o in package_obs if o.id.startswith("drug-tocilizumab")]
    prob = JointProblem(model, obs, ["kon_IL6_IL6R", "kdeg_IL6R"], JointSettings(workers=1))
    # data + prior, the prior 0 at the default set (its median)
    L0 = prob.loss(prob.x0)[0]
    M0 = prob.margins(prob.x0)
    assert L0 == pytest.approx(prob.data_loss(M0)[0])
    assert prob.prior_loss(prob.x0 + prob.sigma)[0] == pytest.approx(1.0)
    # the gradient is the forward difference of the same loss
    f, g = prob.value_and_grad(prob.x0)
    assert f == pytest.approx(L0)
    h = prob.settings.fd_step
    assert g[0] == pytest.approx((prob.loss(prob.x0 + [h, 0])[0] - L0) / h, rel=1e-6, abs=1e-9)
    # koff_IL6_IL6R is derived from the measured Kd: it moves with the fitted on-rate
    ids = list(model.interface.theta_ids)
    k_on, k_off = ids.index("kon_IL6_IL6R"), ids.index("koff_IL6_IL6R")
    T = prob.theta(prob.x0 + [0.5, 0.0])[0]
    kd0 = prob.theta0[k_off] / prob.theta0[k_on]
    assert T[k_off] / T[k_on] == pytest.approx(kd0)
    assert T[k_on] == pytest.approx(10 ** 0.5 * prob.theta0[k_on])


def test_a_derived_synthesis_rate_moves_with_its_fitted_decay_rate(model, package_obs):
    """ksyn_EGLN1 is derived (resting PHD2 1 nM x kdeg_EGLN1): fitting the PHD2 half-life
    keeps that reference level, on which kdeg_HIF_PHD is scaled. ksyn_IL6R is an assumed
    rate of its own, so fitting kdeg_IL6R leaves it alone."""
    from cytonet.calibrate.joint import tied_parameters

    obs = [o for o in package_obs if o.id == "hif1a-peak-time-generic"]
    prob = JointProblem(model, obs, ["kdeg_EGLN1", "kdeg_IL6R"], JointSettings(workers=1))
    assert tied_parameters(model, ["kdeg_EGLN1", "kdeg_IL6R"]) == ["ksyn_EGLN1"]
    ids = list(model.interface.theta_ids)
    syn, deg = ids.index("ksyn_EGLN1"), ids.index("kdeg_EGLN1")
    T = prob.theta(prob.x0 + [0.3, 0.2])[0]
    assert T[deg] == pytest.approx(10 ** 0.3 * prob.theta0[deg])
    assert T[syn] / T[deg] == pytest.approx(prob.theta0[syn] / prob.theta0[deg])
    assert T[ids.index("ksyn_IL6R")] == prob.theta0[ids.index("ksyn_IL6R")]
    assert list(prob.tied_values(prob.x0 + [0.3, 0.2])) == ["ksyn_EGLN1"]


def test_rank_and_a_short_fit_lower_the_loss(model, package_obs):
    obs = [o for o in package_obs if o.id.startswith("drug-tocilizumab")]
    ranked = rank_parameters(model, obs, ["kon_IL6_IL6R", "kdeg_IL6R", "kdeg_LIFR"],
                             settings=JointSettings(workers=1))
    assert [p for p, _ in ranked][0] == "kon_IL6_IL6R"
    assert dict(ranked)["kdeg_LIFR"] < dict(ranked)["kon_IL6_IL6R"]
    prob = JointProblem(model, obs, [ranked[0][0]], JointSettings(workers=1))
    lines = []
    fit = fit_joint(prob, n_starts=1, max_iter=3, log=lines.append)
    assert fit.loss_best <= fit.loss_start + 1e-12
    # one progress line per fresh evaluation, numbered, the best loss never rising
    assert lines and lines[0].startswith("  evaluation 1: loss ")
    best = [float(ln.split("(best ")[1].split(")")[0]) for ln in lines if "(best " in ln]
    assert best == sorted(best, reverse=True) and best[-1] == pytest.approx(fit.loss_best, abs=1e-4)
    assert fit.n_members_solved > 0 and fit.starts[0]["n_fval"] >= 1
    assert np.all((fit.x_best >= prob.lb) & (fit.x_best <= prob.ub))


def test_a_spent_budget_stops_the_fit_and_keeps_the_best_point(model, package_obs):
    obs = [o for o in package_obs if o.id.startswith("drug-tocilizumab")]
    prob = JointProblem(model, obs, ["kon_IL6_IL6R"], JointSettings(workers=1))
    lines = []
    fit = fit_joint(prob, n_starts=2, max_iter=10, max_evaluations=2, log=lines.append)
    # two fresh evaluations, then the third stops the first start and skips the second
    assert fit.n_evaluations == 2 and fit.budget_spent == "2 evaluations"
    assert fit.n_members_solved == 2 * 2  # each evaluation: the point and one difference
    assert all("budget spent" in s["message"] for s in fit.starts)
    # the best point is the best of the losses logged, and it is a point that was evaluated
    losses = [float(ln.split("loss ")[1].split(" ")[0]) for ln in lines if "evaluation" in ln]
    assert fit.loss_best == pytest.approx(min(losses), abs=1e-4)
    assert fit.loss_best == pytest.approx(prob.loss(fit.x_best)[0], rel=1e-9)
    assert any(ln.startswith("    best x (log10): kon_IL6_IL6R=") for ln in lines)
    # a wall-clock budget of 0 s: only the default set is evaluated
    prob2 = JointProblem(model, obs, ["kon_IL6_IL6R"], JointSettings(workers=1))
    fit2 = fit_joint(prob2, n_starts=1, max_iter=10, budget_s=0.0)
    assert fit2.n_evaluations == 1 and fit2.budget_spent.startswith("0 s wall-clock")
    assert np.array_equal(fit2.x_best, prob2.x0) and fit2.loss_best == fit2.loss_start


class _MeasuredRate:
    """A data term: a measured value of one parameter, log-normal on the log10 scale."""

    def __init__(self, pid, value, sd_log10):
        self.param_ids, self.value, self.sd = [pid], value, sd_log10

    def __call__(self, values):
        return 0.5 * ((math.log10(values[self.param_ids[0]] / self.value)) / self.sd) ** 2


def test_data_terms_add_to_the_loss_and_its_gradient(model, package_obs):
    obs = [o for o in package_obs if o.id.startswith("drug-tocilizumab")]
    plain = JointProblem(model, obs, ["kon_IL6_IL6R"], JointSettings(workers=1))
    # the term reads the tied (derived) off-rate as well: it gets the member's full values
    k0 = model.network.parameters["koff_IL6_IL6R"].value
    term = _MeasuredRate("koff_IL6_IL6R", 10 * k0, 0.2)
    prob = JointProblem(model, obs, ["kon_IL6_IL6R"], JointSettings(workers=1), terms=[term])
    x1 = prob.x0 + 0.3
    assert prob.term_loss(x1)[0] == pytest.approx(0.5 * ((0.3 - 1) / 0.2) ** 2)
    assert prob.loss(x1)[0] == pytest.approx(plain.loss(x1)[0] + prob.term_loss(x1)[0])
    f, g = prob.value_and_grad(prob.x0)
    f0, g0 = plain.value_and_grad(plain.x0)
    h = prob.settings.fd_step
    dterm = (0.5 * ((h - 1) / 0.2) ** 2 - 0.5 * (1 / 0.2) ** 2) / h
    assert f == pytest.approx(f0 + 0.5 * (1 / 0.2) ** 2)
    assert g[0] == pytest.approx(g0[0] + dterm, rel=1e-6)
    assert plain.term_loss(x1)[0] == 0.0


def _calibrate_joint_script():
    """bench/calibrate_joint.py as a module (it is a script, not part of the package)."""
    import importlib.util

    script = Path(__file__).resolve().parents[2] / "bench" / "calibrate_joint.py"
    spec = importlib.util.spec_from_file_location("calibrate_joint", script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_calibrate_joint_refuses_a_bad_holdout_before_fitting(tmp_path):
    """bench/calibrate_joint.py reads its held-out files first: a wrong path ends the run
    in seconds with the file named, not after the fit's budget with the fit lost."""
    mod = _calibrate_joint_script()
    missing = tmp_path / "nope.yaml"
    with pytest.raises(SystemExit) as err:
        mod.main(["--no-sobotta", "--params", "kdeact_JAK", "--holdout", str(missing),
                  "--out", str(tmp_path / "out")])
    assert "nope.yaml" in str(err.value)
    assert not (tmp_path / "out" / "fit.json").exists()


def test_calibrate_joint_writes_a_set_that_loads_for_a_unit_yaml_cannot_leave_bare(tmp_path):
    """The written parameter set is read back by ``--parameter-file``: a unit such as ``%``
    (Km_O2_PHD) must come out quoted, or the fit's result is an unreadable file."""
    mod = _calibrate_joint_script()
    out = tmp_path / "out"
    assert mod.main(["--no-sobotta", "--params", "Km_O2_PHD", "--select",
                     "^hif1a-peak-time-generic$", "--starts", "1", "--workers", "1",
                     "--max-evaluations", "2", "--out", str(out), "--name", "km"]) == 0
    model = compile_model(parameter_set=out / "km.yaml")
    p = model.network.parameters["Km_O2_PHD"]
    assert p.unit == "%"
    assert p.provenance.kind == "fitted" and p.provenance.note.startswith("fitted: ")
