"""A self-contained HTML report of a validation scorecard: figures embedded as PNG data URIs.

:func:`write_report` writes ``DIR/index.html`` and ``DIR/scorecard.json``. The page has a
header with the totals and times, then the scorecard grouped by seed system and, within
each system, by pathway; each observation shows its claim, sources (DOI / PubMed links),
a small plot of the simulated traces with the readout time marked (for a dose scan, the
dose-response), the verdict, and for failures the reason. Quantitative observations (v1.1)
also get a section of their own: each measured value against its literature range on a log
axis, and their median fold error. The page closes with a drawing of the model's knowledge
graph.

Grouping rules (first match wins; see :data:`GROUP_RULES`):

1. the observation's first DOI, for the DOIs of the six seed documents' primary papers;
2. its first seed document, for seeds that hold a single system (seed 003 holds two, the
   IL-11 and glucose-deprivation papers, which rule 1 separates);
3. its id prefix (``impl-``, ``il7-``, ``il11-``, ``lif-``, ``il6-``, ``socs3-``,
   ``drug-...-il6``), the curated file's naming convention;
4. anything else, such as a user's own file, goes to "Other".

The pathway of an observation is that of its readout (:func:`pathway_of`).
"""

from __future__ import annotations

__all__ = ["GROUPS", "GROUP_RULES", "PATHWAYS", "classify", "pathway_of", "load_failure_reasons",
           "readout_unit", "render_traces_png", "render_dose_response_png", "render_range_png",
           "layout_network", "render_network_png", "render_html", "write_report"]

import base64
import datetime as _dt
import io
import json
import math
import re
import time
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

from .._yaml import line_of, load_yaml  # noqa: E402
from ..errors import InputError, Problem  # noqa: E402
from ..experiments.types import readout_unit  # noqa: E402
from ..validation.expectations import (  # noqa: E402
    dose_response,
    format_threshold,
    format_value,
    readout_value,
)
from ..validation.run import ObservationResult, Scorecard  # noqa: E402

LIF = "LIF regulation and signaling"
IMPLANTATION = "LIF/IL-6 in implantation"
IL7 = "IL-7/IL-7R in tumors"
IL11 = "IL-11 -> MMP12 metastasis axis"
GLUCOSE = "Glucose deprivation -> LIF"
IL6 = "IL-6 in the tumor microenvironment"
OTHER = "Other"
GROUPS = (LIF, IMPLANTATION, IL7, IL11, GLUCOSE, IL6, OTHER)

# (what is matched, pattern, group); the first rule that matches decides.
GROUP_RULES: tuple[tuple[str, str, str], ...] = (
    ("first doi", "10.14800/ccm.877", LIF),
    ("first doi", "10.1093/humrep/13.suppl_3.237", IMPLANTATION),
    ("first doi", "10.14670/HH-18.911", IL7),
    ("first doi", "10.1038/s41420-026-03163-2", IL11),
    ("first doi", "10.1038/s42255-025-01437-0", GLUCOSE),
    ("first doi", "10.1016/j.smim.2014.01.008", IL6),
    ("first seed", "000_0a44402016304eea", LIF),
    ("first seed", "001_bd45422435d208bf", IMPLANTATION),
    ("first seed", "002_96d8aa658eb534cf", IL7),
    ("first seed", "004_0dcb8b15819ca9d8", IL6),
    ("id", r"^impl-", IMPLANTATION),
    ("id", r"^il7-", IL7),
    ("id", r"^il11-", IL11),
    ("id", r"^lif-(glucose|mannose|perk|mek)-", GLUCOSE),
    ("id", r"^lif-", LIF),
    ("id", r"^(il6|socs3)-|^drug-.*-il6(-|$)", IL6),
)

PATHWAYS = ("JAK-STAT", "PI3K-AKT-mTOR", "SHP2-MEK-ERK", "NF-kB", "Stress sensing (PERK, HIF)",
            "Target genes and secretion", "Phenotypes", "Other readouts")
