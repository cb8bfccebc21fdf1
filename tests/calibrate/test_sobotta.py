"""Sobotta 2017 (unmerged PEtab): located lint findings and the original model's llh."""

from __future__ import annotations

import pytest
from calibrate_helpers import SOBOTTA, require

from cytonet.errors import PetabError

pytestmark = pytest.mark.benchmarks


def test_sobotta_lint_finds_negative_times_and_missing_overrides():
    from cytonet.calibrate.lint import check_petab_problem

    with pytest.raises(PetabError) as info:
        check_petab_problem(require(SOBOTTA), libpetab=False)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 22
    assert sum("field 'time'" in m and "'-10.0'" in m for m in messages) == 20
    expected = "measurementData_Sobotta_Frontiers2017.tsv:1340: data row 1339: field "
    assert expected + "'observableParameters'" in messages[20]


def test_sobotta_original_model_llh_without_invalid_rows():
    from cytonet.calibrate.petab_problem import load_petab_problem

    problem = load_petab_problem(require(SOBOTTA), validate=True, drop_invalid=True)
    assert len(problem.dropped) == 22 and problem.n_data == 2200
    assert len(problem.x_ids) == 259
    ev = problem.evaluate()
    # regression values, see docs/sobotta2017.md (no official reference exists)
    assert ev.llh == pytest.approx(508.652, abs=1e-3)
    assert ev.chi2 == pytest.approx(4541.54, abs=0.01)
