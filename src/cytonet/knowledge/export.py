"""Write the knowledge graph for other tools: GraphML (Cytoscape, yEd, networkx), CX2 (NDEx,
Cytoscape), SIF, JSON (networkx node-link) and SBML-qual (the signed structure as a logical
model: GINsim, CellCollective, bioLQM).

Every edge, in every format that has edge columns, carries the flat columns
:data:`FLAT_EDGE_COLUMNS`: ``interaction`` (``SIGN_MECHANISM``, as in the SIF's middle
column), ``doi``, ``pmid`` (distinct identifiers joined by ``'; '``) and ``evidence_text``
(the findings joined by ``' | '``), beside the full ``evidence`` (a list in JSON, JSON text
elsewhere). Parallel edges (two mechanisms between the same pair) are kept in every format.
"""

from __future__ import annotations

__all__ = ["FORMATS", "FLAT_EDGE_COLUMNS", "export_graph", "with_flat_columns",
           "to_graphml_ready", "to_cx2", "signed_logical_model", "write_sif"]

import json
from pathlib import Path

import networkx as nx

from ..errors import InputError, Problem
from .query import to_networkx
from .records import Knowledge

FORMATS = ("graphml", "cx2", "sif", "json", "sbml-qual")
#: the flat per-edge columns written beside the full ``evidence``
FLAT_EDGE_COLUMNS = ("interaction", "doi", "pmid", "evidence_text")
_SUFFIXES = {".graphml": "graphml", ".xml": "graphml", ".cx2": "cx2", ".sif": "sif",
             ".json": "json", ".sbml": "sbml-qual"}
_TEXT_SEP = " | "
_ID_SEP = "; "


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


def _interaction(data: dict) -> str:
    """The edge's interaction type, ``SIGN_MECHANISM`` (``+_binds``, ``-_inhibits``)."""
    return f"{data['sign']}_{data['mechanism']}"


def _flat(data: dict) -> dict[str, str]:
    ev = data.get("evidence") or []
    dois = dict.fromkeys(str(e["doi"]) for e in ev if e.get("doi"))
    pmids = dict.fromkeys(str(e["pmid"]) for e in ev if e.get("pmid"))
    return {"interaction": _interaction(data), "doi": _ID_SEP.join(dois),
            "pmid": _ID_SEP.join(pmids),
            "evidence_text": _TEXT_SEP.join(str(e["text"]) for e in ev if e.get("text"))}


