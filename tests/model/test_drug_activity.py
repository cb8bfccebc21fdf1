"""Inhibitors act on their target's activity: active:X falls with dose; allosteric AKT
inhibition also blocks AKT phosphorylation; ATP-competitive inhibitors act downstream."""

from __future__ import annotations

import pytest

from cytonet.experiments.runner import get_simulator
from cytonet.experiments.types import Experiment, Perturbation, Readout

LIF = (("LIF", 1.0),)


def _at_1h(readout, *perts):
    sim = get_simulator()
    ro = Readout(readout.split(":")[0], sim.model.catalog.resolve_entity(readout.split(":")[1]))
    v = sim.simulate(Experiment("lung_cancer", LIF, perturbations=tuple(perts)), [ro], [3600.0])
    return float(v[ro][-1])


@pytest.mark.parametrize("drug, readout, doses", [
    ("rapamycin", "active:mTOR", (0, 1, 100, 10000)),          # IC50 0.05 nM
    ("BAY11-7082", "active:IKK", (0, 1000, 10000, 100000)),    # IC50 10 uM
])
def test_active_form_of_a_drug_target_falls_with_dose(drug, readout, doses):
    values = [_at_1h(readout, *([Perturbation("drug", drug, dose_nM=d)] if d else []))
              for d in doses]
    assert all(a >= b for a, b in zip(values, values[1:], strict=False))
    assert values[-1] < 0.2 * values[0]


def test_allosteric_akt_inhibitor_blocks_akt_phosphorylation():
    assert _at_1h("phospho:AKT", Perturbation("drug", "MK2206", dose_nM=1000)) < \
        0.2 * _at_1h("phospho:AKT")


def test_atp_competitive_pi3k_inhibitor_leaves_pi3k_readout_but_blocks_akt():
    # LY294002 lowers PI3K catalysis (act_PIK3CA), seen downstream as lower pAKT
    assert _at_1h("phospho:AKT", Perturbation("drug", "LY294002", dose_nM=20000)) < \
        0.5 * _at_1h("phospho:AKT")
