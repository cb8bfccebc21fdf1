"""Named alternative parameter sets: loaded on top of the curated values, with provenance."""

from __future__ import annotations

import pytest

from cytonet.compile import compile_model
from cytonet.compile import parameters as P
from cytonet.errors import KnowledgeError, UnknownNameError


def test_shipped_sets_override_curated_values_with_fitted_provenance():
    curated = P.load_parameters()
    names = P.available_parameter_sets()
    assert "sobotta2017_hepatocyte" in names
    fitted = P.load_parameter_set("sobotta2017_hepatocyte", curated)
    changed = [p.id for p in fitted if p.value != curated.value(p.id)]
    assert changed  # the set moves something
    for pid in changed:
        prov = fitted.parameter(pid).provenance
        assert prov.kind == "fitted" and "10.3389/fphys.2017.00775" in prov.note
    # everything else is the curated parameter, untouched
    same = [p for p in fitted if p.id not in changed]
    assert all(p.provenance == curated.parameter(p.id).provenance for p in same)


def test_compiled_model_carries_the_set_values():
    fitted = P.load_parameter_set("sobotta2017_hepatocyte")
    model = compile_model(parameter_set="sobotta2017_hepatocyte")
    base = compile_model()
    pid = next(p.id for p in fitted if p.value != base.parameters.value(p.id))
    assert model.network.parameters[pid].value == fitted.value(pid)
    assert model.network.parameters[pid].value != base.network.parameters[pid].value
    assert f'id="{pid}"' in model.sbml


def test_unknown_set_lists_the_available_ones():
    with pytest.raises(UnknownNameError, match="unknown parameter set 'nope'; available: .*sobotta"):
        P.load_parameter_set("nope")


def test_override_of_unknown_parameter_is_located(tmp_path, monkeypatch):
    (tmp_path / "bad.yaml").write_text(
        "name: bad\nparameters:\n- id: k_made_up\n  value: 1.0\n  unit: 1/s\n"
        "  provenance: fitted\n  note: x\n")
    monkeypatch.setattr(P, "PARAMETER_SET_DIR", tmp_path)
    with pytest.raises(KnowledgeError, match=r"bad\.yaml:3: k_made_up: field 'id': override of "
                                              r"unknown parameter 'k_made_up'"):
        P.load_parameter_set("bad")
