"""Make a fitted parameter set (bench/calibrate_joint.py output) the default (issue 13, item 4).

    .venv/bin/python bench/adopt_fit.py build/joint/joint_map.yaml \
        [--describe "the package's observations ... by bench/calibrate_joint.py --params ..."]

Rewrites the set's entries in src/cytonet/data/parameters.yaml through
cytonet.calibrate.adopt.adopt_parameter_set: fitted value, provenance ``fitted``, the fit's
note with the prior, and the replaced value with its old reason. Run it only after the
whole suite, nominal and under jitter, is better with the set (calibrate_joint.py does not
decide that), then rerun the suite and commit the data change with the fit's figures.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cytonet.calibrate.adopt import adopt_parameter_set

DATA = Path(__file__).resolve().parents[1] / "src" / "cytonet" / "data"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("set_file", type=Path, help="parameter set written by calibrate_joint.py")
    ap.add_argument("--parameters", type=Path, default=DATA / "parameters.yaml")
    ap.add_argument("--describe", default=None,
                    help="data description for the notes (replaces the set's, before '; prior:')")
    args = ap.parse_args(argv)
    changed = adopt_parameter_set(args.set_file, args.parameters, args.describe)
    print(f"{args.parameters}: {len(changed)} parameters adopted: {', '.join(changed)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
