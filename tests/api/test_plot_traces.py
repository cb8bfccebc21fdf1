"""cytonet.plot_traces: the figure behind `simulate --plot`, from cytonet.run's tables."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

import cytonet
from cytonet.errors import InputError

IL6 = {"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}}
READOUTS = ["phospho:STAT3", "mRNA:SOCS3", "phenotype:invasion"]


@pytest.fixture(scope="module")
def frames():
    times = ["10 min", "30 min", "1 h", "2 h"]
    return {"IL-6": cytonet.run(IL6, readouts=READOUTS, times=times),
            "IL-6 + ruxolitinib": cytonet.run(
                {**IL6, "perturbations": [{"drug": "ruxolitinib", "dose": "1 uM"}]},
                readouts=READOUTS, times=times)}


def _panels(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def test_one_panel_per_readout_one_line_per_experiment(frames):
    fig = cytonet.plot_traces(frames)
    assert isinstance(fig, Figure)
    panels = _panels(fig)
    assert [ax.get_title() for ax in panels] == READOUTS
    assert [ax.get_ylabel() for ax in panels] == ["nM", "nM", "score"]
    for ax, ro in zip(panels, READOUTS, strict=True):
        assert [line.get_label() for line in ax.get_lines()] == list(frames)
        want = frames["IL-6"][frames["IL-6"]["readout"] == ro]
        x, y = ax.get_lines()[0].get_data()
        assert list(x) == list(want["time_h"]) and list(y) == list(want["value"])
    assert [t.get_text() for t in fig.legends[0].get_texts()] == list(frames)


def test_a_single_run_and_a_chosen_readout(frames):
    fig = cytonet.plot_traces(frames["IL-6"], readouts="mRNA:SOCS3")
    (ax,) = _panels(fig)
    assert ax.get_title() == "mRNA:SOCS3" and len(ax.get_lines()) == 1
    with pytest.raises(InputError, match="readout phospho:AKT1 is not in the result; it has "
                                         "phospho:STAT3, mRNA:SOCS3, phenotype:invasion"):
        cytonet.plot_traces(frames["IL-6"], readouts=["phospho:AKT1"])


def test_tables_without_unit_or_time_h_columns(frames, tmp_path):
    df = frames["IL-6"][["time_s", "readout", "value"]]
    fig = cytonet.plot_traces(df)
    assert [ax.get_ylabel() for ax in _panels(fig)] == ["nM", "nM", "score"]
    fig.savefig(tmp_path / "t.png")
    assert (tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"


def test_bad_input_says_what_is_expected():
    with pytest.raises(InputError, match="expected a tidy DataFrame from cytonet.run"):
        cytonet.plot_traces([1, 2, 3])
    with pytest.raises(InputError, match="the frame has no column readout, time_h"):
        cytonet.plot_traces(pd.DataFrame({"value": [1.0]}))
