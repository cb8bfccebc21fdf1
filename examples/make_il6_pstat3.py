"""Regenerate examples/il6_pstat3.tsv: synthetic pSTAT3 data for `cytonet petab export`.

The measurements are cytonet's own simulation of examples/il6_experiments.yaml at the
default parameters, times 10 % log-normal noise (seed 0), with sd = 10 % of each value:
not a published data set, but a small problem whose fit is known to recover the default
parameters. Run from the repository root (an optional argument writes elsewhere):

    .venv/bin/python examples/make_il6_pstat3.py [OUT.tsv]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from cytonet.calibrate.export import load_experiment_file
from cytonet.experiments.runner import run
from cytonet.outputs import write_atomic

HERE = Path(__file__).parent
TIMES_MIN = [0, 5, 10, 20, 30, 60, 120]


def main(out: Path = HERE / "il6_pstat3.tsv") -> None:
    rng = np.random.default_rng(0)
    lines = ["experiment\treadout\ttime\tmeasurement\tsd"]
    for name, exp in load_experiment_file(HERE / "il6_experiments.yaml").items():
        df = run(exp, ["phospho:STAT3"], [60.0 * t for t in TIMES_MIN])
        for r in df.itertuples():
            y = r.value * float(np.exp(0.1 * rng.standard_normal()))
            lines.append(f"{name}\t{r.readout}\t{r.time_s / 60:g} min\t{y:.4g}\t{0.1 * y:.3g}")
    text = "\n".join(lines) + "\n"
    write_atomic(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:2]))