_PATHWAY_OF_ENTITY = {
    **dict.fromkeys(("STAT3", "STAT5A", "STAT5B", "STAT1", "JAK1", "JAK2", "JAK3", "TYK2",
                     "IL6ST", "IL6R", "LIFR", "IL11RA", "IL7R", "IL2RG", "SOCS3"), "JAK-STAT"),
    **dict.fromkeys(("AKT1", "PIK3CA", "MTOR"), "PI3K-AKT-mTOR"),
    **dict.fromkeys(("MAPK1", "MAPK3", "MAP2K1", "MAP2K2", "PTPN11"), "SHP2-MEK-ERK"),
    **dict.fromkeys(("RELA", "IKBKB"), "NF-kB"),
    **dict.fromkeys(("EIF2AK3", "HIF1A", "EPAS1"), "Stress sensing (PERK, HIF)"),
}
_ROLE_STYLE = {"test": ("#c0392b", "-"), "control": ("#555555", "-"),
               "baseline": ("#999999", "--"), "experiment": ("#1f5fa8", "-")}
_KIND_COLOURS = {"ligand": "#e67e22", "receptor": "#8e44ad", "kinase": "#2980b9",
                 "phosphatase": "#16a085", "adaptor": "#7f8c8d", "transcription factor": "#c0392b",
                 "gene product": "#f1c40f", "stress sensor": "#d35400", "condition": "#95a5a6",
                 "phenotype": "#27ae60"}


# --------------------------------------------------------------------------- classification

def classify(result: ObservationResult) -> str:
    """The seed system of a result (see the module docstring for the rule table)."""
    src = result.source
    first = {"first doi": src.doi[0] if src and src.doi else None,
             "first seed": src.seed[0] if src and src.seed else None,
             "id": result.id}
    for what, pattern, group in GROUP_RULES:
        value = first[what]
        if value is None:
            continue
        if what == "id":
            if re.search(pattern, value):
                return group
        elif value.lower().startswith(pattern.lower()):
            return group
    return OTHER


def pathway_of(readout: str) -> str:
    """The pathway a readout belongs to: signalling nodes by entity, the rest by kind."""
    kind, _, entity = readout.partition(":")
    if kind == "phenotype":
        return "Phenotypes"
    if kind in ("mRNA", "protein", "secreted", "free"):
        return "Target genes and secretion"
    return _PATHWAY_OF_ENTITY.get(entity, "Other readouts")


# --------------------------------------------------------------------------- reasons

def load_failure_reasons(path: str | Path | None = None) -> tuple[dict[str, str], list[Problem]]:
    """Model-side reasons for known failures: ``{id: reason}`` from a YAML mapping (or a list
    of ``{id, reason}``). Default: the package's ``data/failure_reasons.yaml``, if present."""
    if path is None:
        path = Path(str(resources.files("cytonet") / "data" / "failure_reasons.yaml"))
        if not path.is_file():
            return {}, []
    try:
        data = load_yaml(path)
    except InputError as exc:
        return {}, list(exc.problems)
    if isinstance(data, Mapping) and "reasons" in data and len(data) == 1:
        data = data["reasons"]
    out: dict[str, str] = {}
    problems: list[Problem] = []
    if isinstance(data, Mapping):
        items = [(k, v, data) for k, v in data.items()]
    elif isinstance(data, list):
        items = [(d.get("id"), d.get("reason"), d) if isinstance(d, Mapping) else (None, d, None)
                 for d in data]
    else:
        items = []
        if data is not None:
            problems.append(Problem("expected a mapping of observation id to reason",
                                    file=str(path)))
    for key, reason, obj in items:
        if not isinstance(key, str) or not isinstance(reason, str):
            problems.append(Problem(f"expected 'id: reason text', got {key!r}: {reason!r}",
                                    file=str(path), line=line_of(obj, str(key)) if obj else None))
            continue
        out[key] = reason.strip()
    return out, problems


# --------------------------------------------------------------------------- figures

