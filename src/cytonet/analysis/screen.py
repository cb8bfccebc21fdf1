"""Target and drug screens over an ensemble: which perturbation moves a readout, how robustly.

For one experiment, every knockdown (efficiency :data:`KNOCKDOWN_EFFICIENCY`) and knockout
of the perturbable targets and every catalog drug at :data:`DOSE_FOLD` x its potency (the
IC50 of its first listed target; the Kd for antibodies and ligand traps) are added to the
experiment's own perturbations. The perturbed experiments and the unperturbed one are
planned once and solved once for all members
(:func:`cytonet.analysis._readout.readout_values`). With ``pairs``, every pair among the top
:data:`N_PAIR_HITS` single hits is run in a second pass on the same members.

Per member the effect is ``log2(perturbed / unperturbed)``; hits are ranked by the
magnitude of the median effect, with the 5-95 % interval over members and the robustness:
the fraction of members whose effect has the median's sign and ``|log2| >`` :data:`ROBUST_LOG2`.
Pairs also get ``interaction_log2``: the median of ``e_ab - e_a - e_b`` (0: the single
effects add in log space). Members that fail the unperturbed or the perturbed experiment
are left out of that row (``n_members`` says how many remain), with their reasons in
``attrs['failures']``.

Each hit is checked against the curated observations (``data/observations.yaml``): one
whose test experiment has a loss-of-function perturbation (knockdown or knockout) of the
same target, or the same drug, and the same readout, supports the hit if its expectation
has the hit's direction (``decrease``/``abrogates`` for a negative effect, ``increase`` for
a positive one) and contradicts it if it has the other direction.
"""

from __future__ import annotations

__all__ = ["screen", "screen_perturbations", "effects_frame", "drug_dose", "supporting_observations", "curated_observations",
           "KNOCKDOWN_EFFICIENCY", "DOSE_FOLD", "ROBUST_LOG2", "N_PAIR_HITS"]

import dataclasses
import itertools
import time
from functools import lru_cache

import numpy as np
import pandas as pd

from ..errors import ExperimentError, InputError, Problem, SimulationError
from ..experiments.types import Experiment, Perturbation, Readout
from ._readout import as_readout, pick_question, readout_time, readout_values

KNOCKDOWN_EFFICIENCY = 0.8
DOSE_FOLD = 10.0
ROBUST_LOG2 = 0.25
N_PAIR_HITS = 10
QUANTILES = (0.05, 0.95)
_DOWN = ("decrease", "abrogates")
_UP = ("increase",)


# --------------------------------------------------------------------------- perturbations
def _names(spec) -> list[str] | None:
    """None for 'all'; [] for 'none'; else the listed names (comma or space separated)."""
    if spec is None:
        return None
    if isinstance(spec, str):
        text = spec.strip()
        if text == "all":
            return None
        if text == "none":
            return []
        spec = text.replace(",", " ").split()
    out = [str(s) for s in spec if str(s)]
    if out == ["all"]:
        return None
    if out == ["none"]:
        return []
    return out


def _targets(model, spec) -> list[str]:
    perturbable = [h[len("expr_"):] for h in model.interface.expression_handles]
    names = _names(spec)
    if names is None:
        return perturbable
    out, problems = [], []
    for name in names:
        where = Problem("", item="targets", field=name)
        try:
            sym = model.catalog.model_symbol(model.catalog.resolve_entity(name, where=where))
        except InputError as exc:
            problems += exc.problems
            continue
        if sym not in perturbable:
            problems.append(Problem(f"cannot knock down {name}: the model has no synthesis of "
                                    f"it (perturbable: {', '.join(perturbable)})",
                                    item="targets", field=name))
        elif sym not in out:
            out.append(sym)
    if problems:
        raise ExperimentError(problems)
    return out


def _drugs(model, spec) -> list[str]:
    names = _names(spec)
    if names is None:
        return list(model.catalog.kb.drugs)
    out, problems = [], []
    for name in names:
        try:
            d = model.catalog.drugs.resolve(name, where=Problem("", item="drugs", field=name))
        except InputError as exc:
            problems += exc.problems
            continue
        if d not in out:
            out.append(d)
    if problems:
        raise ExperimentError(problems)
    return out


