"""The explorer in a real headless Chromium: build the README's IL-11 / IL11RA knockdown
question in the page, run it, read the plot; a bad entry shows its located error; open an
edge's evidence; filter the scorecard to failures; download YAML and CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from browser_helpers import launch, playwright_missing

from cytonet.cli.simulate import load_experiments

ROOT = Path(__file__).resolve().parents[2]
WHY = playwright_missing()
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(WHY is not None, reason=WHY or "")]


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(server + "/")
        pg.wait_for_selector("body[data-ready='1']", timeout=60_000)
        pg.errors = errors
        yield pg
        browser.close()


def _set(pg, exp: int, field: str, value: str, nth: int = 0, select: bool = False):
    loc = pg.locator(".exp").nth(exp).locator(f"[data-f='{field}']").nth(nth)
    if select:
        loc.select_option(value)
    else:
        loc.fill(value)


def _click(pg, exp: int, field: str):
    pg.locator(".exp").nth(exp).locator(f"button[data-f='{field}']").click()


def _wait_run(pg):
    pg.wait_for_function("['done','partial','failed'].includes("
                         "document.getElementById('run-status').dataset.state)", timeout=120_000)
    return pg.locator("#run-status").get_attribute("data-state")


def test_build_and_run_the_readme_knockdown(page, tmp_path):
    pg = page
    while pg.locator(".exp").count():  # start from an empty builder
        _click(pg, 0, "del")
    pg.click("#add-experiment")
    _set(pg, 0, "name", "control")
    _set(pg, 0, "cell", "lung_cancer", select=True)
    _click(pg, 0, "stim-add")
    _set(pg, 0, "stim-name", "IL11", select=True)
    _set(pg, 0, "stim-dose", "20 ng/mL")
    _click(pg, 0, "cond-add")
    _set(pg, 0, "cond-name", "glucose", select=True)
    _set(pg, 0, "cond-value", "0.5 mM")
    pg.click("#add-experiment")  # a copy of the control, to silence IL11RA in
    _set(pg, 1, "name", "test")
    _click(pg, 1, "pert-add")
    _set(pg, 1, "pert-kind", "knockdown", select=True)
    _set(pg, 1, "pert-target", "IL11RA")
    _set(pg, 1, "pert-param", "0.8")
    pg.wait_for_function("document.getElementById('yaml').value.includes('efficiency: 0.8')")
    pg.wait_for_function("document.getElementById('problems').textContent.startsWith('valid')")
    pg.fill("#readouts", "mRNA:MMP12 phenotype:invasion")
    pg.click("#run")
    assert _wait_run(pg) == "done", pg.inner_text("#problems")

    plot = pg.locator(".plot[data-readout='mRNA:MMP12']")
    assert plot.locator(".scatterlayer .trace").count() >= 2  # drawn, not only data
    data = pg.evaluate("""() => {
        const gd = document.querySelector(".plot[data-readout='mRNA:MMP12']");
        return {traces: gd.data.map((t) => ({name: t.name, y: t.y})),
                ytitle: gd.layout.yaxis.title.text, xtitle: gd.layout.xaxis.title.text};
    }""")
    assert data["ytitle"] == "mRNA:MMP12 (nM)" and data["xtitle"] == "time (h)"
    last = {t["name"].split(":")[0]: t["y"][-1] for t in data["traces"]}
    assert last["test"] < 0.9 * last["control"]  # the knockdown lowers MMP12
    names = [t["name"] for t in data["traces"]]
    assert "test: lung_cancer, IL11 20 ng/mL, glucose 0.5 mM, knockdown IL11RA (0.8)" in names
    legend = plot.locator(".legendtext").evaluate_all("(els) => els.map((e) => e.textContent)")
    assert any("20 ng/mL" in t for t in legend)  # doses as written, on screen
    assert pg.locator("#phenotypes .bars .point").count() >= 2 * 7

    with pg.expect_download() as dl:
        pg.click("#download-yaml")
    yaml_path = tmp_path / "downloaded.yaml"
    dl.value.save_as(yaml_path)
    assert dict(load_experiments(yaml_path)) == dict(load_experiments(
        ROOT / "examples" / "il11_invasion.yaml"))
    with pg.expect_download() as dl:
        pg.click("#download-csv")
    csv_path = tmp_path / "downloaded.csv"
    dl.value.save_as(csv_path)
    df = pd.read_csv(csv_path)
    assert list(df.columns) == ["experiment", "time_h", "readout", "value", "unit", "formalism"]
    assert set(df.formalism) == {"ode"}
    end = df[df.time_h == df.time_h.max()].set_index(["experiment", "readout"]).value
    assert end["test", "mRNA:MMP12"] == pytest.approx(last["test"])
    assert not pg.errors


def test_switch_to_the_logical_model_view(page):
    """The same question on the logical model: probabilities of the readouts' nodes, the
    attractors, then back to the ODE model."""
    pg = page
    pg.click("#load-example")
    pg.wait_for_function("document.getElementById('problems').textContent.startsWith('valid')")
    pg.select_option("#formalism", "logical")
    assert pg.locator("#members").is_hidden() and pg.locator("#trajectories").is_visible()
    pg.fill("#trajectories", "500")
    pg.fill("#readouts", "phospho:STAT3 mRNA:MMP12")
    pg.click("#run")
    assert _wait_run(pg) == "done", pg.inner_text("#problems")
    data = pg.evaluate("""() => {
        const gd = document.querySelector(".plot[data-readout='phospho:STAT3']");
        return {traces: gd.data.map((t) => ({name: t.name, x: t.x, y: t.y})),
                ytitle: gd.layout.yaxis.title.text, title: gd.layout.title.text,
                range: gd.layout.yaxis.range};
    }""")
    assert data["ytitle"] == "phospho:STAT3 (P(ON))" and data["range"] == [0, 1.02]
    assert "logical model" in data["title"] and "node STAT3" in data["title"]
    ys = {t["name"].split(":")[0]: t for t in data["traces"]}
    assert all(0 <= y <= 1 for t in ys.values() for y in t["y"])
    early = [i for i, x in enumerate(ys["control"]["x"]) if 0 < x <= 2]
    mean = lambda t: sum(t["y"][i] for i in early) / len(early)  # noqa: E731
    assert mean(ys["test"]) < 0.5 * mean(ys["control"])  # no IL11RA: STAT3 waits
    assert "reachable from the resting cell" in pg.inner_text("#attractors")
    assert pg.locator("#attractors table.attractors").count() == 2
    pg.select_option("#formalism", "ode")
    assert pg.locator("#members").is_visible() and pg.locator("#trajectories").is_hidden()
    pg.click("#run")
    assert _wait_run(pg) == "done"
    assert pg.inner_text("#attractors") == ""
    ytitle = pg.evaluate("() => document.querySelector(\".plot[data-readout='phospho:STAT3']\")"
                         ".layout.yaxis.title.text")
    assert ytitle == "phospho:STAT3 (nM)"
    assert not pg.errors


def test_a_bad_entry_shows_the_located_error_and_the_server_stays_up(page):
    pg = page
    pg.click("#load-example")
    pg.wait_for_function("document.getElementById('yaml').value.includes('IL11RA')")
    _set(pg, 0, "pert-target", "IL11RX")
    pg.wait_for_function("document.getElementById('problems').textContent.includes('IL11RX')")
    text = pg.inner_text("#problems")
    assert "experiment.yaml:" in text and "perturbations[0].knockdown" in text
    assert "did you mean IL11RA" in text
    pg.click("#run")
    assert _wait_run(pg) == "failed"
    _set(pg, 0, "pert-target", "IL11RA")
    pg.wait_for_function("document.getElementById('problems').textContent.startsWith('valid')")
    pg.click("#run")
    assert _wait_run(pg) == "done"


def test_open_an_edge_evidence(page):
    pg = page
    pg.click("#tab-network")
    pg.wait_for_selector("#network .scatterlayer .trace")
    # a real click on the IL11 -> IL11RA edge's marker in the drawing
    xy = pg.evaluate("""() => {
        const gd = document.getElementById("network");
        const tr = gd.data.find((t) => t.customdata && t.customdata.includes("edge:IL11-binds-IL11RA"));
        const i = tr.customdata.indexOf("edge:IL11-binds-IL11RA");
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
        return [box.left + xa._offset + xa.l2p(tr.x[i]), box.top + ya._offset + ya.l2p(tr.y[i])];
    }""")
    pg.mouse.move(*xy)
    pg.mouse.click(*xy)
    pg.wait_for_function("(document.getElementById('evidence-title')||{}).textContent"
                         "?.includes('IL11RA')", timeout=10_000)
    assert "IL11 -(binds)-> IL11RA" in pg.inner_text("#evidence-title")
    hrefs = pg.locator("#evidence a").evaluate_all("(as) => as.map((a) => a.href)")
    assert any(h.startswith("https://doi.org/10.") for h in hrefs)
    # the paths kb explain finds, highlighted, each step opening its evidence
    pg.click("#explain-run")
    pg.wait_for_selector("#paths .edge-link")
    assert "signed path" in pg.inner_text("#paths")
    hl = pg.evaluate("() => document.getElementById('network').data"
                     ".filter((t) => t.name === 'highlighted path').length")
    assert hl == 1
    pg.locator("#paths .edge-link").last.click()
    assert "MMP12" in pg.inner_text("#evidence-title")
    pg.fill("#net-search", "gp130")  # an alias finds IL6ST
    pg.wait_for_function("(document.getElementById('evidence-title')||{}).textContent === 'IL6ST'")


def test_filter_the_scorecard_to_failures(page):
    pg = page
    pg.click("#tab-scorecard")
    pg.wait_for_selector("#scorecard tbody tr", timeout=120_000)
    pg.select_option("#sc-status", "FAIL")
    rows = pg.locator("#scorecard tbody tr:not([hidden])")
    n = rows.count()
    assert n >= 1
    assert set(rows.locator("td:first-child").all_inner_texts()) == {"FAIL"}
    count = pg.inner_text("#sc-count")
    assert count.startswith(f"{n} of ") and f"{n} fail" in count
    pg.fill("#sc-search", "zzz-no-such-observation")
    assert rows.count() == 0
    pg.fill("#sc-search", "")
    rows.first.click()
    pg.wait_for_selector("#sc-plot .scatterlayer .trace", timeout=30_000)
    assert "FAIL" in pg.inner_text("#sc-detail h3")
    assert pg.locator("#sc-detail a[href^='https://']").count() >= 1
