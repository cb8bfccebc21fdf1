"""Paths of the PEtab benchmark problems (../shared/benchmarks) and a skip helper."""

from __future__ import annotations

from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / ".." / "shared" / "benchmarks"
PETAB = BENCHMARKS / "petab"
BOEHM = PETAB / "Boehm_JProteomeRes2014" / "Boehm_JProteomeRes2014.yaml"
BACHMANN = PETAB / "Bachmann_MSB2011" / "Bachmann_MSB2011.yaml"
SOBOTTA = BENCHMARKS / "petab_unmerged" / "Sobotta_Frontiers2017" / "Sobotta_Frontiers2017.yaml"
REFERENCE = PETAB / "amici_benchmark_models_reference.yaml"


def require(path: Path) -> Path:
    """Skip the test when a benchmark file is not there."""
    if not path.is_file():
        pytest.skip(
            f"benchmark data not found: {path} (expected ../shared/benchmarks next to the repo)"
        )
    return path.resolve()


def read_reference_llh(name: str) -> float:
    """AMICI's reference log-likelihood of a benchmark problem at nominal parameters."""
    import yaml

    with open(require(REFERENCE), encoding="utf-8") as fh:
        return float(yaml.safe_load(fh)[name]["llh"])


def llh_in_child(payload: bytes, x):
    """For a spawned worker: unpickle an objective and evaluate it. It lives here, not in a
    test module, because test modules are imported as ``tests.calibrate...`` and a child
    process may resolve ``tests`` to another distribution's package (mpbn installs a
    top-level ``tests``), which would leave the pool waiting forever."""
    import pickle

    return pickle.loads(payload).llh(x)


# A closed-form two-species model for synthetic PEtab problems (test_synthetic, robust corpus)
SYNTHETIC_ANTIMONY = """
model synthetic
  compartment c = 1
  species A in c, B in c
  A = 10; B = 0
  J0: -> A; kin
  J1: A -> B; k*A
  J2: B -> ; kd*B
  k = 0.3; kd = 1.0; kin = 0
end
"""


def synthetic_sbml() -> str:
    """SYNTHETIC_ANTIMONY as SBML."""
    import antimony

    antimony.clearPreviousLoads()
    assert antimony.loadAntimonyString(SYNTHETIC_ANTIMONY) >= 0
    return antimony.getSBMLString("synthetic")


def edit_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set a cell of a TSV file; ``row`` counts data rows from 1."""
    lines = path.read_text().splitlines()
    header = lines[0].split("\t")
    cells = lines[row].split("\t")
    cells[header.index(column)] = value
    lines[row] = "\t".join(cells)
    path.write_text("\n".join(lines) + "\n")