def drug_dose(drug) -> tuple[float, str]:
    """(dose nM, why): :data:`DOSE_FOLD` x the potency on the first listed target."""
    t = drug.targets[0]
    if drug.is_sequestering:
        return DOSE_FOLD * t.kd_nM, f"{DOSE_FOLD:g} x Kd {t.kd_nM:g} nM ({t.target})"
    return DOSE_FOLD * t.ic50_nM, f"{DOSE_FOLD:g} x IC50 {t.ic50_nM:g} nM ({t.target})"


def screen_perturbations(model, targets="all", drugs="all") -> list[tuple[Perturbation, str]]:
    """The single perturbations of a screen with a note each: knockdown (0.8) and knockout
    of every target, then every drug at its screen dose (:func:`drug_dose`)."""
    out = []
    for sym in _targets(model, targets):
        out.append((Perturbation("knockdown", sym, efficiency=KNOCKDOWN_EFFICIENCY), ""))
        out.append((Perturbation("knockout", sym), ""))
    for name in _drugs(model, drugs):
        dose, why = drug_dose(model.catalog.kb.drugs[name])
        out.append((Perturbation("drug", name, dose_nM=dose), why))
    return out


# --------------------------------------------------------------------------- observations
def _observations_path():
    from importlib import resources
    return resources.files("cytonet") / "data" / "observations.yaml"


@lru_cache(maxsize=4)
def _load_curated(catalog):
    from ..experiments.parse import load_observations
    obs, _ = load_observations(str(_observations_path()), catalog=catalog)
    return tuple(obs)


def curated_observations(model) -> list:
    """The package's curated observations (parsed once per catalog)."""
    return list(_load_curated(model.catalog))


def _key(model, p: Perturbation) -> tuple[str, str] | None:
    if p.kind == "drug":
        return ("drug", p.target)
    if p.kind in ("knockdown", "knockout"):
        return ("loss", model.catalog.model_symbol(p.target))
    return None


def supporting_observations(model, perturbations, readout: Readout, sign: float,
                            observations=None, cell: str | None = None
                            ) -> tuple[list[str], list[str]]:
    """(supporting ids, contradicting ids) among ``observations`` (default: the curated
    ones) for a hit of ``perturbations`` on ``readout`` with effect sign ``sign``.

    An observation matches when its readout is ``readout`` and its test experiment holds
    every perturbation of the hit (a knockdown or knockout of the same target counts for
    either; a drug by name). Ids from another cell context than ``cell`` carry it in
    brackets."""
    obs_all = curated_observations(model) if observations is None else observations
    want = {_key(model, p) for p in perturbations}
    support, contra = [], []
    if None in want or not sign:
        return support, contra
    for o in obs_all:
        if o.test is None or o.readout != readout:
            continue
        have = {_key(model, p) for p in o.test.perturbations}
        if not want <= have:
            continue
        label = o.id if cell is None or o.test.cell == cell else f"{o.id} ({o.test.cell})"
        if (o.expect in _DOWN and sign < 0) or (o.expect in _UP and sign > 0):
            support.append(label)
        elif o.expect in _DOWN + _UP:
            contra.append(label)
    return support, contra


# --------------------------------------------------------------------------- screen
def _summarise(effects: np.ndarray) -> dict:
    e = effects[np.isfinite(effects)]
    if not len(e):
        return {"median_log2": np.nan, "q05_log2": np.nan, "q95_log2": np.nan,
                "robustness": np.nan, "n_members": 0}
    med = float(np.median(e))
    q05, q95 = np.quantile(e, QUANTILES)
    robust = float(np.mean((np.sign(e) == np.sign(med)) & (np.abs(e) > ROBUST_LOG2))) \
        if med != 0 else 0.0
    return {"median_log2": med, "q05_log2": float(q05), "q95_log2": float(q95),
            "robustness": robust, "n_members": int(len(e))}


