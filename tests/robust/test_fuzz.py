"""Property-based fuzzing of the readers: any input gives a result or a cytonet error.

Each reader (YAML text, quantities, experiments, observations, PEtab tables) is fuzzed
with mostly well-shaped inputs whose leaves are hostile (NaN, inf, huge integers, wrong
types, broken units, nested containers). The default run tries a few hundred cases per
reader; the ``heavy`` run (opt-in, ``-m heavy``) 10,000 per reader. Only :class:`cytonet.errors.CytonetError`
may come out; anything else (TypeError, RecursionError, pint's errors...) fails the test.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cytonet.errors import CytonetError

DEFAULT, SLOW = 300, 10_000


def fuzz(n: int):
    return settings(max_examples=n, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


# ------------------------------------------------------------------ strategies
UNITS = ["nM", "uM", "µM", "mM", "M", "pM", "ng/mL", "ng/ml", "ug/mL", "pg/mL", "min", "h", "s",
         "d", "%", "ng/(mL", "÷", "ng/mL**", "kg", "m", "1/s", "", "nM nM", ")", "__import__",
         "ng/mL/", "hour**-1", "mol/L", "dimensionless", "parsec"]
NUMBERS = ["0", "1", "10", "-1", "1e400", "-1e400", "nan", "inf", "1e-400", ".5", "1.", "1e3",
           "007", "1_000", "0x10", "1e", "--1", "+2", "1" * 40]
NAMES = ["IL6", "IL-6", "IL11", "OSM", "LIF", "IL7", "STAT3", "JAK1", "SOCS3", "hepatocyte",
         "macrophage", "generic", "ruxolitinib", "tocilizumab", "glucose", "oxygen", "estradiol",
         "mannose", "phospho:STAT3", "mRNA:SOCS3", "phenotype:invasion", "active:JAK1", "x",
         "", " ", "IL6R", "invasion", "protein:MYC"]


@st.composite
def quantity_text(draw):
    return f"{draw(st.sampled_from(NUMBERS))}{draw(st.sampled_from(['', ' ', '  ']))}" \
           f"{draw(st.sampled_from(UNITS))}"


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(NAMES), quantity_text())
values = st.recursive(scalars, lambda c: st.lists(c, max_size=3) |
                      st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=6), c,
                                      max_size=3), max_leaves=8)
leaf = st.one_of(quantity_text(), scalars, values)


def _mapping(required: dict, optional: dict):
    extra = st.dictionaries(st.text(max_size=8), values, max_size=2)
    return st.builds(lambda a, b: {**b, **a}, st.fixed_dictionaries(required, optional=optional),
                     extra)


perturbation = st.one_of(
    st.fixed_dictionaries({"knockdown": st.sampled_from(NAMES)}, optional={"efficiency": leaf}),
    st.fixed_dictionaries({"overexpress": st.sampled_from(NAMES)}, optional={"fold": leaf}),
    st.fixed_dictionaries({"drug": st.sampled_from(NAMES) | leaf}, optional={"dose": leaf}),
    st.fixed_dictionaries({"knockout": leaf}),
    values)
experiment = st.one_of(
    _mapping({}, {"cell": st.sampled_from(NAMES) | leaf,
                  "stimuli": st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=5),
                                             leaf, max_size=3) | leaf,
                  "conditions": st.dictionaries(st.sampled_from(NAMES), leaf, max_size=3) | leaf,
                  "perturbations": st.lists(perturbation, max_size=3) | leaf}),
    values)
time_pair = st.lists(quantity_text() | leaf, min_size=0, max_size=3)
observation = _mapping(
    {"id": st.sampled_from(["a-b", "x", "Bad_ID", ""]) | leaf,
     "claim": st.just("a claim") | leaf,
     "source": st.just({"doi": "10.1000/xyz"}) | leaf,
     "readout": st.sampled_from(NAMES) | leaf,
     "expect": st.sampled_from(["increase", "decrease", "no_change", "abrogates", "transient",
                                "sustained", "ec50", "ic50", "peak_time", "ratio",
                                "fraction_of_peak", "up"]) | leaf},
    {"at": quantity_text() | leaf, "statistic": st.sampled_from(["max", "auc", "mean"]) | leaf,
     "window": time_pair, "test": experiment, "control": experiment, "baseline": experiment,
     "experiment": experiment, "fold": leaf, "tolerance": leaf, "by": leaf,
     "peak_between": time_pair,
     "falls_below": st.fixed_dictionaries({}, optional={"fraction": leaf, "by": leaf}) | leaf,
     "until": quantity_text() | leaf, "fraction": leaf, "within": time_pair,
     "scan": st.fixed_dictionaries({}, optional={"stimulus": st.sampled_from(NAMES) | leaf,
                                                 "drug": st.sampled_from(NAMES),
                                                 "from": quantity_text() | leaf,
                                                 "to": quantity_text() | leaf,
                                                 "points": leaf}) | leaf})
yaml_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(["a:", " b", "- ", "[", "]", "{", "}", "&x ", "*x", "<<: *x",
                              "!!python/object:os.system", "!!binary", "\n", "  ", ": ", ",",
                              "'", '"', "? ", "|", ">", "#", "---", "...", "%YAML 1.1",
                              "1e400", ".nan", "\t", "\x00", "\ufeff", "é"]),
             max_size=60).map("".join))


# ------------------------------------------------------------------ properties
def _only_cytonet_errors(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except CytonetError:
        return None


def check_yaml(text: str) -> None:
    from cytonet._yaml import load_yaml_text
    _only_cytonet_errors(load_yaml_text, text, "fuzz.yaml")


def check_quantity(text, kind) -> None:
    from cytonet.units import parse_quantity, to_seconds
    q = _only_cytonet_errors(parse_quantity, text, kind=kind)
    if q is not None:
        assert math.isfinite(float(q.magnitude)) and q.magnitude >= 0
        if kind == "time":
            assert math.isfinite(to_seconds(q))


def check_experiment(obj) -> None:
    from cytonet.experiments.parse import parse_experiment
    exp = _only_cytonet_errors(parse_experiment, obj)
    if exp is not None:  # whatever parses is in range: finite, plausible doses
        for _, dose in exp.stimuli:
            assert math.isfinite(dose) and 0 <= dose <= 1e6
        for p in exp.perturbations:
            for v in (p.efficiency, p.fold, p.dose_nM):
                assert v is None or math.isfinite(v)


def check_observations(items) -> None:
    from cytonet.experiments.parse import load_observations
    obs, problems = load_observations(items)
    for o in obs:
        assert math.isfinite(o.end_s) and o.end_s >= 0
        assert len(o.sample_times(5)) >= 1
    assert all(str(p) for p in problems)


@pytest.fixture(scope="module")
def catalog():
    from cytonet.knowledge import default_catalog
    return default_catalog()


@fuzz(DEFAULT)
@given(yaml_text)
def test_yaml_reader(text):
    check_yaml(text)


@pytest.mark.heavy
@fuzz(SLOW)
@given(yaml_text)
def test_yaml_reader_10k(text):
    check_yaml(text)


@fuzz(DEFAULT)
@given(quantity_text() | leaf, st.sampled_from(["time", "concentration", "percent", None]))
def test_quantity_reader(text, kind):
    check_quantity(text, kind)


@pytest.mark.heavy
@fuzz(SLOW)
@given(quantity_text() | leaf, st.sampled_from(["time", "concentration", "percent", None]))
def test_quantity_reader_10k(text, kind):
    check_quantity(text, kind)


@fuzz(DEFAULT)
@given(experiment)
def test_experiment_reader(catalog, obj):
    check_experiment(obj)


@pytest.mark.heavy
@fuzz(SLOW)
@given(experiment)
def test_experiment_reader_10k(catalog, obj):
    check_experiment(obj)


@fuzz(DEFAULT)
@given(st.lists(observation, min_size=1, max_size=2) | values)
def test_observation_reader(catalog, items):
    check_observations(items)


@pytest.mark.heavy
@fuzz(SLOW)
@given(st.lists(observation, min_size=1, max_size=2) | values)
def test_observation_reader_10k(catalog, items):
    check_observations(items)


# ------------------------------------------------------------------ PEtab tables
CELLS = ["", "0", "1", "-1", "nan", "inf", "-inf", "1e400", "x", "k", "scale", "obsA", "stim",
         "ctrl", "lin", "log10", "log", "normal", "laplace", "1;2", ";", "A", "A +", "k*A",
         "observableParameter1_obsA", "noiseParameter1_obsA", "0.3", "é", "=1+1", " ", "None"]


@pytest.fixture(scope="module")
def petab_tables(tmp_path_factory):
    from robust_helpers import write_petab_problem

    from cytonet.calibrate._sbml import read_sbml_symbols
    from cytonet.calibrate.lint import read_petab_tables

    tables = read_petab_tables(write_petab_problem(tmp_path_factory.mktemp("petab")))
    return tables, read_sbml_symbols(tables.sbml_path)


def check_petab(petab_tables, edits) -> None:
    import copy

    from cytonet.calibrate.lint import lint_petab_tables

    tables, sbml = petab_tables
    t = copy.copy(tables)
    t.tables = {k: v.copy() for k, v in tables.tables.items()}
    for table, row, col, value in edits:
        frame = t.tables[table]
        cols = [c for c in frame.columns if not c.startswith("__")]
        frame.iat[row % len(frame), frame.columns.get_loc(cols[col % len(cols)])] = value
    problems = _only_cytonet_errors(lint_petab_tables, t, sbml)
    assert problems is None or all(str(p) for p in problems)


petab_edits = st.lists(st.tuples(st.sampled_from(["parameter", "condition", "observable",
                                                  "measurement"]),
                                 st.integers(0, 5), st.integers(0, 8),
                                 st.sampled_from(CELLS) | st.text(max_size=8)),
                       min_size=1, max_size=4)


@fuzz(DEFAULT)
@given(petab_edits)
def test_petab_reader(petab_tables, edits):
    check_petab(petab_tables, edits)


@pytest.mark.heavy
@fuzz(SLOW)
@given(petab_edits)
def test_petab_reader_10k(petab_tables, edits):
    check_petab(petab_tables, edits)
