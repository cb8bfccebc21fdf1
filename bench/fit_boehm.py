"""Benchmark: multi-start fit of Boehm_JProteomeRes2014, cytonet vs a pyPESTO peer, same process.

cytonet: libRoadRunner + finite-difference gradient and Fisher information, fides via pyPESTO.
Peer: pyPESTO + AMICI (forward sensitivities, fides) if ``amici`` imports; otherwise pyPESTO
on a plain libRoadRunner objective written below (per-parameter ``setValue``, finite
differences, fides with BFGS). Both peers start from the same points, drawn uniformly on
parameter scale within the PEtab bounds (not from the nominal values), on the same number
of worker processes. Figures are printed as ratios cytonet / peer.

AMICI is not a cytonet dependency. To compare with it, use a throwaway environment, e.g.::

    python -m venv /tmp/amici_venv && /tmp/amici_venv/bin/pip install swig==4.5.1
    PATH=/tmp/amici_venv/bin:$PATH /tmp/amici_venv/bin/pip install amici==1.0.1 'petab<0.9' \
        pypesto fides libroadrunner pint pydantic networkx antimony
    PATH=/tmp/amici_venv/bin:$PATH /tmp/amici_venv/bin/python bench/fit_boehm.py

This is a script, not a test.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # runs from a foreign venv (AMICI) too

BOEHM = (
    REPO
    / ".."
    / "shared"
    / "benchmarks"
    / "petab"
    / "Boehm_JProteomeRes2014"
    / "Boehm_JProteomeRes2014.yaml"
).resolve()
TARGET = -138.23
REFERENCE = -138.22199693517703


def summarise(name: str, llhs: list[float], wall: float, times: list[float]) -> dict:
    llhs = [v if math.isfinite(v) else -math.inf for v in llhs]
    hits = sum(v >= TARGET for v in llhs)
    return {
        "name": name,
        "wall_s": wall,
        "best_llh": max(llhs),
        "hits": hits,
        "n": len(llhs),
        "cpu_per_start_s": float(np.mean(times)) if times else math.nan,
        "wall_per_hit_s": wall / hits if hits else math.inf,
    }


def run_cytonet(starts: np.ndarray, workers: int, max_iter: int) -> tuple[dict, dict]:
    from cytonet.calibrate import PetabObjective, fit, load_petab_problem

    problem = load_petab_problem(BOEHM)
    result = fit(problem, n_workers=workers, max_iter=max_iter, startpoints=starts, progress=False)
    summary = summarise(
        f"cytonet (roadrunner + FD, fides) x{workers}",
        [s.llh for s in result.starts],
        result.wall_time_s,
        [s.time_s for s in result.starts],
    )
    obj = PetabObjective(problem, fd_method="forward")  # as fit() uses
    cost = time_evaluations(obj, obj.derivatives, starts[0])
    return summary, cost


def time_evaluations(fun, derivatives, x, repeat: int = 20) -> dict:
    """Mean seconds for one objective value and for one value + gradient."""
    fun(x)
    t0 = time.perf_counter()
    for _ in range(repeat):
        fun(x)
    t1 = time.perf_counter()
    for _ in range(repeat):
        derivatives(x)
    t2 = time.perf_counter()
    return {"fval_s": (t1 - t0) / repeat, "grad_s": (t2 - t1) / repeat}


def setup_amici(starts: np.ndarray):
    """Import (compile) Boehm with AMICI through pyPESTO; return the pyPESTO problem."""
    import pypesto.petab

    for name in ("amici", "pypesto", "fides"):
        logging.getLogger(name).setLevel(logging.ERROR)
    out = Path(tempfile.gettempdir()) / "cytonet_bench_amici" / "Boehm_JProteomeRes2014"
    t0 = time.perf_counter()
    importer = pypesto.petab.PetabImporter.from_yaml(str(BOEHM), output_folder=str(out))
    problem = importer.create_problem(x_guesses=starts)
    print(f"AMICI model import/compile: {time.perf_counter() - t0:.1f} s (not counted)")
    return problem


def is_picklable(obj) -> bool:
    import pickle

    try:
        pickle.dumps(obj)
    except Exception as exc:  # AMICI without HDF5 cannot pickle its solver settings
        print(f"note: peer objective does not pickle ({str(exc).splitlines()[0][:120]})")
        return False
    return True


def minimize_with_fides(problem, starts: np.ndarray, workers: int, max_iter: int, label: str,
                        hessian_update=None) -> dict:
    """The same pyPESTO multi-start with fides for both peers; a summary of the runs."""
    import fides
    import pypesto.engine
    import pypesto.optimize

    kwargs = {"hessian_update": hessian_update} if hessian_update is not None else {}
    optimizer = pypesto.optimize.FidesOptimizer(
        options={
            fides.Options.MAXITER: max_iter,
            fides.Options.FATOL: 1e-8,
            fides.Options.FRTOL: 1e-10,
        },
        verbose=logging.ERROR,
        **kwargs,
    )
    engine = (
        pypesto.engine.MultiProcessEngine(n_procs=workers)
        if workers > 1
        else pypesto.engine.SingleCoreEngine()
    )
    t0 = time.perf_counter()
    result = pypesto.optimize.minimize(
        problem, optimizer=optimizer, n_starts=len(starts), engine=engine, progress_bar=False
    )
    wall = time.perf_counter() - t0
    runs = result.optimize_result.list
    return summarise(label, [-r.fval if r.fval is not None else -math.inf for r in runs], wall,
                     [r.time for r in runs])


def run_amici(problem, starts: np.ndarray, workers: int, max_iter: int) -> tuple[dict, dict]:

    summary = minimize_with_fides(problem, starts, workers, max_iter,
                                  f"pyPESTO + AMICI (fwd sensitivities, fides) x{workers}")
    obj = problem.objective
    cost = time_evaluations(lambda x: obj(x), lambda x: obj(x, sensi_orders=(0, 1)), starts[0])
    return summary, cost


class PlainRoadRunnerObjective:
    """Boehm's negative log-likelihood with plain libRoadRunner (one condition, normal noise).

    Written for this benchmark only: parameters set one by one with ``setValue``,
    formulas lambdified with sympy, noise parameters taken from the measurement table.
    """

    def __init__(self, yaml_path: Path):
        import petab.v1 as petab
        import sympy

        self.yaml_path = str(yaml_path)
        self.petab = petab.Problem.from_yaml(self.yaml_path)
        par = self.petab.parameter_df
        self.free = par.index[par["estimate"] == 1].tolist()
        self.scales = par.loc[self.free, "parameterScale"].tolist()
        self.nominal = par["nominalValue"].to_dict()
        meas = self.petab.measurement_df
        self.times = np.sort(meas["time"].unique())
        self.rows = []
        obs_df = self.petab.observable_df
        self._rr = None
        for oid, row in obs_df.iterrows():
            expr = sympy.sympify(row["observableFormula"])
            names = sorted(str(s) for s in expr.free_symbols)
            fn = sympy.lambdify(names, expr, "numpy")
            m = meas[meas["observableId"] == oid]
            tidx = np.searchsorted(self.times, m["time"].to_numpy())
            noise = m["noiseParameters"].astype(str).to_numpy()
            self.rows.append((names, fn, tidx, m["measurement"].to_numpy(), noise))

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_rr"] = None
        return state

    @property
    def rr(self):
        if self._rr is None:
            import roadrunner

            self._rr = roadrunner.RoadRunner(str(BOEHM.parent / "model_Boehm_JProteomeRes2014.xml"))
            self._rr.getIntegrator().setValue("relative_tolerance", 1e-8)
            self._rr.getIntegrator().setValue("absolute_tolerance", 1e-12)
        return self._rr

    def __call__(self, x: np.ndarray) -> float:
        values = dict(self.nominal)
        for pid, scale, v in zip(self.free, self.scales, x, strict=True):
            values[pid] = v if scale == "lin" else (math.exp(v) if scale == "log" else 10.0**v)
        rr = self.rr
        rr.resetAll()
        model_ids = set(rr.model.getGlobalParameterIds())
        for pid, v in values.items():
            if pid in model_ids:
                rr.setValue(pid, v)
        rr.reset()
        try:
            result = rr.simulate(times=self.times)
        except RuntimeError:
            return math.inf
        cols = {name.strip("[]"): result[:, i] for i, name in enumerate(result.colnames)}
        nllh = 0.0
        for names, fn, tidx, m, noise in self.rows:
            args = [cols[n][tidx] if n in cols else values[n] for n in names]
            y = fn(*args)
            sigma = np.array([values[n] for n in noise])
            nllh += float(np.sum(0.5 * np.log(2 * np.pi * sigma**2) + 0.5 * ((y - m) / sigma) ** 2))
        return nllh


def run_plain_roadrunner(starts: np.ndarray, workers: int, max_iter: int) -> tuple[dict, dict]:
    import fides
    import pypesto
    import pypesto.engine
    import pypesto.optimize

    fun = PlainRoadRunnerObjective(BOEHM)
    from cytonet.calibrate import load_petab_problem

    ours = load_petab_problem(BOEHM, validate=False)
    objective = pypesto.objective.FD(
        pypesto.Objective(fun=fun), grad=True, hess=False, method=pypesto.objective.FD.CENTRAL
    )
    problem = pypesto.Problem(objective, lb=ours.lb, ub=ours.ub, x_guesses=starts)
    summary = minimize_with_fides(problem, starts, workers, max_iter,
                                  f"pyPESTO + plain roadrunner (FD, fides BFGS) x{workers}",
                                  hessian_update=fides.BFGS())
    cost = time_evaluations(fun, lambda x: objective(x, sensi_orders=(0, 1)), starts[0])
    return summary, cost


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--starts", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-iter", type=int, default=300)
    parser.add_argument("--peer", choices=("auto", "amici", "roadrunner"), default="auto")
    args = parser.parse_args(argv)
    if not BOEHM.is_file():
        print(f"benchmark data not found: {BOEHM}", file=sys.stderr)
        return 2
    logging.getLogger("fides").setLevel(logging.ERROR)
    from cytonet.calibrate import load_petab_problem

    problem = load_petab_problem(BOEHM)
    starts = problem.sample_startpoints(args.starts, args.seed)
    peer = args.peer
    if peer == "auto":
        try:
            import amici  # noqa: F401

            peer = "amici"
        except ImportError:
            peer = "roadrunner"
    print(
        f"Boehm_JProteomeRes2014: {len(problem.x_ids)} parameters, {problem.n_data} points; "
        f"{args.starts} starts (seed {args.seed}, uniform within bounds), {args.workers} workers, "
        f"max {args.max_iter} iterations; target llh >= {TARGET} (reference {REFERENCE:.4f})"
    )
    peer_workers = args.workers
    amici_problem = None
    if peer == "amici":
        amici_problem = setup_amici(starts)
        if args.workers > 1 and not is_picklable(amici_problem.objective):
            peer_workers = 1
            print(
                "note: AMICI peer runs on 1 worker; cytonet is timed on 1 worker for the ratios "
                f"and on {args.workers} workers for the acceptance figure"
            )
    ours, ours_cost = run_cytonet(starts, peer_workers, args.max_iter)
    ours_multi = (
        run_cytonet(starts, args.workers, args.max_iter)[0]
        if peer_workers != args.workers
        else ours
    )
    if peer == "amici":
        theirs, their_cost = run_amici(amici_problem, starts, peer_workers, args.max_iter)
    else:
        theirs, their_cost = run_plain_roadrunner(starts, peer_workers, args.max_iter)
    print()
    print(
        f"{'':48s} {'wall s':>8s} {'best llh':>10s} {'hits':>6s} {'s/start':>8s} {'wall s/hit':>10s}"
    )
    for s in (ours, theirs) if ours_multi is ours else (ours, theirs, ours_multi):
        print(
            f"{s['name']:48s} {s['wall_s']:8.2f} {s['best_llh']:10.4f} {s['hits']:3d}/{s['n']:<2d} "
            f"{s['cpu_per_start_s']:8.2f} {s['wall_per_hit_s']:10.2f}"
        )
    print()
    print("ratios cytonet / peer (below 1: cytonet faster)")
    print(f"  wall time of the whole multi-start: {ours['wall_s'] / theirs['wall_s']:.2f}")
    print(
        f"  mean time per start:                {ours['cpu_per_start_s'] / theirs['cpu_per_start_s']:.2f}"
    )
    if math.isfinite(theirs["wall_per_hit_s"]) and math.isfinite(ours["wall_per_hit_s"]):
        print(
            f"  wall time per start reaching target: {ours['wall_per_hit_s'] / theirs['wall_per_hit_s']:.2f}"
        )
    print(
        f"  one objective value:                {ours_cost['fval_s'] / their_cost['fval_s']:.2f}"
        f"  ({1e3 * ours_cost['fval_s']:.2f} ms vs {1e3 * their_cost['fval_s']:.2f} ms)"
    )
    print(
        f"  value + gradient:                   {ours_cost['grad_s'] / their_cost['grad_s']:.2f}"
        f"  ({1e3 * ours_cost['grad_s']:.2f} ms vs {1e3 * their_cost['grad_s']:.2f} ms)"
    )
    best = ours_multi
    print(
        f"cytonet on {args.workers} worker(s) reached llh {best['best_llh']:.4f} in "
        f"{best['wall_s']:.1f} s ({'PASS' if best['best_llh'] >= TARGET else 'FAIL'}: "
        f"target {TARGET}, limit 600 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
