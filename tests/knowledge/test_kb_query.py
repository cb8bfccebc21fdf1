"""Queries: the graph, one entity, the seed pathways explained with evidence, tables."""

from __future__ import annotations

import json

import pytest

from cytonet.errors import InputError, UnknownNameError
from cytonet.knowledge.query import (
    ENTITY_COLUMNS,
    INTERACTION_COLUMNS,
    entities_table,
    explain,
    interactions_table,
    show_entity,
    to_networkx,
)

SEED_IL11 = "10.1038/s41420-026-03163-2"


def _dois(edge) -> set[str]:
    return {ev["doi"] for ev in edge.evidence if ev["doi"]}


# --------------------------------------------------------------------------- graph
def test_graph_nodes_and_edges_carry_json_attributes(kb):
    g = to_networkx(kb)
    assert g.nodes["IL6ST"]["kind"] == "receptor" and "gp130" in g.nodes["IL6ST"]["aliases"]
    assert g.nodes["IL6ST"]["uniprot"] == "P40189"
    e = g.edges["IL11", "IL11RA", "IL11-binds-IL11RA"]
    assert (e["sign"], e["mechanism"], e["kind"]) == ("+", "binds", "interaction")
    assert {ev["doi"] for ev in e["evidence"]} >= {SEED_IL11}
    assert sum(1 for *_, d in g.edges(data=True) if d["kind"] == "interaction") == len(kb.interactions)
    json.dumps(dict(g.nodes(data=True)))
    json.dumps([d for *_, d in g.edges(data=True)])


def test_graph_phenotype_drivers_and_drugs(kb):
    g = to_networkx(kb)
    drives = g.edges["MMP12", "invasion", "MMP12-drives-invasion:protein:MMP12"]
    assert drives["mechanism"] == "drives" and drives["weight"] == pytest.approx(0.45)
    # alias readouts map to the model pool: phospho:ERK -> MAPK1
    assert g.has_edge("MAPK1", "proliferation")
    assert g.nodes["ruxolitinib"]["kind"] == "drug"
    assert g.edges["ruxolitinib", "JAK1", "ruxolitinib-inhibits-JAK1"]["kind"] == "drug"
    # a complex target gives one edge per part
    assert g.has_edge("sgp130Fc", "IL6") and g.has_edge("sgp130Fc", "sIL6R")
    plain = to_networkx(kb, drugs=False, drivers=False)
    assert "ruxolitinib" not in plain and not plain.has_edge("MMP12", "invasion")


# --------------------------------------------------------------------------- show
def test_show_entity_by_alias(kb):
    info = show_entity(kb, "gp130")
    assert info["symbol"] == "IL6ST" and "gp130" in info["aliases"]
    assert {"IL11RA-binds-IL6ST", "LIFR-binds-IL6ST"} <= {i["id"] for i in info["incoming"]}
    assert "IL6ST-activates-PIK3CA" in {i["id"] for i in info["outgoing"]}
    assert all(i["evidence"] for i in info["incoming"] + info["outgoing"])
    json.dumps(info)


def test_show_entity_drugs_phenotypes_contexts(kb):
    info = show_entity(kb, "JAK1")
    assert {d["drug"] for d in info["drugs"]} == {"ruxolitinib", "tofacitinib"}
    assert show_entity(kb, "ERK")["drives"][0]["phenotype"] == "proliferation"
    assert show_entity(kb, "IL6R")["contexts"]["lung_cancer"] == 0
    assert show_entity(kb, "MAPK3")["model_symbol"] == "MAPK1"


def test_show_unknown_entity(kb):
    with pytest.raises(UnknownNameError, match="unknown entity 'IL6RRR'; did you mean IL6R"):
        show_entity(kb, "IL6RRR")


# --------------------------------------------------------------------------- explain
def test_explain_il11_to_mmp12_through_the_seed_pathway(kb):
    paths = explain(kb, "IL-11", "MMP12")
    want = ("IL11", "IL11RA", "IL6ST", "PIK3CA", "AKT1", "RELA", "MMP12")
    assert paths[0].nodes == want
    assert paths[0].sign == 1 and paths[0].length == 6
    for e in paths[0].edges:
        assert SEED_IL11 in _dois(e), e.id
    assert paths[0].render() == ("[+] IL11 -(binds)-> IL11RA -(binds)-> IL6ST -(activates)-> "
                                 "PIK3CA -(phosphorylates)-> AKT1 -(activates)-> RELA "
                                 "-(transcribes)-> MMP12")
    assert [p.length for p in paths] == sorted(p.length for p in paths)
    assert all(p.sign == 1 for p in paths)


