"""Binding kinetics of sequestering drugs: valency, kon, koff = kon x Kd and what was
measured are read from drugs.yaml, and each malformed field is one located problem."""

from __future__ import annotations

import pytest

from cytonet.knowledge.load import read_knowledge


def _problems(data) -> list[str]:
    return [str(p) for p in read_knowledge(data.dir)[1]]


def _has(messages: list[str], expected: str) -> None:
    assert any(m.startswith(expected) for m in messages), "expected\n  " + expected + \
        "\namong\n  " + "\n  ".join(messages)


def test_shipped_kinetics_are_per_drug_and_consistent(kb):
    toci = kb.drugs["tocilizumab"]
    assert toci.valency == 2 and kb.drugs["sgp130Fc"].valency == 2
    for d in kb.drugs.values():
        if not d.is_sequestering:
            assert d.valency is None
            assert all(t.kon_per_M_s is None for t in d.targets)
            continue
        for t in d.targets:
            assert t.koff_per_s == pytest.approx(t.kon_per_M_s * t.kd_nM * 1e-9, rel=0.02)
            assert t.kinetics_note
    sil6r = next(t for t in toci.targets if t.target == "sIL6R")
    assert sil6r.kd_nM == pytest.approx(2.54) and sil6r.measured == ("kd",)


def test_kon_that_is_not_a_number(data):
    line = data.edit("drugs", "kon_per_M_s: 1.0e6", "kon_per_M_s: fast",
                     after="- name: tocilizumab")
    _has(_problems(data), data.where("drugs", line) + "tocilizumab: field 'kon_per_M_s': "
         "expected a positive association rate in /M/s (e.g. 1.0e6), got 'fast'")


def test_negative_koff(data):
    line = data.edit("drugs", "koff_per_s: 5.0e-5", "koff_per_s: -5.0e-5")
    _has(_problems(data), data.where("drugs", line) + "sgp130Fc: field 'koff_per_s': expected "
         "a positive dissociation rate in /s (e.g. 2.5e-3), got -5e-05")


def test_koff_inconsistent_with_kon_and_kd(data):
    line = data.edit("drugs", "koff_per_s: 2.54e-3", "koff_per_s: 1.0e-2")
    _has(_problems(data), data.where("drugs", line) + "tocilizumab: field 'koff_per_s': "
         "koff_per_s 0.01 /s is not kon x Kd = 1e+06 /M/s x 2.54 nM = 0.00254 /s (tolerance "
         "2%); correct koff, kon or kd so that koff = kon x Kd")


def test_missing_kon(data):
    data.edit("drugs", "      kon_per_M_s: 1.0e6\n", "", after="- name: anti-LIF")
    line = data.line_of("drugs", "- target: LIF")  # the target's own line
    _has(_problems(data), data.where("drugs", line) + "anti-LIF: field 'kon_per_M_s': missing "
         "required field; give the association rate per binding site in /M/s (e.g. 1.0e6), and "
         "say in 'kinetics_note' where it comes from")


def test_measured_names_unknown_quantity(data):
    line = data.edit("drugs", "measured: []", "measured: [IC50]", after="- name: anti-IL11")
    _has(_problems(data), data.where("drugs", line) + "anti-IL11: field 'measured': expected a "
         "list drawn from 'kd', 'kon', 'koff' (what the source measured), got ['IC50']")


def test_unmeasured_kon_needs_a_kinetics_note(data):
    path = data.path("drugs")
    text = path.read_text(encoding="utf-8")
    start = text.index("kinetics_note:", text.index("- name: anti-IL11"))
    path.write_text(text[:start] + 'kinetics_note: ""' + text[text.index("\n", start):],
                    encoding="utf-8")
    line = text.count("\n", 0, start) + 1
    _has(_problems(data), data.where("drugs", line) + "anti-IL11: field 'kinetics_note': kon "
         "is not measured: say in 'kinetics_note' where it comes from (assumed, with the reason)")


@pytest.mark.parametrize("value, shown", [("two", "'two'"), ("0", "0"), ("1.5", "1.5")])
def test_valency_must_be_a_positive_integer(data, value, shown):
    line = data.edit("drugs", "valency: 2", f"valency: {value}", after="- name: sgp130Fc")
    _has(_problems(data), data.where("drugs", line) + "sgp130Fc: field 'valency': expected the "
         f"number of binding sites per molecule as a positive integer, got {shown}")


def test_sequestering_drug_without_valency(data):
    data.edit("drugs", "  valency: 2\n", "", after="- name: anti-LIF")
    line = data.line_of("drugs", "- name: anti-LIF")
    _has(_problems(data), data.where("drugs", line) + "anti-LIF: field 'valency': missing "
         "required field; give the binding sites per molecule (2 for an IgG or a dimeric Fc "
         "fusion)")


def test_inhibitor_with_binding_kinetics(data):
    line = data.edit("drugs", "{target: MTOR, ic50: 0.05 nM,", "{target: MTOR, ic50: 0.05 nM, "
                     "kon_per_M_s: 1.0e6,")
    _has(_problems(data), data.where("drugs", line) + "rapamycin: field 'kon_per_M_s': binding "
         "kinetics apply to neutralizing antibodies and ligand traps only, not to an inhibitor "
         "(allosteric), which acts through 'ic50'")
