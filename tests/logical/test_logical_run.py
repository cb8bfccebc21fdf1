"""Experiments on the logical model: fixed nodes, resting state, MaBoSS probabilities."""

from __future__ import annotations

import numpy as np
import pytest
from logical_helpers import engines

from cytonet.experiments.parse import parse_experiment
from cytonet.logical.readouts import NotExpressible
from cytonet.logical.run import fixed_nodes, get_model, prestimulus_state, simulate_experiment


def test_context_and_perturbations_fix_nodes():
    m = get_model()
    hep = parse_experiment({"cell": "hepatocyte"})
    assert fixed_nodes(m, hep) == {"IL7R": 0, "IL2RG": 0}
    rux = parse_experiment({"cell": "hepatocyte",
                            "perturbations": [{"drug": "ruxolitinib", "dose": "1 uM"}]})
    assert fixed_nodes(m, rux)["JAK1"] == 0 and fixed_nodes(m, rux)["JAK2"] == 0
    low = parse_experiment({"perturbations": [{"drug": "ruxolitinib", "dose": "1 nM"}]})
    assert "JAK1" not in fixed_nodes(m, low)  # far below the IC50: no switch
    ko = parse_experiment({"perturbations": [{"knockout": "SOCS3"}]})
    assert fixed_nodes(m, ko) == {"SOCS3_mRNA": 0, "SOCS3": 0}
    weak = parse_experiment({"perturbations": [{"knockdown": "STAT3", "efficiency": 0.3}]})
    with pytest.raises(NotExpressible, match="efficiency"):
        fixed_nodes(m, weak)


def test_resting_cell_is_quiet_and_il6_activates_stat3_transiently():
    engines()
    m = get_model()
    exp = parse_experiment({"cell": "hepatocyte", "stimuli": {"IL6": "20 ng/mL"}})
    rest = prestimulus_state(m, exp)
    assert rest["STAT3"] == 0 and rest["SOCS3"] == 0 and rest["NFKBIA"] == 1
    t = np.array([0, 1800, 3600, 4 * 3600], dtype=float)
    p = simulate_experiment(m, exp, ["STAT3", "SOCS3"], t)["STAT3"]
    assert p[0] == 0 and p[2] > 0.5  # on within the hour
    assert p[3] < 0.6 * p[1:3].max()  # SOCS3's delayed feedback brings it down


def test_socs3_knockout_keeps_stat3_on():
    engines()
    m = get_model()
    exp = parse_experiment({"cell": "hepatocyte", "stimuli": {"IL6": "20 ng/mL"},
                            "perturbations": [{"knockout": "SOCS3"}]})
    p = simulate_experiment(m, exp, ["STAT3"], np.array([4 * 3600.0]))["STAT3"]
    assert p[0] > 0.95


def test_absent_receptor_blocks_its_ligand():
    engines()
    m = get_model()
    lung = parse_experiment({"cell": "lung_cancer", "stimuli": {"IL6": "20 ng/mL"}})
    trans = parse_experiment({"cell": "lung_cancer",
                              "stimuli": {"IL6": "20 ng/mL", "sIL6R": "100 ng/mL"}})
    t = np.array([3600.0])
    assert simulate_experiment(m, lung, ["STAT3"], t)["STAT3"][0] == 0
    assert simulate_experiment(m, trans, ["STAT3"], t)["STAT3"][0] > 0.5


def test_phenotype_score_combines_driver_probabilities_and_relaxes_with_tau():
    from cytonet.knowledge import load_knowledge
    from cytonet.logical.run import phenotype_score

    kb = load_knowledge()
    inv = kb.phenotypes["invasion"]  # any: 0.45 MMP12 + 0.35 MMP9 + 0.2 STAT3
    t = np.linspace(0.0, 5 * inv.tau_s, 501)
    on, off = np.ones_like(t), np.zeros_like(t)
    # drivers held: the score is their weighted sum, already relaxed
    np.testing.assert_allclose(phenotype_score(inv, [off, on, on], t), 0.55, atol=1e-12)
    # a step of every driver at t = 0+ (ON from the first sample on) relaxes as 1 - exp(-t/tau)
    step = np.where(t > 0, 1.0, 0.0)
    s = phenotype_score(inv, [step, step, step], t)
    ref = np.where(t > 0, 1.0 - np.exp(-(t - t[1]) / inv.tau_s)
                   * (1.0 - phenotype_score(inv, [step] * 3, t[:2])[1]), 0.0)
    np.testing.assert_allclose(s[1:], ref[1:], atol=1e-12)
    # a brake multiplies the whole score by (1 - P(brake ON)); groups multiply
    prolif = kb.phenotypes["proliferation"]  # (CCND1 | MYC) x (ERK | mTOR), p53 brake
    half = np.full_like(t, 0.5)
    np.testing.assert_allclose(phenotype_score(prolif, [on, off, on, on, half], t),
                               0.5 * 1.0 * 0.5, atol=1e-12)


def test_pi3k_inhibitor_lowers_the_invasion_score_the_boolean_node_keeps_on():
    """IL-11 invasion: LY294002 removes the NF-kB -> MMP12 branch (weight 0.45); STAT3 and
    its MMP9 remain, so the Boolean node (an OR) stays ON while the score falls."""
    engines()
    from cytonet.experiments.parse import parse_readout
    from cytonet.logical.run import readout_series

    m = get_model()
    ro = parse_readout("phenotype:invasion")
    t = np.array([0.0, 24 * 3600.0])
    base = {"cell": "lung_cancer", "stimuli": {"IL11": "20 ng/mL"}}
    ly = parse_experiment({**base, "perturbations": [{"drug": "LY294002", "dose": "20 uM"}]})
    ctl = parse_experiment(base)
    s_ly, s_ctl = (readout_series(m, e, [ro], t)[ro][1] for e in (ly, ctl))
    node_ly, node_ctl = (simulate_experiment(m, e, ["invasion", "MMP12"], t) for e in (ly, ctl))
    assert node_ly["MMP12"][1] < 0.05 < 0.5 < node_ctl["MMP12"][1]
    assert node_ly["invasion"][1] > 0.75 * node_ctl["invasion"][1]  # the OR barely notices
    assert s_ctl > 0.4 and s_ly < 0.6 * s_ctl
