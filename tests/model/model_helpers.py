"""Helpers for model tests: readout traces through the public ``cytonet.run``."""

from __future__ import annotations

import numpy as np

import cytonet

HEPATOCYTE_IL6 = {"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}}


def trace(experiment, readout: str, times) -> np.ndarray:
    """Values of one readout at ``times`` (s)."""
    times = np.asarray(times, dtype=float)
    df = cytonet.run(experiment, readouts=[readout], times=times).set_index("time_s")
    return df.loc[times, "value"].to_numpy()


def value_at(experiment, readout: str, t_s: float) -> float:
    return float(trace(experiment, readout, [0.0, t_s])[-1])
