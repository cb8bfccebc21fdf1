"""What the web explorer computes, as plain functions over JSON-able data (no web framework).

Everything goes through the project's own definitions: experiments are read by
:func:`cytonet.cli.simulate.load_experiments` (the YAML ``cytonet simulate`` accepts, with the
same located errors), simulated by :func:`cytonet.cli.simulate.simulate_frame` on the
process-wide :class:`~cytonet.experiments.runner.Simulator`, bands come from
:func:`cytonet.analysis.ensemble.run_ensemble`, paths from :func:`cytonet.knowledge.query.explain`
and the scorecard from :func:`cytonet.validation.run.validate_file`.

The simulator is not thread-safe, so every use of it holds :data:`SIMULATOR_LOCK`; requests
are served one simulation at a time and cannot see each other's state.
"""

from __future__ import annotations

__all__ = ["LIMITS", "SIMULATOR_LOCK", "catalog_info", "form_to_yaml", "check_yaml",
           "simulate_yaml", "simulate_logical_yaml", "network_info", "explain_paths",
           "scorecard_rows", "logical_verdicts", "observation_traces", "warm_up"]

import math
import threading
from collections.abc import Mapping

import numpy as np
import yaml

from ..errors import CytonetError, ExperimentError, InputError, Problem
from ..experiments.types import readout_unit

SIMULATOR_LOCK = threading.RLock()
LOGICAL_LOCK = threading.Lock()  # the logical model's compile-once cache and its scorecard
EDITOR_NAME = "experiment.yaml"  # how the page's YAML is named in located messages

# Input limits: anything larger is refused with a message, not simulated.
LIMITS = {
    "body_bytes": 64 * 1024,    # one request body
    "yaml_chars": 32 * 1024,    # the experiment YAML
    "experiments": 12,          # experiments in one run
    "readouts": 12,
    "points": 2000,             # output times
    "until_s": 14 * 86400.0,    # two weeks
    "members": 50,              # ensemble members for bands
    "trajectories": 10000,      # MaBoSS trajectories of the logical view
}
PHENOTYPE_AT_S = 86400.0  # the phenotype panel reads each phenotype at 24 h (or the end)
DEFAULT_READOUTS = ("mRNA:MMP12", "phenotype:invasion")


def _problems(exc: Exception) -> list[str]:
    if isinstance(exc, InputError):
        return [str(p) for p in exc.problems]
    return [str(exc)]


# --------------------------------------------------------------------------- vocabulary

def catalog_info() -> dict:
    """The spec's vocabulary for the builder: contexts, stimuli, conditions, perturbation
    kinds, drugs (with targets and a dose unit), entities, readout kinds, phenotypes."""
    from ..experiments.parse import LIMITS as PARSE_LIMITS
    from ..experiments.parse import PERTURBATION_KINDS
    from ..experiments.types import READOUT_KINDS
    from ..knowledge import default_catalog
    from ..knowledge.load import SPEC_CONDITIONS, SPEC_STIMULI

    kb = default_catalog().kb
    return {
        "contexts": [{"id": c.id, "name": getattr(c, "name", "") or c.id}
                     for c in kb.contexts.values()],
        "stimuli": [{"id": s, "name": kb.entities[s].name if s in kb.entities else s,
                     "example": "20 ng/mL"} for s in SPEC_STIMULI],
        "conditions": [{"id": c, "default": v} for c, v in SPEC_CONDITIONS.items()],
        "perturbation_kinds": list(PERTURBATION_KINDS),
        "drugs": [{"id": d.name, "mechanism": d.mechanism,
                   "targets": [t.target for t in d.targets]} for d in kb.drugs.values()],
        "entities": sorted(e.symbol for e in kb.entities.values()
                           if e.kind not in ("condition", "phenotype")),
        "readout_kinds": list(READOUT_KINDS),
        "phenotypes": list(kb.phenotypes),
        "default_readouts": list(DEFAULT_READOUTS),
        "limits": {**LIMITS, "drug_nM": PARSE_LIMITS["drug_nM"],
                   "stimulus_nM": PARSE_LIMITS["stimulus_nM"]},
    }


# --------------------------------------------------------------------------- experiments

