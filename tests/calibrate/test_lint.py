"""Bad PEtab input raises PetabError whose message names the table file, data row and column."""

from __future__ import annotations

import pytest
from calibrate_helpers import edit_cell

from cytonet.errors import PetabError

MEAS = "measurementData_Boehm_JProteomeRes2014.tsv"
OBS = "observables_Boehm_JProteomeRes2014.tsv"
COND = "experimentalCondition_Boehm_JProteomeRes2014.tsv"
PAR = "parameters_Boehm_JProteomeRes2014.tsv"


def drop_column(path, column):
    lines = [line.split("\t") for line in path.read_text().splitlines()]
    i = lines[0].index(column)
    path.write_text("\n".join("\t".join(c[:i] + c[i + 1 :]) for c in lines) + "\n")


def add_column(path, column, value):
    lines = path.read_text().splitlines()
    lines = [lines[0] + "\t" + column] + [line + "\t" + value for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n")


def errors_of(yaml_path) -> list[str]:
    from cytonet.calibrate.lint import check_petab_problem

    with pytest.raises(PetabError) as info:
        check_petab_problem(yaml_path, libpetab=False)
    return [str(p) for p in info.value.problems]


def test_missing_required_column_names_table_and_column(boehm_copy):
    drop_column(boehm_copy.parent / OBS, "observableFormula")
    (message,) = errors_of(boehm_copy)
    assert OBS in message and ":1: header:" in message
    assert "field 'observableFormula'" in message and "required column" in message


def test_unknown_observable_in_measurement_names_row(boehm_copy):
    edit_cell(boehm_copy.parent / MEAS, 3, "observableId", "pSTAT5X_rel")
    (message,) = errors_of(boehm_copy)
    assert f"{MEAS}:4: data row 3: field 'observableId'" in message
    assert "unknown observable 'pSTAT5X_rel'" in message and OBS in message


def test_unknown_condition_column_names_column(boehm_copy):
    add_column(boehm_copy.parent / COND, "k_nonexistent", "1.0")
    (message,) = errors_of(boehm_copy)
    assert f"{COND}:1: header: field 'k_nonexistent'" in message
    assert "names no parameter, species or compartment" in message


def test_condition_value_naming_unknown_parameter(boehm_copy):
    add_column(boehm_copy.parent / COND, "STAT5A", "not_a_parameter")
    (message,) = errors_of(boehm_copy)
    assert f"{COND}:2: data row 1: field 'STAT5A'" in message
    assert "'not_a_parameter' is neither a number nor a parameter-table id" in message


def test_unparsable_formula_names_row_and_column(boehm_copy):
    edit_cell(boehm_copy.parent / OBS, 2, "observableFormula", "(100 * pApB + ")
    (message,) = errors_of(boehm_copy)
    assert f"{OBS}:3: data row 2: field 'observableFormula'" in message
    assert "cannot parse formula" in message and "pSTAT5B_rel" in message


def test_formula_with_unknown_symbol(boehm_copy):
    edit_cell(boehm_copy.parent / OBS, 1, "noiseFormula", "noiseParameter1_pSTAT5A_rel * kx")
    (message,) = errors_of(boehm_copy)
    assert f"{OBS}:2: data row 1: field 'noiseFormula'" in message and "kx" in message


def test_override_count_and_unknown_override(boehm_copy):
    edit_cell(boehm_copy.parent / MEAS, 5, "noiseParameters", "sd_pSTAT5A_rel;2")
    edit_cell(boehm_copy.parent / MEAS, 6, "noiseParameters", "sd_unknown")
    messages = errors_of(boehm_copy)
    assert len(messages) == 2  # lint collects every problem
    assert f"{MEAS}:6: data row 5: field 'noiseParameters'" in messages[0]
    assert "expected 1 ';'-separated value(s), got 2" in messages[0]
    assert f"{MEAS}:7: data row 6: field 'noiseParameters'" in messages[1]
    assert "'sd_unknown' is neither a number nor a parameter-table id" in messages[1]


def test_bad_numbers_and_parameter_scale(boehm_copy):
    edit_cell(boehm_copy.parent / MEAS, 2, "measurement", "n/a")
    edit_cell(boehm_copy.parent / MEAS, 7, "time", "-1")
    edit_cell(boehm_copy.parent / PAR, 4, "parameterScale", "ln")
    messages = "\n".join(errors_of(boehm_copy))
    assert f"{MEAS}:3: data row 2: field 'measurement'" in messages
    assert f"{MEAS}:8: data row 7: field 'time'" in messages
    assert f"{PAR}:5: data row 4: field 'parameterScale'" in messages and "'ln'" in messages


def test_load_raises_petab_error(boehm_copy):
    from cytonet.calibrate.petab_problem import load_petab_problem

    edit_cell(boehm_copy.parent / MEAS, 3, "simulationConditionId", "nowhere")
    with pytest.raises(PetabError, match=r"data row 3: field 'simulationConditionId'"):
        load_petab_problem(boehm_copy)


def test_drop_invalid_drops_only_bad_measurement_rows(boehm_copy):
    from cytonet.calibrate.petab_problem import load_petab_problem

    edit_cell(boehm_copy.parent / MEAS, 3, "time", "-10")
    problem = load_petab_problem(boehm_copy, drop_invalid=True)
    assert problem.n_data == 47 and len(problem.dropped) == 1
    assert "data row 3: field 'time'" in str(problem.dropped[0])


def test_missing_file_and_bad_yaml(tmp_path):
    from cytonet.calibrate.lint import lint_petab_problem

    (tmp_path / "p.yaml").write_text("format_version: 1\nparameter_file: nope.tsv\nproblems: []\n")
    (message,) = [str(p) for p in lint_petab_problem(tmp_path / "p.yaml")]
    assert "p.yaml" in message and "exactly one entry" in message
    (tmp_path / "q.yaml").write_text("format_version: [1\n")
    (message,) = [str(p) for p in lint_petab_problem(tmp_path / "q.yaml")]
    assert "q.yaml" in message and "not valid YAML" in message
