"""Multi-start fitting of Boehm through pyPESTO: short default test, full acceptance run marked slow."""

from __future__ import annotations

import json
import multiprocessing
import pickle

import numpy as np
import pytest

pytestmark = pytest.mark.benchmarks


def test_short_fit_improves_llh_and_saves_results(boehm_problem, tmp_path):
    from cytonet.calibrate.fit import fit, plot_fit, save_fit_result

    result = fit(boehm_problem, n_starts=2, n_workers=1, seed=3, max_iter=15, progress=False)
    assert result.n_starts == 2 and len(result.starts) == 2
    best_start = max(s.llh_start for s in result.starts)
    assert result.best_llh > best_start + 10  # far better than any start point
    assert result.trace_llh and result.trace_llh[-1] == pytest.approx(result.best_llh)
    assert np.all(np.diff(result.trace_llh) >= 0)  # best-so-far trace
    lb, ub = boehm_problem.lb, boehm_problem.ub
    assert np.all((np.array(result.best_x) >= lb - 1e-9) & (np.array(result.best_x) <= ub + 1e-9))
    paths = save_fit_result(result, tmp_path) + plot_fit(boehm_problem, result.best_x, tmp_path)
    saved = json.loads((tmp_path / "fit_result.json").read_text())
    assert saved["best_llh"] == pytest.approx(result.best_llh)
    assert set(saved["best_parameters"]) == set(boehm_problem.x_ids)
    assert (tmp_path / "starts.csv").read_text().count("\n") == 3
    assert sorted(p.name for p in paths if p.suffix == ".png") == [
        "fit_pSTAT5A_rel.png",
        "fit_pSTAT5B_rel.png",
        "fit_rSTAT5A_rel.png",
    ]


def test_least_squares_optimizer_runs(boehm_problem):
    from cytonet.calibrate.fit import fit

    result = fit(boehm_problem, n_starts=1, seed=3, optimizer="scipy", max_iter=10, progress=False)
    assert result.best_llh > result.starts[0].llh_start


@pytest.mark.slow
def test_objective_llh_in_spawned_process(boehm_problem):
    from calibrate_helpers import llh_in_child

    from cytonet.calibrate.objective import PetabObjective

    obj = PetabObjective(boehm_problem)
    x = boehm_problem.sample_startpoints(1, seed=1)[0]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        child = pool.apply(llh_in_child, (pickle.dumps(obj), x))
    assert child == pytest.approx(obj.llh(x), rel=1e-12)


@pytest.mark.slow
def test_boehm_acceptance_fit_reaches_reference(boehm_problem):
    """Acceptance: from random starts within bounds, reach llh >= -138.23 within 10 minutes."""
    from cytonet.calibrate.fit import fit

    result = fit(boehm_problem, n_starts=20, n_workers=2, seed=0, max_iter=300, progress=False)
    print(
        f"Boehm fit: best llh {result.best_llh:.4f}, {result.n_starts} starts, "
        f"{result.wall_time_s:.1f} s wall"
    )
    assert result.best_llh >= -138.23
    assert result.wall_time_s < 600
