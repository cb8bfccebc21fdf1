"""validate_observations with an injected simulator: batching, de-duplication, failures."""

from __future__ import annotations

import json
import sys

import pytest
from validation_helpers import FakeSimulator, make_observation

from cytonet.validation.run import build_requests, validate_file, validate_observations

IL6 = {"cell": "hepatocyte", "stimuli": {"IL6": "20 ng/mL"}}
KD = {**IL6, "perturbations": [{"knockdown": "STAT3"}]}
NONE = {"cell": "hepatocyte"}


def observations():
    return [
        make_observation(id="up", expect="increase", at="1 h", test=IL6, control=NONE),
        make_observation(id="up-again", expect="increase", at="1 h", test=IL6, control=NONE,
                         fold=2),
        make_observation(id="kd", expect="abrogates", at="1 h", test=KD, control=IL6,
                         baseline=NONE),
        make_observation(id="socs3", readout="mRNA:SOCS3", expect="increase", at="2 h",
                         test=IL6, control=NONE),
        make_observation(id="pulse", expect="transient", experiment=IL6,
                         peak_between=["10 min", "60 min"],
                         falls_below={"fraction": 0.5, "by": "3 h"}),
    ]


def test_one_call_and_one_request_per_experiment():
    sim = FakeSimulator()
    card = validate_observations(observations(), simulate=sim)
    assert len(sim.calls) == 1
    reqs = sim.calls[0]
    # experiments {IL6, none, KD}; phospho:STAT3 from all three, mRNA:SOCS3 from IL6 and none
    assert len(reqs) == card.n_requests == 3
    assert len({r.experiment for r in reqs}) == 3
    assert sorted(len(r.readouts) for r in reqs) == [1, 2, 2]
    il6_pstat3 = next(r for r in reqs if r.experiment.stimuli and not
                      r.experiment.perturbations)
    # shared by four observations: its times cover the 1 h readouts and the 3 h transient
    assert max(il6_pstat3.times) == 10800.0 and 3600.0 in il6_pstat3.times
    assert list(il6_pstat3.times) == sorted(set(il6_pstat3.times))
    assert [r.id for r in card.results] == ["up", "up-again", "kd", "socs3", "pulse"]
    assert (card.passed, card.failed, card.errors) == (5, 0, 0)


def test_traces_are_on_each_observations_own_grid():
    obs = observations()
    card = validate_observations(obs, simulate=FakeSimulator())
    up = card.result("up")
    assert set(up.traces) == {"test", "control"}
    assert up.traces["test"].times[-1] == 3600.0
    assert len(up.traces["test"].times) == len(obs[0].sample_times())
    assert set(card.result("kd").traces) == {"test", "control", "baseline"}


def test_failed_simulation_is_an_error_and_others_survive():
    sim = FakeSimulator(fail=lambda r: bool(r.experiment.perturbations))
    card = validate_observations(observations(), simulate=sim)
    kd = card.result("kd")
    assert kd.status == "ERROR" and not kd.passed
    assert "simulation failed" in kd.error and "CVODE" in kd.error
    assert kd.problems[0].field == "test" and kd.problems[0].item == "kd"
    assert [r.status for r in card.results] == ["PASS", "PASS", "ERROR", "PASS", "PASS"]
    assert (card.passed, card.failed, card.errors) == (4, 0, 1)


def test_failure_of_one_readout_is_retried_alone():
    # the model cannot produce mRNA:SOCS3: requests that carry it fail as a whole at first
    sim = FakeSimulator(fail=lambda r: any(str(ro) == "mRNA:SOCS3" for ro in r.readouts))
    card = validate_observations(observations(), simulate=sim)
    assert len(sim.calls) == 2
    assert all(len(r.readouts) == 1 for r in sim.calls[1]) and len(sim.calls[1]) == 4
    assert card.result("socs3").status == "ERROR"
    assert [r.status for r in card.results] == ["PASS", "PASS", "PASS", "ERROR", "PASS"]
    assert card.n_requests == 3 + 4


def test_simulator_that_raises_turns_every_observation_into_an_error():
    def boom(requests, workers=None):
        raise RuntimeError("out of memory")
    card = validate_observations(observations(), simulate=boom)
    assert card.errors == 5 and card.passed == card.failed == 0
    assert all("RuntimeError: out of memory" in r.error for r in card.results)


