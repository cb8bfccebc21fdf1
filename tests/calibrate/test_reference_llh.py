"""Log-likelihoods of PEtab benchmark problems at nominal parameters match AMICI's references."""

from __future__ import annotations

import pytest
from calibrate_helpers import BACHMANN, read_reference_llh, require

pytestmark = pytest.mark.benchmarks


def test_boehm_llh_matches_amici_reference(boehm_problem):
    ev = boehm_problem.evaluate()
    assert ev.status == "ok"
    assert ev.llh == pytest.approx(read_reference_llh("Boehm_JProteomeRes2014"), abs=1e-3)
    # README of the benchmark copy: chi2 recomputed from simulatedData is 47.98
    assert ev.chi2 == pytest.approx(47.98, abs=0.01)
    assert boehm_problem.n_data == 48 and len(boehm_problem.x_ids) == 9


def test_bachmann_llh_matches_amici_reference():
    from cytonet.calibrate.petab_problem import load_petab_problem

    problem = load_petab_problem(require(BACHMANN), validate=False)
    ev = problem.evaluate()
    assert ev.llh == pytest.approx(read_reference_llh("Bachmann_MSB2011"), abs=1e-3)
    assert problem.n_data == 541 and len(problem.x_ids) == 113
    assert len(problem.experiment_keys) == 36


def test_simulation_table_has_one_row_per_measurement(boehm_problem):
    table = boehm_problem.simulation_table()
    assert len(table) == 48
    assert "simulation" in table.columns and table["simulation"].notna().all()
