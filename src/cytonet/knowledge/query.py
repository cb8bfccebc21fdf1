"""Questions to the knowledge base: the graph, one entity, signed paths, tables.

Names go through the :class:`~cytonet.knowledge.load.Catalog`, so aliases and spelling
variants work (``gp130``, ``IL-11``, ``NFKB``). Two culture conditions are usually named
by what is missing rather than by the entity: see :data:`CONDITION_PHRASES`.

>>> from cytonet.knowledge import load_knowledge
>>> kb = load_knowledge()
>>> path = explain(kb, "IL-11", "MMP12")[0]
>>> path.render()
'[+] IL11 -(binds)-> IL11RA -(binds)-> IL6ST -(activates)-> PIK3CA -(phosphorylates)-> AKT1 -(activates)-> RELA -(transcribes)-> MMP12'
"""

from __future__ import annotations

__all__ = [
    "CONDITION_PHRASES", "PathEdge", "Path", "to_networkx", "show_entity", "explain",
    "resolve_endpoint", "interactions_table", "entities_table",
    "INTERACTION_COLUMNS", "ENTITY_COLUMNS",
]

from dataclasses import dataclass

import networkx as nx
import pandas as pd

from ..errors import InputError, Problem
from .load import Catalog
from .names import normalise_name
from .records import Evidence, Interaction, Knowledge

# Phrases for a culture condition that name its *absence*: phrase -> (entity, sign).
# ``explain("hypoxia", X)`` follows paths from ``oxygen`` and multiplies their sign by -1,
# so a printed '+' means "hypoxia raises X". They live here, not as aliases in the data,
# because an alias cannot carry the sign flip.
CONDITION_PHRASES: dict[str, tuple[str, int]] = {
    "hypoxia": ("oxygen", -1),
    "low oxygen": ("oxygen", -1),
    "glucose deprivation": ("glucose", -1),
    "glucose starvation": ("glucose", -1),
    "low glucose": ("glucose", -1),
}
_PHRASES = {normalise_name(k): (k, *v) for k, v in CONDITION_PHRASES.items()}

# Edge kinds in the graph.
INTERACTION, DRIVER, DRUG = "interaction", "phenotype_driver", "drug"

INTERACTION_COLUMNS = ("id", "source", "target", "sign", "mechanism", "context", "n_evidence",
                       "refs", "dois", "pmids")
ENTITY_COLUMNS = ("symbol", "name", "kind", "uniprot", "aliases", "mw_kda", "lumped_into",
                  "form_of")


# --------------------------------------------------------------------------- graph
def _interaction_attrs(it: Interaction) -> dict:
    return {"id": it.id, "kind": INTERACTION, "sign": it.sign, "mechanism": it.mechanism,
            "evidence": [e.as_dict() for e in it.evidence], "context": list(it.context)}


def _driver_entity(catalog: Catalog, readout: str) -> str | None:
    _, _, name = readout.partition(":")
    ids = catalog.entities.lookup(name)
    return catalog.model_symbol(next(iter(ids))) if len(ids) == 1 else None


def to_networkx(kb: Knowledge, *, drivers: bool = True, drugs: bool = True) -> nx.MultiDiGraph:
    """The knowledge base as a signed multigraph; every attribute is JSON-able.

    Nodes are entities (``kind``, ``name``, ``uniprot``, ``aliases``, ``lumped_into``) and,
    with ``drugs``, drugs (``kind='drug'``). Edges, keyed by id, are interactions
    (``kind='interaction'``, ``sign``, ``mechanism``, ``evidence``, ``context``), phenotype
    drivers (``kind='phenotype_driver'``, mechanism ``drives``, ``readout``, ``weight``) and
    drug -> target edges (``kind='drug'``; a complex target ``A:B`` gives one edge per part).
    """
    g = nx.MultiDiGraph(name="cytonet knowledge")
    for e in kb.entities.values():
        g.add_node(e.symbol, kind=e.kind, name=e.name, uniprot=e.uniprot,
                   aliases=list(e.aliases), lumped_into=e.lumped_into, mw_kda=e.mw_kda)
    for it in kb.interactions:
        g.add_edge(it.source, it.target, key=it.id, **_interaction_attrs(it))
    if drivers:
        catalog = Catalog(kb)
        for ph in kb.phenotypes.values():
            for drv in ph.drivers:
                ent = _driver_entity(catalog, drv.readout)
                if ent is None:
                    continue
                key = f"{ent}-{drv.effect}-{ph.id}:{drv.readout}"
                g.add_edge(ent, ph.id, key=key, id=key, kind=DRIVER,
                           sign="+" if drv.effect == "drives" else "-", mechanism=drv.effect,
                           readout=drv.readout, weight=drv.weight,
                           K_nM=drv.K_nM, evidence=[drv.evidence.as_dict()], context=[])
    if drugs:
        for d in kb.drugs.values():
            g.add_node(d.name, kind="drug", name=d.name, uniprot=None, aliases=list(d.aliases),
                       lumped_into=None, mw_kda=d.mw_kda, mechanism=d.mechanism)
            mech = "sequesters" if d.is_sequestering else "inhibits"
            for t in d.targets:
                for part in t.target.split(":"):
                    key = f"{d.name}-{mech}-{t.target}" + (f"/{part}" if ":" in t.target else "")
                    ev = Evidence(ref=t.ref, text=t.note, source=t.source)
                    g.add_edge(d.name, part, key=key, id=key, kind=DRUG, sign="-",
                               mechanism=mech, target_complex=t.target, ic50_nM=t.ic50_nM,
                               kd_nM=t.kd_nM, evidence=[ev.as_dict()], context=[])
    return g


