"""Each error path says what was wrong and where, as a CytonetError (no bare traceback)."""

from __future__ import annotations

import pytest

import cytonet
from cytonet.errors import CytonetError, ExperimentError, InputError, SteadyStateError
from cytonet.experiments import runner
from cytonet.experiments.parse import parse_experiment
from cytonet.experiments.types import Experiment, Perturbation, Readout, Request
from cytonet.simulate.steady import SteadyStateSettings

IL6 = {"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}}


def test_unknown_context_is_named_with_a_suggestion():
    with pytest.raises(InputError) as err:
        cytonet.run({"cell": "hepatocite"})
    msg = str(err.value)
    assert "unknown context 'hepatocite'" in msg and "hepatocyte" in msg and "cell" in msg


def test_runner_rejects_an_unknown_context_it_is_handed(model):
    with pytest.raises(ExperimentError, match="unknown context 'liver'"):
        runner.experiment_values(model, Experiment(cell="liver"), stimulated=False)


def test_knockdown_of_a_non_perturbable_entity():
    # IL11 is a known entity (a ligand added from outside) but the cells do not make it
    with pytest.raises(ExperimentError) as err:
        cytonet.run({"cell": "generic", "perturbations": [{"knockdown": "IL11"}]})
    msg = str(err.value)
    assert "cannot knockdown IL11" in msg and "perturbable" in msg


@pytest.mark.parametrize("readout, expected", [
    ("phosph:STAT3", "unknown readout kind 'phosph'; did you mean 'phospho'?"),
    ("phospho:STAT33", "unknown entity 'STAT33'"),
    ("phospho:IL6", "the model has no phospho form of IL6"),
    ("phospho STAT3", "expected KIND:ENTITY"),
])
def test_bad_readouts(readout, expected):
    with pytest.raises(CytonetError) as err:
        cytonet.run(IL6, readouts=[readout], times=[0, 60])
    assert expected in str(err.value)


def test_run_rejects_something_that_is_not_an_experiment():
    with pytest.raises(ExperimentError, match="expected an Experiment or a mapping"):
        cytonet.run("hepatocyte + IL6")


def test_bare_number_and_negative_dose_in_a_mapping():
    with pytest.raises(ExperimentError) as err:
        parse_experiment({"stimuli": {"IL6": 10},
                          "perturbations": [{"drug": "ruxolitinib", "dose": "-1 uM"}]})
    msg = str(err.value)
    assert "field 'stimuli.IL6': bare number 10 has no unit" in msg
    assert "field 'perturbations[0].dose'" in msg and "negative" in msg


@pytest.fixture()
def simulator_without_patience(model):
    """A fresh simulator whose pre-equilibration gives up at once (after the reference)."""
    sim = runner.Simulator(model)
    sim.steady_state(Experiment())
    sim.settings = SteadyStateSettings(newton_max_iter=0, max_chunks=0)
    return sim


def test_steady_state_failure_names_the_experiment(simulator_without_patience):
    exp = Experiment(cell="hepatocyte",
                     perturbations=(Perturbation("knockdown", "STAT3", efficiency=0.8),))
    with pytest.raises(SteadyStateError) as err:
        simulator_without_patience.steady_state(exp)
    msg = str(err.value)
    assert "no steady state for hepatocyte, knockdown STAT3 (0.8)" in msg
    assert "pre-equilibration" in msg


def test_steady_state_failure_spares_the_batch(simulator_without_patience):
    ok = Request(Experiment(), (Readout("phospho", "STAT3"),), (0.0, 60.0))
    bad = Request(Experiment(cell="lymphocyte"), (Readout("phospho", "STAT3"),), (0.0, 60.0))
    results = [simulator_without_patience.run_request(r) for r in (bad, ok)]
    assert not results[0].ok and "no steady state for lymphocyte" in results[0].error
    assert results[1].ok and len(results[1].values[ok.readouts[0]]) == 2
