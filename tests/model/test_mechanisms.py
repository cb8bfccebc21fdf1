"""Mechanism corrections, each against the direction its source states."""

from __future__ import annotations

import pytest

import cytonet


def _at(readout, exp, t):
    df = cytonet.run(exp, readouts=[readout], times=[t])
    return float(df.loc[df.time_s == t, "value"].iloc[0])


def test_shp2_restrains_stat3_as_well_as_driving_erk():
    """SHP2 at gp130 pY759 attenuates IL-6 signalling (Schmitz 2000): without it pSTAT3
    rises while the ERK arm loses its drive."""
    il6 = {"cell": "hepatocyte", "stimuli": {"IL6": "20 ng/mL"}}
    ko = {**il6, "perturbations": [{"knockout": "PTPN11"}]}
    for t in (1800.0, 3600.0):
        assert _at("phospho:STAT3", ko, t) > 1.02 * _at("phospho:STAT3", il6, t)
    assert _at("phospho:ERK", ko, 1800.0) < 0.5 * _at("phospho:ERK", il6, 1800.0)


def test_hepatocytes_are_an_induced_not_a_constitutive_il6_source():
    """Hepatocytes make IL-6 when challenged (Norris 2014), not at rest: their resting
    medium IL-6 lies in the healthy blood range (Said 2021: pooled 5.2 pg/mL, reported
    0-43.5 pg/mL), so the autocrine loop carries little of their resting pSTAT3, while
    IL-1beta still induces IL6 mRNA."""
    from cytonet.experiments.runner import get_simulator
    from cytonet.units import parse_quantity, to_molar_nM

    mw = get_simulator().model.catalog.kb.entities["IL6"].mw_kda
    low, high = (to_molar_nM(parse_quantity(q), mw) for q in ("1 pg/mL", "43.5 pg/mL"))
    rest = {"cell": "hepatocyte"}
    assert low < _at("free:IL6", rest, 0.0) < high
    no_il6 = {**rest, "perturbations": [{"knockout": "IL6"}]}
    assert _at("phospho:STAT3", no_il6, 0.0) > 0.9 * _at("phospho:STAT3", rest, 0.0)
    il1 = {**rest, "stimuli": {"IL1B": "10 ng/mL"}}
    assert _at("mRNA:IL6", il1, 7200.0) > 2.0 * _at("mRNA:IL6", rest, 0.0)


def test_nfkb_makes_the_ikba_that_holds_it():
    """IkBalpha is translated from its NF-kB-induced mRNA (Hoffmann 2002: the IkBalpha
    negative feedback), not made at a constant rate: with half the NF-kB, resting NFKBIA
    mRNA and the IkBalpha not bound to NF-kB both fall (with a constant source the free
    pool would grow, as less NF-kB is released to take it up). Active IKK also marks free
    IkBalpha for degradation, so IL-1beta clears most of the protein within 15 min
    (Uehara 1999: gone by 15 min), not only the NF-kB-bound part."""
    def free_ikba(exp):
        return _at("protein:NFKBIA", exp, 0.0) - _at("protein:RELA", exp, 0.0)

    rest = {"cell": "generic"}
    half = {**rest, "perturbations": [{"knockdown": "RELA", "efficiency": 0.5}]}
    assert _at("mRNA:NFKBIA", half, 0.0) < 0.9 * _at("mRNA:NFKBIA", rest, 0.0)
    assert free_ikba(half) < 0.95 * free_ikba(rest)
    il1 = {**rest, "stimuli": {"IL1B": "10 ng/mL"}}
    assert _at("protein:NFKBIA", il1, 900.0) < 0.3 * _at("protein:NFKBIA", rest, 0.0)


# ---------------------------------------------------------------- glucose as energy
def _glucose(g, **extra):
    return {"cell": "lung_cancer", "conditions": {"glucose": g}, **extra}


def test_common_culture_glucose_is_no_stress():
    """5 mM glucose (a common culture level; Visagie 2015 propagates cells at 6 mM) leaves
    AMPK, the UPR arm (LIF) and proliferation within a few % of 25 mM."""
    day2 = 48 * 3600.0
    for ro in ("active:PRKAA1", "secreted:LIF", "phenotype:proliferation", "active:MTOR"):
        hi, five = _at(ro, _glucose("25 mM"), day2), _at(ro, _glucose("5 mM"), day2)
        assert abs(five / hi - 1) < 0.6 if ro == "active:PRKAA1" else abs(five / hi - 1) < 0.1, ro


def test_glucose_deprivation_is_energy_stress_that_arrests_and_kills():
    """Sub-mM glucose activates AMPK (Zhang 2017), which switches mTORC1 off (Gwinn 2008)
    and, through p53 Ser15, arrests G1/S (Jones 2005); prolonged deprivation kills (Kim
    2023). The LIF arm still rises (the UPR), yet proliferation and survival fall, with
    or without a cytokine."""
    day2 = 48 * 3600.0
    for stim in ({}, {"LIF": "20 ng/mL"}):
        hi, lo = _glucose("25 mM", stimuli=stim), _glucose("0.5 mM", stimuli=stim)
        assert _at("active:PRKAA1", lo, day2) > 20 * _at("active:PRKAA1", hi, day2)
        assert _at("active:MTOR", lo, day2) < 0.5 * _at("active:MTOR", hi, day2)
        assert _at("phospho:TP53", lo, day2) > 10 * _at("phospho:TP53", hi, day2)
        assert _at("phenotype:proliferation", lo, day2) < 0.5 * _at("phenotype:proliferation", hi, day2)
        assert _at("phenotype:survival", lo, day2) < 0.5 * _at("phenotype:survival", hi, day2)
    assert _at("secreted:LIF", _glucose("0.5 mM"), day2) > 5 * _at("secreted:LIF", _glucose("25 mM"), day2)


