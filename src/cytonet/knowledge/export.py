"""Write the knowledge graph for other tools: GraphML (Cytoscape, yEd, networkx), SIF, JSON."""

from __future__ import annotations

__all__ = ["FORMATS", "export_graph", "to_graphml_ready", "write_sif"]

import json
from pathlib import Path

import networkx as nx

from ..errors import InputError, Problem
from .query import to_networkx
from .records import Knowledge

FORMATS = ("graphml", "sif", "json")
_SUFFIXES = {".graphml": "graphml", ".xml": "graphml", ".sif": "sif", ".json": "json"}


def _scalar(key: str, value):
    """A GraphML-safe value: lists of scalars joined by '; ', anything nested as JSON text."""
    if isinstance(value, bool | int | float | str):
        return value
    if key == "evidence" or (isinstance(value, list | tuple | dict)
                             and any(isinstance(v, dict | list) for v in
                                     (value.values() if isinstance(value, dict) else value))):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def to_graphml_ready(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are strings or numbers; None is left out.

    ``evidence`` becomes a JSON string (a list of {ref, text, doi, pmid, ...}); other lists
    (``aliases``, ``context``) are joined by '; '. Nodes get a ``label`` (the symbol) for
    Cytoscape, which otherwise labels nodes by the ``name`` column (the long name).
    """
    h = nx.MultiDiGraph(name=g.graph.get("name", ""))
    for n, data in g.nodes(data=True):
        h.add_node(n, label=str(n),
                   **{k: _scalar(k, v) for k, v in data.items() if v is not None})
    for u, v, k, data in g.edges(keys=True, data=True):
        h.add_edge(u, v, key=k, **{a: _scalar(a, x) for a, x in data.items() if x is not None})
    return h


def write_sif(g: nx.MultiDiGraph, path: str | Path) -> None:
    """Simple Interaction Format: ``source<TAB>SIGN_MECHANISM<TAB>target``, one edge a line."""
    lines = [f"{u}\t{d['sign']}_{d['mechanism']}\t{v}" for u, v, d in g.edges(data=True)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def export_graph(kb: Knowledge, path: str | Path, format: str | None = None, *,
                 drugs: bool = True) -> Path:
    """Write the graph of :func:`~cytonet.knowledge.query.to_networkx` to ``path``.

    ``format`` is 'graphml', 'sif' or 'json' (networkx node-link data); by default it
    follows the file suffix. Returns the path written.
    """
    p = Path(path)
    fmt = format or _SUFFIXES.get(p.suffix.lower())
    if fmt not in FORMATS:
        raise InputError(Problem(f"expected a format among {', '.join(FORMATS)}, got "
                                 f"{format or p.suffix or 'no suffix'!r}", field="format"))
    from ..outputs import check_output_file, write_atomic

    check_output_file(p, what="--out")
    g = to_networkx(kb, drugs=drugs)
    if fmt == "graphml":
        write_atomic(p, lambda f: nx.write_graphml(to_graphml_ready(g), f))
    elif fmt == "sif":
        write_atomic(p, lambda f: write_sif(g, f))
    else:
        data = nx.node_link_data(g, edges="edges")
        write_atomic(p, lambda f: Path(f).write_text(
            json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"))
    return p