def test_wrong_number_of_results_is_an_error():
    card = validate_observations(observations(), simulate=lambda reqs, workers=None: [])
    assert card.errors == 5 and "returned 0 results for 3 requests" in card.results[0].error


def test_missing_readout_values_is_an_error_for_that_observation():
    sim = FakeSimulator()

    def partial(requests, workers=None):
        out = sim(requests)
        for res in out:
            res.values = {ro: v for ro, v in res.values.items() if str(ro) != "mRNA:SOCS3"}
        return out
    card = validate_observations(observations(), simulate=partial)
    assert card.result("socs3").status == "ERROR"
    assert "no values for mRNA:SOCS3" in card.result("socs3").error
    assert card.result("up").status == "PASS"


def test_default_simulator_is_imported_lazily(monkeypatch):
    # without a runner module the observations are errors, not a crash
    monkeypatch.setitem(sys.modules, "cytonet.experiments.runner", None)
    card = validate_observations(observations()[:1])
    assert card.errors == 1 and "simulator is not available" in card.results[0].error


def test_workers_are_passed_on():
    seen = {}

    def sim(requests, workers=None):
        seen["workers"] = workers
        return FakeSimulator()(requests)
    validate_observations(observations(), simulate=sim, workers=3)
    assert seen["workers"] == 3


def test_json_shape():
    sim = FakeSimulator(fail=lambda r: bool(r.experiment.perturbations))
    obs = observations()
    obs.append(make_observation(id="too-strict", expect="increase", at="1 h", test=IL6,
                                control=NONE, fold=1e6))
    card = validate_observations(obs, simulate=sim)
    data = json.loads(card.to_json())
    assert set(data) >= {"passed", "failed", "results"}
    assert (data["passed"], data["failed"], data["errors"]) == (4, 1, 1)
    for r in data["results"]:
        assert set(r) - {"error"} == {"id", "passed", "value", "threshold", "detail"}
        assert isinstance(r["passed"], bool)
    fail = next(r for r in data["results"] if r["id"] == "too-strict")
    assert fail["passed"] is False and fail["threshold"] == 1e6 and "error" not in fail
    err = next(r for r in data["results"] if r["id"] == "kd")
    assert err["passed"] is False and err["value"] is None and "CVODE" in err["error"]


def test_build_requests_dedups_equal_experiments_written_differently():
    a = make_observation(id="a", expect="increase", test={"stimuli": {"IL6": "1 nM"}},
                         control={})
    b = make_observation(id="b", expect="increase", test={"stimuli": {"IL-6": "1000 pM"}},
                         control={"cell": "generic"})
    reqs, index = build_requests([a, b])
    assert len(reqs) == 2 and len(index) == 2


def test_validate_file_reports_parse_errors_and_runs_the_good(tmp_path):
    f = tmp_path / "obs.yaml"
    f.write_text(
        "- id: good\n  claim: c\n  source: {pmid: 1}\n  readout: phospho:STAT3\n"
        "  test: {stimuli: {IL6: 1 nM}}\n  control: {}\n  expect: increase\n"
        "- id: bad\n  claim: c\n  source: {pmid: 1}\n  readout: phospho:STAT3\n"
        "  test: {stimuli: {IL6: 1}}\n  control: {}\n  expect: increase\n")
    card = validate_file(f, simulate=FakeSimulator())
    assert [(r.id, r.status) for r in card.results] == [("good", "PASS"), ("bad", "ERROR")]
    assert str(card.problems[0]) == (f"{f}:12: bad: field 'test.stimuli.IL6': bare number 1 "
                                     "has no unit; write it with a unit, e.g. '1 nM' or '1 ng/mL'")
    assert card.errors == 1


@pytest.mark.parametrize("text", ["- [unclosed\n", "42\n"])
def test_validate_file_level_problems_count_as_errors(tmp_path, text):
    f = tmp_path / "obs.yaml"
    f.write_text(text)
    card = validate_file(f, simulate=FakeSimulator())
    assert card.results == [] and card.errors == 1 and card.problems[0].file == str(f)