def test_glucose_arrest_needs_p53():
    """The AMPK checkpoint needs p53 (Jones 2005): without p53 glucose-deprived cells keep
    more of their proliferation than with it."""
    day2 = 48 * 3600.0
    lo = _glucose("0.5 mM", stimuli={"LIF": "20 ng/mL"})
    ko = {**lo, "perturbations": [{"knockout": "TP53"}]}
    assert _at("phenotype:proliferation", ko, day2) > 2 * _at("phenotype:proliferation", lo, day2)


# ---------------------------------------------------------------- p53 as a dynamic node
def test_p53_is_dynamic_with_its_mdm2_loop():
    """p53 induces MDM2, which degrades p53 (Wu 1993): MDM2 loss raises p53 several-fold,
    energy stress raises p53 and then MDM2."""
    base = {"cell": "generic"}
    ko = {**base, "perturbations": [{"knockout": "MDM2"}]}
    assert _at("active:TP53", ko, 3600.0) > 3 * _at("active:TP53", base, 3600.0)
    lo = {**base, "conditions": {"glucose": "0.5 mM"}}
    t = 24 * 3600.0
    assert _at("active:TP53", lo, t) > 1.2 * _at("active:TP53", base, t)
    assert _at("protein:MDM2", lo, t) > 1.1 * _at("protein:MDM2", base, t)


def test_lif_lowers_p53_through_stat3_id1_mdm2():
    """LIF -> STAT3 -> ID1 -> MDM2 lowers p53 (Yu 2014); without ID1 it does not."""
    t = 6 * 3600.0
    base = {"cell": "generic"}
    lif = {**base, "stimuli": {"LIF": "20 ng/mL"}}
    assert _at("protein:ID1", lif, t) > 1.3 * _at("protein:ID1", base, t)
    assert _at("active:TP53", lif, t) < 0.97 * _at("active:TP53", base, t)
    no_id1 = [{"knockout": "ID1"}]
    assert _at("active:TP53", {**lif, "perturbations": no_id1}, t) == \
        pytest.approx(_at("active:TP53", {**base, "perturbations": no_id1}, t), rel=0.01)


# ---------------------------------------------------------------- overexpression
def test_overexpression_is_a_constitutive_transgene():
    """overexpress X fold F is a transgene that makes X's resting protein level F x its
    level in the same cells (issue 13): exact through feedback (MDM2 degrades the p53 that
    induces it; SOCS3 lowers its own STAT3 input), and for a gene with a promoter the
    transgene adds a constant that does not follow the native promoter's induction (the
    first release multiplied the whole native promoter, induction included; the second
    scaled only the signal-independent promoter, so SOCS3 x5 gave 1.5x in hepatocytes)."""
    t0, t2 = 1.0, 2 * 3600.0
    for cell, entity, fold in (("generic", "IL6ST", 3), ("generic", "TP53", 5),
                               ("hepatocyte", "SOCS3", 5), ("lung_cancer", "LIF", 5)):
        base = {"cell": cell}
        oe = {**base, "perturbations": [{"overexpress": entity, "fold": fold}]}
        assert _at(f"protein:{entity}", oe, t0) == pytest.approx(
            fold * _at(f"protein:{entity}", base, t0), rel=2e-3), entity
    # LIF (promoter-driven): the added amount is the same with and without stimulation
    lif = {"cell": "lung_cancer"}
    lif_oe = {**lif, "perturbations": [{"overexpress": "LIF", "fold": 5}]}
    rest_gain = _at("mRNA:LIF", lif_oe, t0) - _at("mRNA:LIF", lif, t0)
    assert rest_gain > 0
    stim = {"conditions": {"glucose": "0.5 mM"}}
    stim_gain = _at("mRNA:LIF", {**lif_oe, **stim}, 24 * 3600.0) - _at("mRNA:LIF", {**lif, **stim}, 24 * 3600.0)
    assert stim_gain == pytest.approx(rest_gain, rel=0.35)
    # SOCS3: the induced peak is not multiplied by the fold
    h = {"cell": "hepatocyte", "stimuli": {"IL6": "20 ng/mL"}}
    h_oe = {**h, "perturbations": [{"overexpress": "SOCS3", "fold": 5}]}
    assert _at("mRNA:SOCS3", h_oe, t2) < 1.5 * _at("mRNA:SOCS3", h, t2)


def test_stat5_carries_il7_survival():
    """IL-7 needs STAT5 to induce Bcl-2 and keep T cells alive (Tripathi 2010): without
    STAT5 the IL-7 survival gain and the Bcl-2 rise are mostly lost; PI3K keeps a part."""
    day2 = 48 * 3600.0
    rest = {"cell": "lymphocyte"}
    il7 = {**rest, "stimuli": {"IL7": "10 ng/mL"}}
    ko = {**il7, "perturbations": [{"knockout": "STAT5A"}]}
    gain = _at("phenotype:survival", il7, day2) - _at("phenotype:survival", rest, day2)
    assert _at("phenotype:survival", ko, day2) - _at("phenotype:survival", rest, day2) < 0.6 * gain
    assert _at("protein:BCL2", ko, day2) < 0.3 * _at("protein:BCL2", il7, day2)
