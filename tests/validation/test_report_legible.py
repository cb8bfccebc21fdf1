"""The report reads well at 100 % zoom: text of every figure >= 9 pt at its display size,
units on the axes, doses as written, the failures listed first, search and filter."""

from __future__ import annotations

import re

import pytest
from validation_helpers import FakeSimulator, make_observation

import cytonet.report.html as report
from cytonet.report.html import render_html
from cytonet.validation.run import validate_observations

EXP = {"test": {"cell": "hepatocyte", "stimuli": {"LIF": "20 ng/mL"}},
       "control": {"cell": "hepatocyte"}, "at": "30 min", "expect": "increase"}


@pytest.fixture(scope="module")
def card():
    obs = [make_observation(id="lif-up", **EXP), make_observation(id="lif-up-a-lot", fold=1e6, **EXP),
           make_observation(id="lif-invasion", readout="phenotype:invasion",
                            **{**EXP, "at": "24 h"}),
           make_observation(id="lif-ec50", readout="phospho:STAT3", expect="ec50",
                            experiment={"cell": "hepatocyte"}, at="30 min",
                            scan={"stimulus": "LIF", "from": "0.01 ng/mL", "to": "100 ng/mL",
                                  "points": 7}, within=["0.1 ng/mL", "1 ng/mL"])]
    return validate_observations(obs, simulate=FakeSimulator())


def _figures(monkeypatch):
    seen = []
    real = report._png

    def keep(fig):
        seen.append(fig)
        return real(fig)

    monkeypatch.setattr(report, "_png", keep)
    return seen


def test_every_figure_text_is_at_least_9_pt_on_screen(card, monkeypatch):
    figs = _figures(monkeypatch)
    for r in card.results:
        report.render_traces_png(r)
        if r.is_quantitative:
            report.render_range_png(r)
    report.render_network_png()
    assert len(figs) >= len(card.results) + 2
    for fig in figs:
        # shown at one image pixel per CSS pixel: F pt at dpi D is F x D / 72 px, and
        # 9 pt text is 12 px
        texts = [t for t in fig.findobj(lambda o: hasattr(o, "get_fontsize")) if
                 getattr(o := t, "get_text", lambda: "")() and o.get_visible()]
        assert texts
        for t in texts:
            assert t.get_fontsize() * fig.dpi / 72 >= 12, (t.get_text(), t.get_fontsize())


def test_axes_carry_units(card, monkeypatch):
    figs = _figures(monkeypatch)
    for r in card.results:
        report.render_traces_png(r)
    labels = [(ax.get_xlabel(), ax.get_ylabel()) for f in figs for ax in f.axes if ax.get_xlabel()]
    assert ("time (min)", "phospho:STAT3 (nM)") in labels
    assert any(y == "phenotype:invasion (score)" for _, y in labels)
    assert ("LIF (ng/mL)", "phospho:STAT3 (nM)") in labels  # the dose-response


def test_doses_as_written_failures_first_and_filter(card):
    text = render_html(card, network=False)
    assert "test: hepatocyte, LIF 20 ng/mL" in text
    assert "LIF 1.0" not in text  # not the converted nM dose
    fails = [r.id for r in card.results if r.status == "FAIL"]
    assert fails
    idx = text.index('id="failures"')
    assert idx < text.index('class="obs')  # the index comes before every card
    index = text[idx:text.index("</ul>", idx)]
    assert sorted(re.findall(r'href="#obs-([^"]+)"', index)) == sorted(fails)
    assert 'id="f-q"' in text and 'id="f-status"' in text and "<script>" in text
    cards = re.findall(r'<div class="obs (\w+)" id="obs-([^"]+)" data-status="(\w+)"', text)
    assert {(c[1], c[2]) for c in cards} == {(r.id, r.status) for r in card.results}
