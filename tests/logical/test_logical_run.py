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
