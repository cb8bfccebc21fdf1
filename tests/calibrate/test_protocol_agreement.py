"""One protocol: the PEtab export, its likelihood route and cytonet.run agree to 1e-6 on
every readout kind (active: under a drug too), at nominal and at moved parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

EXPERIMENTS = """\
il6_rapa:
  cell: hepatocyte
  stimuli: {IL6: 10 ng/mL}
  perturbations: [{drug: rapamycin, dose: 1 nM}]
il11_kd:
  cell: lung_cancer
  stimuli: {IL11: 20 ng/mL}
  perturbations: [{knockdown: IL11RA, efficiency: 0.5}]
lif_glc:
  cell: lung_cancer
  conditions: {glucose: 0.5 mM}
"""
READOUTS = ["phospho:STAT3", "active:MTOR", "mRNA:SOCS3", "protein:SOCS3", "nuclear:STAT3",
            "secreted:LIF", "free:IL6", "phenotype:proliferation"]
TIMES_S = [0.0, 600.0, 3600.0, 4 * 3600.0, 86400.0]
MOVED = {"kon_IL6_IL6R": 2.0, "kdeact_JAK": 0.5, "kdeg_SOCS3": 1.7}


@pytest.fixture(scope="module")
def problem(tmp_path_factory):
    from cytonet.calibrate.cytonet_problem import load_cytonet_problem
    from cytonet.calibrate.export import export_petab_files, load_experiment_file
    from cytonet.experiments.runner import run

    d = tmp_path_factory.mktemp("agree")
    (d / "experiments.yaml").write_text(EXPERIMENTS, encoding="utf-8")
    rows = []
    for name, exp in load_experiment_file(d / "experiments.yaml").items():
        df = run(exp, READOUTS, TIMES_S)
        rows += [{"experiment": name, "readout": r.readout, "time": f"{r.time_s:g} s",
                  "measurement": repr(r.value), "sd": "1"} for r in df.itertuples()]
    pd.DataFrame(rows).to_csv(d / "data.tsv", sep="\t", index=False)
    out = export_petab_files(d / "experiments.yaml", d / "data.tsv", d / "petab",
                             estimate=list(MOVED), scaling="none", name="agree")
    return load_cytonet_problem(out.yaml_path), pd.DataFrame(rows)


def test_exported_observables_carry_the_drug_activity_factor(problem):
    prob, _ = problem
    obs = pd.read_csv(prob.yaml_path.parent / "observables.tsv", sep="\t").set_index(
        "observableId")
    assert obs.loc["obs_active_MTOR", "observableFormula"].endswith("* act_MTOR)")
    assert "act_" not in obs.loc["obs_phospho_STAT3", "observableFormula"]


def test_petab_route_equals_cytonet_run_at_nominal_parameters(problem):
    prob, data = problem
    y, _ = prob.simulate()
    m = data["measurement"].astype(float).to_numpy()
    assert len(y) == len(m) == 3 * len(READOUTS) * len(TIMES_S)
    for ro in READOUTS:
        rows = (data["readout"] == ro).to_numpy()
        scale = max(np.abs(m[rows]).max(), 1e-30)
        np.testing.assert_allclose(y[rows], m[rows], rtol=1e-6, atol=1e-9 * scale, err_msg=ro)


def test_petab_route_equals_the_protocol_at_moved_parameters(problem):
    """The stimulus is a bolus in a dose species, so the exported conditions stay exact when
    the parameters move the autocrine level (they were an approximation before)."""
    from cytonet.calibrate.export import load_experiment_file
    from cytonet.experiments.plan import plan_requests
    from cytonet.experiments.runner import get_simulator
    from cytonet.experiments.types import Request

    prob, data = problem
    sim = get_simulator()
    iface = sim.model.interface
    theta = iface.theta_nominal.copy()
    for pid, f in MOVED.items():
        theta[iface.theta_ids.index(pid)] *= f
    x = np.log10([sim.model.network.parameters[p].value * MOVED[p] for p in prob.x_ids])
    y, _ = prob.simulate(x)
    exps = load_experiment_file(prob.yaml_path.parent.parent / "experiments.yaml")
    names = list(exps)
    from cytonet.experiments.runner import parse_readout
    ros = tuple(parse_readout(r, sim.model) for r in READOUTS)
    plan, arms, _ = plan_requests(sim.model, [Request(exps[n], ros, tuple(TIMES_S))
                                             for n in names])
    sol = sim.solve(plan, theta[None, :])
    assert sol.member_ok.all()
    nominal, _ = prob.simulate()
    for n, a in zip(names, arms, strict=True):
        for k, ro in enumerate(READOUTS):
            rows = ((data["experiment"] == n) & (data["readout"] == ro)).to_numpy()
            ours = sol.values[a][0, k]
            scale = max(np.abs(ours).max(), 1e-30)
            np.testing.assert_allclose(y[rows], ours, rtol=1e-6, atol=1e-9 * scale,
                                       err_msg=f"{n} {ro}")
    # the moved parameters did move the readouts
    assert np.max(np.abs(y - nominal) / (np.abs(nominal) + 1e-12)) > 0.05
