"""Run experiments on the compiled model: pre-equilibrate, stimulate, read out.

A ``Simulator`` holds one compiled libRoadRunner model per process and caches the
unstimulated steady state of each (context, perturbations) pair, so observations that
share cells share their pre-equilibration. ``simulate_requests`` runs a batch, in
parallel across processes when it is large, and never loses the other results when one
fails.
"""

from __future__ import annotations

__all__ = ["Simulator", "simulate_requests", "run", "experiment_values", "get_simulator",
           "use_parameter_set"]

import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from ..compile import CompiledModel, compile_model
from ..compile.model import (
    CONDITION_PARAMETERS,
    DRUG_ACTIVITY_TARGETS,
    PERTURBABLE,
    STIMULUS_SPECIES,
)
from ..errors import CytonetError, ExperimentError, Problem, SteadyStateError
from ..simulate import get_backend
from .types import Experiment, Readout, Request, Result

# sequestering drugs -> boundary species in the medium
SEQUESTERING_SPECIES = {"tocilizumab": "drug_tocilizumab", "sgp130Fc": "drug_sgp130Fc",
                        "anti-LIF": "drug_antiLIF", "anti-IL11": "drug_antiIL11"}
STEADY_CHUNK_S = 5e5
STEADY_MAX_CHUNKS = 8
STEADY_TOL = 1e-8  # max relative rate of change per second at steady state


def experiment_values(model: CompiledModel, exp: Experiment, *, stimulated: bool
                      ) -> dict[str, float]:
    """Parameter / boundary-species values that realize ``exp`` (before or after t = 0)."""
    kb = model.catalog.kb
    try:
        ctx = kb.contexts[exp.cell]
    except KeyError:
        close = model.catalog.contexts.close_matches(exp.cell)
        raise ExperimentError(Problem(f"unknown context {exp.cell!r}"
                                      + (f"; did you mean {', '.join(close)}?" if close else ""),
                                      field="cell")) from None
    vals: dict[str, float] = {f"expr_{e}": ctx.level(e) for e in PERTURBABLE}
    vals.update({f"act_{e}": 1.0 for e in DRUG_ACTIVITY_TARGETS})
    vals["act_AKT1_allosteric"] = 1.0
    vals.update({sid: 0.0 for sid in SEQUESTERING_SPECIES.values()})
    for p in exp.perturbations:
        if p.kind == "drug":
            drug = kb.drugs[p.target]
            dose = float(p.dose_nM or 0.0)
            if drug.is_sequestering:
                vals[SEQUESTERING_SPECIES[drug.name]] += dose
                continue
            for t in drug.targets:
                sym = model.catalog.model_symbol(t.target)
                left = 1.0 / (1.0 + dose / t.ic50_nM)
                vals[f"act_{sym}"] *= left
                if drug.mechanism == "allosteric" and f"act_{sym}_allosteric" in vals:
                    vals[f"act_{sym}_allosteric"] *= left
            continue
        sym = model.catalog.model_symbol(p.target)
        key = f"expr_{sym}"
        if key not in vals:
            raise ExperimentError(Problem(
                f"cannot {p.kind} {p.target}: the model has no synthesis of it "
                f"(perturbable: {', '.join(PERTURBABLE)})", field="perturbations"))
        if p.kind == "knockout":
            vals[key] = 0.0
        elif p.kind == "knockdown":
            vals[key] *= 1.0 - (0.8 if p.efficiency is None else p.efficiency)
        elif p.kind == "overexpress":
            fold = 5.0 if p.fold is None else p.fold
            # a transgene adds expression: fold over the basal level of the generic line
            vals[key] = vals[key] + (fold - 1.0) * max(1.0, vals[key]) if fold >= 1 else vals[key] * fold
        else:
            raise ExperimentError(Problem(f"unknown perturbation kind {p.kind!r}",
                                          field="perturbations"))
    defaults = {pid: model.network.parameters[pid].value for pid in CONDITION_PARAMETERS.values()}
    vals.update(defaults)
    if stimulated:
        for cond, value in exp.conditions:
            vals[CONDITION_PARAMETERS[cond]] = value
    return vals


