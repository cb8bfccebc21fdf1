"""A tiny valid PEtab problem (closed-form model) to break in tests, and a cell editor."""

from __future__ import annotations

from pathlib import Path

from calibrate_helpers import edit_cell, synthetic_sbml

__all__ = ["TABLES", "PROBLEM_YAML", "edit_cell", "write_petab_problem"]

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
        _SBML.append(synthetic_sbml())
    (folder / "model.xml").write_text(_SBML[0])
    for name, text in TABLES.items():
        (folder / name).write_text(text)
    (folder / "problem.yaml").write_text(PROBLEM_YAML)
    return folder / "problem.yaml"