def _number_or_text(value):
    """A form field as YAML would read it: a number when it is one, else the text."""
    if isinstance(value, (int, float)) or value is None:
        return value
    text = str(value).strip()
    try:
        return float(text) if text else None
    except ValueError:
        return text


def form_to_yaml(form: Mapping) -> str:
    """The builder's state as the YAML ``cytonet simulate`` reads (a mapping
    ``experiments: {name: experiment}``); values are kept as typed, so the parser, not
    this function, judges them."""
    exps = form.get("experiments") if isinstance(form, Mapping) else None
    if not isinstance(exps, list) or not exps:
        raise ExperimentError(Problem("the builder holds no experiment"))
    if len(exps) > LIMITS["experiments"]:
        raise ExperimentError(Problem(f"at most {LIMITS['experiments']} experiments at once, "
                                      f"got {len(exps)}"))
    out: dict = {}
    for i, e in enumerate(exps):
        if not isinstance(e, Mapping):
            raise ExperimentError(Problem(f"experiment {i + 1}: expected a mapping"))
        name = str(e.get("name") or f"experiment {i + 1}").strip()
        exp: dict = {}
        if e.get("cell"):
            exp["cell"] = str(e["cell"])
        stim = {str(k).strip(): str(v).strip() for k, v in (e.get("stimuli") or []) if str(k).strip()}
        if stim:
            exp["stimuli"] = stim
        cond = {str(k).strip(): str(v).strip() for k, v in (e.get("conditions") or [])
                if str(k).strip()}
        if cond:
            exp["conditions"] = cond
        perts = []
        for p in e.get("perturbations") or []:
            kind, target = str(p.get("kind", "")).strip(), str(p.get("target", "")).strip()
            if not kind or not target:
                continue
            item = {kind: target}
            if kind == "knockdown" and p.get("efficiency") not in (None, ""):
                item["efficiency"] = _number_or_text(p["efficiency"])
            elif kind == "overexpress" and p.get("fold") not in (None, ""):
                item["fold"] = _number_or_text(p["fold"])
            elif kind == "drug" and p.get("dose") not in (None, ""):
                item["dose"] = str(p["dose"]).strip()
            perts.append(item)
        if perts:
            exp["perturbations"] = perts
        if name in out:
            raise ExperimentError(Problem(f"duplicate experiment name {name!r}", item=name,
                                          field="name"))
        out[name] = exp
    return yaml.safe_dump({"experiments": out}, sort_keys=False, default_flow_style=None,
                          allow_unicode=True, width=100)


def _load(text: str):
    from ..experiments.load import load_experiments

    if not isinstance(text, str) or not text.strip():
        raise ExperimentError(Problem("the experiment YAML is empty", file=EDITOR_NAME))
    if len(text) > LIMITS["yaml_chars"]:
        raise ExperimentError(Problem(f"the experiment YAML is {len(text)} characters; at most "
                                      f"{LIMITS['yaml_chars']}", file=EDITOR_NAME))
    exps = load_experiments(EDITOR_NAME, text=text)
    if len(exps) > LIMITS["experiments"]:
        raise ExperimentError(Problem(f"at most {LIMITS['experiments']} experiments at once, "
                                      f"got {len(exps)}", file=EDITOR_NAME))
    return exps


def check_yaml(text: str) -> dict:
    """``{ok, problems, experiments: [{name, as_written, model_units}]}`` for the editor."""
    try:
        exps = _load(text)
    except InputError as exc:
        return {"ok": False, "problems": _problems(exc), "experiments": []}
    return {"ok": True, "problems": [],
            "experiments": [{"name": n, "as_written": e.label, "model_units": e.describe()}
                            for n, e in exps]}


def _times(until, points) -> np.ndarray:
    from ..cli.simulate import parse_time

    until_s = parse_time(str(until or "24 h"), what="until")
    if until_s > LIMITS["until_s"]:
        raise InputError(Problem(f"at most {LIMITS['until_s'] / 86400:g} days, got {until!r}",
                                 item="until"))
    try:
        n = int(points or 97)
    except (TypeError, ValueError):
        raise InputError(Problem(f"expected a whole number, got {points!r}", item="points")) \
            from None
    if not 2 <= n <= LIMITS["points"]:
        raise InputError(Problem(f"expected 2 to {LIMITS['points']} points, got {n}",
                                 item="points"))
    from ..cli.simulate import output_times

    return output_times(until_s, n)  # the same times as `cytonet simulate --points N`


