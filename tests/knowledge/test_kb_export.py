"""Export: GraphML, SIF and JSON open again in networkx with their attributes and flat
evidence columns; CX2 loads in ndex2 with every parallel edge; SBML-qual is libsbml-valid and
carries each edge's sign."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from cytonet.errors import InputError
from cytonet.knowledge.export import (
    FLAT_EDGE_COLUMNS,
    export_graph,
    signed_logical_model,
    to_cx2,
)
from cytonet.knowledge.query import to_networkx

PARALLEL = ("IL6ST", "JAK1", {"IL6ST-binds-JAK1", "IL6ST-activates-JAK1"})


def _flat_expected(data: dict) -> dict:
    """The flat columns written out from an edge's full evidence, by hand."""
    ev = data["evidence"]
    dois, pmids = [], []
    for e in ev:
        if e.get("doi") and e["doi"] not in dois:
            dois.append(e["doi"])
        if e.get("pmid") and e["pmid"] not in pmids:
            pmids.append(e["pmid"])
    return {"interaction": f"{data['sign']}_{data['mechanism']}", "doi": "; ".join(dois),
            "pmid": "; ".join(pmids), "evidence_text": " | ".join(e["text"] for e in ev)}


def _assert_flat_columns(edges, ref):
    """Every exported edge has the flat columns of its evidence (empty strings as absent)."""
    n = 0
    for u, v, k, want in ref.edges(keys=True, data=True):
        got = edges[(u, v, k)]
        expected = _flat_expected(want)
        assert {c: got.get(c, "") for c in FLAT_EDGE_COLUMNS} == expected, (u, v, k)
        n += 1
    assert n == ref.number_of_edges()


def test_graphml_round_trip_keeps_attributes(kb, tmp_path):
    path = export_graph(kb, tmp_path / "kb.graphml")
    g = nx.read_graphml(path, force_multigraph=True)
    ref = to_networkx(kb)
    assert set(g.nodes) == set(ref.nodes)
    assert g.number_of_edges() == ref.number_of_edges()
    node = g.nodes["IL6ST"]
    assert (node["kind"], node["uniprot"], node["label"]) == ("receptor", "P40189", "IL6ST")
    assert node["aliases"].split("; ") == list(ref.nodes["IL6ST"]["aliases"])
    e = g.edges["IL11", "IL11RA", "IL11-binds-IL11RA"]
    want = ref.edges["IL11", "IL11RA", "IL11-binds-IL11RA"]
    assert (e["sign"], e["mechanism"], e["id"], e["kind"]) == ("+", "binds", "IL11-binds-IL11RA",
                                                              "interaction")
    assert json.loads(e["evidence"]) == want["evidence"]
    drug = g.edges["ruxolitinib", "JAK1", "ruxolitinib-inhibits-JAK1"]
    assert drug["ic50_nM"] == pytest.approx(100.0)
    # the flat columns, for every edge (a three-source edge: three DOIs, three findings)
    _assert_flat_columns({(u, v, k): d for u, v, k, d in g.edges(keys=True, data=True)}, ref)
    il6 = g.edges["IL6", "IL6R", "IL6-binds-IL6R"]
    assert il6["interaction"] == "+_binds"
    assert il6["doi"].split("; ") == [x["doi"] for x in ref.edges["IL6", "IL6R",
                                                                  "IL6-binds-IL6R"]["evidence"]
                                      if x["doi"]]  # a PMID-only source adds no DOI
    assert len(il6["evidence_text"].split(" | ")) == 3
    u, v, keys = PARALLEL
    assert set(g[u][v]) == keys


def test_sif_lines(kb, tmp_path):
    path = export_graph(kb, tmp_path / "kb.sif")
    lines = path.read_text().splitlines()
    assert "IL11\t+_binds\tIL11RA" in lines
    assert "SOCS3\t-_inhibits\tIL6ST" in lines
    assert all(len(line.split("\t")) == 3 for line in lines)
    assert len(lines) == to_networkx(kb).number_of_edges()


def test_json_node_link_round_trip(kb, tmp_path):
    path = export_graph(kb, tmp_path / "graph.out", "json")
    g = nx.node_link_graph(json.loads(path.read_text()), edges="edges")
    assert g.is_multigraph() and g.is_directed()
    assert g.edges["IL11", "IL11RA", "IL11-binds-IL11RA"]["evidence"][0]["ref"]
    assert g.nodes["IL6ST"]["aliases"][0] == "gp130"
    ref = to_networkx(kb)
    assert g.number_of_edges() == ref.number_of_edges()
    _assert_flat_columns({(u, v, k): d for u, v, k, d in g.edges(keys=True, data=True)}, ref)
    # the full evidence is kept beside the flat columns
    assert g.edges["IL6", "IL6R", "IL6-binds-IL6R"]["evidence"] == \
        ref.edges["IL6", "IL6R", "IL6-binds-IL6R"]["evidence"]


def _cx2_edges(net) -> dict:
    """(source name, target name, edge id) -> attributes of a loaded CX2Network."""
    names = {i: n["v"]["name"] for i, n in net.get_nodes().items()}
    return {(names[e["s"]], names[e["t"]], e["v"]["id"]): e["v"]
            for e in net.get_edges().values()}


