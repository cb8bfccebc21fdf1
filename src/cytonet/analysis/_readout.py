"""One readout value per member and experiment: experiments -> one plan -> run_members.

Shared by the sensitivity analysis and the screens so that "the value of a readout of an
experiment for a set of members" has one definition: the experiments become requests for
the readout at one time, :func:`~cytonet.experiments.plan.plan_requests` plans them once
and :func:`~cytonet.analysis.ensemble.run_members` solves the plan for every member once
(in batches, on processes or Dask, resumable). Failed (member, experiment) pairs come back
as NaN with their reasons; nothing else is lost.
"""

from __future__ import annotations

__all__ = ["as_readout", "readout_time", "pick_question", "readout_values", "MemberValues"]

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ..errors import ExperimentError, InputError, Problem
from ..experiments.types import DEFAULT_READOUT_TIME_S, Experiment, Readout, Request


def as_readout(model, readout, item: str = "readout") -> Readout:
    """``readout`` (a Readout or ``'KIND:ENTITY'``) checked against the model."""
    from ..experiments.parse import parse_readout

    if isinstance(readout, Readout):
        ro = readout
    else:
        ro = parse_readout(str(readout), where=Problem("", item=item), catalog=model.catalog)
    try:
        model.readout(ro.kind, ro.entity)
    except InputError as exc:
        raise ExperimentError([Problem(p.message, item=item, field=str(ro))
                               for p in exc.problems]) from exc
    except (KeyError, ValueError) as exc:
        raise ExperimentError(Problem(f"the model has no readout {ro}: {exc}", item=item)) \
            from exc
    return ro


def readout_time(readout: Readout, at_s: float | None = None) -> float:
    """``at_s``, or the default time of the readout's kind (phospho 1 h, others 24 h)."""
    return float(DEFAULT_READOUT_TIME_S[readout.kind] if at_s is None else at_s)


def pick_question(experiments, *, ratio: bool) -> tuple[Experiment, Experiment | None]:
    """``(test, control)`` from an Experiment or a mapping name -> Experiment.

    One experiment: ``(it, None)``. Otherwise the ones named ``test`` and (when ``ratio``)
    ``control``; anything else is an error naming what the mapping holds."""
    if isinstance(experiments, Experiment):
        return experiments, None
    if not isinstance(experiments, Mapping):
        experiments = dict(experiments)
    names = list(experiments)
    if len(names) == 1:
        return experiments[names[0]], None
    if ratio and "test" in experiments and "control" in experiments and len(names) == 2:
        return experiments["test"], experiments["control"]
    if not ratio and "test" in experiments:
        return experiments["test"], None
    want = ("one experiment, or two named 'test' and 'control'" if ratio
            else "one experiment, or one named 'test'")
    raise ExperimentError(Problem(f"the file holds {len(names)} experiments "
                                  f"({', '.join(names) or 'none'}); expected {want}"))


@dataclass
class MemberValues:
    """``values``: (n_members, n_experiments), NaN where a member failed an experiment."""

    values: np.ndarray
    reasons: dict[tuple[int, int], str] = field(default_factory=dict)
    elapsed_s: float = 0.0

    @property
    def ok(self) -> np.ndarray:
        return np.isfinite(self.values)

    def failures(self, members=None, experiments=None) -> list[dict]:
        """One record (member, experiment, reason) per failed pair."""
        out = []
        for (m, e), why in sorted(self.reasons.items()):
            out.append({"member": members[m] if members is not None else m,
                        "experiment": experiments[e] if experiments is not None else e,
                        "reason": why})
        return out


def readout_values(model, experiments: list[Experiment], readout: Readout, at_s: float,
                   theta: np.ndarray, **run_kw) -> MemberValues:
    """The value of ``readout`` at ``at_s`` of every experiment for every row of ``theta``:
    one plan, one :func:`~cytonet.analysis.ensemble.run_members` (``run_kw``: workers,
    scheduler, batch_size, out_dir, progress)."""
    from ..experiments.plan import plan_requests
    from ..simulate.protocol import Status
    from .ensemble import run_members

    t0 = time.perf_counter()
    reqs = [Request(exp, (readout,), (float(at_s),)) for exp in experiments]
    plan, arm_of, errors = plan_requests(model, reqs)
    if errors:
        raise ExperimentError([Problem(str(e), item=experiments[i].describe() or "experiment")
                               for i, e in errors.items()])
    theta = np.atleast_2d(np.asarray(theta, dtype=float))
    sol = run_members(plan, theta, **run_kw)
    values = np.full((theta.shape[0], len(experiments)), np.nan)
    reasons: dict[tuple[int, int], str] = {}
    for e, a in enumerate(arm_of):
        k = int(np.searchsorted(plan.arms[a].times, float(at_s)))
        for m in range(theta.shape[0]):
            if sol.status[m, a] != Status.OK:
                reasons[(m, e)] = f"{Status(int(sol.status[m, a])).name}: {sol.message(m, a)}"
                continue
            v = float(sol.values[a][m, 0, k])
            if np.isfinite(v):
                values[m, e] = v
            else:
                reasons[(m, e)] = f"readout not finite ({v})"
    return MemberValues(values, reasons, time.perf_counter() - t0)
