"""Joint maximum-a-posteriori calibration of the kinetic parameters against the scorecard.

The objective over ``x`` = log10 of the chosen kinetic parameters (the rest stay at their
default values) is

    L(x) = sum_obs w * s * softplus((mu - m_obs(x)) / s)  +  1/2 sum_i ((x_i - log10 m_i) / sigma_i)^2

where ``m_obs`` is each observation's signed log-margin
(:func:`cytonet.validation.margins.result_margin`: positive inside its pass region), ``mu``
the margin asked for (a finding should pass with room, so that it survives parameter
uncertainty), ``s`` the softness of the penalty, and the second sum the log-normal priors
of :class:`~cytonet.compile.interface.Prior` (median, ``sigma_log10``) that every kinetic
parameter carries from its provenance. Quantitative anchors (v1.1) and qualitative
findings enter the same way: the penalty is ~0 well inside the range and grows linearly
with the log-distance outside it, a robust (Huber-like) likelihood for literature ranges.

Measured data enter as extra ``terms``: each is a callable of the parameter values (a
mapping over its ``param_ids``) returning a negative log-likelihood, e.g.
:class:`cytonet.calibrate.sobotta.SobottaTerm` (the Sobotta 2017 hepatocyte time courses
with their observation parameters profiled out). They are added to the loss of every member.

Evaluation is one ensemble solve: the value and the forward-difference gradient at ``x``
are the scorecards of ``k + 1`` members (``x`` and ``x + h e_i``) judged by
:class:`~cytonet.validation.ensemble.EnsembleJudge`, batched over worker processes like any
ensemble. Parameters are ranked for fitting by :func:`rank_parameters` (the local slope of the loss
times each parameter's prior width, from one batch of members). The optimizer is
pyPESTO's multi-start (scipy L-BFGS-B within the priors' 3-sigma bounds). A fit may be
given a budget (wall-clock seconds and/or fresh evaluations): once spent, the next fresh
evaluation stops the optimizer and the fit returns the best point seen so far, marked as
stopped by the budget rather than converged.
"""

from __future__ import annotations

__all__ = ["JointSettings", "JointProblem", "JointFit", "BudgetSpent", "rank_parameters",
           "fit_joint", "tied_parameters"]

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..validation.ensemble import EnsembleJudge


@dataclass(frozen=True)
class JointSettings:
    margin: float = math.log(1.25)  # ask each finding to pass with 25 % room (log units)
    softness: float = 0.1           # width of the softplus corner (log units)
    floor: float = -3.0             # margin given to a result without a value (ERROR)
    fd_step: float = 0.02           # forward-difference step in log10 units
    workers: int | None = None


def _softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


#: fitted-parameter prefix -> (the prefix of the derived partner that moves with it, what
#: the tie keeps, as the written parameter set says it)
TIE_PREFIXES = {
    "kon_": ("koff_", "moves with its fitted on-rate so that the measured Kd is kept"),
    "kdeg_": ("ksyn_", "moves with its fitted decay rate so that the steady level is kept"),
}


def tie_reason(partner: str) -> str:
    """What a tied derived parameter (``koff_...``, ``ksyn_...``) keeps when it moves."""
    return next(why for to, why in TIE_PREFIXES.values() if partner.startswith(to))


def _ties(iface, param_ids: Sequence[str]) -> list[tuple[int, str]]:
    """(index in ``param_ids``, tied parameter): a derived partner moves in proportion with
    its fitted parameter. A derived koff (= measured Kd x assumed kon) moves with its kon,
    so a fit of the on-rate keeps the measured affinity; a derived ksyn (= reference level
    x kdeg, e.g. ksyn_EGLN1) moves with its kdeg, so a fit of the turnover keeps the level
    that the other rates are scaled to."""
    ids = set(iface.theta_ids)
    out = []
    for j, p in enumerate(param_ids):
        partner = next((to + p[len(fro):] for fro, (to, _) in TIE_PREFIXES.items()
                        if p.startswith(fro)), None)
        if partner in ids and partner not in param_ids and \
                iface.priors[partner].source.startswith("derived"):
            out.append((j, partner))
    return out


