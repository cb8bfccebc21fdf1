"""Ensembles: one plan, many parameter members, in batches, streamed to disk, resumable.

Members are rows of ``theta`` (n_members x n_kinetic, columns ``ModelInterface.theta_ids``)
drawn by :func:`draw_members`: from the parameters' priors, as a log-normal jitter
around the default set, or from named parameter sets. :func:`run_members` solves a plan
for them in batches of members (never one member per task): serially, on a local process
pool (fork; workers inherit the compiled model), or on Dask (``scheduler`` an address,
or ``"local"`` for a ``LocalCluster``); each batch's solution is written atomically to
``out_dir`` as it arrives, so a crash loses at most the running batches and a rerun with
the same members resumes from what was written.

:func:`run_ensemble` does this for a set of named experiments and returns an
:class:`EnsembleResult`: a tidy table (member, experiment, readout, time_s, value), the
failed (member, experiment) pairs with their reasons, quantile bands and an xarray view.
"""

from __future__ import annotations

__all__ = ["draw_members", "run_members", "run_ensemble", "EnsembleResult", "BatchStore",
           "QUANTILES"]

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CytonetError, InputError, Problem
from ..simulate.protocol import Plan, Solution, Status

QUANTILES = (0.05, 0.5, 0.95)


# --------------------------------------------------------------------------- members
def draw_members(model, n: int, *, source: str = "jitter", sigma: float = 0.3,
                 seed: int | None = 0, parameter_sets=None) -> tuple[np.ndarray, list[str]]:
    """``(theta, labels)``: ``n`` members from ``source``.

    ``'priors'``: every kinetic parameter from its prior (log-normal, width by provenance
    unless parameters.yaml gives one); ``'jitter'``: the default set times exp(sigma x
    N(0, 1)) per parameter; ``'sets'``: the named parameter sets ``parameter_sets`` (names
    or YAML paths; ``n`` is ignored)."""
    iface = model.interface
    if source == "priors":
        return iface.sample_priors(n, seed), [f"prior-{i}" for i in range(n)]
    if source == "jitter":
        if sigma < 0:
            raise InputError(Problem(f"--jitter: expected a non-negative sigma, got {sigma}"))
        return iface.jitter(n, sigma, seed), [f"jitter-{i}" for i in range(n)]
    if source == "sets":
        from ..compile.parameters import load_parameter_set
        rows, labels = [], []
        for name in parameter_sets or ():
            ps = load_parameter_set(name)  # a str names a packaged set; a Path is a file
            rows.append([ps.value(p) if p in ps else v
                         for p, v in zip(iface.theta_ids, iface.theta_nominal, strict=True)])
            labels.append(name.stem if isinstance(name, Path) else str(name))
        if not rows:
            raise InputError(Problem("--parameter-sets: no parameter set given"))
        return np.asarray(rows, dtype=float), labels
    raise InputError(Problem(f"unknown member source {source!r}; expected priors, jitter "
                             "or sets"))


# --------------------------------------------------------------------------- batches
_WORKER_SIM = {}


def _worker_simulator(parameter_set):
    from ..compile import compile_model
    from ..experiments import runner
    if parameter_set is None and runner._PARAMETER_SET is None:
        return runner.get_simulator()  # the process-wide one, with its warm starts
    if parameter_set not in _WORKER_SIM:
        _WORKER_SIM[parameter_set] = runner.Simulator(compile_model(parameter_set=parameter_set))
    return _WORKER_SIM[parameter_set]


def solve_batch(plan: Plan, theta: np.ndarray, parameter_set: str | None = None) -> Solution:
    """One batch of members on this process's simulator (compiled once per process)."""
    return _worker_simulator(parameter_set).solve(plan, theta)


