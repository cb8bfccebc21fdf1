"""A corpus of malformed inputs: each one gives a located project error with the expected text.

Every case is a small file written by a careless or hostile user (or a field of a copy of
the curated knowledge changed); the reader must raise or return a cytonet error (never a
traceback, never silence) whose message holds the fragment, and the message names the
file. Experiment files, observation files, parameter-set files, knowledge folders and
PEtab problems are covered.
"""

from __future__ import annotations

import shutil

import pytest

from cytonet.errors import CytonetError, InputError

BOMB = ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n")
DEEP_FLOW = "cell: " + "[" * 200 + "]" * 200 + "\n"
DEEP_BLOCK = "".join("  " * i + f"k{i}:\n" for i in range(80)) + "  " * 80 + "v\n"
MANY_ALIASES = "x: &x 1\ny: [" + ", ".join(["*x"] * 150) + "]\n"

E = "cell: hepatocyte\nstimuli: {IL6: 10 ng/mL}\n"  # a valid experiment to break


def _kd(extra: str) -> str:
    return f"cell: hepatocyte\nperturbations: [{{knockdown: STAT3, {extra}}}]\n"


# (case id, file content (str or bytes), expected fragment)
EXPERIMENTS = [
    ("non-utf8", E.encode() + b"note: \xff\xfe\n", "not UTF-8"),
    ("latin1", "cell: h\xe9patocyte\n".encode("latin-1"), "not UTF-8"),
    ("nul-byte", b"cell: hepatocyte\x00\n", "NUL byte"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
    ("alias-bomb", BOMB, "expands to more than"),
    ("many-aliases", MANY_ALIASES, "YAML aliases"),
    ("deep-flow", DEEP_FLOW, "nested more than 50 levels"),
    ("deep-block", DEEP_BLOCK, "nested more than 50 levels"),
    ("long-cell", "cell: " + "x" * 20000 + "\n", "longer than 10,000"),
    ("unclosed", "cell: hepatocyte\nstimuli: {IL6: 10 ng/mL\n", "malformed YAML"),
    ("tab-indent", "cell: hepatocyte\nstimuli:\n\tIL6: 10 ng/mL\n", "malformed YAML"),
    ("duplicate-key", "cell: hepatocyte\ncell: macrophage\n", "duplicate key 'cell'"),
    ("unknown-key", E + "stimulus: {IL6: 1 nM}\n", "unknown key 'stimulus'"),
    ("stimuli-list", "stimuli: [IL6, 10 ng/mL]\n", "expected a mapping of stimulus to dose"),
    ("unit-paren", "stimuli: {IL6: 10 ng/(mL}\n", "cannot read quantity"),
    ("unit-divide", "stimuli: {IL6: '10 ÷'}\n", "cannot read quantity"),
    ("unit-junk", "stimuli: {IL6: '10 __import__'}\n", "cannot read quantity"),
    ("dose-inf", "stimuli: {IL6: 1e400 nM}\n", "not a finite number"),
    ("dose-bare", "stimuli: {IL6: 10}\n", "has no unit"),
    ("dose-negative", "stimuli: {IL6: -1 nM}\n", "negative quantity"),
    ("dose-huge", "stimuli: {IL6: 2 M}\n", "not a plausible cytokine dose"),
    ("dose-mapping", "stimuli: {IL6: {value: 10}}\n", "expected a quantity string"),
    ("dose-long", "stimuli: {IL6: '1" + "0" * 300 + " nM'}\n", "too long"),
    ("efficiency-int-1e20", _kd("efficiency: 100000000000000000000"), "out of range"),
    ("efficiency-int-1e400", _kd("efficiency: 1" + "0" * 400), "expected a plain number"),
    ("efficiency-nan", _kd("efficiency: .nan"), "expected a plain number"),
    ("efficiency-inf", _kd("efficiency: .inf"), "expected a plain number"),
    ("efficiency-text", _kd("efficiency: '0.5'"), "expected a plain number"),
    ("efficiency-above-1", _kd("efficiency: 1.5"), "out of range"),
    ("overexpress-negative", "perturbations: [{overexpress: STAT3, fold: -2}]\n", "out of range"),
    ("overexpress-huge", "perturbations: [{overexpress: STAT3, fold: 1e9}]\n", "out of range"),
    ("two-kinds", "perturbations: [{knockdown: STAT3, knockout: JAK1}]\n", "exactly one of"),
    ("perturbations-mapping", "perturbations: {knockdown: STAT3}\n",
     "expected a list of perturbations"),
    ("perturbation-string", "perturbations: [STAT3]\n", "expected a perturbation mapping"),
    ("unknown-cell", "cell: hepatocite-xyz\n", "hepatocite-xyz"),
    ("cell-list", "cell: [hepatocyte]\n", "cell"),
    ("drug-no-dose", "perturbations: [{drug: ruxolitinib}]\n", "needs a dose"),
    ("drug-huge", "perturbations: [{drug: ruxolitinib, dose: 10 M}]\n", "above 1 M"),
    ("drug-dose-nan", "perturbations: [{drug: ruxolitinib, dose: nan nM}]\n",
     "cannot read quantity"),
    ("glucose-huge", "conditions: {glucose: 5000 mM}\n", "not a plausible value"),
    ("oxygen-text", "conditions: {oxygen: low}\n", "cannot read quantity"),
    ("conditions-list", "conditions: [glucose]\n", "expected a mapping of condition"),
    ("scalar-file", "42\n", "expected an experiment"),
    ("empty-file", "", "holds no experiment"),
    ("experiments-number", "experiments: 5\n", "'experiments' must hold"),
    ("duplicate-name", "- {name: a, cell: hepatocyte}\n- {name: a, cell: hepatocyte}\n",
     "duplicate experiment name 'a'"),
    ("top-level-extra", "experiments: {a: {cell: hepatocyte}}\nother: 1\n",
     "unknown top-level key 'other'"),
]


def _obs(**fields) -> str:
    base = {"id": "a-b", "claim": "x", "source": "{doi: 10.1000/xyz}",
            "readout": "phospho:STAT3", "at": "30 min", "expect": "increase",
            "test": "{cell: hepatocyte, stimuli: {IL6: 10 ng/mL}}",
            "control": "{cell: hepatocyte}"}
    base.update(fields)
    return "- " + "\n  ".join(f"{k}: {v}" for k, v in base.items() if v is not None) + "\n"


_TRACE = {"at": None, "expect": "transient", "test": None, "control": None,
          "experiment": "{cell: hepatocyte, stimuli: {IL6: 10 ng/mL}}",
          "peak_between": "[10 min, 60 min]", "falls_below": "{fraction: 0.5, by: 4 h}"}
_RATIO = {"at": "30 min", "expect": "ratio"}
_EC50 = {"at": "30 min", "expect": "ec50", "test": None, "control": None,
         "experiment": "{cell: hepatocyte}", "within": "[0.05 ng/mL, 1 ng/mL]"}

OBSERVATIONS = [
    ("non-utf8", _obs().encode() + b"# \xc3\x28\n", "not UTF-8"),
    ("alias-bomb", BOMB, "expands to more than"),
    ("deep", "- " + "[" * 100 + "]" * 100 + "\n", "nested more than"),
    ("long-claim", _obs(claim="y" * 12000), "longer than 10,000"),
    ("at-inf", _obs(at="1e400 h"), "not a finite number"),
    ("at-two-years", _obs(at="800 d"), "longer than a year"),
    ("at-negative", _obs(at="-1 h"), "negative quantity"),
    ("at-bare", _obs(at="30"), "has no unit"),
    ("window-reversed", _obs(at=None, statistic="max", window="[4 h, 1 h]"), "must come after"),
    ("fold-nan", _obs(fold=".nan"), "expected a plain number"),
    ("fold-small", _obs(fold="0.5"), "out of range"),
    ("fold-huge-int", _obs(fold="1" + "0" * 400), "expected a plain number"),
    ("ratio-within-nan", _obs(**_RATIO, within="[.nan, 2]"), "expected two plain numbers"),
    ("ratio-within-reversed", _obs(**_RATIO, within="[5, 2]"), "is above high"),
    ("scan-points-huge", _obs(**_EC50, scan="{stimulus: IL6, from: 0.001 ng/mL, to: 10 ng/mL, "
                                             "points: 1000000000000000000000000000000}"),
     "whole number of doses"),
    ("scan-points-fraction", _obs(**_EC50, scan="{stimulus: IL6, from: 0.001 ng/mL, "
                                                 "to: 10 ng/mL, points: 2.5}"),
     "whole number of doses"),
    ("scan-from-zero", _obs(**_EC50, scan="{stimulus: IL6, from: 0 ng/mL, to: 10 ng/mL}"),
     "must be above zero"),
    ("id-not-kebab", _obs(id="Bad_ID"), "not kebab-case"),
    ("missing-claim", _obs(claim=None), "missing required field"),
    ("source-number", _obs(source="5"), "expected {doi"),
    ("doi-bad", _obs(source="{doi: not-a-doi}"), "is not a DOI"),
    ("readout-bad", _obs(readout="STAT3"), "expected KIND:ENTITY"),
    ("expect-unknown", _obs(expect="increases"), "unknown expectation 'increases'"),
    ("falls-below-2", _obs(**{**_TRACE, "falls_below": "{fraction: 2, by: 4 h}"}),
     "out of range"),
    ("until-zero", _obs(**{**_TRACE, "expect": "sustained", "peak_between": None,
                           "falls_below": None, "until": "0 h"}), "until must be after"),
    ("fop-at-zero", _obs(at="0 min", expect="fraction_of_peak", test=None, control=None,
                         experiment="{cell: hepatocyte}", within="[0.1, 0.5]"),
     "at must be after t = 0"),
    ("test-string", _obs(test="hepatocyte"), "expected an experiment mapping"),
    ("observations-number", "observations: 5\n", "'observations' must hold a list"),
    ("top-level-extra", "observations: []\nextra: 1\n", "unknown top-level key 'extra'"),
    ("duplicate-ids", _obs() + _obs(), "duplicate id 'a-b'"),
    ("scalar-items", "- 1\n- 2\n", "expected an observation"),
]

PARAMETER_SETS = [
    ("value-nan", "parameters:\n- {id: kact_JAK_gp130, value: .nan, provenance: fitted}\n",
     "expected a finite non-negative number"),
    ("value-inf", "parameters:\n- {id: kact_JAK_gp130, value: .inf, provenance: fitted}\n",
     "expected a finite non-negative number"),
    ("value-negative", "parameters:\n- {id: kact_JAK_gp130, value: -1, provenance: fitted}\n",
     "expected a finite non-negative number"),
    ("value-text", "parameters:\n- {id: kact_JAK_gp130, value: fast, provenance: fitted}\n",
     "expected a finite non-negative number"),
    ("provenance-bad", "parameters:\n- {id: kact_JAK_gp130, value: 1, provenance: guess}\n",
     "expected one of literature"),
    ("unknown-id", "parameters:\n- {id: k_made_up, value: 1, provenance: fitted}\n",
     "override of unknown parameter"),
    ("not-a-list", "parameters: {id: kact_JAK_gp130}\n", "'parameters' list"),
    ("item-string", "parameters: [kact_JAK_gp130]\n", "expected a mapping"),
    ("non-utf8", b"parameters: []\n# \xff\n", "not UTF-8"),
    ("alias-bomb", BOMB, "expands to more than"),
]

# (case, knowledge file, text to replace (first occurrence), replacement, fragment)
KNOWLEDGE = [
    ("mw-nan", "entities.yaml", "mw_kda: 20.9}", "mw_kda: .nan}", "finite positive number"),
    ("mw-list", "entities.yaml", "mw_kda: 20.9}", "mw_kda: [20.9]}", "finite positive number"),
    ("drug-mw-negative", "drugs.yaml", "mw_kda: 148", "mw_kda: -148", "finite positive"),
    ("level-nan", "contexts.yaml", "IL7R: {level: 0,", "IL7R: {level: .nan,", "finite level"),
    ("expression-list", "contexts.yaml", "expression: {}", "expression: [IL6R, 2]",
     "expected a mapping entity"),
    ("receptor-list", "contexts.yaml", "IL6R: '+', LIFR", "IL6R: ['+'], LIFR",
     "expected '+', '-'"),
    ("provenance-text", "contexts.yaml", "  provenance: {ref: S_heinrich2003,",
     "  provenance: [1, 2]\n  note: {ref: S_heinrich2003,", "expected {ref, note}"),
    ("weight-nan", "phenotypes.yaml", "weight: 0.5,", "weight: .nan,",
     "expected a finite number"),
    ("drivers-mapping", "phenotypes.yaml", "  drivers:\n    - {readout: protein:CCND1",
     "  drivers:\n      x: {readout: protein:CCND1", "malformed YAML"),
    ("context-mapping", "interactions.yaml", "- id: IL6-binds-IL6R\n",
     "- id: IL6-binds-IL6R\n  context: {a: 1}\n", "expected a context id"),
    ("targets-string", "drugs.yaml", "  targets:\n", "  targets: JAK1\n  old_targets:\n",
     "expected a list of targets"),
    ("entities-non-utf8", "entities.yaml", "interleukin 6,", "interleukin \udcff6,",
     "not UTF-8"),
    ("parameters-nan", "parameters.yaml", "value: 1.0", "value: .nan",
     "expected a finite non-negative number"),
    ("observations-bad-id", "observations.yaml", "- id: il6-pstat3-induction",
     "- id: IL6_pSTAT3", "not kebab-case"),
    ("observations-at-inf", "observations.yaml", "  at: 30 min", "  at: 1e400 min",
     "not a finite number"),
]


def _write(path, content) -> None:
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)


