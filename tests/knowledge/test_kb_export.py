"""Export: GraphML, SIF and JSON open again in networkx with their attributes."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from cytonet.errors import InputError
from cytonet.knowledge.export import export_graph
from cytonet.knowledge.query import to_networkx


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


def test_unknown_format(kb, tmp_path):
    with pytest.raises(InputError, match="expected a format among graphml, sif, json, got 'dot'"):
        export_graph(kb, tmp_path / "kb.dot", "dot")
    with pytest.raises(InputError, match="got '.txt'"):
        export_graph(kb, tmp_path / "kb.txt")