# Figures are shown at their pixel size (one image pixel per CSS pixel), so a font of F pt at
# FIG_DPI is F x FIG_DPI / 72 px on screen: 9 pt at 100 dpi is 12.5 px, the size of 9 pt text.
FIG_DPI = 100
FONT_PT = 9.5
TRACE_SIZE_IN = (4.6, 3.0)
RANGE_SIZE_IN = (3.6, 0.85)


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def render_traces_png(result: ObservationResult, dpi: int = FIG_DPI) -> str:
    """A plot of the result's traces with the readout time marked, as a data URI (text at
    9.5 pt, the readout's unit on the y axis)."""
    fig = Figure(figsize=TRACE_SIZE_IN, dpi=dpi)
    ax = fig.add_axes((0.2, 0.17, 0.77, 0.78))
    obs = result.observation
    if not result.traces or obs is None:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "not run:\nsee the error below", ha="center", va="center",
                fontsize=FONT_PT + 1, color="#a33")
        return _png(fig)
    if obs.scan is not None:
        return render_dose_response_png(result, dpi=dpi)
    end = obs.end_s
    unit, scale = ("min", 60.0) if end <= 3 * 3600 else ("h", 3600.0)
    for role, tr in result.traces.items():
        colour, style = _ROLE_STYLE.get(role, ("black", "-"))
        ax.plot(tr.times / scale, tr.values, style, color=colour, lw=1.4, label=role)
    mark = dict(color="#2c7", lw=1.0, ls=":")
    if obs.expect == "peak_time":
        ax.axvspan(obs.window_s[0] / scale, obs.window_s[1] / scale, color="#2c7", alpha=0.08)
        low, high = (x * obs.within_scale / scale for x in obs.within)
        ax.axvspan(low, high, color="#2c7", alpha=0.25)
    elif obs.expect == "fraction_of_peak" or obs.statistic == "at":
        ax.axvline(obs.at_s / scale, **mark)
    elif obs.window_s is not None:
        ax.axvspan(obs.window_s[0] / scale, obs.window_s[1] / scale, color="#2c7", alpha=0.15)
    elif obs.expect == "transient":
        ax.axvspan(obs.peak_between_s[0] / scale, obs.peak_between_s[1] / scale, color="#2c7",
                   alpha=0.15)
        ax.axvline(obs.falls_below_by_s / scale, **mark)
    elif obs.until_s is not None:
        ax.axvline(obs.until_s / scale, **mark)
    _label_axes(ax, f"time ({unit})", f"{result.readout} ({readout_unit(result.readout)})")
    ax.legend(fontsize=FONT_PT, frameon=False, loc="best")
    return _png(fig)


def _label_axes(ax, xlabel: str, ylabel: str) -> None:
    ax.set_xlabel(xlabel, fontsize=FONT_PT, labelpad=2)
    ax.set_ylabel(ylabel, fontsize=FONT_PT, labelpad=2)
    ax.tick_params(labelsize=FONT_PT, pad=2)


def render_dose_response_png(result: ObservationResult, dpi: int = FIG_DPI) -> str:
    """A scan's dose-response on a log dose axis (in the unit of ``within``): the readout at
    each dose, the zero-dose value (and the ic50 baseline) as lines, the range shaded and
    the measured EC50 / IC50 marked."""
    fig = Figure(figsize=TRACE_SIZE_IN, dpi=dpi)
    ax = fig.add_axes((0.2, 0.17, 0.77, 0.78))
    obs = result.observation
    k = obs.within_scale
    doses, values = dose_response(obs, result.traces)
    ax.plot(doses / k, values, "o-", color="#1f5fa8", ms=2.5, lw=1.2, label=obs.scan.name)
    ax.axhline(readout_value(obs, result.traces["experiment"]), color="#555555", lw=0.8,
               ls="--", label="zero dose")
    if "baseline" in result.traces:
        ax.axhline(readout_value(obs, result.traces["baseline"]), color="#999999", lw=0.8,
                   ls=":", label="baseline")
    ax.set_xscale("log")
    ax.axvspan(*obs.within, color="#2c7", alpha=0.2)
    if result.value is not None and math.isfinite(result.value) and result.value > 0:
        ax.axvline(result.value, color="#c0392b" if result.status == "FAIL" else "#1e7b34",
                   lw=1.0)
    _label_axes(ax, f"{obs.scan.name} ({obs.within_unit or 'nM'})",
                f"{result.readout} ({readout_unit(result.readout)})")
    ax.legend(fontsize=FONT_PT, frameon=False, loc="best")
    return _png(fig)


