"""Experiments -> the numeric plan of the one protocol (:mod:`cytonet.simulate.protocol`).

:func:`experiment_values` is the one translation of an experiment's cells into model
values (context levels, knockdowns, knockouts, overexpression, drugs, conditions);
:func:`plan_requests` groups requests by their cells before t = 0 and turns each into an
arm: stimulus boluses into the dose species, conditions switched, released-species
counters at 0, readouts as weights x selections x scale (from the model interface).
The PEtab export writes the same values into its condition table.
"""

from __future__ import annotations

__all__ = ["experiment_values", "prestimulus_values", "stimulated_values", "plan_requests",
           "knocked_out_species", "REFERENCE"]

import numpy as np

from ..errors import CytonetError, ExperimentError, Problem, SteadyStateError
from ..simulate.protocol import Arm, Group, Plan, ReadoutPlan, Status
from .types import Experiment, Readout, Request

REFERENCE = Experiment()  # the cells every pre-equilibration starts from


def experiment_values(model, exp: Experiment, *, stimulated: bool) -> dict[str, float]:
    """Parameter / boundary-species values that realize ``exp`` (before or after t = 0).

    Stimuli are not included (see :func:`stimulated_values`)."""
    iface = model.interface
    kb = model.catalog.kb
    try:
        ctx = kb.contexts[exp.cell]
    except KeyError:
        close = model.catalog.contexts.close_matches(exp.cell)
        raise ExperimentError(Problem(f"unknown context {exp.cell!r}"
                                      + (f"; did you mean {', '.join(close)}?" if close else ""),
                                      field="cell")) from None
    vals: dict[str, float] = {h: ctx.level(h[len("expr_"):]) for h in iface.expression_handles}
    vals.update({h: 1.0 for h in iface.activity_handles})
    vals.update({h: 0.0 for h in iface.transgene_handles})
    vals.update({sid: 0.0 for sid in iface.drug_species.values()})
    for p in exp.perturbations:
        if p.kind == "drug":
            drug = kb.drugs[p.target]
            dose = float(p.dose_nM or 0.0)
            if drug.is_sequestering:
                vals[iface.drug_species[drug.name]] += dose
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
            perturbable = ", ".join(h[len("expr_"):] for h in iface.expression_handles)
            raise ExperimentError(Problem(
                f"cannot {p.kind} {p.target}: the model has no synthesis of it "
                f"(perturbable: {perturbable})", field="perturbations"))
        if p.kind == "knockout":
            vals[key] = 0.0
        elif p.kind == "knockdown":
            vals[key] *= 1.0 - (0.8 if p.efficiency is None else p.efficiency)
        elif p.kind == "overexpress":
            fold = 5.0 if p.fold is None else p.fold
            if fold < 1:
                vals[key] *= fold
                continue
            # a transgene: constitutive expression that raises the resting protein level
            # fold-fold (transgene_strength). For a gene with a promoter it is a
            # constitutive promoter (tg_X) that does not follow the native promoter's
            # induction; otherwise it adds to the entity's synthesis (expr_X)
            tg = f"tg_{sym}"
            handle = tg if tg in vals else key
            vals[handle] += transgene_strength(model, exp, p, fold, handle, vals[handle])
        else:
            raise ExperimentError(Problem(f"unknown perturbation kind {p.kind!r}",
                                          field="perturbations"))
    params = model.network.parameters
    vals.update({pid: params[pid].value for pid in iface.condition_parameters.values()})
    if stimulated:
        for cond, value in exp.conditions:
            vals[iface.condition_parameters[cond]] = value
    return vals


_TRANSGENES: dict[tuple, tuple[object, float]] = {}