def _messages(exc_or_problems) -> list[str]:
    probs = exc_or_problems.problems if isinstance(exc_or_problems, InputError) \
        else exc_or_problems
    return [str(p) for p in probs]


def _check(messages: list[str], fragment: str, name: str) -> None:
    assert messages, "no problem reported"
    assert any(fragment in m for m in messages), messages
    assert any(name in m for m in messages), messages  # located: the file is named


@pytest.mark.parametrize("case,content,fragment", EXPERIMENTS, ids=[c[0] for c in EXPERIMENTS])
def test_experiment_file(tmp_path, case, content, fragment):
    from cytonet.cli.simulate import load_experiments

    path = tmp_path / f"{case}.yaml"
    _write(path, content)
    with pytest.raises(InputError) as info:
        load_experiments(path)
    _check(_messages(info.value), fragment, path.name)


@pytest.mark.parametrize("case,content,fragment", OBSERVATIONS,
                         ids=[c[0] for c in OBSERVATIONS])
def test_observation_file(tmp_path, case, content, fragment):
    from cytonet.experiments.parse import load_observations

    path = tmp_path / f"{case}.yaml"
    _write(path, content)
    obs, problems = load_observations(str(path))
    _check(_messages(problems), fragment, path.name)


@pytest.mark.parametrize("case,content,fragment", PARAMETER_SETS,
                         ids=[c[0] for c in PARAMETER_SETS])