# --------------------------------------------------------------------------- one entity
def _interaction_dict(it: Interaction) -> dict:
    return {"id": it.id, "source": it.source, "target": it.target, "sign": it.sign,
            "mechanism": it.mechanism, "context": list(it.context),
            "evidence": [e.as_dict() for e in it.evidence]}


def show_entity(kb: Knowledge, name: str) -> dict:
    """Everything the knowledge base says about one entity (any alias or spelling).

    Keys: ``symbol``, ``name``, ``kind``, ``uniprot``, ``aliases``, ``mw_kda``,
    ``lumped_into``, ``model_symbol``, ``incoming``/``outgoing`` (interactions with
    evidence), ``drugs`` (drugs that target it), ``drives`` (phenotypes it drives) and
    ``contexts`` (expression level per context where it is not 1).
    UnknownNameError (with close matches) when the name resolves to nothing.
    """
    catalog = Catalog(kb)
    sym = catalog.resolve_entity(name)
    e = kb.entities[sym]
    drugs = [{"drug": d.name, "mechanism": d.mechanism, "target": t.target, "ic50_nM": t.ic50_nM,
              "kd_nM": t.kd_nM, "ref": t.ref}
             for d in kb.drugs.values() for t in d.targets if sym in t.target.split(":")]
    drives = [{"phenotype": ph.id, "readout": drv.readout, "weight": drv.weight,
               "evidence": drv.evidence.as_dict()}
              for ph in kb.phenotypes.values() for drv in ph.drivers
              if _driver_entity(catalog, drv.readout) == catalog.model_symbol(sym)]
    return {
        "symbol": e.symbol, "name": e.name, "kind": e.kind, "uniprot": e.uniprot,
        "aliases": list(e.aliases), "mw_kda": e.mw_kda, "lumped_into": e.lumped_into,
        "model_symbol": catalog.model_symbol(sym), "query": name,
        "incoming": [_interaction_dict(it) for it in kb.interactions if it.target == sym],
        "outgoing": [_interaction_dict(it) for it in kb.interactions if it.source == sym],
        "drugs": drugs, "drives": drives,
        "contexts": {c.id: c.expression[sym] for c in kb.contexts.values() if sym in c.expression},
    }


# --------------------------------------------------------------------------- paths
@dataclass(frozen=True)
class PathEdge:
    """One step of a path: an interaction (or phenotype driver) with its evidence."""

    id: str
    source: str
    target: str
    sign: str
    mechanism: str
    evidence: tuple[dict, ...]

    def render(self) -> str:
        arrow = "->" if self.sign == "+" else "-|"
        return f"-({self.mechanism}){arrow} {self.target}"


@dataclass(frozen=True)
class Path:
    """A simple signed path; ``sign`` is the product of edge signs times any phrase flip."""

    source: str
    target: str
    edges: tuple[PathEdge, ...]
    sign: int
    source_phrase: str | None = None
    target_phrase: str | None = None

    @property
    def length(self) -> int:
        return len(self.edges)

    @property
    def nodes(self) -> tuple[str, ...]:
        return (self.source, *(e.target for e in self.edges))

    @property
    def sign_symbol(self) -> str:
        return "+" if self.sign > 0 else "-"

    def render(self) -> str:
        """``[+] IL11 -(binds)-> IL11RA ...``; an inhibiting step is drawn ``-(inhibits)-|``."""
        start = self.source_phrase or self.source
        if self.source_phrase:
            start = f"{self.source_phrase} (low {self.source})"
        return f"[{self.sign_symbol}] {start} " + " ".join(e.render() for e in self.edges)

    def as_dict(self) -> dict:
        return {"source": self.source, "target": self.target, "sign": self.sign_symbol,
                "length": self.length, "nodes": list(self.nodes),
                "source_phrase": self.source_phrase, "target_phrase": self.target_phrase,
                "edges": [{"id": e.id, "source": e.source, "target": e.target, "sign": e.sign,
                           "mechanism": e.mechanism, "evidence": list(e.evidence)}
                          for e in self.edges]}


