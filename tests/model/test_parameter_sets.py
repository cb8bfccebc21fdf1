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


def test_a_fitted_value_keeps_the_prior_its_fit_started_from():
    """A fitted parameter's prior is the one stated in parameters.yaml (the evidence before
    the fit), not a narrow band around the fit's own result; a parameter set's override
    keeps the curated prior, so an ensemble drawn from priors is the same for every set."""
    curated = P.load_parameters()
    fitted = [p for p in curated if p.provenance.kind == "fitted"]
    assert fitted
    for p in fitted:
        assert p.prior_median is not None and p.prior_sigma_log10 > 0, p.id
    iface = compile_model().interface
    p = next(p for p in fitted if p.id in iface.priors and p.value != p.prior_median)
    assert iface.priors[p.id].median == p.prior_median != p.value
    assert iface.priors[p.id].sigma_log10 == p.prior_sigma_log10
    assumed = next(p for p in curated if p.provenance.kind == "assumed" and p.id in iface.priors)
    assert iface.priors[assumed.id].median == assumed.value
    assert iface.priors[assumed.id].sigma_log10 == P.PRIOR_SIGMA_LOG10["assumed"]
    s = P.load_parameter_set("sobotta2017_hepatocyte", curated)
    moved = next(q for q in s if q.value != curated.value(q.id))
    assert P.prior_of(moved)[:2] == P.prior_of(curated.parameter(moved.id))[:2]


@pytest.mark.parametrize("prior, expected", [
    (None, "k_x: field 'prior': fitted value without its 'prior'"),
    ("{median: 0.1}", "k_x: field 'prior': expected a mapping {median, sigma_log10}"),
    ("{median: 0, sigma_log10: 1}", "k_x: field 'prior.median': expected a finite positive"),
    ("{median: 0.1, sigma_log10: .nan}", "k_x: field 'prior.sigma_log10': expected a finite"),
])
def test_a_bad_or_missing_prior_is_located(tmp_path, prior, expected):
    text = ("parameters:\n- id: k_x\n  value: 1.0\n  unit: 1/s\n  provenance: fitted\n"
            "  note: 'fitted: a test'\n")
    if prior is not None:
        text += f"  prior: {prior}\n"
    (tmp_path / "parameters.yaml").write_text(text)
    with pytest.raises(KnowledgeError) as err:
        P.load_parameters(tmp_path / "parameters.yaml")
    assert "parameters.yaml:" in str(err.value) and expected in str(err.value)