def test_parameter_set_file(tmp_path, case, content, fragment):
    from cytonet.compile.parameters import load_parameter_set

    path = tmp_path / f"{case}.yaml"
    _write(path, content)
    with pytest.raises(InputError) as info:
        load_parameter_set(path)
    _check(_messages(info.value), fragment, path.name)


@pytest.fixture(scope="module")
def clean_knowledge(tmp_path_factory):
    from cytonet.knowledge.load import DATA_DIR

    d = tmp_path_factory.mktemp("kb") / "data"
    shutil.copytree(DATA_DIR, d)
    return d


@pytest.mark.parametrize("case,name,old,new,fragment", KNOWLEDGE, ids=[c[0] for c in KNOWLEDGE])
def test_knowledge_folder(tmp_path, clean_knowledge, case, name, old, new, fragment):
    from cytonet.knowledge.lint import lint_knowledge

    d = tmp_path / "data"
    shutil.copytree(clean_knowledge, d)
    text = (d / name).read_text(encoding="utf-8")
    assert old in text, f"the curated {name} changed; update the corpus case {case}"
    text = text.replace(old, new, 1)
    (d / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    problems = [p for p in lint_knowledge(d) if p.severity == "error"]
    _check(_messages(problems), fragment, name)


def test_corpus_size():
    n = len(EXPERIMENTS) + len(OBSERVATIONS) + len(PARAMETER_SETS) + len(KNOWLEDGE) + \
        len(PETAB)
    assert n >= 80, n


# ------------------------------------------------------------------ PEtab tables
# (case, table file, column, data row (1-based), new value, fragment)
PETAB = [
    ("nominal-nan", "parameters.tsv", "nominalValue", 1, "nan", "expected a finite number"),
    ("nominal-inf", "parameters.tsv", "nominalValue", 2, "inf", "expected a finite number"),
    ("bound-text", "parameters.tsv", "upperBound", 1, "big", "expected a number"),
    ("noise-negative", "measurements.tsv", "noiseParameters", 1, "-0.3",
     "must not be negative"),
    ("noise-inf", "measurements.tsv", "noiseParameters", 1, "inf", "not a finite number"),
    ("measurement-nan", "measurements.tsv", "measurement", 1, "nan", "expected a finite number"),
    ("time-negative", "measurements.tsv", "time", 1, "-1", "expected a time >= 0"),
    ("time-text", "measurements.tsv", "time", 1, "soon", "expected a time >= 0"),
    ("condition-inf", "conditions.tsv", "kin", 1, "inf", "not a finite number"),
    ("condition-text", "conditions.tsv", "kin", 1, "lots", "neither a number nor"),
    ("observable-unknown", "measurements.tsv", "observableId", 1, "obsZ", "unknown observable"),
]


@pytest.mark.parametrize("case,table,column,row,value,fragment", PETAB,
                         ids=[c[0] for c in PETAB])
def test_petab_table(tmp_path, case, table, column, row, value, fragment):
    from robust_helpers import edit_cell, write_petab_problem

    from cytonet.calibrate.lint import lint_petab_problem

    yaml_path = write_petab_problem(tmp_path)
    edit_cell(tmp_path / table, row, column, value)
    problems = [p for p in lint_petab_problem(yaml_path, libpetab=False)
                if p.severity == "error"]
    _check(_messages(problems), fragment, table)


@pytest.mark.parametrize("content,fragment", [
    (b"measurement\xff\n", "not UTF-8"), (BOMB, "expands to more than")],
    ids=["tsv-non-utf8", "yaml-bomb"])
def test_petab_unreadable(tmp_path, content, fragment):
    from robust_helpers import write_petab_problem

    from cytonet.calibrate.lint import lint_petab_problem

    yaml_path = write_petab_problem(tmp_path)
    target = tmp_path / "measurements.tsv" if isinstance(content, bytes) else yaml_path
    _write(target, content)
    problems = lint_petab_problem(yaml_path, libpetab=False)
    _check(_messages(problems), fragment, target.name)


def test_every_case_is_a_project_error(tmp_path):
    """The readers raise only cytonet errors: a sample of the corpus through the CLI."""
    from cytonet.cli import main

    for case, content, _ in EXPERIMENTS[:12]:
        path = tmp_path / f"{case}.yaml"
        _write(path, content)
        try:
            rc = main(["simulate", str(path)])
        except CytonetError:  # pragma: no cover - main catches them
            raise
        assert rc == 2, case
