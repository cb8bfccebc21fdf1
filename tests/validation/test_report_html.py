"""The HTML report: every observation with a figure, grouping, reasons, self-containment."""

from __future__ import annotations

import dataclasses
import math
from html.parser import HTMLParser
from pathlib import Path

import pytest
from validation_helpers import FakeSimulator, HillSimulator, make_observation

from cytonet.report.html import (
    GROUPS,
    classify,
    load_failure_reasons,
    pathway_of,
    render_html,
    render_range_png,
    render_traces_png,
    write_report,
)
from cytonet.validation.run import ObservationResult, validate_file, validate_observations

# ../shared beside the repository, as in CI
LITERATURE = Path(__file__).resolve().parents[3] / "shared" / "observations" / "literature.yaml"
BAD = Path(__file__).parents[1] / "experiments" / "data" / "bad_observations.yaml"


class Page(HTMLParser):
    """Collects <img> sources, element ids, links and text."""

    def __init__(self, text: str):
        super().__init__()
        self.imgs: list[dict] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self.external: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        # self-contained: inline scripts (the search/filter) are fine, fetched files are not
        if (tag == "script" and a.get("src")) or tag == "link" or (
                tag == "img" and not a["src"].startswith("data:")):
            self.external.append(tag)

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def small_card():
    return validate_file(BAD, simulate=FakeSimulator(fail=lambda r: "LIF" in dict(
        r.experiment.stimuli)))


def test_every_observation_has_its_id_and_an_image(small_card, tmp_path):
    page = write_report(small_card, tmp_path, reasons={}, network=False)
    text = page.read_text()
    parsed = Page(text)
    assert len(parsed.imgs) == len(small_card.results)  # errors get a 'not run' image
    assert parsed.external == []
    body = "".join(parsed.text)
    for r in small_card.results:
        assert r.id in body
    assert "could not be run" in body
    assert (tmp_path / "scorecard.json").is_file()


@pytest.mark.skipif(not LITERATURE.is_file(), reason="shared literature file not present")
def test_full_literature_report_complete(tmp_path):
    # timing is reported in the page header, not asserted here (STYLE: no timed tests);
    # unloaded it takes about 8 s for 82 observations, figures and the network included
    card = validate_file(LITERATURE, simulate=FakeSimulator())
    reasons = {card.results[0].id: "the model lacks a receptor-internalisation step"}
    page = write_report(card, tmp_path, reasons=reasons)
    parsed = Page(page.read_text())
    assert len(parsed.imgs) == len(card.results) + 1  # + the network diagram
    assert all(img["src"].startswith("data:image/png;base64,") for img in parsed.imgs)
    assert {f"obs-{r.id}" for r in card.results} <= set(parsed.ids)
    body = "".join(parsed.text)
    for g in GROUPS[:-1]:
        assert g in body, g
    assert "Other" not in [t.strip() for t in parsed.text]  # all curated ones classified
    assert any(h.startswith("https://doi.org/10.") for h in parsed.links)
    assert any(h.startswith("https://pubmed.ncbi.nlm.nih.gov/") for h in parsed.links)
    assert "knowledge graph" in body
    if card.results[0].status == "FAIL":
        assert "model-side reason" in body and "receptor-internalisation" in body


def result(id, doi=(), seed=(), readout="phospho:STAT3"):
    from cytonet.experiments.parse import Source
    return ObservationResult(id=id, passed=True, source=Source(doi=tuple(doi), seed=tuple(seed)),
                             readout=readout)


@pytest.mark.parametrize("r, group", [
    (result("x", doi=["10.14800/ccm.877", "10.1038/s42255-025-01437-0"]),
     "LIF regulation and signaling"),
    (result("x", doi=["10.1038/s42255-025-01437-0"], seed=["003_10b21ee327a2dcca.txt"]),
     "Glucose deprivation -> LIF"),
    (result("x", doi=["10.1038/s41420-026-03163-2"], seed=["003_10b21ee327a2dcca.txt"]),
     "IL-11 -> MMP12 metastasis axis"),
    (result("x", doi=["10.1042/BJ20030407"], seed=["004_0dcb8b15819ca9d8.txt"]),
     "IL-6 in the tumor microenvironment"),
    (result("il7-anything"), "IL-7/IL-7R in tumors"),
    (result("impl-x", doi=["10.1038/nm0398-303"]), "LIF/IL-6 in implantation"),
    (result("socs3-ko"), "IL-6 in the tumor microenvironment"),
    (result("drug-tocilizumab-il6-a"), "IL-6 in the tumor microenvironment"),
    (result("my-own-finding", doi=["10.1000/xyz"]), "Other"),
])
def test_classify(r, group):
    assert classify(r) == group


def test_pathway_of():
    assert pathway_of("phospho:STAT3") == "JAK-STAT"
    assert pathway_of("phospho:AKT1") == "PI3K-AKT-mTOR"
    assert pathway_of("phospho:MAPK1") == "SHP2-MEK-ERK"
    assert pathway_of("mRNA:MMP12") == "Target genes and secretion"
    assert pathway_of("phenotype:invasion") == "Phenotypes"


def test_failure_reasons_file(tmp_path):
    f = tmp_path / "reasons.yaml"
    f.write_text("obs-a: no PERK branch in the model\nobs-b: 3\n")
    reasons, problems = load_failure_reasons(f)
    assert reasons == {"obs-a": "no PERK branch in the model"}
    assert len(problems) == 1 and problems[0].line == 2
    f.write_text("- {id: obs-c, reason: slow SOCS3}\n")
    assert load_failure_reasons(f)[0] == {"obs-c": "slow SOCS3"}
    assert load_failure_reasons(tmp_path / "absent.yaml")[1]  # a named file must exist


