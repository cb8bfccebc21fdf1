"""Robustness of the scorecard: every observation judged on every ensemble member.

:func:`validate_ensemble` builds the batch of requests once (as :func:`validate_observations`
does), plans it once, solves it for all members in batches
(:func:`cytonet.analysis.ensemble.run_members`), then judges each member's results with
the same :func:`validate_observations` (one judge). Per observation it reports the
fraction of members that pass; a member whose simulation for an observation failed counts
as not passing it, and the failure is kept with its reason.

With ``drivers=K`` it also says, for each observation that some members pass and others
fail, which parameters' draws move its margin (:func:`ensemble_drivers`): the Spearman
rank correlation over members between each parameter and the observation's signed
log-margin (:func:`~cytonet.validation.margins.result_margin`, the calibration's margin),
keeping at most K whose correlation is significant after a Bonferroni correction over all
parameters, so that with few members noise is not reported as a driver.
"""

from __future__ import annotations

__all__ = ["EnsembleJudge", "EnsembleScore", "ensemble_drivers", "validate_ensemble"]

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
    # observation id -> [(parameter, Spearman rho)], only with validate_ensemble(drivers=K)
    drivers: dict[str, list[tuple[str, float]]] | None = None

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
                "failed_members": dict(self.failed_members)} | (
            {} if self.drivers is None else {"drivers": {
                oid: [{"parameter": p, "rho": round(rho, 3)} for p, rho in ds]
                for oid, ds in self.drivers.items()}})


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

    def margin_matrix(self, cards: Sequence[Scorecard]) -> tuple[np.ndarray, np.ndarray]:
        """``(margins, passed)``, members x observations in ``self.observations`` order: each
        result's signed log-margin (:func:`~cytonet.validation.margins.result_margin`) and
        whether it passed; an ERROR (or missing) result is ``-inf`` and not passed."""
        from .margins import result_margin

        pos = {o.id: j for j, o in enumerate(self.observations)}
        M = np.full((len(cards), len(pos)), -np.inf)
        P = np.zeros(M.shape, dtype=bool)
        for m, card in enumerate(cards):
            for res in card.results:
                if res.id in pos and res.status != "ERROR":
                    M[m, pos[res.id]] = result_margin(res)
                    P[m, pos[res.id]] = res.status == "PASS"
        return M, P


def ensemble_drivers(theta: np.ndarray, parameter_ids: Sequence[str], margins: np.ndarray,
                     observation_ids: Sequence[str], passed: np.ndarray, top: int = 3,
                     alpha: float = 0.05) -> dict[str, list[tuple[str, float]]]:
    """Per observation that some members pass and some fail: up to ``top`` parameters
    whose values are rank-correlated with its margin (Spearman rho over members), each
    significant at ``alpha`` after a Bonferroni correction over the parameters that vary;
    largest ``|rho|`` first. ``theta`` is members x parameters, ``margins`` and ``passed``
    members x observations; a margin of -inf (a failed simulation) ranks lowest."""
    from scipy import stats

    theta, margins = np.atleast_2d(theta), np.atleast_2d(margins)
    n = theta.shape[0]
    varies = np.ptp(theta, axis=0) > 0
    if n < 4 or not varies.any():
        return {}
    rt = stats.rankdata(theta[:, varies], axis=0)
    rt = (rt - rt.mean(0)) / rt.std(0)
    ids = np.asarray(parameter_ids)[varies]
    # |rho| whose two-sided t-test p-value is alpha / n_parameters
    t_crit = stats.t.ppf(1 - alpha / (2 * len(ids)), n - 2)
    rho_crit = t_crit / np.sqrt(n - 2 + t_crit ** 2)
    out = {}
    for j, oid in enumerate(observation_ids):
        frac = passed[:, j].mean()
        if frac in (0.0, 1.0):
            continue
        m = margins[:, j].astype(float)
        finite = np.isfinite(m)
        if not finite.any():
            continue
        m = np.where(finite, m, m[finite].min() - 1.0)
        rm = stats.rankdata(m)
        if rm.std() == 0:
            continue
        rho = rt.T @ ((rm - rm.mean()) / rm.std()) / n
        keep = np.argsort(-np.abs(rho))[:top]
        out[oid] = [(str(ids[k]), float(rho[k])) for k in keep if abs(rho[k]) >= rho_crit]
    return out


def validate_ensemble(observations: Sequence, model, theta: np.ndarray,
                      members: list[str] | None = None, description: str = "",
                      drivers: int = 0, **run_kw) -> EnsembleScore:
    """Judge ``observations`` on each row of ``theta`` (``model.interface.theta_ids``);
    ``drivers=K`` adds up to K significant parameter drivers per fragile observation."""
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
    found = None
    if drivers:
        M, P = judge.margin_matrix(cards)
        found = ensemble_drivers(theta, model.interface.theta_ids, M,
                                 [o.id for o in judge.observations], P, top=drivers)
    return EnsembleScore(description, fractions, np.asarray(rates), failed, found)
