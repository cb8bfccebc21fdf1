"""The exported SBML is valid and, run in plain libRoadRunner, gives cytonet's trajectories."""

from __future__ import annotations

import numpy as np
import pytest

import cytonet
from cytonet.compile.model import DOSE_SPECIES
from cytonet.compile.sbml import to_antimony, validate_sbml
from cytonet.experiments.parse import parse_experiment, parse_readout
from cytonet.experiments.runner import experiment_values

READOUTS = ("phospho:STAT3", "mRNA:SOCS3", "phospho:ERK", "phospho:AKT",
            "phenotype:proliferation")
TIMES = np.linspace(0.0, 4 * 3600.0, 49)
EXPERIMENTS = {
    "il6": {"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}},
    "il6+ruxolitinib": {"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"},
                        "perturbations": [{"drug": "ruxolitinib", "dose": "100 nM"}]},
    "il11+IL11RA-knockdown": {"cell": "lung_cancer", "stimuli": {"IL11": "10 ng/mL"},
                              "perturbations": [{"knockdown": "IL11RA", "efficiency": 0.9}]},
    "trans+sgp130Fc": {"cell": "lung_cancer",
                       "stimuli": {"IL6": "10 ng/mL", "sIL6R": "100 ng/mL"},
                       "perturbations": [{"drug": "sgp130Fc", "dose": "1 ug/mL"}]},
}


@pytest.fixture(scope="module")
def sbml_file(model, tmp_path_factory):
    path = tmp_path_factory.mktemp("sbml") / "cytonet.xml"
    path.write_text(model.sbml, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def plain_rr(sbml_file, sim):
    """A bare libRoadRunner instance on the exported file, with the runner's tolerances."""
    import roadrunner
    rr = roadrunner.RoadRunner(str(sbml_file))
    integ = rr.getIntegrator()
    src = sim.backend.rr.getIntegrator()
    for key in ("relative_tolerance", "absolute_tolerance", "maximum_num_steps"):
        integ.setValue(key, src.getValue(key))
    return rr


def test_exported_sbml_has_no_libsbml_errors(model):
    assert validate_sbml(model.sbml) == []


def test_antimony_names_the_model(model):
    text = to_antimony(model.sbml)
    assert f"model *{model.network.name}(" in text or f"model {model.network.name}(" in text


def _plain_trajectory(rr, model, sim, exp, readouts, times) -> dict[str, np.ndarray]:
    """Same steady state and experiment values, set by hand; readouts summed from species."""
    state = sim.steady_state(exp)  # the runner's pre-equilibrated cells
    ids = list(sim.backend.model.getFloatingSpeciesIds())
    n = len(ids)
    m = rr.model
    assert list(m.getFloatingSpeciesIds()) == ids
    m.setFloatingSpeciesAmounts(np.asarray(state[:n], dtype=float))
    for sym, v in zip(sim.backend.model.getRateRuleSymbols(), state[n:], strict=True):
        m[sym] = float(v)
    values = experiment_values(model, exp, stimulated=True)
    # a stimulus is a bolus that mixes into the conditioned medium; secreted:X counts from t = 0
    values.update({DOSE_SPECIES[s]: nM for s, nM in exp.stimuli})
    values.update({sid: 0.0 for sid in model.network.released_species()})
    species = set(model.network.species)
    for key, v in values.items():
        m[f"[{key}]" if key in species else key] = v  # doses are concentrations
    sel, plans = [], []
    for ro in readouts:
        plan = []
        for sid, w in model.readout(ro.kind, ro.entity):
            name = sid if sid not in species else f"[{sid}]"
            if name not in sel:
                sel.append(name)
            plan.append((sel.index(name), w))
        plans.append(plan)
    rr.timeCourseSelections = sel
    data = np.asarray(rr.simulate(times=list(map(float, times))))
    return {str(ro): sum(w * data[:, i] for i, w in plan) for ro, plan in zip(readouts, plans, strict=True)}


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_plain_roadrunner_reproduces_cytonet_run(name, model, sim, plain_rr):
    exp = parse_experiment(EXPERIMENTS[name])
    readouts = [parse_readout(r) for r in READOUTS]
    df = cytonet.run(exp, readouts=list(READOUTS), times=TIMES)
    plain = _plain_trajectory(plain_rr, model, sim, exp, readouts, TIMES)
    for ro in readouts:
        ours = df[df["readout"] == str(ro)].set_index("time_s").loc[TIMES, "value"].to_numpy()
        theirs = plain[str(ro)]
        scale = max(np.abs(theirs).max(), 1e-30)
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-9 * scale,
                                   err_msg=f"{name}: {ro}")
    # the experiment did something: the stimulus moves phospho:STAT3
    p = plain["phospho:STAT3"]
    assert p.max() > p[0]
