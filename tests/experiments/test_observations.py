"""load_observations: the spec's three examples, the curated file, top-level shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cytonet.experiments.parse import load_observations, parse_observation
from cytonet.experiments.types import DEFAULT_READOUT_TIME_S, Readout

# ../shared beside the repository, as in CI
LITERATURE = Path(__file__).resolve().parents[3] / "shared" / "observations" / "literature.yaml"

SPEC_EXAMPLES = Path(__file__).resolve().parent / "data" / "spec_examples.yaml"


@pytest.fixture(scope="module")
def spec_file() -> Path:
    return SPEC_EXAMPLES


def test_spec_examples_parse(spec_file):
    obs, problems = load_observations(spec_file)
    assert problems == []
    a, b, c = obs
    assert (a.id, a.readout, a.expect, a.statistic, a.at_s, a.fold) == (
        "il11-induces-mmp12", Readout("mRNA", "MMP12"), "increase", "at", 86400.0, 2.0)
    assert a.source.doi == ("10.1038/s41420-026-03163-2",)
    assert a.note.startswith("free text")
    assert a.test.cell == "lung_cancer" and a.test.stimuli[0][0] == "IL11"
    assert a.control.stimuli == () and a.baseline is None
    assert a.roles == ("test", "control") and a.line == 2 and a.file == str(spec_file)

    assert b.expect == "abrogates" and b.threshold("by") == 0.5
    assert b.roles == ("test", "control", "baseline")
    assert b.test.perturbations[0].efficiency == 0.8  # the spec default
    assert b.at_s == DEFAULT_READOUT_TIME_S["mRNA"]  # default 24 h
    assert b.control == a.test  # shared experiments are equal, so simulations can be shared

    assert c.expect == "transient" and c.statistic == "trace" and c.roles == ("experiment",)
    assert c.peak_between_s == (600.0, 3600.0)
    assert (c.falls_below_fraction, c.falls_below_by_s) == (0.5, 14400.0)
    assert c.end_s == 14400.0
    t = c.sample_times()
    assert t[0] == 0 and t[-1] == 14400.0 and 600.0 in t and 3600.0 in t and len(t) >= 241


def test_mapping_with_observations_key_and_loaded_data():
    data = yaml.safe_load(SPEC_EXAMPLES.read_text())
    obs1, p1 = load_observations({"observations": data})
    obs2, p2 = load_observations(data)
    assert p1 == p2 == [] and [o.id for o in obs1] == [o.id for o in obs2]
    assert obs1[0].file is None


def test_unknown_top_level_key():
    obs, problems = load_observations({"observations": [], "version": 1})
    assert obs == []
    assert [str(p) for p in problems] == [
        "field 'version': unknown top-level key 'version'; expected a list of observations or "
        "a mapping with the single key 'observations'"]


def test_default_readout_times_and_statistics():
    base = {"claim": "c", "source": {"pmid": 1}, "expect": "increase",
            "test": {"stimuli": {"IL6": "1 nM"}}, "control": {}}
    for kind, entity in [("phospho", "STAT3"), ("mRNA", "SOCS3"), ("phenotype", "survival"),
                         ("secreted", "LIF"), ("active", "mTOR")]:
        o, probs = parse_observation({**base, "id": "x", "readout": f"{kind}:{entity}"})
        assert probs == [] and o.at_s == DEFAULT_READOUT_TIME_S[kind]
    o, probs = parse_observation({**base, "id": "x", "readout": "phospho:ERK",
                                  "statistic": "auc", "window": ["0 h", "4 h"]})
    assert probs == [] and o.readout == Readout("phospho", "MAPK1")
    assert (o.statistic, o.window_s, o.at_s, o.end_s) == ("auc", (0.0, 14400.0), None, 14400.0)


def test_sustained_and_thresholds():
    o, probs = parse_observation({
        "id": "socs3-ko", "claim": "c", "source": {"doi": ["10.1084/jem.20070820"]},
        "readout": "phospho:STAT3", "expect": "sustained", "until": "2 h", "fraction": 0.4,
        "experiment": {"cell": "hepatocyte", "stimuli": {"IL6": "20 ng/mL"},
                       "perturbations": [{"knockout": "SOCS3"}]}})
    assert probs == []
    assert (o.until_s, o.threshold("fraction"), o.end_s) == (7200.0, 0.4, 7200.0)


@pytest.mark.parametrize("extra, field, text", [
    ({"statistic": "max"}, "window", "needs a window"),
    ({"statistic": "median", "window": ["0 h", "1 h"]}, "statistic", "expected 'max' or 'auc'"),
    ({"statistic": "max", "window": ["2 h", "1 h"]}, "window", "must come after"),
    ({"statistic": "max", "window": ["0 h"]}, "window", "expected two times"),
    ({"at": "1 h", "statistic": "max", "window": ["0 h", "1 h"]}, "at", "not both"),
    ({"fold": 0.5}, "fold", "out of range"),
    ({"tolerance": 2}, "tolerance", "not a threshold of expect 'increase'"),
    ({"baseline": {}}, "baseline", "not used with expect 'increase'"),
    ({"until": "1 h"}, "until", "not a threshold"),
    ({"source": {"doi": "not-a-doi"}}, "source.doi", "is not a DOI"),
    ({"source": {"pmid": "PM123"}}, "source.pmid", "is not a PubMed id"),
    ({"source": {"url": "x"}}, "source.url", "unknown key 'url'"),
    ({"source": {}}, "source", "at least one of doi, pmid, seed or note"),
    ({"claim": None}, "claim", "missing required field"),
    ({"readout": "STAT3"}, "readout", "expected KIND:ENTITY"),
    ({"readout": "phospho:STAT9"}, "readout", "unknown entity 'STAT9'; did you mean"),
    ({"readout": "phenotype:happiness"}, "readout", "unknown phenotype"),
    ({"at": "30 nM"}, "at", "expected a time"),
    ({"test": "IL6"}, "test", "expected an experiment mapping"),
])
def test_bad_observation_fields(extra, field, text):
    obj = {"id": "obs-x", "claim": "c", "source": {"pmid": 1}, "readout": "phospho:STAT3",
           "expect": "increase", "test": {"stimuli": {"IL6": "1 nM"}}, "control": {}}
    obj.update(extra)
    obj = {k: v for k, v in obj.items() if v is not None}
    o, probs = parse_observation(obj, file="f.yaml")
    assert o is None
    assert field in [p.field for p in probs], [str(p) for p in probs]
    p = next(p for p in probs if p.field == field)
    assert text in p.message and p.item == "obs-x" and p.file == "f.yaml"


@pytest.mark.skipif(not LITERATURE.is_file(), reason="shared literature file not present")
def test_curated_literature_loads_cleanly():
    obs, problems = load_observations(LITERATURE)
    assert [str(p) for p in problems] == []
    assert len(obs) >= 75 and len({o.id for o in obs}) == len(obs)
    assert {o.expect for o in obs} >= {"increase", "decrease", "abrogates", "transient",
                                       "sustained"}
