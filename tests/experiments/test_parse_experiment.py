"""parse_experiment: the spec's experiment block, units, names, defaults and absurd doses."""

from __future__ import annotations

import pytest

from cytonet.errors import ExperimentError, Problem
from cytonet.experiments.parse import parse_experiment
from cytonet.experiments.types import Experiment, Perturbation

WHERE = Problem("", file="exp.yaml", line=3, item="my-obs", field="test")

SPEC_EXPERIMENT = {
    "cell": "lung_cancer",
    "stimuli": {"IL11": "10 ng/mL"},
    "conditions": {"glucose": "0.5 mM", "oxygen": "1 %", "mannose": "25 mM",
                   "estradiol": "10 nM"},
    "perturbations": [
        {"knockdown": "IL11RA", "efficiency": 0.9},
        {"knockout": "SOCS3"},
        {"overexpress": "LIF", "fold": 5},
        {"drug": "ruxolitinib", "dose": "1 uM"},
    ],
}


def errors_of(mapping) -> list[str]:
    with pytest.raises(ExperimentError) as exc:
        parse_experiment(mapping, WHERE)
    return [str(p) for p in exc.value.problems]


def test_spec_experiment_in_model_units():
    exp = parse_experiment(SPEC_EXPERIMENT, WHERE)
    assert exp.cell == "lung_cancer"
    (sym, nM), = exp.stimuli
    # 10 ng/mL of IL-11 (19.1 kDa in the knowledge base) is about 0.52 nM
    assert sym == "IL11" and nM == pytest.approx(10e-6 / 19.1e3 * 1e9, rel=0.05)
    assert dict(exp.conditions) == pytest.approx(
        {"estradiol": 10.0, "glucose": 0.5, "mannose": 25.0, "oxygen": 1.0})
    assert exp.perturbations == (
        Perturbation("drug", "ruxolitinib", dose_nM=1000.0),
        Perturbation("knockdown", "IL11RA", efficiency=0.9),
        Perturbation("knockout", "SOCS3"),
        Perturbation("overexpress", "LIF", fold=5.0),
    )


def test_defaults():
    assert parse_experiment({}) == Experiment()
    exp = parse_experiment({"perturbations": [{"knockdown": "STAT3"}, {"overexpress": "LIF"}]})
    assert {p.target: (p.efficiency, p.fold) for p in exp.perturbations} == {
        "STAT3": (0.8, None), "LIF": (None, 5.0)}


def test_aliases_and_spelling_variants_resolve():
    exp = parse_experiment({"stimuli": {"IL-6": "10 nM", "sIL-6R": "1 nM"},
                            "perturbations": [{"knockdown": "gp130"}, {"knockout": "SHP2"},
                                              {"drug": "Jakafi", "dose": "1 uM"}]})
    assert exp.stimuli == (("IL6", 10.0), ("sIL6R", 1.0))
    assert {p.target for p in exp.perturbations} == {"IL6ST", "PTPN11", "ruxolitinib"}


def test_same_experiment_written_two_ways_is_equal_and_hashable():
    a = parse_experiment({"stimuli": {"IL6": "20.9 ng/mL"},
                          "perturbations": [{"knockout": "SOCS3"}, {"knockdown": "STAT3"}]})
    b = parse_experiment({"stimuli": {"IL-6": "1 nM"},
                          "perturbations": [{"knockdown": "STAT3"}, {"knockout": "SOCS3"}]})
    assert a.stimuli[0][1] == pytest.approx(1.0)
    assert a.perturbations == b.perturbations
    assert len({a.prestimulus(), b.prestimulus()}) == 1


def test_mass_dose_of_antibody_uses_its_molecular_weight():
    exp = parse_experiment({"perturbations": [{"drug": "tocilizumab", "dose": "10 ug/mL"}]})
    assert exp.perturbations[0].dose_nM == pytest.approx(10e-3 / 148e3 * 1e9, rel=1e-6)


