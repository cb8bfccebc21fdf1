"""The spec's three example observations run end to end: parse, then simulate every role."""

from __future__ import annotations

import numpy as np
import pytest

from cytonet.experiments.parse import load_observations
from cytonet.experiments.runner import simulate_requests
from cytonet.experiments.types import Request

# verbatim from spec/experiments.md (v1), section "Observations"
SPEC_EXAMPLES = """\
- id: il11-induces-mmp12
  claim: IL-11 raises MMP12 expression in lung cancer cells.
  source: {doi: 10.1038/s41420-026-03163-2}
  note: free text on choices the source does not fix (optional)
  readout: mRNA:MMP12
  at: 24 h
  test:    {cell: lung_cancer, stimuli: {IL11: 10 ng/mL}}
  control: {cell: lung_cancer}
  expect: increase
  fold: 2

- id: il11ra-knockdown-abrogates-mmp12
  claim: Silencing IL11RA abolishes IL-11-induced MMP12.
  source: {doi: 10.1038/s41420-026-03163-2}
  readout: mRNA:MMP12
  test:     {cell: lung_cancer, stimuli: {IL11: 10 ng/mL}, perturbations: [{knockdown: IL11RA}]}
  control:  {cell: lung_cancer, stimuli: {IL11: 10 ng/mL}}
  baseline: {cell: lung_cancer}
  expect: abrogates
  by: 0.5

- id: il6-pstat3-transient
  claim: IL-6 activates STAT3 transiently; SOCS3 brings it back down.
  source: {doi: 10.1042/BJ20030407}
  readout: phospho:STAT3
  experiment: {cell: hepatocyte, stimuli: {IL6: 10 ng/mL}}
  expect: transient
  peak_between: [10 min, 60 min]
  falls_below: {fraction: 0.5, by: 4 h}
"""


@pytest.fixture(scope="module")
def observations(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "examples.yaml"
    path.write_text(SPEC_EXAMPLES, encoding="utf-8")
    obs, problems = load_observations(path)
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