def _request(text: str, readouts, until, points):
    """(experiments, readout texts, output times) of a simulation request, checked."""
    exps = _load(text)
    if isinstance(readouts, str):
        readouts = readouts.split()
    readouts = list(readouts or DEFAULT_READOUTS)
    if len(readouts) > LIMITS["readouts"]:
        raise InputError(Problem(f"at most {LIMITS['readouts']} readouts, got "
                                 f"{len(readouts)}", item="readouts"))
    return exps, readouts, _times(until, points)


def simulate_yaml(text: str, readouts=DEFAULT_READOUTS, until="24 h", points=97,
                  members: int = 0, jitter: float = 0.3) -> dict:
    """Simulate the experiments of ``text``; JSON for the page.

    ``{ok, problems, experiments: [{name, as_written, model_units}], series: [{experiment,
    readout, unit, time_h, value, q05?, q95?}], phenotypes: {experiment: {phenotype: value}},
    phenotype_at_h, ensemble?}``. Input problems and failed simulations come back in
    ``problems`` (``ok`` false); what did simulate is kept."""
    from ..cli.simulate import parse_readouts, simulate_frame
    from ..errors import SimulationError
    from ..experiments.parse import parse_readout
    from ..experiments.runner import get_simulator
    from ..experiments.types import Readout

    try:
        exps, readouts, times = _request(text, readouts, until, points)
        members = int(members or 0)
        if not 0 <= members <= LIMITS["members"]:
            raise InputError(Problem(f"expected 0 to {LIMITS['members']} members, got "
                                     f"{members}", item="members"))
        jitter = float(jitter)
        if not (math.isfinite(jitter) and 0 <= jitter <= 2):
            raise InputError(Problem(f"expected a jitter between 0 and 2, got {jitter}",
                                     item="jitter"))
    except (InputError, TypeError, ValueError) as exc:
        return {"ok": False, "problems": _problems(exc), "experiments": [], "series": []}
    info = [{"name": n, "as_written": e.label, "model_units": e.describe()} for n, e in exps]
    problems: list[str] = []
    with SIMULATOR_LOCK:
        sim = get_simulator()
        try:
            ros = parse_readouts(readouts, sim.model)
        except InputError as exc:
            return {"ok": False, "problems": _problems(exc), "experiments": info, "series": []}
        phen = [parse_readout(f"phenotype:{p}", catalog=sim.model.catalog)
                for p in sim.model.catalog.kb.phenotypes]
        t_ph = min(PHENOTYPE_AT_S, float(times[-1]))
        extra = [p for p in phen if p not in ros]
        all_times = np.unique(np.concatenate([times, [t_ph]]))
        try:
            df = simulate_frame(exps, [*ros, *extra], all_times, workers=1, progress=False)
        except SimulationError as exc:
            df = getattr(exc, "frame", None)
            problems += _problems(exc)
            if df is None:
                return {"ok": False, "problems": problems, "experiments": info, "series": []}
        ens = None
        if members:
            ens, why = _bands(sim.model, dict(exps), ros, times, members, jitter)
            if why:
                problems.append(why)
    keep = np.isin(df["time_s"].to_numpy(), times)
    series = []
    for (name, ro), g in df[keep].groupby(["experiment", "readout"], sort=False):
        if Readout(*ro.split(":", 1)) not in ros:
            continue
        s = {"experiment": name, "readout": ro, "unit": g["unit"].iloc[0],
             "time_h": [float(x) for x in g["time_h"]], "value": [float(x) for x in g["value"]]}
        if ens is not None:
            q = ens[(ens["experiment"] == name) & (ens["readout"] == ro)]
            if len(q):
                s["q05"] = [float(x) for x in q["q05"]]
                s["q95"] = [float(x) for x in q["q95"]]
                s["n_members"] = int(q["n_members"].min())
        series.append(s)
    ph = df[(df["time_s"] == t_ph) & df["readout"].str.startswith("phenotype:")]
    phenotypes = {n: {r.split(":", 1)[1]: float(v) for r, v in zip(g["readout"], g["value"],
                                                                      strict=True)}
                  for n, g in ph.groupby("experiment", sort=False)}
    out = {"ok": not problems, "problems": problems, "experiments": info, "series": series,
           "phenotypes": phenotypes, "phenotype_at_h": t_ph / 3600.0}
    if members:
        out["ensemble"] = {"members": members, "jitter": jitter, "quantiles": [0.05, 0.95]}
    return out


