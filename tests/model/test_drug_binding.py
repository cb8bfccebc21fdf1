"""Sequestering drugs bind with their own kinetics and valency (drugs.yaml): tocilizumab
takes the added sIL6R before IL-6 can, and sgp130Fc blocks trans- but spares classic
IL-6 signalling.

No checked source gives a percentage of blockade: Mihara 2005 (abstract) reports that
tocilizumab binds sIL-6R and suppresses IL-6/sIL-6R-driven proliferation, Jostock 2001
(abstract) that sgp130Fc inhibits IL-6/sIL-6R-driven proliferation and leaves
IL-6-driven proliferation of IL-6R-expressing cells alone. The thresholds below are the
curated observations' (sgp130Fc: half of the rise) or guards of the correction, as said.
"""

from __future__ import annotations

import numpy as np
import pytest

from cytonet.compile.model import DRUG_TARGET_SPECIES, SEQUESTERING_DRUGS
from cytonet.experiments.parse import parse_experiment
from cytonet.experiments.plan import prestimulus_values, stimulated_values
from cytonet.experiments.runner import Simulator

from .model_helpers import value_at

TRANS = {"IL6": "20 ng/mL", "sIL6R": "100 ng/mL"}
TOCI = {"drug": "tocilizumab", "dose": "10 ug/mL"}   # the dose of drug-tocilizumab-il6-b
SGP = {"drug": "sgp130Fc", "dose": "1 ug/mL"}        # of sgp130fc-blocks-trans-signalling


def _exp(cell, stimuli=None, *perts):
    return {"cell": cell, "stimuli": dict(stimuli or {}), "perturbations": list(perts)}


def _removed(cell, stimuli, pert, readout="phospho:STAT3", t=1800.0) -> float:
    """Fraction of the stimulus's rise over baseline that the drug removes."""
    test = value_at(_exp(cell, stimuli, pert), readout, t)
    control = value_at(_exp(cell, stimuli), readout, t)
    baseline = value_at(_exp(cell), readout, t)
    return (control - test) / (control - baseline)


@pytest.fixture(scope="module")
def private_sim(model):
    return Simulator(model)


def _species(sim, spec, species, times):
    """Concentrations of ``species`` after the stimulus (the protocol's steps, by hand)."""
    m = sim.model
    exp = parse_experiment(spec, catalog=m.catalog)
    be = sim.backend
    be.set_state(sim.steady_state(exp))
    be.set_values(prestimulus_values(m, exp))
    be.set_values(stimulated_values(m, exp))
    times = np.asarray(times, dtype=float)
    return be.integrate(float(times[-1]), times, [f"[{s}]" for s in species])


def test_each_drug_target_binds_with_its_own_kinetics_and_valency(model):
    net, kb = model.network, model.catalog.kb
    rates = {r.id: r.rate for r in net.reactions}
    for name, drug in SEQUESTERING_DRUGS.items():
        rec = kb.drugs[name]
        for tgt in rec.targets:
            cid = f"{drug}_{DRUG_TARGET_SPECIES[tgt.target]}"
            kon, koff = net.parameters[f"kon_{cid}"], net.parameters[f"koff_{cid}"]
            assert kon.value == pytest.approx(tgt.kon_per_M_s * 1e-9)
            assert koff.value == pytest.approx(tgt.kon_per_M_s * 1e-9 * tgt.kd_nM, rel=0.02)
            assert kon.provenance.kind == ("literature" if "kon" in tgt.measured else "assumed")
            rate = rates[f"bind_{cid}"]
            assert f"kon_{cid} * {rec.valency} * drug_{drug}" in rate and f"koff_{cid}" in rate
    assert "kon_antibody" not in net.parameters  # no generic on-rate left


def test_tocilizumab_takes_sil6r_before_il6_can(model, private_sim):
    """Within a minute the free sIL6R is at its equilibrium with the antibody's sites
    (Kd / (Kd + valency x dose) of the total); IL-6:sIL6R stays a small share of the
    control's (before the correction, one site per IgG: 12 % at 30 min)."""
    kb = model.catalog.kb
    toci = kb.drugs["tocilizumab"]
    kd = next(t.kd_nM for t in toci.targets if t.target == "sIL6R")
    sites = toci.valency * 10e3 / toci.mw_kda  # 10 ug/mL, nM of sites
    species = ["sIL6R_m", "tocilizumab_sIL6R_m", "IL6_sIL6R_m"]
    drug = _species(private_sim, _exp("lung_cancer", TRANS, TOCI), species, [0, 60, 1800])
    ctrl = _species(private_sim, _exp("lung_cancer", TRANS), species, [0, 60, 1800])
    free, bound, cplx = drug[1]
    assert free / (free + bound + cplx) < 1.2 * kd / (kd + sites)
    assert drug[2, 2] < 0.08 * ctrl[2, 2]


def test_tocilizumab_blocks_trans_signalling():
    """Guard of the correction: 60 % of the pSTAT3 rise was removed with one generic site
    per IgG; the curated > 80 % is a curator convention the model misses narrowly (see
    failure_reasons.yaml)."""
    assert _removed("lung_cancer", TRANS, TOCI) > 0.7


def test_sgp130fc_blocks_trans_signalling():
    assert _removed("lung_cancer", TRANS, SGP) > 0.5


def test_sgp130fc_spares_classic_signalling():
    """IL-6 alone on IL6R-bearing cells: the trap binds only IL-6:sIL-6R (Jostock 2001)."""
    il6 = {"IL6": "20 ng/mL"}
    test = value_at(_exp("hepatocyte", il6, SGP), "phospho:STAT3", 1800.0)
    control = value_at(_exp("hepatocyte", il6), "phospho:STAT3", 1800.0)
    assert test == pytest.approx(control, rel=0.05)
