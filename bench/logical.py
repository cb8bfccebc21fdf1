"""Time the logical analyses: attractor search (mpbn most-permissive, biobalm succession
diagram) and a 10,000-trajectory MaBoSS run (cmaboss), for cytonet's compiled logical model
and for the published Ryll 2011 IL-6 model (../shared/benchmarks/logical/bbm019).

    PYTHONPATH=src python bench/logical.py [--trajectories 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def timed(fn, repeats):
    out, ts = None, []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return out, statistics.median(ts)


def bench_model(label, model, fixed, init, trajectories, repeats, hours=24.0):
    import biobalm
    import mpbn
    from biodivine_aeon import BooleanNetwork

    from cytonet.logical.run import run_maboss

    m = model.with_fixed(fixed)
    atts, t_mp = timed(lambda: list(mpbn.MPBooleanNetwork(
        {n: r.expr for n, r in m.rules.items()}).attractors()), repeats)

    def balm():
        sd = biobalm.SuccessionDiagram(BooleanNetwork.from_bnet(m.to_bnet()))
        sd.build()
        return sum(len(sd.node_attractor_seeds(n, compute=True))
                   for n in sd.minimal_trap_spaces())
    n_balm, t_balm = timed(balm, repeats)
    outs = list(m.rules)[:10]
    _, t_mb = timed(lambda: run_maboss(m, init, hours, hours / 96, outs, trajectories), repeats)
    print(f"| {label} | {len(model.rules)} | {len(atts)} | {t_mp * 1e3:.0f} ms | {n_balm} | "
          f"{t_balm * 1e3:.0f} ms | {trajectories} x {hours:g} h | {t_mb:.2f} s |")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trajectories", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)

    from cytonet.experiments.types import Experiment
    from cytonet.logical.compile import compile_logical
    from cytonet.logical.run import _input_values, fixed_nodes, prestimulus_state

    t0 = time.perf_counter()
    model = compile_logical()
    t_compile = time.perf_counter() - t0
    print(f"compiled logical model: {len(model.rules)} nodes in {t_compile * 1e3:.0f} ms")
    print("\n| model (experiment) | nodes | mpbn attractors | mpbn time | biobalm attractors | "
          "biobalm time | MaBoSS run | MaBoSS time |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    exp = Experiment(cell="hepatocyte", stimuli=(("IL6", 0.957),))
    fixed = fixed_nodes(model, exp)
    fixed.update(_input_values(model, exp, after=True))
    init = prestimulus_state(model, exp)
    init.update({k: float(v) for k, v in fixed.items()})
    bench_model("cytonet logical (hepatocyte + IL-6)", model, fixed, init, args.trajectories,
                args.repeats)
    mapping = SHARED / "benchmarks" / "logical" / "bbm019_IL-6-SIGNALING"
    if not mapping.is_dir():
        print(f"(Ryll 2011 skipped: {mapping} not found)")
        return 0
    from cytonet.logical.external import MAPPING_DIR, load_mapping
    from cytonet.logical.run import least_active_attractor

    ryll = load_mapping(MAPPING_DIR / "ryll2011.yaml", benchmarks=SHARED / "benchmarks")
    before = dict(ryll.inputs)
    before["v_il6"] = 0
    init = least_active_attractor(ryll.model.with_fixed(before))
    after = dict(ryll.inputs)
    after["v_il6"] = 1
    init.update({k: float(v) for k, v in after.items()})
    bench_model("Ryll 2011 (IL-6)", ryll.model, after, init, args.trajectories, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
