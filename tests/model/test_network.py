"""The compiled network cites the knowledge base: interactions, units, provenance, sources."""

from __future__ import annotations

from cytonet.compile.parameters import PROVENANCE_KINDS


def test_every_reaction_realizes_known_interactions(model):
    known = {it.id for it in model.catalog.kb.interactions}
    unknown = {(r.id, iid) for r in model.network.reactions for iid in r.realizes
               if iid not in known}
    assert not unknown, f"reactions cite interactions missing from interactions.yaml: {sorted(unknown)}"


def test_some_reactions_realize_interactions(model):
    # the check above would pass vacuously on a network that cites nothing
    cited = [r for r in model.network.reactions if r.realizes]
    assert len(cited) > len(model.network.reactions) / 5


def test_every_parameter_has_unit_and_provenance_kind(model):
    bad = [(p.id, p.unit, p.provenance.kind) for p in model.network.parameters.values()
           if not p.unit or p.provenance.kind not in PROVENANCE_KINDS]
    assert not bad


def test_literature_parameters_cite_known_sources(model):
    sources = model.catalog.kb.sources
    lit = [p for p in model.network.parameters.values() if p.provenance.kind == "literature"]
    assert lit, "no literature parameters at all"
    missing = [(p.id, p.provenance.ref) for p in lit if p.provenance.ref not in sources]
    assert not missing, f"refs absent from sources.yaml: {missing}"


def test_assumed_parameters_give_a_reason(model):
    silent = [p.id for p in model.network.parameters.values()
              if p.provenance.kind == "assumed" and not p.provenance.note.strip()]
    assert not silent


def test_rate_laws_name_only_known_symbols(model):
    import re
    net = model.network
    known = set(net.species) | set(net.parameters) | {r.variable for r in net.rules}
    ident = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
    bad = {(r.id, name) for r in net.reactions for name in ident.findall(r.rate)
           if name not in known}
    assert not bad
