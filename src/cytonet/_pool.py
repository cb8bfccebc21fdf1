"""Worker processes that survive a dead worker: the one process pool of the project.

:func:`map_resilient` runs ``fn(task)`` for every task in forked worker processes. A task
whose worker dies (killed, out of memory, a crash in a native library) is run once more,
alone, in a fresh worker; if that one dies too, the task is reported failed with the
reason. An exception raised by ``fn`` itself is a result of the task (not retried). Every
other task's result is kept, and each is handed to ``on_result`` as soon as it is known,
so a caller can write partial results whatever happens later.
"""

from __future__ import annotations

__all__ = ["map_resilient", "DIED"]

import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

DIED = ("its worker process died twice (first run, then a retry in a fresh worker): "
        "killed, out of memory or crashed in native code")


def _context():
    return mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()


def map_resilient(fn: Callable[[Any], Any], tasks: Sequence[Any], workers: int,
                  on_result: Callable[[int, Any], None],
                  on_error: Callable[[int, str], None]) -> None:
    """Run ``fn(tasks[i])`` on ``workers`` processes; ``on_result(i, value)`` for each task
    that returns, ``on_error(i, reason)`` for each that raised or whose worker died twice."""
    ctx = _context()
    lost: list[int] = []
    with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=ctx) as pool:
        futs = {pool.submit(fn, t): i for i, t in enumerate(tasks)}
        for fut in as_completed(futs):
            i = futs[fut]
            try:
                value = fut.result()
            except BrokenProcessPool:
                lost.append(i)
                continue
            except Exception as exc:  # noqa: BLE001 - the task's own failure is its result
                on_error(i, f"{type(exc).__name__}: {exc}")
                continue
            on_result(i, value)
    # retry: each lost task alone in a fresh worker, ``workers`` at a time
    lost.sort()
    for start in range(0, len(lost), max(1, workers)):
        chunk = lost[start:start + max(1, workers)]
        pools = [ProcessPoolExecutor(max_workers=1, mp_context=ctx) for _ in chunk]
        try:
            futs2 = {p.submit(fn, tasks[i]): i for p, i in zip(pools, chunk, strict=True)}
            for fut in as_completed(futs2):
                i = futs2[fut]
                try:
                    value = fut.result()
                except BrokenProcessPool:
                    on_error(i, DIED)
                    continue
                except Exception as exc:  # noqa: BLE001
                    on_error(i, f"{type(exc).__name__}: {exc}")
                    continue
                on_result(i, value)
        finally:
            for p in pools:
                p.shutdown(wait=True)