def tied_parameters(model, param_ids: Sequence[str]) -> list[str]:
    """The derived parameters that move with ``param_ids`` in a joint fit (see ``_ties``)."""
    return [k for _, k in _ties(model.interface, list(param_ids))]


@dataclass
class JointProblem:
    """The MAP objective over ``param_ids`` for ``observations`` on ``model``."""

    model: object
    observations: Sequence
    param_ids: Sequence[str]
    settings: JointSettings = field(default_factory=JointSettings)
    weights: dict[str, float] | None = None
    terms: Sequence = ()  # data terms: term(values) -> negative log-likelihood

    def __post_init__(self):
        iface = self.model.interface
        self.param_ids = list(self.param_ids)
        self.judge = EnsembleJudge(self.observations, self.model)
        self.obs_ids = [o.id for o in self.judge.observations]
        self.w = np.array([(self.weights or {}).get(o, 1.0) for o in self.obs_ids])
        self.idx = iface.theta_index(self.param_ids)
        self.theta0 = iface.theta_nominal.copy()
        pri = [iface.priors[p] for p in self.param_ids]
        self.mu = np.log10([p.median for p in pri])
        self.sigma = np.array([p.sigma_log10 for p in pri])
        self.x0 = np.log10(self.theta0[self.idx])
        pos = {p: i for i, p in enumerate(iface.theta_ids)}
        self.ties = [(j, pos[k]) for j, k in _ties(iface, self.param_ids)]
        self.lb, self.ub = self.mu - 3 * self.sigma, self.mu + 3 * self.sigma
        self.n_members_solved = 0
        self.wall_s = 0.0
        self.terms = list(self.terms)
        unknown = [p for t in self.terms for p in t.param_ids if p not in pos]
        if unknown:
            raise ValueError(f"data term parameters not in the model: {sorted(set(unknown))}")
        self._cache: tuple[bytes, float, np.ndarray] | None = None
        self._margins_seen: dict[bytes, np.ndarray] = {}  # x -> margins, from value_and_grad

    # ------------------------------------------------------------------ pieces
    def theta(self, X: np.ndarray) -> np.ndarray:
        X = np.atleast_2d(X)
        T = np.tile(self.theta0, (X.shape[0], 1))
        T[:, self.idx] = 10.0 ** X
        for j, k in self.ties:
            T[:, k] = self.theta0[k] * 10.0 ** (X[:, j] - self.x0[j])
        return T

    def tied_values(self, x: np.ndarray) -> dict[str, float]:
        """The derived parameters that move with fitted ones, at ``x``."""
        ids = self.model.interface.theta_ids
        T = self.theta(x)[0]
        return {ids[k]: float(T[k]) for _, k in self.ties}

    def margins(self, X: np.ndarray) -> np.ndarray:
        """(n_members, n_observations) signed log-margins; ERRORs at ``settings.floor``."""
        t0 = time.perf_counter()
        cards = self.judge.scorecards(self.theta(X), workers=self.settings.workers)
        self.wall_s += time.perf_counter() - t0
        self.n_members_solved += len(cards)
        return np.maximum(self.judge.margin_matrix(cards)[0], self.settings.floor)

    def data_loss(self, M: np.ndarray) -> np.ndarray:
        s, mu = self.settings.softness, self.settings.margin
        return (self.w * s * _softplus((mu - M) / s)).sum(axis=1)

    def prior_loss(self, X: np.ndarray) -> np.ndarray:
        return 0.5 * (((np.atleast_2d(X) - self.mu) / self.sigma) ** 2).sum(axis=1)

    def term_loss(self, X: np.ndarray) -> np.ndarray:
        """(n_members,) sum of the data terms' negative log-likelihoods (0 without terms)."""
        X = np.atleast_2d(X)
        out = np.zeros(X.shape[0])
        if not self.terms:
            return out
        ids = self.model.interface.theta_ids
        t0 = time.perf_counter()
        for m, T in enumerate(self.theta(X)):
            values = dict(zip(ids, T, strict=True))
            out[m] = sum(t({p: values[p] for p in t.param_ids}) for t in self.terms)
        self.wall_s += time.perf_counter() - t0
        return out

    def loss(self, X: np.ndarray) -> np.ndarray:
        X = np.atleast_2d(X)
        return self.data_loss(self.margins(X)) + self.term_loss(X) + self.prior_loss(X)

    def value_and_grad(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and forward-difference gradient from one batch of ``k + 1`` members."""
        x = np.asarray(x, dtype=float)
        if self.is_evaluated(x):
            return self._cache[1], self._cache[2]
        key = x.tobytes()
        h = self.settings.fd_step
        X = np.vstack([x, x + h * np.eye(len(x))])
        M = self.margins(X)
        L = self.data_loss(M) + self.term_loss(X) + self.prior_loss(X)
        grad = (L[1:] - L[0]) / h
        self._cache = (key, float(L[0]), grad)
        self._margins_seen[key] = M[0]
        return float(L[0]), grad

    def is_evaluated(self, x: np.ndarray) -> bool:
        """Whether :meth:`value_and_grad` at ``x`` is answered from the cache (no solve)."""
        return self._cache is not None and self._cache[0] == np.asarray(x, float).tobytes()

    def margins_at(self, x: np.ndarray) -> np.ndarray:
        """The margins at ``x`` (one member), reusing an evaluation already made there."""
        x = np.asarray(x, dtype=float)
        seen = self._margins_seen.get(x.tobytes())
        return seen if seen is not None else self.margins(x)[0]

    def passes(self, M: np.ndarray) -> np.ndarray:
        return (M >= 0).sum(axis=1)


def rank_parameters(model, observations, candidates: Sequence[str], *,
                    settings: JointSettings = JointSettings(),
                    terms: Sequence = ()) -> list[tuple[str, float]]:
    """(parameter, |dL/dx| x sigma) for each candidate at the default set, largest first:
    the local slope of the loss (forward difference, ``settings.fd_step``) scaled to the
    parameter's prior width, from one batch of ``len(candidates) + 1`` members. A local
    slope, not a one-sigma move: with assumed priors a decade wide, such a move often breaks
    the steady state, which would rank parameters by fragility rather than by the fit."""
    prob = JointProblem(model, observations, candidates, settings, terms=terms)
    h = settings.fd_step
    X = np.vstack([prob.x0, prob.x0 + h * np.eye(len(prob.x0))])
    L = prob.data_loss(prob.margins(X)) + prob.term_loss(X)
    effect = np.abs(L[1:] - L[0]) / h * prob.sigma
    order = np.argsort(-effect)
    return [(prob.param_ids[i], float(effect[i])) for i in order]


@dataclass
class JointFit:
    param_ids: list[str]
    x_best: np.ndarray
    loss_start: float
    loss_best: float
    starts: list[dict]
    passes_start: int
    passes_best: int
    n_observations: int
    n_members_solved: int
    wall_s: float
    terms_start: float = 0.0  # the data terms' negative log-likelihood at the start
    terms_best: float = 0.0   # ... and at the best point
    n_evaluations: int = 0    # fresh evaluations (batches of k + 1 members)
    budget_spent: str = ""    # why the budget stopped the fit ("" when it did not)

    def values(self) -> dict[str, float]:
        return {p: float(10 ** v) for p, v in zip(self.param_ids, self.x_best, strict=True)}


class BudgetSpent(RuntimeError):
    """Raised inside the objective when a fit's budget is spent; :func:`fit_joint` catches
    it (through pyPESTO's failed-start handling) and returns the best point so far."""


class _QuietBudget(logging.Filter):
    """Drops pyPESTO's traceback for a start stopped by :class:`BudgetSpent` (not a failure)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "BudgetSpent" not in record.getMessage()


def fit_joint(prob: JointProblem, *, n_starts: int = 3, max_iter: int = 30, seed: int = 0,
              start_spread: float = 0.25, log=None, budget_s: float | None = None,
              max_evaluations: int | None = None) -> JointFit:
    """Multi-start MAP with pyPESTO (scipy L-BFGS-B inside the 3-sigma prior bounds). The
    first start is the default set; the others are drawn around it with ``start_spread`` x
    each prior's sigma (wide prior draws often have no steady state). ``log`` (e.g.
    ``print``) gets one line per evaluation: its number, loss, best loss so far, members
    solved and simulation seconds, and the point (log10 values) whenever the best improves.

    ``budget_s`` (wall-clock seconds from the call) and ``max_evaluations`` (fresh
    evaluations over all starts) bound the compute: when either is spent, the next fresh
    evaluation stops the fit (the default set is always evaluated), the starts not yet run
    are skipped, and the result is the best point seen, with ``budget_spent`` saying which limit stopped it."""
    import pypesto
    import pypesto.optimize as optimize

    t_start = time.perf_counter()
    seen = {"n": 0, "best": math.inf, "x": np.array(prob.x0, dtype=float), "spent": ""}

    def value_and_grad(x):
        fresh = not prob.is_evaluated(x)
        if fresh and seen["n"] and not seen["spent"]:  # the default set is always evaluated
            elapsed = time.perf_counter() - t_start
            if max_evaluations is not None and seen["n"] >= max_evaluations:
                seen["spent"] = f"{max_evaluations} evaluations"
            elif budget_s is not None and elapsed >= budget_s:
                seen["spent"] = f"{budget_s:.0f} s wall-clock ({elapsed:.0f} s used)"
        if fresh and seen["spent"]:
            raise BudgetSpent(f"budget spent: {seen['spent']}")
        f, g = prob.value_and_grad(x)
        if fresh:
            seen["n"] += 1
            improved = f < seen["best"]
            if improved:
                seen["best"], seen["x"] = f, np.array(x, dtype=float)
            if log is not None:
                log(f"  evaluation {seen['n']}: loss {f:.4f} (best {seen['best']:.4f}); "
                    f"{prob.n_members_solved} members, {prob.wall_s:.0f} s simulating")
                if improved:
                    log("    best x (log10): " + ", ".join(
                        f"{p}={v:.4f}" for p, v in zip(prob.param_ids, x, strict=True)))
        return f, g

    obj = pypesto.Objective(fun=lambda x: value_and_grad(x)[0],
                            grad=lambda x: value_and_grad(x)[1])
    rng = np.random.default_rng(seed)
    guesses = [prob.x0] + [np.clip(prob.x0 + start_spread * prob.sigma
                                   * rng.standard_normal(len(prob.x0)), prob.lb, prob.ub)
                           for _ in range(n_starts - 1)]
    problem = pypesto.Problem(obj, lb=prob.lb, ub=prob.ub, x_guesses=guesses,
                              x_names=prob.param_ids)
    loss0, _ = value_and_grad(prob.x0)  # the first start's first evaluation, cached
    M0 = prob.margins_at(prob.x0)[None, :]
    opt = optimize.ScipyOptimizer(method="L-BFGS-B", options={"maxiter": max_iter})
    quiet = _QuietBudget()
    pylog = logging.getLogger("pypesto.optimize.optimizer")
    pylog.addFilter(quiet)
    try:
        res = optimize.minimize(problem, optimizer=opt, n_starts=n_starts, progress_bar=False,
                                filename=None)
    finally:
        pylog.removeFilter(quiet)
    starts = []
    for r in res.optimize_result.list:
        starts.append({"id": r.id, "fval": float(r.fval), "n_fval": int(r.n_fval or 0),
                       "exitflag": r.exitflag, "message": str(r.message),
                       "time_s": float(r.time or 0.0)})
    # the best point evaluated, over every start (also those the budget stopped)
    xb, fb = seen["x"], float(seen["best"])
    Mb = prob.margins_at(xb)[None, :]
    terms0, terms_b = (float(prob.term_loss(x)[0]) for x in (prob.x0, xb))
    return JointFit(prob.param_ids, xb, float(loss0), fb, starts,
                    int(prob.passes(M0)[0]), int(prob.passes(Mb)[0]), len(prob.obs_ids),
                    prob.n_members_solved, prob.wall_s, terms0, terms_b,
                    n_evaluations=seen["n"], budget_spent=seen["spent"])
