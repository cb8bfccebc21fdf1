"""Run experiments on the compiled model through the one protocol.

A ``Simulator`` holds one compiled model (one backend) per process and the steady states
of the cells at the nominal parameters (the warm starts), so observations that share cells
share their pre-equilibration. Every run goes through :func:`cytonet.simulate.protocol.solve`
on a plan from :func:`cytonet.experiments.plan.plan_requests`; ``simulate_requests`` runs a
batch, in parallel across processes when it is large, and never loses the other results
when one fails.
"""

from __future__ import annotations

__all__ = ["Simulator", "simulate_requests", "run", "RUN_COLUMNS", "experiment_values",
           "get_simulator", "simulator_for", "use_parameter_set"]

import os

import numpy as np
import pandas as pd

from ..compile import CompiledModel, compile_model
from ..errors import ExperimentError, Problem, SimulationError, SteadyStateError
from ..simulate import get_backend
from ..simulate.protocol import Status, WarmStarts
from ..simulate.steady import SteadyStateSettings
from .plan import experiment_values, plan_requests, reference_group
from .types import Experiment, Readout, Request, Result


class Simulator:
    """One compiled model, reused for every experiment in this process."""

    def __init__(self, model: CompiledModel | None = None, backend: str = "roadrunner",
                 rtol: float = 1e-8, atol: float = 1e-12,
                 settings: SteadyStateSettings | None = None):
        self.model = model or compile_model()
        self.backend = get_backend(backend)(self.model.sbml, rtol=rtol, atol=atol)
        self.settings = settings or SteadyStateSettings()
        self.warm = WarmStarts()
        self._reference = reference_group(self.model)

    def solve(self, plan, theta=None):
        """Run a plan (see :func:`cytonet.simulate.protocol.solve`) from this simulator's
        warm starts; ``theta`` rows in ``plan.theta_ids`` order (None: nominal)."""
        return self.backend.solve(plan, theta, warm=self.warm, reference=self._reference,
                                  settings=self.settings,
                                  nominal=self.model.interface.theta_nominal)

    def run_requests(self, requests: list[Request]) -> list[Result]:
        """One plan, one solve; results in request order, failures in ``Result.error``."""
        plan, arm_of, errors = plan_requests(self.model, list(requests))
        sol = self.solve(plan) if plan.arms else None
        out = []
        for i, (req, a) in enumerate(zip(requests, arm_of, strict=True)):
            if a is None:
                out.append(Result(req, {}, error=str(errors[i])))
                continue
            if sol.status[0, a] != Status.OK:
                out.append(Result(req, {}, error=sol.message(0, a)))
                continue
            times = plan.arms[a].times
            idx = np.searchsorted(times, np.asarray(req.times, dtype=float))
            vals = sol.values[a][0]
            out.append(Result(req, {ro: vals[k][idx] for k, ro in enumerate(req.readouts)}))
        return out

    def run_request(self, req: Request) -> Result:
        return self.run_requests([req])[0]

    def steady_state(self, exp: Experiment) -> np.ndarray:
        """The unstimulated steady state of ``exp``'s cells (backend state layout)."""
        key = exp.prestimulus()
        if key not in self.warm.states:
            res = self.run_request(Request(exp.prestimulus(), (), (0.0,)))
            if not res.ok:
                raise SteadyStateError(res.error)
        return self.warm.states[key]

    def simulate(self, exp: Experiment, readouts, times) -> dict[Readout, np.ndarray]:
        """Values of ``readouts`` at ``times`` plus t = 0 (sorted, in ``self.times``)."""
        times = np.asarray(sorted({float(t) for t in times} | {0.0}), dtype=float)
        req = Request(exp, tuple(readouts), tuple(times))
        plan, arm_of, errors = plan_requests(self.model, [req])
        if arm_of[0] is None:
            raise errors[0]
        sol = self.solve(plan)
        code = Status(int(sol.status[0, 0]))
        if code != Status.OK:
            err = SteadyStateError if code == Status.STEADY_STATE_FAILED else SimulationError
            raise err(sol.message(0, 0))
        self.times = times
        return {ro: sol.values[0][0][k] for k, ro in enumerate(req.readouts)}


_SIMULATOR: Simulator | None = None
_PARAMETER_SET: str | None = None


def use_parameter_set(name: str | None) -> None:
    """Switch the process-wide simulator to a named parameter set (None: the curated one)."""
    global _SIMULATOR, _PARAMETER_SET
    if name != _PARAMETER_SET:
        _PARAMETER_SET = name
        _SIMULATOR = None


def get_simulator() -> Simulator:
    """The process-wide simulator (compiled once per parameter set and knowledge folder)."""
    global _SIMULATOR
    model = compile_model(parameter_set=_PARAMETER_SET)  # cached: cheap after the first
    if _SIMULATOR is None or _SIMULATOR.model is not model:
        _SIMULATOR = Simulator(model)
    return _SIMULATOR


