"""The report as a person sees it: rendered by headless Chromium, not blank, with plots."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from browser_helpers import CHROMIUM, NO_CHROMIUM
from validation_helpers import FakeSimulator, make_observation

from cytonet.report.html import write_report
from cytonet.validation.run import validate_observations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM + " (test_report_html.py)"),
]


def test_report_renders_with_scorecard_and_plots(tmp_path):
    exp = {"test": {"cell": "hepatocyte", "stimuli": {"IL6": "20 ng/mL"}},
           "control": {"cell": "hepatocyte"}, "at": "30 min", "expect": "increase"}
    obs = [make_observation(id="il6-up", **exp), make_observation(id="il6-up-a-lot", fold=1e6, **exp)]
    card = validate_observations(obs, simulate=FakeSimulator())
    page = write_report(card, tmp_path / "report", network=True)
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--window-size=1200,1600", f"--screenshot={shot}", page.as_uri()],
                   check=True, timeout=120, capture_output=True)
    import matplotlib.image as mpimg

    img = mpimg.imread(shot)
    assert img.shape[0] >= 1000 and img.shape[1] >= 1000
    # a rendered page with text and plots is far from uniform: many distinct colours
    flat = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    assert len(np.unique(flat[:: 7], axis=0)) > 50
    # the green PASS bar and the red FAIL bar of the two cards are both on screen
    assert ((flat[:, 1] > 120) & (flat[:, 0] < 80) & (flat[:, 2] < 100)).any()
    assert ((flat[:, 0] > 150) & (flat[:, 1] < 80) & (flat[:, 2] < 80)).any()


def test_report_search_and_filter_in_the_browser(tmp_path):
    from browser_helpers import launch, playwright_missing
    why = playwright_missing()
    if why:
        pytest.skip(why)
    from playwright.sync_api import sync_playwright
    from screenshots import check_picture

    exp = {"test": {"cell": "hepatocyte", "stimuli": {"IL6": "20 ng/mL"}},
           "control": {"cell": "hepatocyte"}, "at": "30 min", "expect": "increase"}
    obs = [make_observation(id="il6-up", **exp),
           make_observation(id="il6-up-a-lot", fold=1e6, **exp),
           make_observation(id="il6-invasion", readout="phenotype:invasion", **exp)]
    card = validate_observations(obs, simulate=FakeSimulator())
    page = write_report(card, tmp_path / "report", network=True)
    with sync_playwright() as p:
        browser = launch(p)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.goto(page.as_uri())
        visible = "() => [...document.querySelectorAll('.obs')].filter((c) => " \
                  "c.style.display !== 'none').map((c) => c.id)"
        assert len(pg.evaluate(visible)) == 3
        pg.select_option("#f-status", "FAIL")
        shown = pg.evaluate(visible)
        assert shown == [f"obs-{r.id}" for r in card.results if r.status == "FAIL"] != []
        assert pg.inner_text("#f-count").startswith(f"{len(shown)} of 3")
        pg.select_option("#f-status", "")
        pg.fill("#f-q", "invasion")
        assert pg.evaluate(visible) == ["obs-il6-invasion"]
        # the failures index links to the card
        pg.fill("#f-q", "")
        href = pg.locator("#failures + ul a").first.get_attribute("href")
        assert href == "#" + shown[0]
        shot = tmp_path / "report.png"
        pg.screenshot(path=shot)
        browser.close()
    assert check_picture(shot) is None