def _bands(model, experiments: dict, readouts, times, members: int, jitter: float):
    """(quantile table or None, problem text or None) over ``members`` jittered members."""
    from ..analysis.ensemble import draw_members, run_ensemble

    theta, labels = draw_members(model, members, source="jitter", sigma=jitter, seed=0)
    try:
        res = run_ensemble(model, experiments, readouts, times, theta, members=labels,
                           workers=1, batch_size=members)
    except CytonetError as exc:
        return None, f"uncertainty bands: {exc}"
    why = None
    if len(res.failures):
        why = (f"uncertainty bands: {len(res.failures)} member runs without a steady state "
               f"were left out (first: {res.failures['reason'].iloc[0]})")
    q = res.quantiles()
    return q, why


# --------------------------------------------------------------------------- logical view

def _logical_engines() -> str | None:
    """None when the logical engines (mpbn, cmaboss) import, else why the view is off."""
    for mod in ("mpbn", "cmaboss"):
        try:
            __import__(mod)
        except ImportError:
            return (f"the logical view needs the optional engines ({mod} is missing): "
                    "pip install 'cytonet[logical]'")
    return None


def _phenotype_names() -> list[str]:
    from ..knowledge import default_catalog

    return list(default_catalog().kb.phenotypes)


def simulate_logical_yaml(text: str, readouts=DEFAULT_READOUTS, until="24 h", points=97,
                          trajectories: int = 2000) -> dict:
    """The same experiments on the logical model compiled from the same graph
    (:mod:`cytonet.logical.run`): MaBoSS probabilities that each readout's node is ON, the
    phenotype scores from their drivers' probabilities (``readout_series``, the values
    ``validate --formalism logical`` judges), and each experiment's most-permissive attractors
    reachable from the resting cell. The JSON has :func:`simulate_yaml`'s shape (unit
    ``P(ON)``) plus ``formalism`` and ``attractors``; a readout or experiment the logical
    model cannot express is named in ``problems`` and the rest is kept."""
    from ..experiments.parse import parse_readout
    from ..logical.readouts import NotExpressible
    from ..logical.run import attractors, get_model, readout_node, readout_series

    why = _logical_engines()
    if why:
        return {"ok": False, "problems": [why], "experiments": [], "series": [],
                "formalism": "logical"}
    try:
        exps, readouts, times = _request(text, readouts, until, points)
        ros = [parse_readout(r) for r in readouts]
        n_traj = int(trajectories)
        if not 100 <= n_traj <= LIMITS["trajectories"]:
            raise InputError(Problem(f"expected 100 to {LIMITS['trajectories']} trajectories, "
                                     f"got {n_traj}", item="trajectories"))
    except (InputError, TypeError, ValueError) as exc:
        return {"ok": False, "problems": _problems(exc), "experiments": [], "series": [],
                "formalism": "logical"}
    info = [{"name": n, "as_written": e.label, "model_units": e.describe()} for n, e in exps]
    problems: list[str] = []
    with LOGICAL_LOCK:
        model = get_model()
    nodes = {}
    for ro in ros:
        try:
            nodes[ro] = readout_node(model, ro)
        except NotExpressible as exc:
            problems.append(f"readout {ro}: not expressible on the logical model: {exc}")
    phen = {}
    for p in _phenotype_names():
        try:
            ro = parse_readout(f"phenotype:{p}")
            readout_node(model, ro)
            phen[p] = ro
        except NotExpressible:
            pass  # the phenotype panel shows the phenotypes the logical model has
    t_ph = min(PHENOTYPE_AT_S, float(times[-1]))
    sample_times = np.unique(np.concatenate([times, [t_ph]]))
    want = list(dict.fromkeys([*nodes, *phen.values()]))
    series, phenotypes, atts = [], {}, {}
    for name, exp in exps:
        try:
            vals = readout_series(model, exp, want, sample_times, sample_count=n_traj)
            found = attractors(model, exp, limit=32)
        except (NotExpressible, RuntimeError, ValueError) as exc:
            problems.append(f"{name}: the logical model cannot run it: {exc}")
            continue
        keep = np.isin(sample_times, times)
        for ro, node in nodes.items():
            unit = "score" if ro.kind == "phenotype" else "P(ON)"
            series.append({"experiment": name, "readout": str(ro), "node": node, "unit": unit,
                           "time_h": [float(t) / 3600.0 for t in times],
                           "value": [float(v) for v in vals[ro][keep]]})
        at_ph = int(np.searchsorted(sample_times, t_ph))
        phenotypes[name] = {p: float(vals[ro][at_ph]) for p, ro in phen.items()}
        atts[name] = [{"reachable": a["reachable"],
                       "readouts": {str(ro): a["attractor"].get(node)
                                    for ro, node in nodes.items()}}
                      for a in found["attractors"]]
    return {"ok": not problems, "problems": problems, "experiments": info, "series": series,
            "phenotypes": phenotypes, "phenotype_at_h": t_ph / 3600.0, "formalism": "logical",
            "trajectories": n_traj, "attractors": atts}


