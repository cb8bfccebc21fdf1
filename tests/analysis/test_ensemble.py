"""Ensembles: failed members are kept with reasons, batches resume, backends agree."""

from __future__ import annotations

import numpy as np
import pytest

from cytonet.analysis.ensemble import BatchStore, draw_members, run_ensemble, run_members
from cytonet.experiments.parse import parse_experiment, parse_readout
from cytonet.experiments.plan import plan_requests
from cytonet.experiments.types import Request
from cytonet.simulate.protocol import Status

EXP = {"cell": "lung_cancer", "stimuli": {"IL11": "20 ng/mL"}}
TIMES = (0.0, 1800.0, 3600.0)


@pytest.fixture(scope="module")
def model():
    from cytonet.experiments.runner import get_simulator
    return get_simulator().model


@pytest.fixture(scope="module")
def setup(model):
    exp = parse_experiment(EXP, catalog=model.catalog)
    ros = (parse_readout("phospho:STAT3", catalog=model.catalog),
           parse_readout("mRNA:MMP12", catalog=model.catalog))
    plan, arms, errors = plan_requests(model, [Request(exp, ros, TIMES)])
    assert not errors
    return exp, ros, plan


def test_members_from_jitter_priors_and_sets(model):
    iface = model.interface
    t1, _ = draw_members(model, 5, source="jitter", sigma=0.3, seed=1)
    t2, _ = draw_members(model, 5, source="jitter", sigma=0.3, seed=1)
    np.testing.assert_array_equal(t1, t2)  # seeded
    ratio = np.log(t1 / iface.theta_nominal)
    assert 0.15 < ratio.std() < 0.45
    tp, _ = draw_members(model, 200, source="priors", seed=0)
    j = iface.theta_ids.index("kdeg_ligand_medium")  # assumed: one decade of prior width
    assert np.log10(tp[:, j] / iface.theta_nominal[j]).std() == pytest.approx(
        iface.priors["kdeg_ligand_medium"].sigma_log10, rel=0.2)
    ts, labels = draw_members(model, 0, source="sets", parameter_sets=["sobotta2017_hepatocyte"])
    assert labels == ["sobotta2017_hepatocyte"] and ts.shape == (1, len(iface.theta_ids))
    assert not np.allclose(ts[0], iface.theta_nominal)


def test_one_member_at_nominal_equals_the_runner(model, setup):
    from cytonet.experiments.runner import get_simulator
    exp, ros, plan = setup
    sol = run_members(plan, model.interface.theta_nominal[None, :], workers=1)
    direct = get_simulator().simulate(exp, ros, TIMES)
    # the two paths reach the resting state by different Newton sequences (each converged
    # to 1e-10 of the state), and CVODE's adaptive steps from states that far apart agree
    # to its own tolerance (rtol 1e-8), not to the last digit: 5.6e-8 at 1 h was measured
    # with the hypoxia fit's parameters (2026-12-07), 3e-13 before it. A wrong parameter
    # or state on either path differs by orders of magnitude more than 1e-6. The resting
    # state itself (t = 0) agrees to the Newton tolerance
    for k, ro in enumerate(ros):
        np.testing.assert_allclose(sol.values[0][0, k][:1], direct[ro][:1], rtol=1e-10)
        np.testing.assert_allclose(sol.values[0][0, k], direct[ro], rtol=1e-6)


def test_failed_members_are_listed_and_the_others_kept(model, setup):
    exp, ros, plan = setup
    theta, labels = draw_members(model, 6, source="jitter", sigma=0.1, seed=3)
    bad = [1, 4]
    theta[bad, 0] = np.nan  # an impossible member: no steady state
    res = run_ensemble(model, {"il11": exp}, ros, TIMES, theta, members=labels, workers=1)
    assert sorted(res.failures["member"]) == sorted(labels[i] for i in bad)
    assert set(res.failures["status"]) == {"STEADY_STATE_FAILED"}
    assert all("no steady state" in r for r in res.failures["reason"])
    assert set(res.table["member"]) == {labels[i] for i in range(6) if i not in bad}
    q = res.quantiles()
    assert (q["n_members"] == 4).all() and (q["q05"] <= q["q50"]).all()
    assert (q["q50"] <= q["q95"]).all()
    da = res.to_xarray()
    assert da.sizes["member"] == 4 and da.attrs["units"]["phospho:STAT3"] == "nM"


def test_a_rerun_resumes_from_the_saved_batches(model, setup, tmp_path):
    _, _, plan = setup
    theta, _ = draw_members(model, 6, source="jitter", sigma=0.2, seed=5)
    first = run_members(plan, theta, batch_size=2, workers=1, out_dir=tmp_path)
    store = BatchStore(tmp_path, plan, theta, 2)
    assert [store.has(k) for k in range(3)] == [True, True, True]
    # a killed run: the last batch never written; a torn temporary file left behind
    store.path(2).unlink()
    (store.dir / ".batch_00002.123.tmp.npz").write_bytes(b"torn")
    ran = []
    again = run_members(plan, theta, batch_size=2, workers=1, out_dir=tmp_path,
                        on_batch=lambda k, sol: ran.append(k))
    assert ran == [2]  # only the missing batch was simulated
    np.testing.assert_allclose(again.values[0], first.values[0], rtol=1e-12)
    assert (again.status == Status.OK).all()


def test_process_pool_and_dask_give_the_serial_values(model, setup):
    pytest.importorskip("dask.distributed")
    _, _, plan = setup
    theta, _ = draw_members(model, 4, source="jitter", sigma=0.2, seed=9)
    serial = run_members(plan, theta, batch_size=2, workers=1)
    pool = run_members(plan, theta, batch_size=2, workers=2)
    dask = run_members(plan, theta, batch_size=2, workers=2, scheduler="local")
    for other in (pool, dask):
        np.testing.assert_allclose(other.values[0], serial.values[0], rtol=1e-9)
        np.testing.assert_array_equal(other.status, serial.status)


def test_cli_ensemble_writes_table_bands_and_failures(tmp_path):
    from cytonet.cli import main
    f = tmp_path / "q.yaml"
    f.write_text("experiments:\n  ctrl: {cell: lung_cancer, stimuli: {IL11: 20 ng/mL}}\n"
                 "  kd:\n    cell: lung_cancer\n    stimuli: {IL11: 20 ng/mL}\n"
                 "    perturbations: [{knockdown: IL11RA}]\n", encoding="utf-8")
    out = tmp_path / "ens"
    rc = main(["ensemble", str(f), "--members", "3", "--jitter", "0.2", "--readouts",
               "mRNA:MMP12", "--until", "2 h", "--points", "3", "--out", str(out),
               "--workers", "1"])
    assert rc == 0
    import pandas as pd
    table = pd.read_parquet(out / "members.parquet")
    assert set(table.columns) >= {"member", "experiment", "readout", "time_s", "value"}
    assert len(table) == 3 * 2 * 3
    q = pd.read_csv(out / "quantiles.csv")
    kd = q[(q.experiment == "kd") & (q.time_s == 7200)].q50.item()
    ctrl = q[(q.experiment == "ctrl") & (q.time_s == 7200)].q50.item()
    assert kd < ctrl  # IL11RA silencing lowers IL-11-driven MMP12 in every band
    assert (out / "bands.png").stat().st_size > 1000
    assert (out / "failures.csv").is_file()