class Simulator:
    """One compiled model, reused for every experiment in this process."""

    def __init__(self, model: CompiledModel | None = None, backend: str = "roadrunner",
                 rtol: float = 1e-8, atol: float = 1e-12):
        self.model = model or compile_model()
        self.backend = get_backend(backend)(self.model.sbml, rtol=rtol, atol=atol)
        self._initial = self.backend.get_state()
        self._released = self.model.network.released_species()
        self._steady: dict[Experiment, np.ndarray] = {}
        self._reference: np.ndarray | None = None

    # ------------------------------------------------------------------ steady states
    def steady_state(self, exp: Experiment) -> np.ndarray:
        key = exp.prestimulus()
        if key in self._steady:
            return self._steady[key]
        if self._reference is None and key != Experiment():
            try:
                self.steady_state(Experiment())
            except SteadyStateError as exc:
                raise SteadyStateError(
                    f"cannot pre-equilibrate {key.describe()}: the reference state it starts "
                    f"from failed ({exc})") from exc
        start = self._reference if self._reference is not None else self._initial
        be = self.backend
        be.set_state(start)
        be.set_values(experiment_values(self.model, key, stimulated=False))
        # knocked-out entities are absent from the start (exact zeros, no denormal decay)
        gone = {self.model.catalog.model_symbol(p.target) for p in key.perturbations
                if p.kind == "knockout"}
        if gone:
            be.set_values({sid: 0.0 for sid, sp in self.model.network.species.items()
                           if any(c.entity in gone for c in sp.components)})
        for sid in STIMULUS_SPECIES.values():
            be.set_values({sid: 0.0})
        for _ in range(STEADY_MAX_CHUNKS):
            be.clamp_noise()
            be.integrate(STEADY_CHUNK_S, None, ["time"])
            if float(np.max(be.relative_rates())) < STEADY_TOL:
                break
        else:
            worst = float(np.max(be.relative_rates()))
            raise SteadyStateError(
                f"no steady state for {key.describe() or 'generic cells'} after "
                f"{STEADY_MAX_CHUNKS * STEADY_CHUNK_S / 86400:.0f} days of pre-equilibration "
                f"(largest relative rate {worst:.2g}/s)")
        be.clamp_noise()
        # phenotype scores relax to their targets: at steady state they equal them
        phen = [f"phenotype_{p}" for p in self.model.catalog.kb.phenotypes]
        targets = be.get_values([f"target_{p}" for p in self.model.catalog.kb.phenotypes])
        be.set_values(dict(zip(phen, targets, strict=True)))
        state = be.get_state()
        self._steady[key] = state
        if key == Experiment():
            self._reference = state
        return state

    # ------------------------------------------------------------------ runs
    def selections_for(self, readouts) -> tuple[list[str], list[list[tuple[int, float]]]]:
        sel: list[str] = []
        index: dict[str, int] = {}
        plans = []
        for ro in readouts:
            plan = []
            for sid, w in self.model.readout(ro.kind, ro.entity):
                name = sid if sid.startswith("phenotype_") else f"[{sid}]"
                if name not in index:
                    index[name] = len(sel)
                    sel.append(name)
                plan.append((index[name], w))
            plans.append(plan)
        return sel, plans

    def simulate(self, exp: Experiment, readouts, times) -> dict[Readout, np.ndarray]:
        times = np.asarray(sorted(set(float(t) for t in times) | {0.0}), dtype=float)
        state = self.steady_state(exp)
        be = self.backend
        be.set_state(state)
        values = experiment_values(self.model, exp, stimulated=True)
        be.set_values(values)
        # stimuli are added to what the cells already secreted into the medium (autocrine)
        if exp.stimuli:
            sids = [STIMULUS_SPECIES[sym] for sym, _ in exp.stimuli]
            present = be.get_values([f"[{sid}]" for sid in sids])
            be.set_values({sid: now + nM for sid, now, (_, nM)
                           in zip(sids, present, exp.stimuli, strict=True)})
        # secreted:X counts what the cells release from t = 0 on (fresh conditioned medium)
        be.set_values({sid: 0.0 for sid in self._released})
        sel, plans = self.selections_for(readouts)
        data = be.integrate(float(times[-1]), times, sel)
        out = {}
        for ro, plan in zip(readouts, plans, strict=True):
            v = np.zeros(len(times))
            for col, w in plan:
                v += w * data[:, col]
            scale = self.model.readout_scale(ro.kind, ro.entity)
            out[ro] = v * values[scale] if scale else v
        self.times = times
        return out

    def run_request(self, req: Request) -> Result:
        try:
            vals = self.simulate(req.experiment, req.readouts, req.times)
            times = self.times
            want = np.asarray(req.times, dtype=float)
            idx = np.searchsorted(times, want)
            return Result(req, {ro: v[idx] for ro, v in vals.items()})
        except CytonetError as exc:
            return Result(req, {}, error=str(exc))
        except Exception as exc:  # noqa: BLE001 - one failing run never loses the batch
            return Result(req, {}, error=f"{type(exc).__name__}: {exc}")