def transgene_strength(model, exp: Experiment, p, fold: float, handle: str, start: float,
                       *, rtol: float = 1e-3, max_iter: int = 8) -> float:
    """What ``overexpress X, fold`` adds to ``handle`` (``tg_X``, a constitutive promoter,
    or ``expr_X``, the entity's synthesis; ``start`` its value in these cells): the amount
    that makes the resting level of ``protein:X`` fold x its level in the same cells
    without this overexpression, at the nominal parameters (a construct is fixed; ensemble
    members keep its strength). Feedback can make the level respond less than linearly
    (MDM2 degrades the p53 that induces it; SOCS3 lowers its own STAT3 input), so the
    amount is found by secant steps on the resting level, not assumed."""
    from .runner import simulator_for

    sym = model.catalog.model_symbol(p.target)
    cells = Experiment(cell=exp.cell, perturbations=tuple(q for q in exp.perturbations
                                                           if q is not p))
    key = (id(model), cells, sym, float(fold), handle)
    hit = _TRANSGENES.get(key)
    if hit is not None and hit[0] is model:
        return hit[1]
    sim = simulator_for(model)
    plan, arm_of, errors = plan_requests(model, [Request(cells, (Readout("protein", sym),),
                                                         (0.0,))])
    if arm_of[0] is None:
        raise errors[0]
    cells_group = plan.groups[0]

    def resting(extra: float) -> float:
        # the cells with the transgene at this strength: a group of its own (own warm start)
        plan.groups[0] = Group(("transgene", cells_group.key, handle, extra),
                               {**cells_group.values, handle: start + extra},
                               cells_group.zero_species, cells_group.label)
        sol = sim.solve(plan)
        if sol.status[0, 0] != Status.OK:
            raise SteadyStateError(f"overexpress {p.target}: {sol.message(0, 0)}")
        return float(sol.values[0][0][0][0])

    base = resting(0.0)
    want = fold * base
    if base <= 0.0:
        raise ExperimentError(Problem(f"cannot overexpress {p.target} {fold:g}-fold in "
                                      f"{exp.cell!r}: it has no resting level to multiply",
                                      field="perturbations"))
    x0, y0 = 0.0, base
    x1 = (fold - 1.0) * max(1.0, start)  # exact for a linear level, the first guess
    y1 = resting(x1)
    for _ in range(max_iter):
        if abs(y1 / want - 1.0) <= rtol or y1 == y0:
            break
        x0, y0, x1 = x1, y1, max(0.0, x1 + (want - y1) * (x1 - x0) / (y1 - y0))
        y1 = resting(x1)
    if abs(y1 / want - 1.0) > 10 * rtol:
        raise ExperimentError(Problem(f"cannot overexpress {p.target} {fold:g}-fold in "
                                      f"{exp.cell!r}: the transgene reaches "
                                      f"{y1 / base:.3g}-fold", field="perturbations"))
    _TRANSGENES[key] = (model, x1)
    return x1


def knocked_out_species(model, exp: Experiment) -> tuple[str, ...]:
    """Species holding a knocked-out entity: absent from the start (exact zeros)."""
    gone = {model.catalog.model_symbol(p.target) for p in exp.perturbations
            if p.kind == "knockout"}
    if not gone:
        return ()
    return tuple(sid for sid, sp in model.network.species.items()
                 if any(c.entity in gone for c in sp.components))


def prestimulus_values(model, exp: Experiment) -> dict[str, float]:
    """Values during pre-equilibration: the cells' values, no bolus."""
    vals = experiment_values(model, exp.prestimulus(), stimulated=False)
    vals.update({sid: 0.0 for sid in model.interface.dose_species.values()})
    return vals


def stimulated_values(model, exp: Experiment) -> dict[str, float]:
    """Values set at t = 0: the cells' values, conditions, each stimulus as a bolus added
    to the conditioned medium, released-species counters at 0 (secreted:X from t = 0)."""
    iface = model.interface
    vals = experiment_values(model, exp, stimulated=True)
    dose = dict(exp.stimuli)
    vals.update({sid: float(dose.get(sym, 0.0)) for sym, sid in iface.dose_species.items()})
    vals.update({sid: 0.0 for sid in iface.released_species})
    return vals


def _group(model, exp: Experiment) -> Group:
    key = exp.prestimulus()
    zero = knocked_out_species(model, key) + tuple(model.interface.stimulus_species.values())
    return Group(key=key, values=prestimulus_values(model, key), zero_species=zero,
                 label=key.describe() or "generic cells")


def reference_group(model) -> Group:
    return _group(model, REFERENCE)


def plan_requests(model, requests: list[Request]
                  ) -> tuple[Plan, list[int | None], dict[int, CytonetError]]:
    """The plan of ``requests``; per request its arm (None where it could not be planned)
    and, for those, why."""
    iface = model.interface
    groups: list[Group] = []
    gindex: dict[Experiment, int] = {}
    selections: list[str] = []
    sindex: dict[str, int] = {}
    arms: list[Arm] = []
    arm_of: list[int | None] = []
    errors: dict[int, CytonetError] = {}
    readout_cache: dict[Readout, ReadoutPlan] = {}

    def readout_plan(ro: Readout) -> ReadoutPlan:
        if ro not in readout_cache:
            rt = iface.readout(ro.kind, ro.entity)
            cols = []
            for sel, w in rt.terms:
                if sel not in sindex:
                    sindex[sel] = len(selections)
                    selections.append(sel)
                cols.append((sindex[sel], float(w)))
            readout_cache[ro] = ReadoutPlan(tuple(cols), rt.scale)
        return readout_cache[ro]

    for i, req in enumerate(requests):
        exp = req.experiment
        try:
            key = exp.prestimulus()
            if key not in gindex:
                g = _group(model, exp)
                gindex[key] = len(groups)
                groups.append(g)
            times = np.asarray(sorted({float(t) for t in req.times} | {0.0}), dtype=float)
            ros = tuple(readout_plan(ro) for ro in req.readouts)
            arms.append(Arm(gindex[key], stimulated_values(model, exp), times, ros,
                            exp.describe()))
            arm_of.append(len(arms) - 1)
        except CytonetError as exc:
            arm_of.append(None)
            errors[i] = exc
    return Plan(groups, arms, selections, iface.theta_ids), arm_of, errors
