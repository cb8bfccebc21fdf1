"""Shared helpers for the validation tests: observations from dicts and fake simulators."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cytonet.experiments.parse import Observation, parse_observation
from cytonet.experiments.types import Experiment, Request, Result


def make_observation(**fields) -> Observation:
    """An observation from spec-format fields (id, claim and source filled in)."""
    obj = {"id": "obs", "claim": "a claim", "source": {"pmid": 1}, "readout": "phospho:STAT3"}
    obj.update(fields)
    obs, problems = parse_observation(obj, file="synthetic.yaml")
    assert not problems, [str(p) for p in problems]
    return obs


def analytic_trace(exp: Experiment, t: np.ndarray) -> np.ndarray:
    """0.1 basal + stimulus-driven rise that a knockdown/drug scales down and SOCS3 ends."""
    stim = sum(v for _, v in exp.stimuli)
    gain = 1.0
    sustained = False
    for p in exp.perturbations:
        if p.kind == "knockdown":
            gain *= 1 - p.efficiency
        elif p.kind == "drug":
            gain *= 0.2
        elif p.kind == "knockout" and p.target == "SOCS3":
            sustained = True
    rise = 1 - np.exp(-t / 600.0)
    decay = 1.0 if sustained else np.exp(-t / 3600.0)
    return 0.1 + stim * gain * rise * decay


class FakeSimulator:
    """``simulate(requests, workers=None)`` with analytic traces; records every call.

    ``fail`` picks requests that fail (their Result has ``error`` set).
    """

    def __init__(self, fail: Callable[[Request], bool] | None = None):
        self.calls: list[list[Request]] = []
        self.fail = fail or (lambda r: False)

    def __call__(self, requests, workers=None):
        self.calls.append(list(requests))
        out = []
        for r in requests:
            if self.fail(r):
                out.append(Result(r, error="solver failed: CVODE error -4"))
                continue
            t = np.asarray(r.times)
            out.append(Result(r, {ro: analytic_trace(r.experiment, t) for ro in r.readouts}))
        return out


EC50_NM = 0.1  # HillSimulator's EC50 of IL-6 (nM) ...
IC50_NM = 300.0  # ... and IC50 of any drug (nM)


class HillSimulator(FakeSimulator):
    """Traces 0.1 + Hill(IL-6 dose) x drug inhibition, rising over ~10 min."""

    def __call__(self, requests, workers=None):
        self.calls.append(list(requests))
        out = []
        for r in requests:
            if self.fail(r):
                out.append(Result(r, error="solver failed: CVODE error -4"))
                continue
            t = np.asarray(r.times)
            il6 = dict(r.experiment.stimuli).get("IL6", 0.0)
            left = np.prod([1 / (1 + p.dose_nM / IC50_NM) for p in r.experiment.perturbations
                            if p.kind == "drug"])
            v = 0.1 + il6 / (il6 + EC50_NM) * left * (1 - np.exp(-t / 600))
            out.append(Result(r, {ro: v for ro in r.readouts}))
        return out