def _effects(base: np.ndarray, values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.log2(values / base[:, None])
    e[~np.isfinite(e)] = np.nan
    return e


def screen(model, experiment, readout, *, targets="all", drugs="all", pairs: bool = False,
           theta: np.ndarray | None = None, members: int = 20, source: str = "jitter",
           sigma: float = 0.3, seed: int | None = 0, labels: list[str] | None = None,
           at: float | None = None, observations=None, n_pair_hits: int = N_PAIR_HITS,
           **run_kw) -> pd.DataFrame:
    """Screen knockdowns, knockouts and drugs on ``readout`` of ``experiment`` over members
    (see the module docstring).

    ``experiment``: an Experiment or a mapping holding one, or one named ``test``;
    ``targets``/``drugs``: ``'all'``, ``'none'`` or lists of names; ``theta``: the members
    (rows in ``model.interface.theta_ids`` order), else ``members`` drawn by
    :func:`~cytonet.analysis.ensemble.draw_members` (``source``, ``sigma``, ``seed``);
    ``at``: seconds (default: the readout kind's default time); ``run_kw`` go to
    :func:`~cytonet.analysis.ensemble.run_members`.

    Returns one row per perturbation (pairs after the singles they come from are not
    merged: ``kind`` is ``'pair'``), ranked by ``|median_log2|``: ``rank``,
    ``perturbation``, ``kind``, ``target``, ``dose_nM``, ``dose_note``, ``median_log2``,
    ``q05_log2``, ``q95_log2``, ``robustness``, ``n_members``, ``interaction_log2`` (pairs),
    ``supported_by``, ``contradicted_by``, ``support``. ``attrs``: ``quantity``,
    ``readout``, ``at_s``, ``n_members``, ``baseline_median``, ``failures`` (records:
    member, perturbation, reason), ``notes``, ``members`` (labels), ``effects``
    (perturbation -> per-member log2 effects; :func:`effects_frame` makes it a table),
    ``elapsed_s``.
    """
    from .ensemble import draw_members

    t0 = time.perf_counter()
    ro = as_readout(model, readout)
    at = readout_time(ro, at)
    base, _ = pick_question(experiment, ratio=False)
    singles = screen_perturbations(model, targets, drugs)
    if not singles:
        raise InputError(Problem("nothing to screen: no target and no drug", item="targets"))
    if theta is None:
        theta, labels = draw_members(model, members, source=source, sigma=sigma, seed=seed)
    theta = np.atleast_2d(np.asarray(theta, dtype=float))
    labels = list(labels) if labels is not None else [f"member-{i}" for i in range(len(theta))]

    def perturbed(ps) -> Experiment:
        return dataclasses.replace(base, perturbations=base.perturbations + tuple(ps))

    exps = [base] + [perturbed([p]) for p, _ in singles]
    mv = readout_values(model, exps, ro, at, theta, **run_kw)
    failures = [{"member": labels[m], "perturbation": "none" if e == 0 else
                 singles[e - 1][0].describe(), "reason": why}
                for (m, e), why in sorted(mv.reasons.items())]
    y0 = mv.values[:, 0]
    with np.errstate(invalid="ignore"):
        nonpos = np.isfinite(y0) & (y0 <= 0)
    for m in np.where(nonpos)[0]:
        failures.append({"member": labels[m], "perturbation": "none",
                         "reason": f"unperturbed readout {y0[m]:.3g} not positive; log2 "
                                   "effects undefined"})
    y0 = np.where(nonpos, np.nan, y0)
    if not np.isfinite(y0).any():
        raise SimulationError(f"{ro} of {base.describe()}: no member ran the unperturbed "
                              f"experiment ({failures[0]['reason'] if failures else ''})")
    eff = _effects(y0, mv.values[:, 1:])
    rows = []
    for k, (p, note) in enumerate(singles):
        rows.append({"perturbation": p.describe(), "kind": p.kind, "target": p.target,
                     "dose_nM": p.dose_nM if p.kind == "drug" else np.nan,
                     "dose_note": note, **_summarise(eff[:, k]), "hit_ps": (p,)})
    effect_cols = {p.describe(): eff[:, k] for k, (p, _) in enumerate(singles)}
    notes = [f"knockdown efficiency {KNOCKDOWN_EFFICIENCY:g}; drugs at {DOSE_FOLD:g} x the "
             "IC50 (inhibitors) or Kd (antibodies, traps) on their first listed target",
             f"robustness: fraction of members with the median's sign and |log2| > "
             f"{ROBUST_LOG2:g}"]

    if pairs:
        order = sorted(range(len(rows)), key=lambda i: -np.nan_to_num(
            abs(rows[i]["median_log2"]), nan=-1.0))
        hits = [i for i in order if np.isfinite(rows[i]["median_log2"])][:n_pair_hits]
        combos = [(i, j) for i, j in itertools.combinations(hits, 2)
                  if _key(model, singles[i][0]) != _key(model, singles[j][0])]
        if combos:
            pexps = [perturbed([singles[i][0], singles[j][0]]) for i, j in combos]
            pv = readout_values(model, pexps, ro, at, theta, **run_kw)
            peff = _effects(y0, pv.values)
            for (m, e), why in sorted(pv.reasons.items()):
                i, j = combos[e]
                failures.append({"member": labels[m], "perturbation":
                                 f"{singles[i][0].describe()} + {singles[j][0].describe()}",
                                 "reason": why})
            for c, (i, j) in enumerate(combos):
                pi, pj = singles[i][0], singles[j][0]
                name = f"{pi.describe()} + {pj.describe()}"
                inter = peff[:, c] - eff[:, i] - eff[:, j]
                inter = inter[np.isfinite(inter)]
                rows.append({"perturbation": name, "kind": "pair",
                             "target": f"{pi.target} + {pj.target}", "dose_nM": np.nan,
                             "dose_note": "; ".join(n for n in (singles[i][1], singles[j][1])
                                                    if n),
                             **_summarise(peff[:, c]),
                             "interaction_log2": float(np.median(inter)) if len(inter)
                             else np.nan, "hit_ps": (pi, pj)})
                effect_cols[name] = peff[:, c]
        notes.append(f"pairs: {len(combos)} among the top {len(hits)} single hits "
                     "(knockdown and knockout of one target not paired); interaction_log2 = "
                     "median of e_ab - e_a - e_b")

    table = pd.DataFrame(rows)
    if "interaction_log2" not in table:
        table["interaction_log2"] = np.nan
    table["_abs"] = table["median_log2"].abs()
    table = table.sort_values("_abs", ascending=False, kind="stable", na_position="last") \
        .reset_index(drop=True)
    sup, con, text = [], [], []
    for r in table.itertuples():
        s, c = supporting_observations(model, r.hit_ps, ro, np.sign(r.median_log2)
                                       if np.isfinite(r.median_log2) else 0.0,
                                       observations, cell=base.cell)
        sup.append(", ".join(s))
        con.append(", ".join(c))
        msg = f"supported by: {', '.join(s)}" if s else "no curated observation"
        if c:
            msg += f"; contradicted by: {', '.join(c)}"
        text.append(msg)
    table["supported_by"], table["contradicted_by"], table["support"] = sup, con, text
    table = table.drop(columns=["_abs", "hit_ps"])
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    cols = ["rank", "perturbation", "kind", "target", "dose_nM", "dose_note", "median_log2",
            "q05_log2", "q95_log2", "robustness", "n_members", "interaction_log2",
            "supported_by", "contradicted_by", "support"]
    table = table[cols]
    table.attrs.update({
        "quantity": f"log2(perturbed / unperturbed) of {ro} at {at / 3600:g} h in "
                    f"{base.describe()}",
        "readout": str(ro), "at_s": at, "n_members": int(theta.shape[0]),
        "baseline_median": float(np.nanmedian(y0)), "failures": failures, "notes": notes,
        "members": labels,
        "effects": {k: [float(x) for x in v] for k, v in effect_cols.items()},
        "elapsed_s": time.perf_counter() - t0,
    })
    return table



def effects_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The per-member effects of a :func:`screen` result: (member, perturbation,
    log2_effect), NaN where the member failed."""
    eff = table.attrs["effects"]
    return pd.DataFrame(eff, index=pd.Index(table.attrs["members"], name="member")) \
        .reset_index().melt(id_vars="member", var_name="perturbation",
                            value_name="log2_effect")