# --------------------------------------------------------------------------- knowledge

_NETWORK: dict | None = None


def _evidence(ev: dict) -> dict:
    links = []
    if ev.get("doi"):
        links.append({"label": f"doi:{ev['doi']}", "url": f"https://doi.org/{ev['doi']}"})
    if ev.get("pmid"):
        links.append({"label": f"PMID:{ev['pmid']}",
                      "url": f"https://pubmed.ncbi.nlm.nih.gov/{ev['pmid']}/"})
    return {**ev, "links": links}


def network_info() -> dict:
    """Nodes (id, kind, name, x, y) and edges (id, source, target, sign, mechanism, kind,
    evidence with DOI/PubMed links) of the knowledge graph, with drugs and phenotype drivers;
    positions from :func:`cytonet.report.html.layout_network` (computed once)."""
    global _NETWORK
    if _NETWORK is not None:
        return _NETWORK
    from ..report.html import layout_network

    g, pos = layout_network()  # the report's figure and this view share one layout
    nodes = [{"id": n, "kind": a.get("kind") or "other", "name": a.get("name") or n,
              "aliases": [str(x) for x in a.get("aliases") or []], "x": float(pos[n][0]),
              "y": float(pos[n][1])} for n, a in g.nodes(data=True)]
    edges = [{"id": a["id"], "source": u, "target": v, "sign": a["sign"],
              "mechanism": a["mechanism"], "kind": a["kind"], "context": a.get("context", []),
              "evidence": [_evidence(e) for e in a.get("evidence", [])]}
             for u, v, a in g.edges(data=True)]
    _NETWORK = {"nodes": nodes, "edges": edges}
    return _NETWORK


def explain_paths(source: str, target: str, max_length: int = 6, limit: int = 50) -> dict:
    """``kb explain``'s signed paths: ``{ok, problems, paths: [Path.as_dict() + text]}``."""
    from ..knowledge import load_knowledge
    from ..knowledge.query import explain

    try:
        n = int(max_length)
        if not 1 <= n <= 8:
            raise InputError(Problem(f"expected 1 to 8 steps, got {n}", field="max_length"))
        paths = explain(load_knowledge(), source, target, max_length=n)
    except (InputError, ValueError) as exc:
        return {"ok": False, "problems": _problems(exc), "paths": []}
    return {"ok": True, "problems": [], "n_paths": len(paths),
            "paths": [{**p.as_dict(), "text": p.render()} for p in paths[:limit]]}


# --------------------------------------------------------------------------- scorecard

_CARD = None


