"""Compile the curated knowledge graph into a logical model (docs/logical.md).

Rules come from the interactions' signs and mechanisms, never from a finding:

- one activity node per curated entity (lumped entities join their pool); an entity that
  is transcribed gets an ``_mRNA`` node (delayed activation by its transcription factors);
  an induced product (gene product, ligand, or an entity with a ``translates`` edge) is an
  amount that follows its mRNA (AND its translation regulators); a ``secretes`` self-edge adds
  a ``_secreted`` node (delayed); a produced ligand's medium node is ``added | secreted``;
- ``binds`` onto a receptor or signalling protein: the bound (active) form needs its partner
  (a complex needs all of its parts: the target node stands for the complex, its presence is
  fixed by the context or a perturbation); ``binds`` onto a soluble ligand makes a complex
  node ``A_B = A & B`` that the ligand's own downstream edges use;
- activators are OR-ed, except that a substrate phosphorylated only by receptor-associated
  kinases (the JAKs of one receptor complex) needs all of them; inhibitors and degraders are AND NOT; a node with inhibitors only is
  constitutively active unless inhibited; an inhibitor that is itself removed by a negative
  phosphorylation (IkB-like) is basally present and its removal is the target's switch
  (``!inhibitor``; a direct activator of the released factor modulates it and is noted);
- a negative self-loop, and a two-node negative loop without a delay (the target activates
  its own inhibitor directly), attenuate rather than switch: they are recorded on the rule
  (``note``) and left out of its logic, since a Boolean switch cannot express attenuation;
  delayed negative feedback (through transcription) is kept;
- a promoter follows the curated roles of its transcription factors (``promoter`` in
  interactions.yaml, read by the ODE compiler too): factors acting alone are OR-ed, ``joint``
  factors form one AND term, an ``enhancer`` (it scales output) is noted, not a switch;
- conditions (glucose, oxygen, mannose, estradiol) and stimuli are input nodes;
- phenotypes combine their drivers' nodes: ``any`` -> OR, ``all`` -> AND, ``groups`` -> AND
  over groups of OR; a restraining driver (a brake) is AND NOT.
"""

from __future__ import annotations

__all__ = ["compile_logical", "CONDITION_NORMAL", "RATES"]

from collections import defaultdict

from ..knowledge import Knowledge, load_knowledge
from .model import LogicalModel, Rule

#: normal-culture levels of the spec's conditions (glucose mM, oxygen %, mannose mM, estradiol nM)
CONDITION_NORMAL = {"glucose": 25.0, "oxygen": 21.0, "mannose": 0.0, "estradiol": 0.0}

#: MaBoSS rates per hour (up, down) by node kind: signalling in minutes, expression in
#: tens of minutes to hours (the delays of transcription, translation and secretion)
RATES = {"activity": (12.0, 12.0), "complex": (12.0, 12.0), "medium": (12.0, 12.0),
         "input": (0.0, 0.0), "mRNA": (4.0, 2.0), "protein": (2.0, 1.0),
         "secreted": (1.0, 0.1)}

ACTIVATING = {"binds", "phosphorylates", "dephosphorylates", "activates", "translocates",
              "translates"}
NEGATIVE = {"inhibits", "degrades", "sequesters"}
INDUCED_KINDS = {"gene product", "ligand"}


def _pool(kb: Knowledge, symbol: str) -> str:
    e = kb.entities.get(symbol)
    return e.lumped_into if e is not None and e.lumped_into else symbol