def resolve_endpoint(kb: Knowledge, name: str, *, catalog: Catalog | None = None,
                     role: str = "source") -> tuple[str, int, str | None]:
    """(entity, sign, phrase): an entity name, or a condition phrase such as 'hypoxia'."""
    hit = _PHRASES.get(normalise_name(name)) if isinstance(name, str) else None
    if hit is not None:
        phrase, ent, sign = hit
        return ent, sign, phrase
    catalog = catalog or Catalog(kb)
    return catalog.resolve_entity(name, where=Problem("", item=role)), 1, None


def explain(kb: Knowledge, source: str, target: str, max_length: int = 8) -> list[Path]:
    """Every simple signed path from ``source`` to ``target`` with at most ``max_length`` edges.

    Paths follow interactions and phenotype-driver edges (not drugs); self-loops
    (translocation, secretion) are left out. A path's sign is the product of its edge
    signs, flipped for a condition phrase (:data:`CONDITION_PHRASES`). Paths come sorted
    by length, then by the nodes they pass. Unknown names raise UnknownNameError.
    """
    if not isinstance(max_length, int) or max_length < 1:
        raise InputError(Problem(f"expected a positive whole number, got {max_length!r}",
                                 field="max_length"))
    catalog = Catalog(kb)
    src, src_sign, src_phrase = resolve_endpoint(kb, source, catalog=catalog, role="source")
    tgt, tgt_sign, tgt_phrase = resolve_endpoint(kb, target, catalog=catalog, role="target")
    g = to_networkx(kb, drugs=False)
    g.remove_edges_from([(u, v, k) for u, v, k in g.edges(keys=True) if u == v])
    if src == tgt:
        return []
    paths = []
    for edge_path in nx.all_simple_edge_paths(g, src, tgt, cutoff=max_length):
        edges = []
        sign = src_sign * tgt_sign
        for u, v, k in edge_path:
            a = g.edges[u, v, k]
            sign *= 1 if a["sign"] == "+" else -1
            edges.append(PathEdge(id=a["id"], source=u, target=v, sign=a["sign"],
                                  mechanism=a["mechanism"], evidence=tuple(a["evidence"])))
        paths.append(Path(source=src, target=tgt, edges=tuple(edges), sign=sign,
                          source_phrase=src_phrase, target_phrase=tgt_phrase))
    paths.sort(key=lambda p: (p.length, p.nodes, tuple(e.id for e in p.edges)))
    return paths


# --------------------------------------------------------------------------- tables
def interactions_table(kb: Knowledge) -> pd.DataFrame:
    """One row per interaction; columns :data:`INTERACTION_COLUMNS` (lists joined by '; ')."""
    rows = []
    for it in kb.interactions:
        src = [e.source for e in it.evidence if e.source]
        rows.append({
            "id": it.id, "source": it.source, "target": it.target, "sign": it.sign,
            "mechanism": it.mechanism, "context": "; ".join(it.context),
            "n_evidence": len(it.evidence), "refs": "; ".join(e.ref for e in it.evidence),
            "dois": "; ".join(s.doi for s in src if s.doi),
            "pmids": "; ".join(s.pmid for s in src if s.pmid),
        })
    return pd.DataFrame(rows, columns=list(INTERACTION_COLUMNS))


def entities_table(kb: Knowledge) -> pd.DataFrame:
    """One row per entity; columns :data:`ENTITY_COLUMNS` (aliases joined by '; ')."""
    rows = [{"symbol": e.symbol, "name": e.name, "kind": e.kind, "uniprot": e.uniprot,
             "aliases": "; ".join(e.aliases), "mw_kda": e.mw_kda, "lumped_into": e.lumped_into,
             "form_of": e.form_of} for e in kb.entities.values()]
    return pd.DataFrame(rows, columns=list(ENTITY_COLUMNS))