def render_range_png(result: ObservationResult, dpi: int = FIG_DPI) -> str:
    """One quantitative result on a log axis: the literature range shaded, the measured value
    as a dot (an arrow at the edge when it is 0, infinite or off the axis; none when there
    is no value)."""
    fig = Figure(figsize=RANGE_SIZE_IN, dpi=dpi)
    ax = fig.add_axes((0.06, 0.56, 0.88, 0.4))
    low, high = result.threshold
    value = result.value
    shown = [x for x in (low, high, value) if x is not None and math.isfinite(x) and x > 0]
    lo_lim, hi_lim = min(shown) / 3, max(shown) * 3
    ax.set_xscale("log")
    ax.set_xlim(lo_lim, hi_lim)
    ax.set_ylim(0, 1)
    ax.axvspan(max(low, lo_lim), high, ymin=0.25, ymax=0.75, color="#2c7", alpha=0.35)
    colour = "#1e7b34" if result.status == "PASS" else "#c0392b"
    if value is not None and not math.isnan(value):
        if value <= 0:
            ax.annotate("", (lo_lim, 0.5), (lo_lim * 1.6, 0.5),
                        arrowprops=dict(arrowstyle="->", color=colour))
        elif math.isinf(value):
            ax.annotate("", (hi_lim, 0.5), (hi_lim / 1.6, 0.5),
                        arrowprops=dict(arrowstyle="->", color=colour))
        else:
            ax.plot([value], [0.5], "o", color=colour, ms=6)
    else:
        ax.text(math.sqrt(lo_lim * hi_lim), 0.5, "no value", ha="center", va="center",
                fontsize=FONT_PT, color=colour)
    ax.yaxis.set_visible(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=FONT_PT, pad=1)
    if result.unit:
        ax.set_xlabel(result.unit, fontsize=FONT_PT, labelpad=1)
    return _png(fig)


def layout_network(kb=None):
    """``(graph, positions)``: the knowledge graph with drugs and phenotype drivers
    (:func:`cytonet.knowledge.query.to_networkx`) and a layout that keeps labels apart:
    Kamada-Kawai, then a few spring steps from there with a longer preferred distance.
    Deterministic; shared by the report's figure and the explorer's network view."""
    import networkx as nx

    from ..knowledge import load_knowledge
    from ..knowledge.query import to_networkx

    g = to_networkx(kb if kb is not None else load_knowledge())
    # entities without interactions (pools lumped into another, such as MAPK3) are not drawn
    g.remove_nodes_from([n for n in list(g) if g.degree(n) == sum(
        1 for u, v in g.edges(n) if u == v)])
    simple = nx.Graph()
    simple.add_nodes_from(sorted(g.nodes))
    simple.add_edges_from(sorted((u, v) for u, v in g.edges() if u != v))
    if len(simple) <= 2:
        return g, nx.circular_layout(simple)
    pos = nx.kamada_kawai_layout(simple)
    pos = nx.spring_layout(simple, pos=pos, k=SPREAD / math.sqrt(len(simple)), iterations=ITER,
                           seed=1)
    return g, {n: (float(x), float(y)) for n, (x, y) in pos.items()}


SPREAD, ITER = 2.5, 100
_EDGE_STYLE = {"+": ("#2a9d3a", "solid", "-|>"), "-": ("#c0392b", "solid", "-["),
               "drug": ("#7f8c8d", "dashed", "-["), "drives": ("#27ae60", "dotted", "-|>")}


def render_network_png(kb=None, dpi: int = FIG_DPI) -> str:
    """The knowledge graph at 1400 px: nodes coloured by kind with 10 pt labels on a white
    ground, activating edges green, inhibiting red, drugs dashed, phenotype drivers dotted."""
    import networkx as nx
    from matplotlib.lines import Line2D

    g, pos = layout_network(kb)
    fig = Figure(figsize=(14, 10.5), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    kinds = {n: g.nodes[n].get("kind") or "other" for n in g}
    colours = {**_KIND_COLOURS, "drug": "#34495e"}
    nodes = sorted(g)
    nx.draw_networkx_nodes(g, pos, nodelist=nodes, ax=ax, node_size=260, linewidths=0.6,
                           edgecolors="#333", node_color=[colours.get(kinds[n], "#cccccc")
                                                          for n in nodes])
    for key, (colour, style, arrow) in _EDGE_STYLE.items():
        edges = sorted({(u, v) for u, v, d in g.edges(data=True) if u != v and (
            (d["kind"] == "drug") if key == "drug" else (d["kind"] == "phenotype_driver")
            if key == "drives" else (d["kind"] == "interaction" and d["sign"] == key))})
        if edges:
            nx.draw_networkx_edges(g, pos, edgelist=edges, ax=ax, edge_color=colour, width=1.1,
                                   style=style, arrowsize=11, node_size=260, alpha=0.75,
                                   arrowstyle=arrow)
    for n in nodes:
        x, y = pos[n]
        ax.annotate(n, (x, y), xytext=(0, 8), textcoords="offset points", ha="center",
                    va="bottom", fontsize=10, zorder=5,
                    bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.8))
    handles = [Line2D([], [], marker="o", ls="", color=c, label=k)
               for k, c in colours.items() if k in kinds.values()]
    handles += [Line2D([], [], color=c, ls=st, label=lab) for lab, (c, st, _) in zip(
        ("activating (+)", "inhibiting (-)", "drug on its target", "drives a phenotype"),
        _EDGE_STYLE.values(), strict=True)]
    ax.legend(handles=handles, fontsize=11, loc="lower left", frameon=True, ncol=2)
    ax.margins(0.04)
    return _png(fig)


