"""Shared fixtures for model tests: one compiled model and one simulator per session."""

from __future__ import annotations

import numpy as np
import pytest

import cytonet
from cytonet.compile import compile_model
from cytonet.experiments.runner import get_simulator

IL6 = "10 ng/mL"
HEPATOCYTE_IL6 = {"cell": "hepatocyte", "stimuli": {"IL6": IL6}}


@pytest.fixture(scope="session")
def model():
    return compile_model()


@pytest.fixture(scope="session")
def sim(model):
    """The process-wide simulator (the one ``cytonet.run`` uses)."""
    s = get_simulator()
    assert s.model is model
    return s


def trace(experiment, readout: str, times) -> np.ndarray:
    """Values of one readout at ``times`` (s) through the public ``cytonet.run``."""
    times = np.asarray(times, dtype=float)
    df = cytonet.run(experiment, readouts=[readout], times=times)
    df = df.set_index("time_s")
    return df.loc[times, "value"].to_numpy()


def value_at(experiment, readout: str, t_s: float) -> float:
    return float(trace(experiment, readout, [0.0, t_s])[-1])
