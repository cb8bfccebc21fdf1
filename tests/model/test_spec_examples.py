"""The spec's three example observations run end to end: parse, then simulate every role."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cytonet.experiments.parse import load_observations
from cytonet.experiments.runner import simulate_requests
from cytonet.experiments.types import Request

# verbatim from spec/experiments.md (v1), section "Observations"
SPEC_EXAMPLES = Path(__file__).resolve().parents[1] / "experiments" / "data" / "spec_examples.yaml"


@pytest.fixture(scope="module")
def observations():
    obs, problems = load_observations(SPEC_EXAMPLES)
    assert problems == []
    return obs


def test_all_three_parse(observations):
    assert [o.id for o in observations] == ["il11-induces-mmp12",
                                            "il11ra-knockdown-abrogates-mmp12",
                                            "il6-pstat3-transient"]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_every_role_simulates(observations, index):
    obs = observations[index]
    times = tuple(float(t) for t in obs.sample_times())
    reqs = [Request(exp, (obs.readout,), times) for exp in obs.experiments().values()]
    results = simulate_requests(reqs, workers=1)
    assert len(results) == len(obs.roles)
    for role, res in zip(obs.roles, results, strict=True):
        assert res.ok, f"{obs.id} {role}: {res.error}"
        v = res.values[obs.readout]
        assert v.shape == (len(times),) and np.isfinite(v).all()
        assert v.min() >= -1e-9 * max(1.0, np.abs(v).max())
