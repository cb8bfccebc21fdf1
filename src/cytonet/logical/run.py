"""Experiments on the logical model: fixed nodes, the pre-stimulus state, MaBoSS time
courses (probabilities of readout nodes), and mpbn / biobalm attractors.

Mapping (docs/logical.md): an absent receptor of the context is fixed OFF; a stimulus with
a dose > 0 switches its input ON at t = 0; glucose and oxygen are ON at >= 20 % of normal
culture (25 mM, 21 %), mannose and estradiol at any dose > 0; a knockout, or a knockdown of
efficiency >= 0.5, fixes the entity's nodes OFF; an overexpression (fold >= 2) fixes its
amount ON; an inhibitor at a dose >= its IC50 (>= half the activity gone) fixes each target's
activity OFF; a neutralizing antibody or trap at a dose >= its Kd fixes its targets OFF. The
cells first rest in the least active attractor of their unstimulated model (context and
perturbations in place); at t = 0 the stimuli and conditions are applied and MaBoSS
runs asynchronous stochastic trajectories with the rules' rates (per hour).

A ``phenotype`` readout is the phenotype's score computed as in the ODE model
(``Phenotype.combination``: weighted sums within groups, products across groups, brakes)
with each driver's probability of being ON in place of its Hill activity, relaxing to that
target with the phenotype's ``tau``. The Boolean phenotype node (ON when the drivers'
logic holds) stays in the model for attractors; it cannot weigh a small driver against a
large one, which the curated weights do.
"""

from __future__ import annotations

__all__ = ["fixed_nodes", "prestimulus_state", "simulate_experiment", "simulate_requests",
           "readout_series", "phenotype_score",
           "attractors", "get_model", "readout_node", "least_active_attractor",
           "run_maboss", "probabilities_at"]

import importlib
from functools import lru_cache

import numpy as np

from ..experiments.types import Experiment, Readout, Request, Result
from ..knowledge import load_knowledge
from .compile import CONDITION_NORMAL, compile_logical
from .model import LogicalModel
from .readouts import NotExpressible, node_for_readout

KNOCKDOWN_MIN = 0.5
OVEREXPRESS_MIN = 2.0
SAMPLE_COUNT = 2000


@lru_cache(maxsize=1)
def get_model() -> LogicalModel:
    return compile_logical(load_knowledge())


def readout_node(model: LogicalModel, readout: Readout) -> str:
    return node_for_readout(model.nodes_of, readout.kind, readout.entity)


def _condition_on(name: str, level: float) -> int:
    normal = CONDITION_NORMAL.get(name, 0.0)
    return int(level >= 0.2 * normal) if normal > 0 else int(level > 0)


def fixed_nodes(model: LogicalModel, exp: Experiment, kb=None) -> dict[str, int]:
    """Nodes the context and perturbations fix (before and after t = 0)."""
    kb = kb if kb is not None else load_knowledge()
    if exp.cell not in kb.contexts:
        raise NotExpressible(f"unknown context {exp.cell!r}")
    fixed: dict[str, int] = {}
    ctx = kb.contexts[exp.cell]
    for rec, mark in ctx.receptors.items():
        if mark.strip().startswith("-") and rec in model.rules:
            fixed[rec] = 0
    for p in exp.perturbations:
        if p.kind == "drug":
            drug = kb.drugs[p.target]
            for t in drug.targets:
                if drug.is_sequestering:
                    ok = t.kd_nM is not None and p.dose_nM >= t.kd_nM
                    node = _sequestered_node(model, t.target)
                else:
                    ok = t.ic50_nM is not None and p.dose_nM >= t.ic50_nM
                    node = model.nodes_of.get(t.target, {}).get("activity")
                if node is None:
                    raise NotExpressible(f"drug {drug.name}: target {t.target} has no node")
                if ok:
                    fixed[node] = 0
            continue
        nodes = model.nodes_of.get(p.target)
        if not nodes:
            raise NotExpressible(f"{p.kind} of {p.target}: the entity has no node")
        if p.kind == "overexpress":
            if (p.fold or 0) < OVEREXPRESS_MIN:
                raise NotExpressible(f"overexpression x{p.fold:g} of {p.target} is below the "
                                     f"x{OVEREXPRESS_MIN:g} the logical model switches ON")
            fixed[nodes.get("protein", nodes.get("activity"))] = 1
            continue
        if p.kind == "knockdown" and (p.efficiency or 0) < KNOCKDOWN_MIN:
            raise NotExpressible(f"knockdown of {p.target} at efficiency {p.efficiency:g} is "
                                 f"below the {KNOCKDOWN_MIN:g} the logical model switches OFF")
        for kind in ("mRNA", "protein", "activity"):
            node = nodes.get(kind)
            if node is not None and model.rules[node].kind != "medium":
                fixed[node] = 0
    return fixed