def test_explain_lif_to_stat3(kb):
    paths = explain(kb, "LIF", "STAT3")
    assert paths and all(p.sign == 1 for p in paths)
    assert paths[0].nodes[:3] == ("LIF", "LIFR", "IL6ST")
    assert {p.nodes[3] for p in paths if p.length == 4} == {"JAK1", "JAK2", "TYK2"}


def test_explain_il7_to_stat5_alias(kb):
    paths = explain(kb, "IL7", "STAT5")
    assert paths and {p.target for p in paths} == {"STAT5A"}
    assert any("JAK3" in p.nodes for p in paths) and any("JAK1" in p.nodes for p in paths)
    assert all(p.nodes[1] == "IL7R" for p in paths)


def test_explain_glucose_deprivation_to_lif(kb):
    paths = explain(kb, "glucose deprivation", "LIF")
    assert paths and all(p.source == "glucose" and p.source_phrase == "glucose deprivation"
                         for p in paths)
    # two arms: the UPR (ER stress -> PERK / MEK) and energy stress (AMPK -> p53)
    assert all("ER_stress" in p.nodes or "PRKAA1" in p.nodes for p in paths)
    assert {"EIF2AK3", "MAP2K1"} <= {n for p in paths if "ER_stress" in p.nodes for n in p.nodes}
    assert any(tuple(p.nodes[1:3]) == ("PRKAA1", "TP53")
               for p in paths)
    # glucose -| ER stress: less glucose raises LIF
    assert all(p.sign == 1 for p in paths)
    assert explain(kb, "glucose", "LIF")[0].sign == -1


def test_explain_hypoxia_to_lif_through_hif2a_not_hif1a(kb):
    paths = explain(kb, "hypoxia", "LIF")
    assert paths
    assert all("EPAS1" in p.nodes and "HIF1A" not in p.nodes for p in paths)
    assert all(p.sign == 1 for p in paths)
    assert paths[0].render().startswith("[+] hypoxia (low oxygen) -(activates)-> EGLN1")


def test_explain_il6_to_mmp9(kb):
    paths = explain(kb, "IL6", "MMP9")
    assert paths and all(p.sign == 1 for p in paths)
    assert paths[0].length == 5
    assert any("sIL6R" in p.nodes for p in paths)  # trans-signalling
    assert any("RELA" in p.nodes for p in paths) and any("STAT3" in p.nodes for p in paths)


def test_explain_sign_is_product_of_edge_signs(kb):
    for p in explain(kb, "AKT", "RELA"):
        prod = 1
        for e in p.edges:
            prod *= 1 if e.sign == "+" else -1
        assert prod == p.sign
    via_ikb = [p for p in explain(kb, "AKT", "RELA") if "NFKBIA" in p.nodes]
    assert via_ikb and via_ikb[0].sign == 1  # two inhibitions


def test_explain_limits_and_self_loops(kb):
    assert explain(kb, "IL11", "MMP12", max_length=5) == []
    assert explain(kb, "STAT3", "STAT3") == []  # the translocation self-loop is no path
    assert all(len(set(p.nodes)) == len(p.nodes) for p in explain(kb, "IL6", "LIF"))
    with pytest.raises(InputError, match="max_length"):
        explain(kb, "IL6", "LIF", max_length=0)


def test_explain_does_not_pass_through_drugs(kb):
    assert all(not any(e.mechanism == "sequesters" for e in p.edges)
               for p in explain(kb, "IL6", "IL6ST"))


def test_explain_unknown_name(kb):
    with pytest.raises(UnknownNameError, match="source: unknown entity 'IL-111'"):
        explain(kb, "IL-111", "MMP12")


def test_path_as_dict_is_json(kb):
    json.dumps(explain(kb, "hypoxia", "LIF")[0].as_dict())


# --------------------------------------------------------------------------- tables
def test_tables(kb):
    it = interactions_table(kb)
    assert tuple(it.columns) == INTERACTION_COLUMNS and len(it) == len(kb.interactions)
    row = it.set_index("id").loc["IL11-binds-IL11RA"]
    assert SEED_IL11 in row["dois"] and row["n_evidence"] >= 1
    en = entities_table(kb)
    assert tuple(en.columns) == ENTITY_COLUMNS and len(en) == len(kb.entities)
    assert "gp130" in en.set_index("symbol").loc["IL6ST", "aliases"]