def compile_logical(kb: Knowledge | None = None) -> LogicalModel:
    """The logical model of ``kb`` (default: the curated knowledge base)."""
    kb = kb if kb is not None else load_knowledge()
    ents = {s: e for s, e in kb.entities.items() if not e.lumped_into and e.kind != "phenotype"}
    edges = [(it, _pool(kb, it.source), _pool(kb, it.target)) for it in kb.interactions]
    incoming: dict[str, list] = defaultdict(list)
    for it, s, t in edges:
        incoming[t].append((it, s))

    transcribed = {t for it, _s, t in edges if it.mechanism == "transcribes"}
    translated = {t for it, _s, t in edges if it.mechanism == "translates"}
    secreted = {t for it, s, t in edges if it.mechanism == "secretes" and s == t}
    removed_by_phospho = {t for it, _s, t in edges
                          if it.mechanism == "phosphorylates" and it.sign == "-"}
    induced = {s for s in transcribed
               if ents[s].kind in INDUCED_KINDS or s in translated} - removed_by_phospho
    # a ligand that binds a soluble partner (sIL6R) forms a complex node
    complex_of: dict[str, str] = {}
    rules: dict[str, Rule] = {}
    nodes_of: dict[str, dict[str, str]] = defaultdict(dict)
    initial: dict[str, int] = {}

    def add(node, expr, kind, entity, iids=(), note="", rates=None):
        up, down = rates if rates is not None else RATES[kind]
        rules[node] = Rule(node=node, expr=expr, interactions=tuple(iids), kind=kind,
                           entity=entity, rate_up=up, rate_down=down, note=note)

    for it, s, t in edges:
        if it.mechanism == "binds" and ents.get(t) is not None and ents[t].kind == "ligand" \
                and s != t:
            complex_of[t] = f"{s}_{t}"

    def active(sym: str) -> str:
        """The node that a downstream edge of ``sym`` reads."""
        if sym in complex_of:
            return complex_of[sym]
        return sym

    activates_target: dict[str, set[str]] = defaultdict(set)  # target -> its direct activators
    for it, s, t in edges:
        if it.sign == "+" and it.mechanism in ACTIVATING and s != t:
            activates_target[t].add(s)

    # kinases whose every activator is a receptor chain (the JAKs)
    receptor_kinases = {
        t for t in ents if ents[t].kind == "kinase" and incoming.get(t)
        and all(ents.get(s) is not None and ents[s].kind == "receptor"
                for it, s in incoming[t] if it.sign == "+")}

    for sym, ent in ents.items():
        inc = incoming.get(sym, [])
        used: list[str] = []
        notes: list[str] = []
        # ---- expression: mRNA, amount, secretion
        tfs = [(it, s) for it, s in inc if it.mechanism == "transcribes"]
        if tfs:
            # the promoter logic the ODE model reads too (Knowledge.promoter_roles): inputs
            # that act alone are OR-ed, ``joint`` inputs form one AND term, an enhancer
            # scales output and cannot switch a Boolean promoter (recorded in the note)
            terms = sorted({active(s) for it, s in tfs if it.promoter is None})
            joint = sorted({active(s) for it, s in tfs if it.promoter == "joint"})
            if joint:
                terms.append(f"({' & '.join(joint)})" if len(joint) > 1 else joint[0])
            mnotes = [f"{it.id}: an enhancer scales the promoter's output, not expressed as a "
                      f"switch" for it, _s in tfs if it.promoter == "enhancer"]
            add(f"{sym}_mRNA", " | ".join(terms) if terms else "0", "mRNA", sym,
                [it.id for it, _s in tfs if it.promoter != "enhancer"], note="; ".join(mnotes))
            nodes_of[sym]["mRNA"] = f"{sym}_mRNA"
        trl = [(it, s) for it, s in inc if it.mechanism == "translates"]
        pos = [(it, s) for it, s in inc if it.sign == "+" and it.mechanism in ACTIVATING
               and s != sym and not (sym in complex_of and it.mechanism == "binds")]
        neg = [(it, s) for it, s in inc if it.sign == "-" and s != sym]
        selfneg = [it for it, s in inc if it.sign == "-" and s == sym]
        for it in selfneg:
            notes.append(f"{it.id}: negative self-loop attenuates, not expressed as a switch")
        kept_neg = []
        for it, s in neg:
            if it.mechanism == "phosphorylates" and sym in removed_by_phospho:
                kept_neg.append((it, s))
                continue
            if s in activates_target.get(sym, set()) or sym in activates_target.get(s, set()):
                # T activates its own inhibitor directly (no transcription delay): attenuation
                notes.append(f"{it.id}: undelayed negative feedback ({sym} activates {s}) "
                             f"attenuates, not expressed as a switch")
                continue
            kept_neg.append((it, s))
        release = [(it, s) for it, s in kept_neg if s in removed_by_phospho]
        block = [(it, s) for it, s in kept_neg if s not in removed_by_phospho]
        self_pos = [it for it, s in inc if s == sym and it.sign == "+"]
        used += [it.id for it in self_pos if it.mechanism == "translocates"]

        if ent.kind == "condition":
            add(sym, sym, "input", sym, note="culture condition (input)")
            initial[sym] = int(CONDITION_NORMAL.get(sym, 0.0) > 0)
            nodes_of[sym]["activity"] = sym
            continue

        if sym in induced:
            base = f"{sym}_mRNA"
            if trl:
                base = f"{base} & ({' | '.join(sorted({active(s) for _it, s in trl}))})"
                used += [it.id for it, _s in trl]
            acts = [(it, s) for it, s in pos if it.mechanism not in ("binds", "translates")]
            if acts:
                base = f"({base}) | {' | '.join(sorted({active(s) for _it, s in acts}))}"
                used += [it.id for it, _s in acts]
            amount = f"{sym}_protein" if ent.kind == "ligand" else sym
            expr = base
            if block:
                expr = f"({expr}) & !({' | '.join(sorted({active(s) for _it, s in block}))})"
                used += [it.id for it, _s in block]
            add(amount, expr, "protein", sym, used, "; ".join(notes))
            nodes_of[sym]["protein"] = amount
            if sym in secreted:
                sid = [it.id for it, s in inc if s == sym and it.mechanism == "secretes"]
                add(f"{sym}_secreted", amount, "secreted", sym, sid)
                nodes_of[sym]["secreted"] = f"{sym}_secreted"
            if ent.kind == "ligand":
                if sym in secreted:
                    add(f"{sym}_added", f"{sym}_added", "input", sym, note="stimulus (input)")
                    add(sym, f"{sym}_added | {sym}_secreted", "medium", sym,
                        note="ligand in the medium: added or secreted by the cells")
                else:
                    add(f"{sym}_added", f"{sym}_added", "input", sym, note="stimulus (input)")
                    add(sym, f"{sym}_added | {amount}", "medium", sym)
                nodes_of[sym]["medium"] = sym
                nodes_of[sym]["activity"] = sym
            else:
                nodes_of[sym]["activity"] = sym
                nodes_of[sym].setdefault("medium", nodes_of[sym].get("secreted", sym))
            continue

        # ---- activity of a constitutively present protein (or a stimulus ligand)
        for it, _s in tfs:
            notes.append(f"{it.id}: induction of a constitutively present protein does not "
                         f"switch its activity")
        acts = sorted({active(s) for _it, s in pos})
        used += [it.id for it, _s in pos]
        joint = len(acts) > 1 and all(
            it.mechanism == "phosphorylates" and s in receptor_kinases for it, s in pos)
        if not acts and not kept_neg:
            if ent.kind == "ligand":
                add(sym, sym, "input", sym, used, note="stimulus (input)")
                nodes_of[sym]["medium"] = sym
            else:
                add(sym, sym, "input", sym, used,
                    note="no curated regulator: an input (off unless an experiment sets it)")
            nodes_of[sym]["activity"] = sym
            if sym in complex_of:
                partners = sorted({s for it, s, t in edges if t == sym and it.mechanism == "binds"})
                cid = [it.id for it, s, t in edges if t == sym and it.mechanism == "binds"]
                add(complex_of[sym], " & ".join([sym] + partners), "complex", sym, cid,
                    note="complex: needs all of its parts")
            continue
        terms = []
        if release and acts:
            # a factor held by an inhibitor that signals remove (IkB-like) is switched by its
            # release; a direct activator modulates the released factor, it is no switch
            for it, _s in pos:
                held = ", ".join(sorted({r for _i, r in release}))
                notes.append(f"{it.id}: modulates the factor once {held} releases it; "
                             f"the release is the switch")
                used.remove(it.id)
            acts = []
        if acts:
            # kinases recruited to the receptor complexes act as one complex: a substrate
            # that only receptor-associated kinases phosphorylate needs all of them
            terms.append(" & ".join(acts) if joint else " | ".join(acts))
            if joint:
                notes.append("phosphorylated by receptor-associated kinases only: they act "
                             "together (the receptor complex needs all of its parts)")
        if release:
            terms.append("!(" + " | ".join(sorted({s for _it, s in release})) + ")")
            used += [it.id for it, _s in release]
        if terms:
            expr = " | ".join(terms) if len(terms) == 1 else " | ".join(f"({t})" for t in terms)
        else:
            expr = "1"
        if block:
            blockers = " | ".join(sorted({active(s) for _it, s in block}))
            expr = f"!({blockers})" if expr == "1" else f"({expr}) & !({blockers})"
            used += [it.id for it, _s in block]
        if sym in removed_by_phospho:
            # basally present; its removal (negative phosphorylation) is the signal
            for it, _s in tfs:
                notes.append(f"{it.id}: basal expression; induction does not switch it")
        add(sym, expr, "activity", sym, used, "; ".join(notes))
        nodes_of[sym]["activity"] = sym
        if ent.kind == "ligand":
            nodes_of[sym]["medium"] = sym

    # ---- phenotypes
    from ..knowledge import Catalog
    catalog = Catalog(kb)
    phenotype_drivers: dict[str, tuple[str, ...]] = {}
    for pid, ph in kb.phenotypes.items():
        def node_for(readout: str) -> str:
            kind, ent = readout.split(":", 1)
            sym = _pool(kb, catalog.resolve_entity(ent))
            from .readouts import node_for_readout
            return node_for_readout(nodes_of, kind, sym)
        drivers = tuple(node_for(d.readout) for d in ph.drivers)
        phenotype_drivers[pid] = drivers
        groups, brakes = ph.combination()  # the ODE score's structure (knowledge.records)
        terms = [" | ".join(drivers[i] for i, _w in g) for g in groups]
        expr = " & ".join(f"({t})" if len(g) > 1 and len(groups) > 1 else t
                          for t, g in zip(terms, groups, strict=True))
        if brakes:
            expr = f"({expr}) & !({' | '.join(drivers[i] for i in brakes)})"
        rate = 3600.0 / ph.tau_s
        add(pid, expr, "phenotype", pid, (), note=f"phenotype ({ph.combine} of its drivers)",
            rates=(rate, rate))
        nodes_of[pid]["phenotype"] = pid

    # every name a rule reads must be a node
    from .model import expr_vars
    missing = {v for r in rules.values() for v in expr_vars(r.expr)} - set(rules)
    if missing:
        raise ValueError(f"compiled rules read undefined nodes: {sorted(missing)}")
    return LogicalModel(rules=rules, initial=initial, name="cytonet",
                        nodes_of={k: dict(v) for k, v in nodes_of.items()},
                        phenotype_drivers=phenotype_drivers)