def test_render_html_escapes_text(small_card):
    card = dataclasses.replace(small_card, results=[
        dataclasses.replace(small_card.results[0], claim="<script>alert(1)</script>")])
    text = render_html(card, network=False)
    assert "<script>alert" not in text and "&lt;script&gt;" in text


def test_every_section_of_the_template_escapes_text(small_card):
    """The page is a jinja2 template with autoescape on: reasons, analysis titles and texts,
    the logical comparison and the ensemble summary are text, never markup."""
    import types

    comparison = types.SimpleNamespace(summary=lambda: "agree <b>1</b>", rows=[
        {"id": "x<i>", "ode": "PASS", "logical": "FAIL", "logical_detail": "<u>no</u>"}])
    ensemble = types.SimpleNamespace(summary=lambda: "<em>2 members</em>")
    first = small_card.results[0].id
    text = render_html(small_card, reasons={first: "<img src=x>"}, network=False,
                       ensemble=ensemble, comparison=comparison,
                       analyses=[("<h1>t</h1>", "a < b & c", None, "<table><tr></tr></table>")])
    for markup in ("<b>1</b>", "x<i>", "<u>no</u>", "<em>2", "<img src=x>", "<h1>t</h1>"):
        assert markup not in text
    assert "agree &lt;b&gt;1&lt;/b&gt;" in text and "a &lt; b &amp; c" in text
    assert "<table><tr></tr></table>" in text  # the analysis table is pandas' own HTML
    assert '<td class="pass">PASS</td><td class="fail">FAIL</td><td>differ</td>' in text


def test_templates_ship_as_package_data():
    from importlib import resources

    folder = resources.files("cytonet.report") / "templates"
    assert {"report.html", "observation.html", "report.css", "filter.js"} <= {
        f.name for f in folder.iterdir()}


@pytest.fixture(scope="module")
def quant_card():
    obs = [
        make_observation(id="ec50", expect="ec50", at="1 h", experiment={"cell": "hepatocyte"},
                         scan={"stimulus": "IL6", "from": "0.001 ng/mL", "to": "1000 ng/mL"},
                         within=["1 ng/mL", "3 ng/mL"]),
        make_observation(id="ic50", expect="ic50", at="1 h",
                         experiment={"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}},
                         scan={"drug": "ruxolitinib", "from": "1 nM", "to": "10 uM"},
                         within=["10 nM", "100 nM"]),
        make_observation(id="no-ec50", expect="ec50", at="1 h", readout="mRNA:SOCS3",
                         experiment={"cell": "hepatocyte"},
                         scan={"stimulus": "LIF", "from": "1 pM", "to": "1 nM"},
                         within=["1 pM", "1 nM"]),
        make_observation(id="peak", expect="peak_time", within=["5 min", "1 h"],
                         experiment={"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}}),
        make_observation(id="frac", expect="fraction_of_peak", at="4 h", within=[0.5, 1],
                         experiment={"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}}),
        make_observation(id="ratio-zero", expect="ratio", at="1 h", within=[2, 5],
                         test={"cell": "hepatocyte"},
                         control={"cell": "hepatocyte", "stimuli": {"IL6": "1 nM"}}),
        make_observation(id="v1-up", expect="increase", at="1 h",
                         test={"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}},
                         control={"cell": "hepatocyte"}),
    ]
    return validate_observations(obs, simulate=HillSimulator())


def test_quantitative_section(quant_card, tmp_path):
    page = write_report(quant_card, tmp_path, reasons={}, network=False)
    text = page.read_text()
    parsed = Page(text)
    assert "quantitative" in parsed.ids and parsed.external == []
    body = "".join(parsed.text)
    quant = quant_card.quantitative
    assert len(quant) == 6
    median = quant_card.median_fold_error
    assert f"median fold error {median:.3g}" in body
    assert f"{len(quant)} quantitative observations" in body
    # one image per observation card, one value-vs-range strip per quantitative observation
    assert len(parsed.imgs) == len(quant_card.results) + len(quant)
    strips = [i for i in parsed.imgs if i["alt"].endswith(": value vs range")]
    assert [i["alt"].split(":")[0] for i in strips] == [r.id for r in quant]
    assert all(i["src"].startswith("data:image/png;base64,") for i in parsed.imgs)
    assert "[10, 100] nM" in body and "[1, 3] ng/mL" in body
    assert "scan: ruxolitinib 1-10000 nM (25 doses)" in body
    # the section links to each observation's card
    assert {f"#obs-{r.id}" for r in quant} <= set(parsed.links)


def test_quantitative_figures_render_every_case(quant_card):
    # a value in range, outside it, none (no-ec50), zero (ratio-zero), a time and a fraction
    for r in quant_card.quantitative:
        assert render_range_png(r).startswith("data:image/png;base64,")
        assert render_traces_png(r).startswith("data:image/png;base64,")
    assert math.isnan(quant_card.result("no-ec50").value)
    assert quant_card.result("ratio-zero").value < 1


def test_no_quantitative_section_for_v1_cards(small_card):
    text = render_html(small_card, network=False)
    assert 'id="quantitative"' not in text and "median fold error" not in text
