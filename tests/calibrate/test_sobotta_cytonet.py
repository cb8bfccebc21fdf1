"""Sobotta 2017 part (b): the data mapped onto cytonet's hepatocyte IL-6 module loads and scores."""

from __future__ import annotations

import math

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