def with_flat_columns(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` whose edges also carry :data:`FLAT_EDGE_COLUMNS`.

    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("IL6", "IL6R", key="IL6-binds-IL6R", sign="+", mechanism="binds",
    ...            evidence=[{"text": "IL-6 binds IL-6R.", "doi": "10.1/x", "pmid": "1"},
    ...                      {"text": "Kd 500 pM.", "doi": "10.1/x", "pmid": None}])
    'IL6-binds-IL6R'
    >>> d = with_flat_columns(g).edges["IL6", "IL6R", "IL6-binds-IL6R"]
    >>> d["interaction"], d["doi"], d["pmid"], d["evidence_text"]
    ('+_binds', '10.1/x', '1', 'IL-6 binds IL-6R. | Kd 500 pM.')
    """
    h = g.copy()
    for _u, _v, data in h.edges(data=True):
        data.update(_flat(data))
    return h


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


def to_cx2(g: nx.MultiDiGraph) -> list:
    """The graph as CX2 (NDEx / Cytoscape Exchange format 2) data, written by ndex2's
    :class:`~ndex2.cx2.CX2Network` (optional: ``pip install ndex2``).

    One CX2 edge per graph edge, parallel edges included. Nodes carry ``name`` (the symbol,
    which Cytoscape and NDEx label nodes by), ``full_name`` (the long name) and the other
    node attributes; edges carry ``interaction``, ``doi``, ``pmid``, ``evidence_text``,
    ``evidence`` (JSON text) and the other edge attributes. Lists of strings stay lists.
    """
    try:
        from ndex2.cx2 import CX2Network
    except ImportError as exc:
        raise InputError(Problem(
            "the CX2 export needs the ndex2 package: pip install 'ndex2>=3.9'",
            field="format")) from exc

    net = CX2Network()
    net.set_name(g.graph.get("name") or "cytonet knowledge")
    net.add_network_attribute("description", "Curated IL-6 family / IL-7 signalling graph "
                              "exported by cytonet; edges are signed interactions with evidence")
    ids: dict[str, int] = {}
    for n, data in g.nodes(data=True):
        attrs = {"name": str(n)}
        for k, v in data.items():
            attrs["full_name" if k == "name" else k] = _cx2_value(k, v)
        ids[n] = net.add_node(attributes={k: v for k, v in attrs.items() if v is not None})
    for u, v, data in with_flat_columns(g).edges(data=True):
        attrs = {k: _cx2_value(k, x) for k, x in data.items()}
        net.add_edge(source=ids[u], target=ids[v],
                     attributes={k: x for k, x in attrs.items() if x is not None})
    return net.to_cx2()


def _cx2_value(key: str, value):
    """A CX2 attribute value: scalars as they are, lists of strings as lists, an empty list
    or None left out, anything nested (evidence) as JSON text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple) and key != "evidence" and all(
            isinstance(x, str) for x in value):
        return list(value) or None
    return _scalar(key, value)


def signed_logical_model(g: nx.MultiDiGraph):
    """The graph's signed structure as a :class:`~cytonet.logical.model.LogicalModel`, for
    the SBML-qual writer: one node per graph node, one input per distinct source of a
    node's incoming edges, signed by those edges (``positive``, ``negative``, or ``dual``
    when edges of both signs join the same pair).

    The function of each node is the plain reading of a signed graph: active when any
    activator is and no inhibitor is (a node with inhibitors only is active unless
    inhibited; a node without incoming edges is an input). It is a structure export, not
    cytonet's logical model, whose rules also read the mechanisms (``cytonet logical
    export --sbml-qual``). Node ids are made valid SBML ids; each node's ``name`` is the
    symbol, each transition is named by the edge ids it realizes.
    """
    from ..logical.model import LogicalModel, Rule, sbml_id

    sid: dict[str, str] = {}
    for n in g.nodes:
        s = sbml_id(str(n))
        while s in sid.values():
            s += "_"
        sid[n] = s
    rules: dict[str, Rule] = {}
    for n in g.nodes:
        signs: dict[str, set[str]] = {}
        edge_ids = []
        for u, _v, k, data in g.in_edges(n, keys=True, data=True):
            signs.setdefault(sid[u], set()).add(data["sign"])
            edge_ids.append(str(k))
        node = sid[n]
        if not signs:
            rules[node] = Rule(node=node, expr=node, kind="input", entity=str(n), name=str(n),
                               note="no incoming edge")
            continue
        up = sorted(s for s, sg in signs.items() if "+" in sg)
        down = sorted(s for s, sg in signs.items() if sg == {"-"})
        parts = ([f"({' | '.join(up)})"] if up else []) + (
            [f"!({' | '.join(down)})"] if down else [])
        expr = " & ".join(parts)
        sign_of = {s: "dual" if len(sg) == 2 else "positive" if sg == {"+"} else "negative"
                   for s, sg in signs.items()}
        rules[node] = Rule(node=node, expr=expr, interactions=tuple(edge_ids), kind="activity",
                           entity=str(n), name=str(n), signs=tuple(sorted(sign_of.items())),
                           note="any activator and no inhibitor")
    return LogicalModel(rules=rules, name=g.graph.get("name") or "cytonet knowledge")


def write_sif(g: nx.MultiDiGraph, path: str | Path) -> None:
    """Simple Interaction Format: ``source<TAB>SIGN_MECHANISM<TAB>target``, one edge a line
    (the middle column is each edge's ``interaction``)."""
    lines = [f"{u}\t{_interaction(d)}\t{v}" for u, v, d in g.edges(data=True)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def export_graph(kb: Knowledge, path: str | Path, format: str | None = None, *,
                 drugs: bool = True) -> Path:
    """Write the graph of :func:`~cytonet.knowledge.query.to_networkx` to ``path``.

    ``format`` is one of :data:`FORMATS`: 'graphml', 'cx2' (:func:`to_cx2`), 'sif', 'json'
    (networkx node-link data) or 'sbml-qual' (the signed structure,
    :func:`signed_logical_model`); by default it follows the file suffix (``.graphml`` or
    ``.xml``, ``.cx2``, ``.sif``, ``.json``, ``.sbml``). Returns the path written.
    """
    p = Path(path)
    fmt = format or _SUFFIXES.get(p.suffix.lower())
    if fmt not in FORMATS:
        raise InputError(Problem(f"expected a format among {', '.join(FORMATS)}, got "
                                 f"{format or p.suffix or 'no suffix'!r}", field="format"))
    from ..outputs import check_output_file, write_atomic, write_text_atomic

    check_output_file(p, what="--out")
    g = to_networkx(kb, drugs=drugs)
    if fmt == "graphml":
        write_atomic(p, lambda f: nx.write_graphml(to_graphml_ready(with_flat_columns(g)), f))
    elif fmt == "cx2":
        write_text_atomic(p, json.dumps(to_cx2(g), indent=1, ensure_ascii=False) + "\n")
    elif fmt == "sif":
        write_atomic(p, lambda f: write_sif(g, f))
    elif fmt == "sbml-qual":
        write_text_atomic(p, signed_logical_model(g).to_sbml_qual())
    else:
        data = nx.node_link_data(with_flat_columns(g), edges="edges")
        write_text_atomic(p, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return p