def test_cx2_loads_in_ndex2_with_every_parallel_edge(kb, tmp_path):
    cx2 = pytest.importorskip("ndex2.cx2", reason="the CX2 check needs ndex2 (pip install ndex2)")
    path = export_graph(kb, tmp_path / "kb.cx2")
    ref = to_networkx(kb)
    net = cx2.CX2Network()
    net.create_from_raw_cx2(str(path))  # ndex2's own reader
    assert len(net.get_nodes()) == ref.number_of_nodes()
    assert len(net.get_edges()) == ref.number_of_edges()  # parallel edges kept (132 in, 132 out)
    edges = _cx2_edges(net)
    assert len(edges) == ref.number_of_edges()
    _assert_flat_columns(edges, ref)
    u, v, keys = PARALLEL
    assert {k for (a, b, k) in edges if (a, b) == (u, v)} == keys
    nodes = {n["v"]["name"]: n["v"] for n in net.get_nodes().values()}
    assert nodes["IL6ST"]["uniprot"] == "P40189" and nodes["IL6ST"]["aliases"][0] == "gp130"
    assert nodes["IL6ST"]["full_name"] == ref.nodes["IL6ST"]["name"]
    assert json.loads(edges[("IL6", "IL6R", "IL6-binds-IL6R")]["evidence"]) == \
        ref.edges["IL6", "IL6R", "IL6-binds-IL6R"]["evidence"]
    assert net.get_declared_type("edges", "weight") == "double"
    # and back to networkx through ndex2's converter, still a multigraph with every edge
    g = cx2.CX2NetworkXFactory().get_graph(net)
    assert g.is_multigraph() and g.number_of_edges() == ref.number_of_edges()


def test_cx2_without_ndex2_says_what_to_install(kb, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ndex2.cx2", None)  # import fails as if not installed
    with pytest.raises(InputError, match=r"needs the ndex2 package: pip install 'ndex2"):
        to_cx2(to_networkx(kb))


def test_sbml_qual_is_valid_and_signs_every_edge(kb, tmp_path):
    libsbml = pytest.importorskip("libsbml")
    from cytonet.logical.io import load_sbml_qual, same_rules

    path = export_graph(kb, tmp_path / "kb.sbml")
    doc = libsbml.readSBMLFromFile(str(path))
    assert doc.getNumErrors() == 0
    assert doc.checkConsistency() == 0, [doc.getError(i).getMessage()
                                         for i in range(doc.getNumErrors())]
    qm = doc.getModel().getPlugin("qual")
    ref = to_networkx(kb)
    name = {qs.getId(): qs.getName() for qs in qm.getListOfQualitativeSpecies()}
    assert sorted(name.values()) == sorted(ref.nodes)  # drug names like BAY11-7082 kept
    sign_name = {libsbml.INPUT_SIGN_POSITIVE: "+", libsbml.INPUT_SIGN_NEGATIVE: "-",
                 libsbml.INPUT_SIGN_DUAL: "+-"}
    signed: dict[tuple[str, str], str] = {}
    realized: set[str] = set()
    for tr in qm.getListOfTransitions():
        (out,) = [name[o.getQualitativeSpecies()] for o in tr.getListOfOutputs()]
        realized |= set(tr.getName().removeprefix("realizes ").split())
        for inp in tr.getListOfInputs():
            signed[(name[inp.getQualitativeSpecies()], out)] = sign_name[inp.getSign()]
    want: dict[tuple[str, str], set[str]] = {}
    for u, v, d in ref.edges(data=True):
        want.setdefault((u, v), set()).add(d["sign"])
    assert signed == {k: "".join(sorted(s)) for k, s in want.items()}
    assert realized == {k for _u, _v, k in ref.edges(keys=True)}
    # the file reads back (cytonet's SBML-qual reader) as the same Boolean functions
    assert same_rules(signed_logical_model(ref), load_sbml_qual(path)) == []


def test_signed_structure_of_a_small_graph():
    g = nx.MultiDiGraph(name="toy")
    g.add_edge("A", "C", key="A-binds-C", sign="+", mechanism="binds")
    g.add_edge("A", "C", key="A-inhibits-C", sign="-", mechanism="inhibits")
    g.add_edge("B-1", "C", key="B-inhibits-C", sign="-", mechanism="inhibits")
    g.add_edge("D", "A", key="D-degrades-A", sign="-", mechanism="degrades")
    m = signed_logical_model(g)
    assert m.rules["C"].expr == "(A) & !(B_1)"
    assert dict(m.rules["C"].signs) == {"A": "dual", "B_1": "negative"}
    assert m.rules["A"].expr == "!(D)"  # inhibitors only: active unless inhibited
    assert m.rules["D"].expr == "D" and m.rules["B_1"].name == "B-1"  # inputs; names kept
    assert "in_C_A" in m.to_sbml_qual() and 'qual:sign="dual"' in m.to_sbml_qual()


def test_unknown_format(kb, tmp_path):
    with pytest.raises(InputError, match="expected a format among graphml, cx2, sif, json, "
                                         "sbml-qual, got 'dot'"):
        export_graph(kb, tmp_path / "kb.dot", "dot")
    with pytest.raises(InputError, match="got '.txt'"):
        export_graph(kb, tmp_path / "kb.txt")
