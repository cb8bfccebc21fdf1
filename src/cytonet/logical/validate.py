"""``validate --formalism logical``: the same observation files, judged on the logical model.

Each observation is classified first: the quantitative v1.1 kinds, readouts without a node
and experiments the logical model cannot express (e.g. a weak knockdown) are *not
applicable*, with the reason; every other observation is judged by the existing verdict
rules on MaBoSS probabilities (docs/logical.md), through the same scorecard as the ODE model.
"""

from __future__ import annotations

__all__ = ["LogicalScorecard", "Comparison", "compare", "validate_logical", "expressible"]

from dataclasses import dataclass, field

from ..errors import Problem
from ..experiments.parse import Observation, load_observations
from ..validation.run import Scorecard, add_problem_results, validate_observations
from .readouts import NotExpressible


@dataclass
class LogicalScorecard:
    card: Scorecard
    not_applicable: list[tuple[str, str]] = field(default_factory=list)  # (id, reason)
    problems: list[Problem] = field(default_factory=list)

    @property
    def expressed(self) -> int:
        return self.card.passed + self.card.failed

    def as_dict(self) -> dict:
        d = self.card.as_dict()
        d["formalism"] = "logical"
        d["not_applicable"] = [{"id": i, "reason": r} for i, r in self.not_applicable]
        d["expressed"] = self.expressed
        return d


def expressible(obs: Observation, model=None, kb=None) -> str | None:
    """None when the logical model can express ``obs``, else the reason it cannot."""
    from .run import fixed_nodes, get_model, readout_node

    model = model if model is not None else get_model()
    if obs.is_quantitative:
        return f"quantitative v1.1 kind '{obs.expect}': a logical model has no doses or units"
    try:
        readout_node(model, obs.readout)
        for exp in obs.simulations().values():
            fixed_nodes(model, exp, kb)
    except NotExpressible as exc:
        return str(exc)
    return None


def validate_logical(source, catalog=None) -> LogicalScorecard:
    from .run import get_model, simulate_requests

    if isinstance(source, (list, tuple)) and source and all(isinstance(o, Observation)
                                                             for o in source):
        observations, problems = list(source), []
    else:
        observations, problems = load_observations(source, catalog=catalog)
    model = get_model()
    keep, na = [], []
    for obs in observations:
        why = expressible(obs, model)
        if why is None:
            keep.append(obs)
        else:
            na.append((obs.id, why))
    card = add_problem_results(validate_observations(keep, simulate=simulate_requests), problems)
    return LogicalScorecard(card=card, not_applicable=na, problems=card.problems)


@dataclass
class Comparison:
    """One line per observation with the ODE and logical verdicts."""

    rows: list[dict]

    @property
    def compared(self) -> list[dict]:
        return [r for r in self.rows if r["ode"] in ("PASS", "FAIL")
                and r["logical"] in ("PASS", "FAIL")]

    @property
    def agree(self) -> int:
        return sum(r["ode"] == r["logical"] for r in self.compared)

    @property
    def disagreements(self) -> list[dict]:
        return [r for r in self.compared if r["ode"] != r["logical"]]

    @property
    def fraction(self) -> float | None:
        n = len(self.compared)
        return self.agree / n if n else None

    def summary(self) -> str:
        n = len(self.compared)
        frac = "n/a" if not n else f"{100 * self.agree / n:.1f} %"
        return (f"agreement: {self.agree} of {n} observations both formalisms judge ({frac}); "
                f"{len(self.rows) - n} judged by one formalism only")

    def as_dict(self) -> dict:
        return {"agree": self.agree, "compared": len(self.compared),
                "fraction": self.fraction, "rows": self.rows}


def compare(ode: Scorecard, logical: LogicalScorecard) -> Comparison:
    na = dict(logical.not_applicable)
    lres = {r.id: r for r in logical.card.results}
    rows = []
    for r in ode.results:
        lr = lres.get(r.id)
        if r.id in na:
            lstat, ldetail = "N/A", na[r.id]
        elif lr is None:
            lstat, ldetail = "N/A", "not run on the logical model"
        else:
            lstat, ldetail = lr.status, lr.detail
        rows.append({"id": r.id, "ode": r.status, "logical": lstat, "ode_detail": r.detail,
                     "logical_detail": ldetail})
    return Comparison(rows=rows)
