"""A tiny valid PEtab problem (closed-form model) to break in tests, and a cell editor."""

from __future__ import annotations

from pathlib import Path

SBML_ANTIMONY = """
model tiny
  compartment c = 1
  species A in c, B in c
  A = 10; B = 0
  J0: -> A; kin
  J1: A -> B; k*A
  J2: B -> ; kd*B
  k = 0.3; kd = 1.0; kin = 0
end
"""

TABLES = {
    "parameters.tsv": (
        "parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate\n"
        "k\tlog10\t0.001\t1000\t0.5\t1\n"
        "kd\tlin\t0.1\t10\t1.2\t1\n"
        "scale\tlin\t0\t10\t1.5\t1\n"),
    "conditions.tsv": "conditionId\tkin\nstim\t0\nctrl\t2\n",
    "observables.tsv": (
        "observableId\tobservableFormula\tnoiseFormula\tobservableTransformation"
        "\tnoiseDistribution\n"
        "obsA\tobservableParameter1_obsA * A\tnoiseParameter1_obsA\tlin\tnormal\n"),
    "measurements.tsv": (
        "observableId\tsimulationConditionId\tmeasurement\ttime\tobservableParameters"
        "\tnoiseParameters\n"
        "obsA\tstim\t7.0\t0.0\tscale\t0.3\n"
        "obsA\tstim\t5.0\t1.0\tscale\t0.3\n"
        "obsA\tctrl\t4.5\t2.0\tscale\t0.3\n"),
}
PROBLEM_YAML = (
    "format_version: 1\nparameter_file: parameters.tsv\nproblems:\n"
    "- condition_files: [conditions.tsv]\n  measurement_files: [measurements.tsv]\n"
    "  observable_files: [observables.tsv]\n  sbml_files: [model.xml]\n")
_SBML: list[str] = []


def write_petab_problem(folder: Path) -> Path:
    """Write the problem into ``folder``; return its YAML path."""
    if not _SBML:
        import antimony

        antimony.clearPreviousLoads()
        assert antimony.loadAntimonyString(SBML_ANTIMONY) >= 0
        _SBML.append(antimony.getSBMLString("tiny"))
    (folder / "model.xml").write_text(_SBML[0])
    for name, text in TABLES.items():
        (folder / name).write_text(text)
    (folder / "problem.yaml").write_text(PROBLEM_YAML)
    return folder / "problem.yaml"


def edit_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set a cell of a TSV file; ``row`` counts data rows from 1."""
    lines = path.read_text().splitlines()
    header = lines[0].split("\t")
    cells = lines[row].split("\t")
    cells[header.index(column)] = value
    lines[row] = "\t".join(cells)
    path.write_text("\n".join(lines) + "\n")