# --------------------------------------------------------------------------- HTML
# The page is the jinja2 template templates/report.html (autoescaped; the observation card
# is the macro in templates/observation.html). The functions below only gather what it
# shows, figures included, into plain values.

_ENV = None


def _environment():
    """The template environment (built once): package templates, autoescape on."""
    global _ENV
    if _ENV is None:
        import jinja2

        _ENV = jinja2.Environment(loader=jinja2.PackageLoader("cytonet.report", "templates"),
                                  autoescape=True, trim_blocks=True, lstrip_blocks=True,
                                  undefined=jinja2.StrictUndefined)
    return _ENV


def _size(inches: tuple[float, float], dpi: int = FIG_DPI) -> tuple[int, int]:
    return round(inches[0] * dpi), round(inches[1] * dpi)


def _robustness(fraction: float | None) -> dict | None:
    """The robustness bar: the percentage of ensemble members that pass and its colour."""
    if fraction is None:
        return None
    pct = max(0.0, min(100.0, 100.0 * fraction))
    colour = "#2a9d3a" if pct >= 85 else ("#e0a800" if pct >= 50 else "#c0392b")
    return {"pct": f"{pct:.0f}", "colour": colour}


def _card(r: ObservationResult, reasons: Mapping[str, str], anchors: set[str],
          system: str = "", pathway: str = "") -> dict:
    """What one observation card shows (templates/observation.html), its figure rendered."""
    obs = r.observation
    anchor = f"obs-{r.id}"
    card = {"r": r, "anchor": None if anchor in anchors else anchor,  # a duplicate: no anchor
            "system": system, "pathway": pathway,
            "words": " ".join((r.id, r.claim, r.readout, r.expect,
                               reasons.get(r.id, ""))).lower(),
            "png": render_traces_png(r), "size": _size(TRACE_SIZE_IN),
            "bar": _robustness(r.ensemble_fraction), "reason": reasons.get(r.id),
            "sources": None, "experiments": None, "scan": None, "expect": None}
    anchors.add(anchor)
    if r.source is not None:
        card["sources"] = {"links": list(r.source.links()),
                           "extra": [*r.source.seed, *([r.source.note] if r.source.note else [])]}
    if obs is not None:
        written = dict(obs.as_written)  # doses as the observation writes them
        card["experiments"] = [(role, written.get(role) or e.describe())
                               for role, e in obs.experiments().items()]
        card["expect"] = obs.expect
        if obs.scan is not None:
            card["scan"] = obs.scan.describe(obs.within_unit or "nM", obs.within_scale)
    if r.status == "ERROR":
        card["error"] = "\n".join(str(p) for p in r.problems) or r.error
    else:
        card["value"] = format_value(r.value)
        card["unit"] = f" {r.unit}" if r.unit and _has_value(r) else ""
        card["threshold"] = format_threshold(r.threshold, r.unit)
    return card


def _has_value(r: ObservationResult) -> bool:
    return r.value is not None and math.isfinite(r.value)


def _quantitative(card: Scorecard) -> dict | None:
    """The quantitative section: the median fold error and one row per judged quantitative
    observation (value vs range on a log axis, fold error)."""
    rs = card.quantitative
    if not rs:
        return None
    median = card.median_fold_error
    rows = [{"r": r, "words": " ".join((r.id, r.claim, r.readout, r.expect)).lower(),
             "value": format_value(r.value),
             "unit": f" {r.unit}" if r.unit and _has_value(r) else "",
             "threshold": format_threshold(r.threshold, r.unit),
             "fold": "n/a" if r.fold_error is None else format_value(r.fold_error),
             "png": render_range_png(r), "size": _size(RANGE_SIZE_IN)} for r in rs]
    return {"rows": rows, "median": "n/a" if median is None else format_value(median)}