def _scorecard():
    global _CARD
    if _CARD is None:
        from ..validation.run import validate_file

        with SIMULATOR_LOCK:
            _CARD = validate_file(list(_default_files()), workers=1)
    return _CARD


def scorecard_rows() -> dict:
    """One row per curated observation: id, status, system, pathway, readout, claim, verdict
    text, model-side reason, sources and where it is written."""
    from ..report.html import GROUPS, PATHWAYS, classify, load_failure_reasons, pathway_of

    card = _scorecard()
    reasons, _ = load_failure_reasons()
    rows = []
    for r in card.results:
        src = r.source
        rows.append({
            "id": r.id, "status": r.status, "system": classify(r),
            "pathway": pathway_of(r.readout) if r.readout else "Other readouts",
            "readout": r.readout, "expect": r.expect, "claim": r.claim,
            "verdict": r.summary(), "reason": reasons.get(r.id, ""),
            "links": [{"label": a, "url": b} for a, b in (src.links() if src else [])],
            "seeds": list(src.seed) if src else [],
            "where": str(Problem("", file=r.file, line=r.line)).rstrip(": ") if r.file else "",
            "experiments": dict(r.observation.as_written) if r.observation else {}})
    return {"rows": rows, "systems": list(GROUPS), "pathways": list(PATHWAYS),
            "passed": card.passed, "failed": card.failed, "errors": card.errors,
            "total": len(card.results)}


_LOGICAL_CARDS: dict[tuple[str, ...], tuple] = {}  # files -> (ODE card, logical card)


def _default_files() -> tuple[str, ...]:
    from ..cli.validate import default_anchor_file, default_observations_file

    return tuple(str(f) for f in (default_observations_file(), default_anchor_file())
                 if f.is_file())


def logical_verdicts(files=None) -> dict:
    """Observations judged on both models (``validate --formalism both``): ``{verdicts:
    {id: {status, detail}}, summary, agree, compared, expressed}``, where ``status`` is
    PASS, FAIL, ERROR or N/A (with the reason). ``files``: observation files, by default the
    curated ones of the scorecard tab. Computed once per set of files (the curated ones take
    about two minutes on two cores), then cached."""
    why = _logical_engines()
    if why:
        return {"ok": False, "problems": [why], "verdicts": {}}
    from ..logical.validate import compare, validate_logical
    from ..validation.run import validate_file

    key = tuple(str(f) for f in files) if files else _default_files()
    with LOGICAL_LOCK:
        if key not in _LOGICAL_CARDS:
            if key == _default_files():
                ode = _scorecard()
            else:
                with SIMULATOR_LOCK:
                    ode = validate_file(list(key), workers=1)
            _LOGICAL_CARDS[key] = (ode, validate_logical(list(key)))
        ode, lcard = _LOGICAL_CARDS[key]
    cmp = compare(ode, lcard)
    return {"ok": True, "problems": [str(p) for p in lcard.problems],
            "verdicts": {r["id"]: {"status": r["logical"], "detail": r["logical_detail"]}
                         for r in cmp.rows},
            "summary": cmp.summary(), "agree": cmp.agree, "compared": len(cmp.compared),
            "expressed": lcard.expressed}


def observation_traces(oid: str) -> dict:
    """The simulated traces of one scorecard observation (time in h, unit of its readout)."""
    card = _scorecard()
    try:
        r = card.result(oid)
    except (KeyError, CytonetError):
        raise InputError(Problem(f"no observation with id {oid!r}", item=oid)) from None
    unit = readout_unit(r.readout)
    written = dict(r.observation.as_written) if r.observation else {}
    traces = [{"role": role, "as_written": written.get(role, ""),
               "time_h": [float(t) / 3600.0 for t in tr.times],
               "value": [float(v) for v in tr.values]} for role, tr in r.traces.items()]
    return {"id": r.id, "status": r.status, "readout": r.readout, "unit": unit,
            "verdict": r.summary(), "traces": traces}


def warm_up(scorecard: bool = True) -> None:
    """Compile the model (and run the scorecard) ahead of the first request."""
    from ..experiments.runner import get_simulator

    with SIMULATOR_LOCK:
        get_simulator()
    network_info()
    if scorecard:
        _scorecard()