def simulator_for(model: CompiledModel) -> Simulator:
    """A simulator of ``model``: the process-wide one when it holds that model."""
    sim = get_simulator() if model is compile_model(parameter_set=_PARAMETER_SET) else None
    if sim is None or sim.model is not model:
        sim = _OTHERS.get(id(model))
        if sim is None or sim.model is not model:
            sim = _OTHERS[id(model)] = Simulator(model)
    return sim


_OTHERS: dict[int, Simulator] = {}


def _worker_run(reqs: list[Request]) -> list[Result]:
    return get_simulator().run_requests(reqs)


def simulate_requests(requests: list[Request], workers: int | None = None,
                      progress: bool = False) -> list[Result]:
    """Run a batch; order is kept; failures come back as ``Result.error``."""
    from ..limits import cap_workers

    requests = list(requests)
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(requests) >= 40 else 1
    workers = cap_workers(workers, len(requests))
    if workers <= 1 or len(requests) < 2:
        sim = get_simulator()
        if not progress:
            return sim.run_requests(requests)
        from tqdm import tqdm
        return [sim.run_request(r) for r in tqdm(requests, desc="simulating", unit="run",
                                                 leave=False)]
    # chunks of requests that share pre-stimulus cells (each worker reuses its steady
    # states), small enough that a dead worker loses little: about 4 chunks per worker
    groups: dict[Experiment, list[int]] = {}
    for i, r in enumerate(requests):
        groups.setdefault(r.experiment.prestimulus(), []).append(i)
    size = max(1, -(-len(requests) // (4 * workers)))
    chunks = [idxs[k:k + size] for idxs in sorted(groups.values(), key=len, reverse=True)
              for k in range(0, len(idxs), size)]
    results: list[Result | None] = [None] * len(requests)
    # compile and JIT once here: forked workers inherit the loaded model and its steady states
    get_simulator()
    from .._pool import map_resilient

    def done(k: int, values: list[Result]) -> None:
        for i, res in zip(chunks[k], values, strict=True):
            results[i] = res

    def failed(k: int, reason: str) -> None:
        for i in chunks[k]:
            results[i] = Result(requests[i], {}, error=f"not run: {reason}")

    map_resilient(_worker_run, [[requests[i] for i in c] for c in chunks], workers, done, failed)
    return results  # type: ignore[return-value]


simulate_requests.warm_up = get_simulator  # type: ignore[attr-defined]  # compile + JIT ahead


#: the columns of :func:`run`'s tidy table (the simulate CLI's, plus ``time_s``)
RUN_COLUMNS = ("experiment", "time_s", "time_h", "readout", "value", "unit")


def run(experiment: Experiment, readouts=None, times=None) -> pd.DataFrame:
    """Simulate one experiment; a tidy DataFrame with :data:`RUN_COLUMNS`.

    ``readouts`` are ``Readout`` objects or ``'KIND:ENTITY'`` strings; ``times`` as
    :func:`cytonet.units.parse_times` reads them: strings with a unit (``'30 min'``), pint
    quantities, or numbers of seconds (default 0-24 h every 15 min); t = 0 is always
    included. ``unit`` holds each value's unit (``nM``, or ``score`` for phenotypes), also
    in ``df.attrs['units']``; ``experiment`` is the experiment's label (or its description).
    """
    from ..units import parse_times

    times = np.linspace(0, 86400, 97) if times is None else parse_times(times)
    sim = get_simulator()
    if readouts is None:
        readouts = ["phospho:STAT3"]
    ros = [r if isinstance(r, Readout) else parse_readout(r, sim.model) for r in readouts]
    vals = sim.simulate(experiment, ros, times)
    t = sim.times
    name = experiment.label or experiment.describe()
    rows = []
    for ro, v in vals.items():
        rows.append(pd.DataFrame({"experiment": name, "time_s": t, "time_h": t / 3600,
                                  "readout": str(ro), "value": v, "unit": ro.unit}))
    df = pd.concat(rows, ignore_index=True)[list(RUN_COLUMNS)]
    df.attrs["units"] = {str(ro): ro.unit for ro in ros}
    df.attrs["experiment"] = experiment.describe()
    return df


def parse_readout(text: str, model: CompiledModel) -> Readout:
    from .types import READOUT_KINDS
    kind, sep, name = str(text).partition(":")
    if not sep or kind not in READOUT_KINDS:
        raise ExperimentError(Problem(f"readout {text!r}: expected KIND:ENTITY with KIND one of "
                                      f"{', '.join(READOUT_KINDS)}", field="readout"))
    if kind == "phenotype":
        return Readout(kind, model.catalog.phenotypes.resolve(name))
    return Readout(kind, model.catalog.resolve_entity(name))
