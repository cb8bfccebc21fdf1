"""Every name the shared spec uses resolves, the same way everywhere."""

from __future__ import annotations

import pytest

from cytonet.errors import UnknownNameError
from cytonet.knowledge import default_catalog
from cytonet.knowledge.records import SPEC_CONDITIONS, SPEC_CONTEXTS, SPEC_PHENOTYPES, SPEC_STIMULI

# spec/experiments.md, section "Names": symbols, aliases and spelling variants.
SPEC_NAMES = {
    **{s: s for s in (
        "IL6", "LIF", "IL11", "IL7", "IL6R", "LIFR", "IL11RA", "IL7R", "IL2RG", "IL6ST", "JAK1",
        "JAK2", "JAK3", "TYK2", "STAT3", "STAT5A", "SOCS3", "PTPN11", "PIK3CA", "AKT1", "MTOR",
        "MAP2K1", "MAPK1", "RELA", "HIF1A", "EPAS1", "TP53", "ESR1", "EIF2AK3", "MMP9", "MMP12",
        "VEGFA", "BCL2", "MCL1", "CCND1", "IL1B", "sIL6R")},
    "gp130": "IL6ST", "ERK": "MAPK1", "MEK": "MAP2K1", "AKT": "AKT1", "PI3K": "PIK3CA",
    "NFKB": "RELA", "NF-kB": "RELA", "NF-κB": "RELA", "PERK": "EIF2AK3", "STAT5": "STAT5A",
    "SHP2": "PTPN11", "p53": "TP53", "HIF1a": "HIF1A", "HIF2a": "EPAS1", "mTOR": "MTOR",
    "mTORC1": "MTOR", "IL1b": "IL1B",
    # spelling variants
    "IL-6": "IL6", "il6": "IL6", "Il-6": "IL6", "IL-11": "IL11", "il-11": "IL11", "IL-7": "IL7",
    "GP130": "IL6ST", "gp-130": "IL6ST", "IL-1β": "IL1B", "HIF-1α": "HIF1A",
}
SPEC_DRUGS = ("ruxolitinib", "tofacitinib", "tocilizumab", "sgp130Fc", "LY294002", "MK2206",
              "rapamycin", "trametinib", "U0126", "stattic", "BAY11-7082", "GSK2606414",
              "anti-LIF", "anti-IL11")


@pytest.mark.parametrize("name, symbol", sorted(SPEC_NAMES.items()))
def test_spec_entity_name_resolves(name, symbol):
    assert default_catalog().resolve_entity(name) == symbol


@pytest.mark.parametrize("group, members", [("ERK", ("MAPK1", "MAPK3")),
                                            ("MEK", ("MAP2K1", "MAP2K2")),
                                            ("STAT5", ("STAT5A", "STAT5B"))])
def test_group_aliases_name_one_model_pool(group, members):
    cat = default_catalog()
    pool = cat.model_symbol(cat.resolve_entity(group))
    assert {cat.model_symbol(m) for m in members} == {pool}


@pytest.mark.parametrize("drug", SPEC_DRUGS)
def test_spec_drug_resolves(drug):
    assert default_catalog().drugs.resolve(drug) == drug


@pytest.mark.parametrize("name", SPEC_CONTEXTS)
def test_spec_context_resolves(name):
    assert default_catalog().contexts.resolve(name) == name


def test_spec_stimuli_conditions_phenotypes_resolve():
    cat = default_catalog()
    assert [cat.stimuli.resolve(s) for s in SPEC_STIMULI] == list(SPEC_STIMULI)
    assert [cat.conditions.resolve(c) for c in SPEC_CONDITIONS] == list(SPEC_CONDITIONS)
    assert [cat.phenotypes.resolve(p) for p in SPEC_PHENOTYPES] == list(SPEC_PHENOTYPES)
    assert cat.stimuli.resolve("IL-6") == "IL6" and cat.stimuli.resolve("soluble IL-6R") == "sIL6R"


def test_unknown_name_suggests_close_matches():
    with pytest.raises(UnknownNameError) as exc:
        default_catalog().resolve_entity("gp13")
    assert str(exc.value) == "unknown entity 'gp13'; did you mean IL6ST?"