def _sequestered_node(model: LogicalModel, target: str) -> str | None:
    if ":" in target:
        node = target.replace(":", "_")
        return node if node in model.rules else None
    got = model.nodes_of.get(target, {})
    return got.get("medium", got.get("activity"))


def _input_values(model: LogicalModel, exp: Experiment, after: bool) -> dict[str, int]:
    """Input nodes' values: normal conditions and no stimuli before t = 0; the experiment's
    stimuli and conditions after."""
    vals = {n: int(model.initial.get(n, 0)) for n in model.inputs}
    if not after:
        return vals
    for sym, dose in exp.stimuli:
        node = f"{sym}_added" if f"{sym}_added" in model.rules else sym
        if node not in model.rules:
            raise NotExpressible(f"stimulus {sym} has no input node")
        vals[node] = int(dose > 0)
    for name, level in exp.conditions:
        if name not in model.rules:
            raise NotExpressible(f"condition {name} has no input node")
        vals[name] = _condition_on(name, level)
    return vals


def prestimulus_state(model: LogicalModel, exp: Experiment, kb=None) -> dict[str, float]:
    """Per-node probability of being ON just before t = 0: the resting cell, i.e. the
    most-permissive attractor (mpbn) of the unstimulated model under the context and
    perturbations with the least activity (a free node counts one half), so that a positive
    loop (an autocrine one) is off unless something in the resting cell drives it."""
    fixed = fixed_nodes(model, exp, kb)
    fixed.update(_input_values(model, exp, after=False))
    fixed.update(fixed_nodes(model, exp, kb))
    return least_active_attractor(model.with_fixed(fixed))


def least_active_attractor(model: LogicalModel, limit: int = 64) -> dict[str, float]:
    """The most-permissive attractor (mpbn) with the fewest active nodes (a free node counts
    one half), as per-node probabilities."""
    import mpbn

    bn = mpbn.MPBooleanNetwork({n: r.expr for n, r in model.rules.items()})
    best, best_score = None, None
    for a in bn.attractors(limit=limit):
        vals = {n: (0.5 if v == "*" else float(v)) for n, v in a.items()}
        score = sum(vals.values())
        if best_score is None or score < best_score:
            best, best_score = vals, score
    if best is None:
        raise RuntimeError("the unstimulated model has no attractor")
    return best


def _cmaboss(n_nodes: int):
    for size, name in ((64, "cmaboss"), (128, "cmaboss_128n"), (256, "cmaboss_256n"),
                       (512, "cmaboss_512n"), (1024, "cmaboss_1024n")):
        if n_nodes <= size:
            return importlib.import_module(name)
    raise ValueError(f"{n_nodes} nodes is more than MaBoSS handles here")


