"""The stage logger of the long commands (cytonet report): lines with elapsed seconds."""

from __future__ import annotations

import io

import numpy as np

from cytonet.cli._progress import Stages


class _Clock:
    def __init__(self, *times):
        self.times = list(times)

    def __call__(self):
        return self.times.pop(0)


class _Batch:
    def __init__(self, n):
        self.status = np.zeros((n, 3))


def test_stage_lines_say_when_each_stage_starts_and_how_long_it_took():
    out = io.StringIO()
    stages = Stages("report", stream=out, clock=_Clock(0.0, 1.0, 5.5, 5.5, 7.0))
    with stages.stage("compile"):
        pass
    with stages.stage("figures"):
        pass
    assert out.getvalue().splitlines() == [
        "cytonet report: compile ...",
        "cytonet report: compile done in 4.5 s (5.5 s in all)",
        "cytonet report: figures ...",
        "cytonet report: figures done in 1.5 s (7.0 s in all)",
    ]


def test_members_counts_finished_batches_out_of_the_total():
    out = io.StringIO()
    stages = Stages("report", stream=out, clock=_Clock(0.0, 10.0, 12.0, 15.5))
    on_batch = stages.members(5)
    on_batch(0, _Batch(2))
    on_batch(2, _Batch(3))
    assert out.getvalue().splitlines() == [
        "cytonet report: ensemble members 2/5 (2.0 s)",
        "cytonet report: ensemble members 5/5 (5.5 s)",
    ]


def test_a_failing_stage_prints_no_done_line():
    out = io.StringIO()
    stages = Stages("report", stream=out, clock=_Clock(0.0, 1.0, 2.0))
    try:
        with stages.stage("validation"):
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert out.getvalue() == "cytonet report: validation ...\n"