class BatchStore:
    """Batch solutions on disk: ``batch_<k>.npz`` written atomically (tmp + rename), under a
    folder named by a hash of the plan and members, so a rerun finds what was done."""

    def __init__(self, root: str | Path, plan: Plan, theta: np.ndarray, batch_size: int):
        h = hashlib.sha1()
        h.update(np.ascontiguousarray(theta).tobytes())
        h.update(repr([(a.label, a.group, tuple(a.times), len(a.readouts)) for a in plan.arms])
                 .encode())
        h.update(str(batch_size).encode())
        self.dir = Path(root) / f"run-{h.hexdigest()[:12]}"
        self.dir.mkdir(parents=True, exist_ok=True)

    def path(self, k: int) -> Path:
        return self.dir / f"batch_{k:05d}.npz"

    def has(self, k: int) -> bool:
        return self.path(k).is_file()

    def save(self, k: int, sol: Solution) -> None:
        tmp = self.dir / f".batch_{k:05d}.{os.getpid()}.tmp.npz"
        msgs = np.array([f"{m}\t{a}\t{t}" for (m, a), t in sol.messages.items()], dtype=str)
        np.savez(tmp, status=sol.status, messages=msgs,
                 **{f"v{a}": v for a, v in enumerate(sol.values)})
        os.replace(tmp, self.path(k))

    def load(self, k: int, n_arms: int) -> Solution:
        with np.load(self.path(k)) as z:
            msgs = {}
            for line in z["messages"]:
                m, a, text = str(line).split("\t", 2)
                msgs[(int(m), int(a))] = text
            return Solution([z[f"v{a}"] for a in range(n_arms)], z["status"], msgs)


def _lost(plan: Plan, n: int, why: str) -> Solution:
    values = [np.full((n, len(a.readouts), len(a.times)), np.nan) for a in plan.arms]
    status = np.full((n, len(plan.arms)), int(Status.NOT_RUN), dtype=np.int8)
    return Solution(values, status, {(m, a): why for m in range(n) for a in range(len(plan.arms))})


def _concat(parts: list[Solution]) -> Solution:
    values = [np.concatenate([p.values[a] for p in parts]) for a in range(len(parts[0].values))]
    status = np.concatenate([p.status for p in parts])
    msgs, off, methods = {}, 0, {}
    for p in parts:
        msgs.update({(m + off, a): t for (m, a), t in p.messages.items()})
        off += p.status.shape[0]
        for k, v in p.steady_methods.items():
            methods[k] = methods.get(k, 0) + v
    return Solution(values, status, msgs, methods)