def test_mass_dose_of_small_molecule_without_weight_is_an_error():
    msgs = errors_of({"perturbations": [{"drug": "ruxolitinib", "dose": "1 ug/mL"}]})
    assert len(msgs) == 1
    assert msgs[0].startswith("exp.yaml:3: my-obs: field 'test.perturbations[0].dose': "
                              "cannot convert 1")
    assert msgs[0].endswith("of ruxolitinib to molar: the knowledge base has no molecular "
                            "weight for it; give the dose in molar units (nM, uM)")


@pytest.mark.parametrize("mapping, field, text", [
    ({"stimuli": {"IL6": "2 mM"}}, "test.stimuli.IL6", "above 1 mM"),
    ({"perturbations": [{"drug": "stattic", "dose": "2 M"}]}, "test.perturbations[0].dose",
     "above 1 M"),
    ({"perturbations": [{"knockdown": "STAT3", "efficiency": 1.5}]},
     "test.perturbations[0].efficiency", "out of range"),
    ({"perturbations": [{"knockdown": "STAT3", "efficiency": -0.1}]},
     "test.perturbations[0].efficiency", "out of range"),
    ({"perturbations": [{"overexpress": "LIF", "fold": 0}]}, "test.perturbations[0].fold",
     "expected a number > 0"),
    ({"perturbations": [{"overexpress": "LIF", "fold": "5x"}]}, "test.perturbations[0].fold",
     "expected a plain number"),
    ({"conditions": {"oxygen": "150 %"}}, "test.conditions.oxygen", "above 100 %"),
    ({"conditions": {"oxygen": "1 mM"}}, "test.conditions.oxygen", "expected a percentage"),
    ({"conditions": {"glucose": "5 %"}}, "test.conditions.glucose", "expected a concentration"),
    ({"stimuli": {"IL6": 20}}, "test.stimuli.IL6", "bare number 20 has no unit"),
    ({"stimuli": {"IL6": "-1 nM"}}, "test.stimuli.IL6", "negative quantity"),
    ({"stimuli": {"STAT3": "1 nM"}}, "test.stimuli.STAT3", "unknown stimulus 'STAT3'"),
    ({"conditions": {"lactate": "1 mM"}}, "test.conditions.lactate", "unknown condition"),
    ({"perturbations": [{"drug": "stattic"}]}, "test.perturbations[0].dose", "needs a dose"),
    ({"perturbations": [{"knockdown": "STAT3", "knockout": "SOCS3"}]}, "test.perturbations[0]",
     "exactly one of"),
    ({"perturbations": [{"knockdown": "STAT3", "fold": 2}]}, "test.perturbations[0].fold",
     "unknown key 'fold'"),
    ({"perturbations": [{"knockdown": "STAT3"}, {"knockout": "STAT3"}]},
     "test.perturbations[1]", "perturbed twice"),
    ({"perturbations": [{"knockout": "glucose"}]}, "test.perturbations[0].knockout",
     "not a gene product"),
    ({"stimuli": {"IL6": "1 nM", "IL-6": "2 nM"}}, "test.stimuli.IL-6", "given twice"),
    ({"cel": "hepatocyte"}, "test.cel", "did you mean 'cell'?"),
    ({"cell": "liver"}, "test.cell", "unknown context 'liver'"),
    ({"perturbations": {"knockdown": "STAT3"}}, "test.perturbations", "expected a list"),
])
def test_bad_experiment(mapping, field, text):
    with pytest.raises(ExperimentError) as exc:
        parse_experiment(mapping, WHERE)
    probs = exc.value.problems
    assert [p.field for p in probs] == [field]
    assert text in probs[0].message
    assert probs[0].file == "exp.yaml" and probs[0].item == "my-obs"


def test_every_problem_is_collected():
    msgs = errors_of({"cell": "nowhere", "stimuli": {"IL6": 20, "FOO": "1 nM"},
                      "perturbations": [{"knockdown": "STAT33"}]})
    assert len(msgs) == 4
