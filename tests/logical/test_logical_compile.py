"""The compiled logical model: rules from the graph, with the interactions they realize."""

from __future__ import annotations

import itertools

from cytonet.knowledge import load_knowledge
from cytonet.logical import compile_logical
from cytonet.logical.model import evaluate, expr_vars, parse_expr


def _truth(model, node, **fixed):
    """Every assignment of the rule's other inputs with ``fixed`` applied."""
    tree = parse_expr(model.rules[node].expr)
    vs = sorted(expr_vars(model.rules[node].expr) - set(fixed))
    for bits in itertools.product((0, 1), repeat=len(vs)):
        st = dict(zip(vs, bits, strict=True))
        st.update(fixed)
        yield st, evaluate(tree, st)


def test_every_rule_realizes_curated_interactions():
    kb = load_knowledge()
    ids = {it.id for it in kb.interactions}
    m = compile_logical(kb)
    for r in m.rules.values():
        assert set(r.interactions) <= ids, r
    realized = {i for r in m.rules.values() for i in r.interactions}
    noted = {i for r in m.rules.values() for i in ids if i in r.note}
    missing = ids - realized - noted
    # interactions not in any rule are the ones the rule notes explain (attenuating loops,
    # induction of constitutive proteins); none may be dropped silently
    assert not missing, sorted(missing)


def test_rules_read_only_defined_nodes_and_parse():
    m = compile_logical()
    for r in m.rules.values():
        parse_expr(r.expr)
        assert expr_vars(r.expr) <= set(m.rules), r


def test_inhibitor_is_and_not_and_complex_needs_all_parts():
    m = compile_logical()
    # SOCS3 inhibits gp130 whatever else is on
    assert all(v == 0 for _st, v in _truth(m, "IL6ST", SOCS3=1))
    # the IL-6:sIL-6R complex needs both parts
    assert all(v == 0 for _st, v in _truth(m, "IL6_sIL6R", sIL6R=0))
    assert all(v == 0 for _st, v in _truth(m, "IL6_sIL6R", IL6=0))
    assert all(v == 1 for _st, v in _truth(m, "IL6_sIL6R", IL6=1, sIL6R=1))


def test_transcription_is_a_delayed_node_and_translation_is_required():
    m = compile_logical()
    socs = m.rules["SOCS3_mRNA"]
    assert socs.kind == "mRNA" and "STAT3-transcribes-SOCS3" in socs.interactions
    assert socs.rate_up < m.rules["STAT3"].rate_up  # slower than signalling
    # MCL1 protein needs its mRNA and mTOR (MTOR-translates-MCL1)
    assert all(v == 0 for _st, v in _truth(m, "MCL1", MTOR=0))
    assert all(v == 0 for _st, v in _truth(m, "MCL1", MCL1_mRNA=0))


def test_phenotype_nodes_follow_their_definition():
    m = compile_logical()
    kb = load_knowledge()
    for pid, ph in kb.phenotypes.items():
        assert m.rules[pid].kind == "phenotype"
        assert abs(m.rules[pid].rate_up - 3600.0 / ph.tau_s) < 1e-9
    # a restraining driver is a brake: proliferation is off with p53 on
    assert all(v == 0 for _st, v in _truth(m, "proliferation", TP53=1))


def test_promoter_roles_are_the_ones_the_ode_model_reads():
    """LIF: PERK/ATF4 and MEK/ERK act jointly, p53 is an enhancer (interactions.yaml);
    the logical rule and the ODE rate law both come from Knowledge.promoter_roles."""
    import dataclasses

    import pytest

    from cytonet.compile.model import build_network
    from cytonet.compile.parameters import load_parameters

    kb = load_knowledge()
    m = compile_logical(kb)
    lif = m.rules["LIF_mRNA"]
    off = {"STAT3": 0, "RELA": 0, "EPAS1": 0, "ESR1": 0}
    # one of the two joint inputs is not enough, both are
    assert all(v == 0 for _st, v in _truth(m, "LIF_mRNA", ATF4=1, MAPK1=0, **off))
    assert all(v == 0 for _st, v in _truth(m, "LIF_mRNA", ATF4=0, MAPK1=1, **off))
    assert all(v == 1 for _st, v in _truth(m, "LIF_mRNA", ATF4=1, MAPK1=1))
    # an enhancer cannot switch a Boolean promoter: it is noted, not in the logic
    assert "TP53" not in expr_vars(lif.expr) and "TP53-transcribes-LIF" in lif.note
    net = build_network(kb, load_parameters())
    law = next(r for r in net.reactions if r.id == "tx_LIF").rate
    assert "w_ATF4_MAPK1_LIF" in law and "e0_TP53_LIF" in law and "TP53_active" in law
    # re-curate ATF4 and MAPK1 as acting alone: the logical rule ORs them, and the ODE
    # compiler refuses a promoter that no longer matches its terms instead of ignoring it
    alone = dataclasses.replace(kb, interactions=[
        dataclasses.replace(it, promoter=None) if it.id in ("ATF4-transcribes-LIF",
                                                           "MAPK1-transcribes-LIF") else it
        for it in kb.interactions])
    assert all(v == 1 for _st, v in _truth(compile_logical(alone), "LIF_mRNA", ATF4=1, MAPK1=0))
    with pytest.raises(KeyError, match="LIF: the curated transcription factors acting alone"):
        build_network(alone, load_parameters())
