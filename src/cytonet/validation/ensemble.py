"""Robustness of the scorecard: every observation judged on every ensemble member.

:func:`validate_ensemble` builds the batch of requests once (as :func:`validate_observations`
does), plans it once, solves it for all members in batches
(:func:`cytonet.analysis.ensemble.run_members`), then judges each member's results with
the same :func:`validate_observations` (one judge). Per observation it reports the
fraction of members that pass; a member whose simulation for an observation failed counts
as not passing it, and the failure is kept with its reason.
"""

from __future__ import annotations

__all__ = ["EnsembleJudge", "EnsembleScore", "validate_ensemble"]

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..experiments.types import Result
from ..simulate.protocol import Status
from .run import Scorecard, build_requests, validate_observations


@dataclass
class EnsembleScore:
    """Per observation id: the fraction of members passing; per member: the pass rate."""

    description: str
    fractions: dict[str, float]
    member_pass_rates: np.ndarray
    failed_members: dict[str, str] = field(default_factory=dict)  # member -> first reason

    @property
    def mean_pass_rate(self) -> float:
        return float(np.mean(self.member_pass_rates)) if len(self.member_pass_rates) else 0.0

    def summary(self) -> str:
        r = self.member_pass_rates
        if not len(r):
            return f"ensemble ({self.description}): no members"
        return (f"ensemble ({self.description}): mean pass rate {100 * r.mean():.1f} % "
                f"(min {100 * r.min():.1f} %, max {100 * r.max():.1f} %); "
                f"{len(self.failed_members)} members with a failed simulation")

    def as_dict(self) -> dict:
        r = self.member_pass_rates
        return {"description": self.description, "members": int(len(r)),
                "mean_pass_rate": self.mean_pass_rate,
                "min_pass_rate": float(r.min()) if len(r) else None,
                "max_pass_rate": float(r.max()) if len(r) else None,
                "failed_members": dict(self.failed_members)}


class EnsembleJudge:
    """``observations`` planned once, judged on any matrix of members.

    :meth:`scorecards` solves the plan for every row of ``theta`` (in batches, through
    :func:`~cytonet.analysis.ensemble.run_members`) and judges each member with
    :func:`validate_observations`; a member whose simulation for an observation failed gets
    that observation as an ERROR with the solver's reason. The calibration
    (:mod:`cytonet.calibrate.joint`) and :func:`validate_ensemble` share it."""

    def __init__(self, observations: Sequence, model):
        from ..experiments.plan import plan_requests

        self.observations = list(observations)
        self.model = model
        self.requests, _ = build_requests(self.observations)
        self.plan, self.arm_of, self.errors = plan_requests(model, self.requests)
        self.by_experiment = {req.experiment: (i, req, a) for i, (req, a)
                              in enumerate(zip(self.requests, self.arm_of, strict=True))}

    def scorecards(self, theta: np.ndarray, members: list[str] | None = None,
                   failed: dict[str, str] | None = None, **run_kw) -> list[Scorecard]:
        """One scorecard per row of ``theta``; ``failed`` collects member -> first reason."""
        from ..analysis.ensemble import run_members

        theta = np.atleast_2d(theta)
        members = members or [f"member-{i}" for i in range(theta.shape[0])]
        failed = {} if failed is None else failed
        plan = self.plan
        sol = run_members(plan, theta, **run_kw) if plan.arms else None
        cards = []
        for m in range(theta.shape[0]):
            def simulate(reqs, workers=None, m=m):
                out = []
                for r in reqs:
                    i, full, a = self.by_experiment.get(r.experiment, (None, None, None))
                    if a is None:
                        out.append(Result(r, {}, error=str(self.errors.get(i, "not planned"))))
                        continue
                    if sol.status[m, a] != Status.OK:
                        failed.setdefault(members[m], sol.message(m, a))
                        out.append(Result(r, {}, error=sol.message(m, a)))
                        continue
                    arm = plan.arms[a]
                    idx = np.searchsorted(arm.times, np.asarray(r.times, dtype=float))
                    vals = sol.values[a][m]
                    pos = {ro: k for k, ro in enumerate(full.readouts)}
                    out.append(Result(r, {ro: vals[pos[ro]][idx] for ro in r.readouts}))
                return out

            cards.append(validate_observations(self.observations, simulate=simulate))
        return cards


def validate_ensemble(observations: Sequence, model, theta: np.ndarray,
                      members: list[str] | None = None, description: str = "",
                      **run_kw) -> EnsembleScore:
    """Judge ``observations`` on each row of ``theta`` (``model.interface.theta_ids``)."""
    judge = EnsembleJudge(observations, model)
    theta = np.atleast_2d(theta)
    members = members or [f"member-{i}" for i in range(theta.shape[0])]
    failed: dict[str, str] = {}
    cards = judge.scorecards(theta, members, failed, **run_kw)
    n_obs = len(judge.observations)
    passes = {o.id: 0 for o in judge.observations}
    rates = []
    for card in cards:
        ok = 0
        for res in card.results:
            if res.status == "PASS":
                passes[res.id] = passes.get(res.id, 0) + 1
                ok += 1
        rates.append(ok / n_obs if n_obs else 0.0)
    n = theta.shape[0]
    fractions = {oid: c / n for oid, c in passes.items()}
    return EnsembleScore(description, fractions, np.asarray(rates), failed)
