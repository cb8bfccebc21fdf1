"""Stage lines on stderr for the long commands, so they are never silent.

``Stages("report")`` prints ``cytonet report: compile ...`` when a stage starts and
``cytonet report: compile done in 4.1 s (4.1 s in all)`` when it ends; ``members(n)`` is an
``on_batch`` callback for :func:`cytonet.analysis.ensemble.run_members` that prints
``cytonet report: ensemble members 8/20 (12.3 s)`` as batches finish. Plain lines (no
carriage returns), so a log file or a CI console shows them as they come.
"""

from __future__ import annotations

__all__ = ["Stages"]

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO


class Stages:
    """Announce the stages of one command on ``stream`` (default: stderr)."""

    def __init__(self, command: str, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.perf_counter):
        self.command = command
        self.stream = stream
        self.clock = clock
        self.t0 = clock()

    def say(self, text: str) -> None:
        stream = self.stream if self.stream is not None else sys.stderr
        print(f"cytonet {self.command}: {text}", file=stream, flush=True)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """``with stages.stage("validation"):`` prints the start and the seconds it took."""
        start = self.clock()
        self.say(f"{name} ...")
        yield
        now = self.clock()
        self.say(f"{name} done in {now - start:.1f} s ({now - self.t0:.1f} s in all)")

    def members(self, total: int, what: str = "ensemble members") -> Callable:
        """An ``on_batch(k, solution)`` callback counting finished members out of ``total``."""
        start = self.clock()
        done = 0

        def on_batch(_k: int, solution) -> None:
            nonlocal done
            done += int(solution.status.shape[0])
            self.say(f"{what} {done}/{total} ({self.clock() - start:.1f} s)")

        return on_batch
