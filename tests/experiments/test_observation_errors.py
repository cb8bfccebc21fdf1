"""A malformed observation file: every mistake is reported with file, line, id and field,
and the good observations in the same file still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from cytonet.experiments.parse import load_observations

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad_observations.yaml"


def line_of(path: Path, needle: str, after: str | None = None) -> int:
    """1-based line of the first line containing ``needle`` (after the line with ``after``)."""
    lines = path.read_text().splitlines()
    start = 0
    if after is not None:
        start = next(i for i, ln in enumerate(lines) if after in ln) + 1
    return next(i for i, ln in enumerate(lines[start:], start) if needle in ln) + 1


# (id, field, line: (needle, after id), message text) -- one row per kind of mistake
EXPECTED = [
    ("bare-number-dose", "test.stimuli.IL6", ("IL6: 20", "bare-number-dose"),
     "bare number 20 has no unit; write it with a unit, e.g. '20 nM'"),
    ("unknown-unit", "test.stimuli.IL6", ("IL6: 20 zorks", None),
     "cannot read quantity '20 zorks': expected a number and a unit"),
    ("negative-dose", "test.stimuli.LIF", ("LIF: -5", None),
     "negative quantity '-5 ng/mL' is not allowed"),
    ("unknown-key", "folds", ("folds: 2", None),
     "unknown key 'folds' in an observation; did you mean 'fold'?"),
    ("unknown-entity", "test.perturbations[0].knockdown", ("knockdown: STAT33", None),
     "unknown entity 'STAT33'; did you mean STAT3"),
    ("unknown-drug", "test.perturbations[0].drug", ("drug: aspirin", None),
     "unknown drug 'aspirin'"),
    ("unknown-context", "test.cell", ("cell: liver_cancer", None),
     "unknown context 'liver_cancer'; did you mean lung_cancer?"),
    ("unknown-context", "control.cell", ("control: {cell: liver_cancer}", None),
     "unknown context 'liver_cancer'; did you mean lung_cancer?"),
    ("bad-readout-kind", "readout", ("readout: phosphor:STAT3", None),
     "unknown readout kind 'phosphor'; did you mean 'phospho'?"),
    ("good-il6-pstat3", "id", ("id: good-il6-pstat3", "bad-readout-kind"),
     "duplicate id 'good-il6-pstat3' (first defined at "),
    ("missing-baseline", "baseline", ("id: missing-baseline", None),
     "missing required field: expect 'abrogates' needs test, control, baseline"),
    ("window-without-statistic", "window", ("window: [0 h, 4 h]", None),
     "a window needs 'statistic: max' or 'statistic: auc'"),
    ("transient-without-experiment", "experiment", ("id: transient-without-experiment", None),
     "missing required field: expect 'transient' needs experiment"),
    ("transient-without-experiment", "test", ("test:", "transient-without-experiment"),
     "'test' is not used with expect 'transient'"),
    ("transient-without-experiment", "control", ("control:", "transient-without-experiment"),
     "'control' is not used with expect 'transient'"),
    ("efficiency-out-of-range", "test.perturbations[0].efficiency", ("efficiency: 1.5", None),
     "1.5 is out of range: expected a number >= 0 and <= 1"),
    ("Not_Kebab", "id", ("id: Not_Kebab", None), "is not kebab-case"),
    ("bare-number-time", "at", ("at: 30", "bare-number-time"), "bare number 30 has no unit"),
    ("absurd-oxygen", "test.conditions.oxygen", ("oxygen: 150 %", None),
     "oxygen '150 %' is above 100 %"),
    ("unknown-expectation", "expect", ("expect: increases", None),
     "unknown expectation 'increases'; did you mean 'increase'?"),
]


@pytest.fixture(scope="module")
def loaded():
    return load_observations(BAD)


def test_good_observations_still_load(loaded):
    obs, _ = loaded
    assert [o.id for o in obs] == ["good-il6-pstat3", "good-lif-socs3"]
    lif = obs[1]
    assert lif.test.perturbations[0].target == "IL6ST"  # gp130 alias


@pytest.mark.parametrize("oid, field, where, text", EXPECTED,
                         ids=[f"{e[0]}:{e[1]}" for e in EXPECTED])
def test_each_mistake_is_located(loaded, oid, field, where, text):
    _, problems = loaded
    matches = [p for p in problems if p.item == oid and p.field == field]
    assert len(matches) == 1, [str(p) for p in problems if p.item == oid]
    p = matches[0]
    line = line_of(BAD, *where)
    assert p.file == str(BAD) and p.line == line
    assert text in p.message
    assert str(p).startswith(f"{BAD}:{line}: {oid}: field '{field}': ")


def test_no_other_problems(loaded):
    _, problems = loaded
    assert len(problems) == len(EXPECTED)


def test_malformed_yaml_names_file_and_line():
    obs, problems = load_observations(DATA / "broken_syntax.yaml")
    assert obs == []
    assert [str(p) for p in problems] == [
        f"{DATA / 'broken_syntax.yaml'}:6: malformed YAML: expected ',' or '}}', but got "
        "'<scalar>' (while parsing a flow mapping)"]


def test_missing_file():
    obs, problems = load_observations(DATA / "no_such_file.yaml")
    assert obs == [] and "cannot read file" in str(problems[0])


def test_a_file_name_with_a_nul_byte_is_a_problem_not_a_crash():
    obs, problems = load_observations("obs\x00.yaml")  # found by tests/robust/test_fuzz.py
    assert obs == [] and "cannot read file: not a usable file name" in str(problems[0])
    assert "obs\\x00.yaml" in str(problems[0])  # the name shown escaped, not raw


def test_ids_unique_across_files():
    obs, problems = load_observations([BAD, BAD])
    assert [o.id for o in obs] == ["good-il6-pstat3", "good-lif-socs3"]
    dup = [p for p in problems if "duplicate id 'good-lif-socs3'" in p.message]
    assert len(dup) == 1