_SIMULATOR: Simulator | None = None
_PARAMETER_SET: str | None = None


def use_parameter_set(name: str | None) -> None:
    """Switch the process-wide simulator to a named parameter set (None: the curated one)."""
    global _SIMULATOR, _PARAMETER_SET
    if name != _PARAMETER_SET:
        _PARAMETER_SET = name
        _SIMULATOR = None


def get_simulator() -> Simulator:
    """The process-wide simulator (compiled once)."""
    global _SIMULATOR
    if _SIMULATOR is None:
        _SIMULATOR = Simulator(compile_model(parameter_set=_PARAMETER_SET))
    return _SIMULATOR


def _worker_run(reqs: list[Request]) -> list[Result]:
    sim = get_simulator()
    return [sim.run_request(r) for r in reqs]


def simulate_requests(requests: list[Request], workers: int | None = None,
                      progress: bool = False) -> list[Result]:
    """Run a batch; order is kept; failures come back as ``Result.error``."""
    requests = list(requests)
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(requests) >= 40 else 1
    if workers <= 1 or len(requests) < 2:
        sim = get_simulator()
        it = requests
        if progress:
            from tqdm import tqdm
            it = tqdm(requests, desc="simulating", unit="run", leave=False)
        return [sim.run_request(r) for r in it]
    # group by pre-stimulus cells so each worker reuses its steady states
    groups: dict[Experiment, list[int]] = {}
    for i, r in enumerate(requests):
        groups.setdefault(r.experiment.prestimulus(), []).append(i)
    buckets: list[list[int]] = [[] for _ in range(workers)]
    for idxs in sorted(groups.values(), key=len, reverse=True):
        min(buckets, key=len).extend(idxs)
    results: list[Result | None] = [None] * len(requests)
    # compile and JIT once here: forked workers inherit the loaded model and its steady states
    get_simulator()
    import multiprocessing as mp
    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futs = [(b, pool.submit(_worker_run, [requests[i] for i in b])) for b in buckets if b]
        for b, fut in futs:
            try:
                for i, res in zip(b, fut.result(), strict=True):
                    results[i] = res
            except Exception as exc:  # noqa: BLE001 - a dead worker loses only its own items
                for i in b:
                    results[i] = Result(requests[i], {}, error=f"worker failed: {exc}")
    return results  # type: ignore[return-value]


simulate_requests.warm_up = get_simulator  # type: ignore[attr-defined]  # compile + JIT ahead


def run(experiment: Experiment, readouts=None, times=None) -> pd.DataFrame:
    """Simulate one experiment; a tidy DataFrame (time_s, time_h, readout, value).

    ``readouts`` are ``Readout`` objects or ``'KIND:ENTITY'`` strings; ``times`` in seconds
    (default 0-24 h every 15 min). Units are in ``df.attrs['units']``.
    """
    sim = get_simulator()
    if readouts is None:
        readouts = ["phospho:STAT3"]
    ros = [r if isinstance(r, Readout) else parse_readout(r, sim.model) for r in readouts]
    if times is None:
        times = np.linspace(0, 86400, 97)
    vals = sim.simulate(experiment, ros, times)
    t = sim.times
    rows = []
    for ro, v in vals.items():
        rows.append(pd.DataFrame({"time_s": t, "time_h": t / 3600, "readout": str(ro), "value": v}))
    df = pd.concat(rows, ignore_index=True)
    df.attrs["units"] = {str(ro): ("score" if ro.kind == "phenotype" else "nM") for ro in ros}
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