def run_maboss(model: LogicalModel, initial: dict[str, float], max_time_h: float,
               time_tick_h: float, outputs: list[str], sample_count: int = SAMPLE_COUNT,
               seed: int = 1, threads: int = 1) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """MaBoSS (cmaboss) node probabilities: (times in hours, {node: probability array})."""
    cm = _cmaboss(len(model.rules))
    bnd, cfg = model.to_maboss(initial=initial, max_time=max_time_h, time_tick=time_tick_h,
                               sample_count=sample_count, seed=seed, outputs=outputs,
                               threads=threads)
    sim = cm.MaBoSSSim(network_str=bnd, config_str=cfg)
    res = sim.run()
    probs, times, names, _err = res.get_nodes_probtraj()
    probs = np.asarray(probs, dtype=float)
    times = np.asarray(times, dtype=float)
    out = {}
    for n in outputs:
        if n in names:
            out[n] = probs[:, names.index(n)]
        else:  # MaBoSS leaves out nodes never ON in any trajectory
            out[n] = np.zeros(len(times))
    return times, out


def simulate_experiment(model: LogicalModel, exp: Experiment, nodes: list[str],
                        times_s: np.ndarray, sample_count: int = SAMPLE_COUNT, seed: int = 1,
                        kb=None) -> dict[str, np.ndarray]:
    """Probability that each of ``nodes`` is ON at ``times_s`` (seconds from t = 0)."""
    fixed = fixed_nodes(model, exp, kb)
    init = prestimulus_state(model, exp, kb)
    init.update({k: float(v) for k, v in _input_values(model, exp, after=True).items()})
    init.update({k: float(v) for k, v in fixed.items()})
    return probabilities_at(model.with_fixed(fixed), init, nodes, times_s, sample_count, seed)


def probabilities_at(model: LogicalModel, init: dict[str, float], nodes: list[str],
                     times_s, sample_count: int = SAMPLE_COUNT, seed: int = 1
                     ) -> dict[str, np.ndarray]:
    """MaBoSS probabilities of ``nodes`` at ``times_s`` (s) from the initial probabilities."""
    times_h = np.asarray(times_s, dtype=float) / 3600.0
    end = float(max(times_h.max(), 0.1))
    tick = max(end / 400.0, 1.0 / 60.0)
    t, probs = run_maboss(model, init, end + 2 * tick, tick, nodes, sample_count, seed)
    # MaBoSS reports the mean over each tick [t, t + tick); the value at t = 0 is the
    # initial state
    mid = np.concatenate([[0.0], t + tick / 2])
    out = {}
    for n in nodes:
        series = np.concatenate([[init.get(n, 0.0)], probs[n]])
        out[n] = np.interp(times_h, mid, series)
    return out


def phenotype_score(ph, driver_p: list[np.ndarray], times_s: np.ndarray) -> np.ndarray:
    """The phenotype ``ph``'s score at ``times_s`` (ascending, from 0) from its drivers' ON
    probabilities there: the ODE's combination of drivers, then first-order relaxation to
    it with ``ph.tau_s`` (exact for a target linear between the sample times), starting
    relaxed."""
    groups, brakes = ph.combination()
    target = np.ones_like(np.asarray(driver_p[0], dtype=float))
    for g in groups:
        target = target * sum((1.0 if w is None else w) * driver_p[i] for i, w in g)
    for i in brakes:
        target = target * (1.0 - driver_p[i])
    t = np.asarray(times_s, dtype=float)
    score = np.empty_like(target)
    score[0] = target[0]
    for k in range(len(t) - 1):
        dt = t[k + 1] - t[k]
        if dt <= 0:
            score[k + 1] = score[k]
            continue
        e = np.exp(-dt / ph.tau_s)
        slope = (target[k + 1] - target[k]) / dt
        score[k + 1] = (target[k + 1] + (score[k] - target[k]) * e
                        - slope * ph.tau_s * (1.0 - e))
    return score