def _failures(grouped, reasons: Mapping[str, str]) -> list[dict]:
    """The failures (then the errors) first: one line each, linking to its card."""
    bad = [(g, pw, r) for g in GROUPS for pw, rs in grouped.get(g, {}).items() for r in rs
           if r.status != "PASS"]
    bad.sort(key=lambda t: t[2].status != "FAIL")
    return [{"r": r, "system": g, "pathway": pw, "has_reason": r.id in reasons,
             "why": (r.detail if r.status == "FAIL" else (r.error or ""))} for g, pw, r in bad]


def render_html(card: Scorecard, reasons: Mapping[str, str] | None = None, kb=None,
                title: str = "cytonet validation report", network: bool = True,
                ensemble=None, analyses=None, comparison=None) -> str:
    """The whole page as text (figures rendered here). ``ensemble``: an
    :class:`~cytonet.validation.ensemble.EnsembleScore` (robustness bars, summary);
    ``analyses``: extra sections (title, text, png data URI, table html)."""
    t0 = time.perf_counter()
    reasons = dict(reasons or {})
    grouped: dict[str, dict[str, list[ObservationResult]]] = {}
    for r in card.results:
        grouped.setdefault(classify(r), {}).setdefault(pathway_of(r.readout) if r.readout
                                                       else "Other readouts", []).append(r)
    quantitative = _quantitative(card)
    anchors: set[str] = set()
    systems = []
    for g in GROUPS:
        if g not in grouped:
            continue
        rs = [r for lst in grouped[g].values() for r in lst]
        systems.append({
            "name": g, "n": len(rs),
            "anchor": "grp-" + re.sub(r"[^a-z0-9]+", "-", g.lower()).strip("-"),
            "counts": {s: sum(r.status == s for r in rs) for s in ("PASS", "FAIL", "ERROR")},
            "pathways": [(pw, [_card(r, reasons, anchors, g, pw) for r in grouped[g][pw]])
                         for pw in PATHWAYS if pw in grouped[g]]})
    network_png = render_network_png(kb) if network else None
    render_s = time.perf_counter() - t0
    return _environment().get_template("report.html").render(
        title=title, render_s=render_s, now=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        totals={"n": len(card.results), "passed": card.passed, "failed": card.failed,
                "errors": card.errors, "elapsed_s": card.elapsed_s,
                "n_requests": card.n_requests},
        systems=systems, failures=_failures(grouped, reasons),
        filter_pathways=[p for p in PATHWAYS if any(p in grouped[g] for g in grouped)],
        ensemble=ensemble, quantitative=quantitative, comparison=comparison,
        analyses=[{"title": a[0], "text": a[1], "png": a[2], "table": a[3]}
                  for a in analyses or ()],
        file_problems=[p for p in card.problems if p.item is None],
        network_png=network_png)


def write_report(card: Scorecard, out_dir: str | Path, reasons: Mapping[str, str] | None = None,
                 kb=None, network: bool = True, ensemble=None, analyses=None,
                 comparison=None, html: str | None = None) -> Path:
    """Write ``out_dir/index.html`` and ``out_dir/scorecard.json``; return the HTML path.

    ``reasons`` maps observation ids to model-side reasons for failing; by default they are
    read from the package's ``data/failure_reasons.yaml`` when it exists. ``html``: the page
    already rendered by :func:`render_html` with the same arguments (else rendered here).
    """
    if reasons is None:
        reasons, _ = load_failure_reasons()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    page = out / "index.html"
    text = html if html is not None else render_html(
        card, reasons, kb=kb, network=network, ensemble=ensemble, analyses=analyses,
        comparison=comparison)
    doc = card.as_dict()
    if ensemble is not None:
        doc["ensemble"] = ensemble.as_dict()
        for r in doc["results"]:
            r["ensemble_fraction"] = ensemble.fractions.get(r["id"])
    if comparison is not None:
        doc["logical"] = comparison.as_dict()
    _write_text_atomic(page, text)
    _write_text_atomic(out / "scorecard.json", json.dumps(doc, indent=2) + "\n")
    return page


def _write_text_atomic(path: Path, text: str) -> None:
    """One file of the report, through :func:`cytonet.outputs.write_text_atomic` (a seam the
    fault tests slow down)."""
    from ..outputs import write_text_atomic

    write_text_atomic(path, text)
