"""Adopting a fitted parameter set as the default (cytonet.calibrate.adopt)."""

from __future__ import annotations

import shutil

import pytest

from cytonet.calibrate.adopt import adopt_parameter_set
from cytonet.compile.parameters import PRIOR_SIGMA_LOG10, load_parameters
from cytonet.errors import CytonetError
from cytonet.knowledge.load import DATA_DIR

SET = """\
name: joint_map
base: curated
parameters:
- id: kon_IL6_IL6R
  value: 0.0031234567
  unit: 1/(nM*s)
  provenance: fitted
  note: "fitted: anchors.yaml (MAP); prior: assumed: default width, median 0.001, sigma_log10 1"
- id: koff_IL6_IL6R
  value: 0.0031234567
  unit: 1/s
  provenance: derived
  note: "moves with its fitted on-rate so that the measured Kd is kept"
"""


@pytest.fixture
def files(tmp_path):
    params = tmp_path / "parameters.yaml"
    shutil.copy(DATA_DIR / "parameters.yaml", params)
    set_file = tmp_path / "joint_map.yaml"
    set_file.write_text(SET)
    return set_file, params


def test_adopt_rewrites_only_the_fitted_entries(files):
    set_file, params = files
    before = load_parameters(params)
    text_before = params.read_text()
    assert adopt_parameter_set(set_file, params, describe="a test fit (2026-12-07)") == [
        "kon_IL6_IL6R", "koff_IL6_IL6R"]
    after = load_parameters(params)
    kon = after.parameter("kon_IL6_IL6R")
    assert kon.value == pytest.approx(0.00312346)  # 6 significant digits
    assert kon.provenance.kind == "fitted"
    assert kon.provenance.ref == before.parameter("kon_IL6_IL6R").provenance.ref
    note = kon.provenance.note
    assert note.startswith("fitted: a test fit (2026-12-07); prior: assumed: default width")
    old = before.parameter("kon_IL6_IL6R")
    assert f"(was assumed, {old.value:g}: " in note
    assert old.provenance.note.removeprefix("assumed: ") in note
    # the prior the fit started from stays on record: the replaced value, its kind's width
    assert (kon.prior_median, kon.prior_sigma_log10) == pytest.approx(
        (old.value, PRIOR_SIGMA_LOG10[old.provenance.kind]))
    koff = after.parameter("koff_IL6_IL6R")
    assert koff.provenance.kind == "derived" and koff.value == pytest.approx(0.00312346)
    assert koff.provenance.note == "moves with its fitted on-rate so that the measured Kd is kept"
    for p in before:
        if p.id not in ("kon_IL6_IL6R", "koff_IL6_IL6R"):
            q = after.parameter(p.id)
            assert (q.value, q.unit, q.provenance) == (p.value, p.unit, p.provenance), p.id
    text_after = params.read_text()
    assert text_after.split("parameters:")[0] == text_before.split("parameters:")[0]
    # one entry gained its three-line prior mapping; nothing else moved
    assert len(text_after.splitlines()) == len(text_before.splitlines()) + 3


@pytest.mark.parametrize("old, new, expected", [
    ("id: kon_IL6_IL6R", "id: kon_NOPE", ["joint_map.yaml", "kon_NOPE", "field 'id'"]),
    ("unit: 1/(nM*s)", "unit: 1/s", ["joint_map.yaml", "kon_IL6_IL6R", "field 'unit'"]),
    ("value: 0.0031234567", "value: -1", ["joint_map.yaml", "nothing written",
                                          "parameters.yaml:", "kon_IL6_IL6R", "field 'value'"]),
])
def test_adopt_refuses_a_bad_entry_and_writes_nothing(files, old, new, expected):
    set_file, params = files
    set_file.write_text(SET.replace(old, new))
    before = params.read_bytes()
    with pytest.raises(CytonetError) as err:
        adopt_parameter_set(set_file, params)
    for part in expected:
        assert part in str(err.value)
    assert params.read_bytes() == before
    assert {p.name for p in params.parent.iterdir()} == {"parameters.yaml", "joint_map.yaml"}


def test_adopting_a_refit_keeps_the_first_prior(files):
    """A value fitted twice keeps the prior of the evidence, not of the first fit."""
    set_file, params = files
    adopt_parameter_set(set_file, params)
    first = load_parameters(params).parameter("kon_IL6_IL6R")
    set_file.write_text(SET.replace("0.0031234567", "0.0042"))
    adopt_parameter_set(set_file, params)
    again = load_parameters(params).parameter("kon_IL6_IL6R")
    assert again.value == pytest.approx(0.0042) != first.value
    assert (again.prior_median, again.prior_sigma_log10) == (first.prior_median,
                                                             first.prior_sigma_log10)
