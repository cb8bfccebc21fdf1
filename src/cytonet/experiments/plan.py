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

from ..errors import CytonetError, ExperimentError, Problem
from ..simulate.protocol import Arm, Group, Plan, ReadoutPlan
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
            # a transgene: constitutive expression adding (fold - 1) x the basal level (at
            # least the generic line's), so the resting level is fold x basal; for a gene with
            # a promoter the transgene does not follow the native promoter's induction
            extra = (fold - 1.0) * max(1.0, vals[key])
            tg = f"tg_{sym}"
            if tg in vals:
                vals[tg] += extra
            else:
                vals[key] += extra
        else:
            raise ExperimentError(Problem(f"unknown perturbation kind {p.kind!r}",
                                          field="perturbations"))
    params = model.network.parameters
    vals.update({pid: params[pid].value for pid in iface.condition_parameters.values()})
    if stimulated:
        for cond, value in exp.conditions:
            vals[iface.condition_parameters[cond]] = value
    return vals


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