def readout_series(model: LogicalModel, exp: Experiment, readouts: list[Readout], times_s,
                   sample_count: int = SAMPLE_COUNT, seed: int = 1, kb=None
                   ) -> dict[Readout, np.ndarray]:
    """Each readout's value at ``times_s`` on the logical model: the probability that its
    node is ON, or for a phenotype its score from its drivers' probabilities (module doc).
    One MaBoSS run serves them all."""
    kb = kb if kb is not None else load_knowledge()
    times = np.asarray(times_s, dtype=float)
    node = {ro: readout_node(model, ro) for ro in readouts}
    pheno = {ro: n for ro, n in node.items() if n in model.phenotype_drivers}
    want = {n for ro, n in node.items() if ro not in pheno}
    for n in pheno.values():
        want.update(model.phenotype_drivers[n])
    grid = np.unique(times)
    if pheno:  # the relaxation needs the drivers' course from t = 0, not only at the readouts
        grid = np.union1d(np.linspace(0.0, max(float(times.max()), 1.0), 401), grid)
    vals = simulate_experiment(model, exp, sorted(want), grid, sample_count, seed, kb)
    at = np.searchsorted(grid, times)
    out = {}
    for ro, n in node.items():
        if ro in pheno:
            ph = kb.phenotypes[n]
            score = phenotype_score(ph, [vals[d] for d in model.phenotype_drivers[n]], grid)
            out[ro] = score[at]
        else:
            out[ro] = vals[n][at]
    return out


def simulate_requests(requests: list[Request], workers: int | None = None) -> list[Result]:
    """The validation's simulator contract on the logical model: readout values are
    probabilities (0..1) that the readout's node is ON."""
    model = get_model()
    kb = load_knowledge()
    results = []
    for req in requests:
        try:
            vals = readout_series(model, req.experiment, list(req.readouts),
                                  np.asarray(req.times), kb=kb)
            results.append(Result(request=req, values=vals))
        except (NotExpressible, KeyError) as exc:
            results.append(Result(request=req, error=f"not expressible on the logical model: "
                                                    f"{exc}"))
        except RuntimeError as exc:
            results.append(Result(request=req, error=f"the logical model could not run it: "
                                                    f"{exc}"))
    return results


def attractors(model: LogicalModel, exp: Experiment | None = None, kb=None,
               limit: int = 100) -> dict:
    """Most-permissive attractors (mpbn) of the model with the experiment's fixed nodes and
    inputs, reachability of each from the pre-stimulus state, and the biobalm attractor count."""
    import mpbn

    exp = exp if exp is not None else Experiment()
    fixed = fixed_nodes(model, exp, kb)
    fixed.update(_input_values(model, exp, after=True))
    m = model.with_fixed(fixed)
    bn = mpbn.MPBooleanNetwork({n: r.expr for n, r in m.rules.items()})
    init = prestimulus_state(model, exp, kb)
    init.update({k: float(v) for k, v in fixed.items()})
    start = {n: int(round(v)) for n, v in init.items()}
    out = []
    for a in bn.attractors(limit=limit):
        reach = bn.reachability(start, {k: v for k, v in a.items() if v != "*"})
        out.append({"attractor": {k: v for k, v in a.items()}, "reachable": bool(reach)})
    return {"attractors": out, "fixed": fixed, "start": start}


def biobalm_attractor_count(model: LogicalModel, exp: Experiment | None = None, kb=None) -> int:
    """Attractor count of the experiment's model from the biobalm succession diagram."""
    import biobalm
    from biodivine_aeon import BooleanNetwork

    exp = exp if exp is not None else Experiment()
    fixed = fixed_nodes(model, exp, kb)
    fixed.update(_input_values(model, exp, after=True))
    m = model.with_fixed(fixed)
    bn = BooleanNetwork.from_bnet(m.to_bnet())
    sd = biobalm.SuccessionDiagram(bn)
    sd.build()
    return sum(len(sd.node_attractor_seeds(n, compute=True)) for n in sd.minimal_trap_spaces())