def run_members(plan: Plan, theta: np.ndarray, *, batch_size: int | None = None,
                workers: int | None = None, scheduler: str | None = None,
                out_dir: str | Path | None = None, parameter_set: str | None = None,
                progress: bool = False, on_batch: Callable[[int, Solution], None] | None = None
                ) -> Solution:
    """Solve ``plan`` for every row of ``theta`` in batches (see the module docstring).

    ``workers``: processes (default: 2 where there are 2 cores or more and more than one
    batch); ``scheduler``: a Dask scheduler address, or ``'local'`` for a LocalCluster of
    ``workers`` processes. A batch whose worker dies comes back as NOT_RUN members with the
    reason; every other batch is kept."""
    theta = np.atleast_2d(np.asarray(theta, dtype=float))
    n = theta.shape[0]
    if batch_size is None:
        batch_size = max(1, min(64, -(-n // (4 * max(1, workers or 2)))))
    starts = list(range(0, n, batch_size))
    batches = [theta[s:s + batch_size] for s in starts]
    store = BatchStore(out_dir, plan, theta, batch_size) if out_dir else None
    done: dict[int, Solution] = {}
    todo = []
    for k in range(len(batches)):
        if store is not None and store.has(k):
            try:
                done[k] = store.load(k, len(plan.arms))
                continue
            except Exception:  # noqa: BLE001 - a torn file is recomputed
                pass
        todo.append(k)
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=n, initial=sum(len(batches[k]) for k in done), unit="member",
                   desc="members", leave=False)

    def finish(k: int, sol: Solution) -> None:
        done[k] = sol
        if store is not None and not np.all(sol.status == Status.NOT_RUN):
            store.save(k, sol)
        if on_batch is not None:
            on_batch(k, sol)
        if bar is not None:
            bar.update(len(batches[k]))

    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(todo) > 1 else 1
    from ..limits import cap_workers
    workers = cap_workers(workers, len(todo)) if not scheduler else workers
    if scheduler:
        _run_dask(plan, batches, todo, finish, scheduler, workers, parameter_set)
    elif workers <= 1 or len(todo) <= 1:
        for k in todo:
            try:
                finish(k, solve_batch(plan, batches[k], parameter_set))
            except Exception as exc:  # noqa: BLE001 - a batch boundary
                finish(k, _lost(plan, len(batches[k]), f"batch failed: {exc}"))
    else:
        _run_pool(plan, batches, todo, finish, workers, parameter_set)
    if bar is not None:
        bar.close()
    return _concat([done[k] for k in range(len(batches))])


def _solve_task(task):
    plan, theta, parameter_set = task
    return solve_batch(plan, theta, parameter_set)


def _run_pool(plan, batches, todo, finish, workers, parameter_set) -> None:
    """Batches on forked workers; a batch whose worker dies is retried once in a fresh one
    (:func:`cytonet._pool.map_resilient`), then kept as NOT_RUN members with the reason."""
    from .._pool import map_resilient

    _worker_simulator(parameter_set)  # compile once here; forked workers inherit it
    tasks = [(plan, batches[k], parameter_set) for k in todo]
    map_resilient(_solve_task, tasks, workers,
                  lambda j, sol: finish(todo[j], sol),
                  lambda j, why: finish(todo[j], _lost(plan, len(batches[todo[j]]),
                                                       f"not run: {why}")))


def _run_dask(plan, batches, todo, finish, scheduler, workers, parameter_set) -> None:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - an optional extra
        raise InputError(Problem("--scheduler needs Dask: pip install 'cytonet[ensemble]'")) \
            from exc
    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        plan_f = client.scatter(plan, broadcast=True)
        futs = {client.submit(solve_batch, plan_f, batches[k], parameter_set, pure=False): k
                for k in todo}
        for fut in as_completed(list(futs)):
            k = futs[fut]
            try:
                finish(k, fut.result())
            except Exception as exc:  # noqa: BLE001
                finish(k, _lost(plan, len(batches[k]), f"dask task failed: {exc}"))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------- ensembles
@dataclass
class EnsembleResult:
    """Tidy values (member, experiment, readout, time_s, value, unit) and the failures;
    ``units`` maps each readout to its unit (the ``unit`` column, also the xarray's attrs)."""

    table: pd.DataFrame
    failures: pd.DataFrame
    theta: np.ndarray
    theta_ids: tuple[str, ...]
    members: list[str]
    units: dict[str, str] = field(default_factory=dict)
    elapsed_s: float = 0.0

    def quantiles(self, q=QUANTILES) -> pd.DataFrame:
        """Per (experiment, readout, time): the quantile bands over successful members."""
        g = self.table.groupby(["experiment", "readout", "time_s"], sort=False)["value"]
        out = g.quantile(list(q)).unstack()
        out.columns = [f"q{int(round(100 * x)):02d}" for x in q]
        out["n_members"] = g.count()
        return out.reset_index()

    def to_xarray(self):
        """An ``xarray.DataArray`` (member, experiment, readout, time_s), units in attrs."""
        da = self.table.set_index(["member", "experiment", "readout", "time_s"])["value"] \
            .to_xarray()
        da.attrs["units"] = dict(self.units)
        return da


def run_ensemble(model, experiments: dict, readouts, times, theta: np.ndarray, *,
                 members: list[str] | None = None, **kw) -> EnsembleResult:
    """Simulate named ``experiments`` (name -> Experiment) for every member of ``theta``."""
    from ..experiments.plan import plan_requests
    from ..experiments.types import Request

    t0 = time.perf_counter()
    names = list(experiments)
    reqs = [Request(experiments[n], tuple(readouts), tuple(float(t) for t in times))
            for n in names]
    plan, arm_of, errors = plan_requests(model, reqs)
    if errors:
        raise CytonetError("; ".join(f"experiment {names[i]!r}: {e}" for i, e in errors.items()))
    sol = run_members(plan, theta, **kw)
    members = members or [f"member-{i}" for i in range(theta.shape[0])]
    rows, fails = [], []
    for name, a in zip(names, arm_of, strict=True):
        arm = plan.arms[a]
        want = np.searchsorted(arm.times, np.asarray(sorted(set(map(float, times)))))
        t = arm.times[want]
        for m in range(theta.shape[0]):
            if sol.status[m, a] != Status.OK:
                fails.append({"member": members[m], "experiment": name,
                              "status": Status(int(sol.status[m, a])).name,
                              "reason": sol.message(m, a)})
                continue
            for k, ro in enumerate(readouts):
                rows.append(pd.DataFrame({"member": members[m], "experiment": name,
                                          "readout": str(ro), "time_s": t,
                                          "value": sol.values[a][m, k, want],
                                          "unit": ro.unit}))
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["member", "experiment", "readout", "time_s", "value", "unit"])
    failures = pd.DataFrame(fails, columns=["member", "experiment", "status", "reason"])
    units = {str(ro): ro.unit for ro in readouts}
    return EnsembleResult(table, failures, theta, model.interface.theta_ids, members, units,
                          time.perf_counter() - t0)
