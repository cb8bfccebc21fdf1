"""cytonet.run with units: times as strings, pint quantities or seconds; doses as pint
quantities; a unit column that survives a pivot; located errors for malformed times."""

from __future__ import annotations

import numpy as np
import pint
import pytest

import cytonet
from cytonet.errors import InputError, UnitError
from cytonet.experiments.parse import parse_experiment
from cytonet.units import parse_times

IL6 = {"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}}
READOUTS = ["phospho:STAT3", "phenotype:invasion"]


@pytest.fixture(scope="module")
def in_seconds():
    return cytonet.run(IL6, readouts=READOUTS, times=[1800, 7200])


@pytest.mark.parametrize("times", [
    ["30 min", "2 h"],
    ("0.5 hour", "120 min"),
    cytonet.Q_([30, 120], "minute"),
    [cytonet.Q_(30, "minute"), "2 h"],
    [pint.UnitRegistry().Quantity(0.5, "hour"), 7200.0],  # another registry's quantity
    np.array([1800, 7200]),
], ids=["strings", "tuple", "array-quantity", "mixed", "foreign-registry", "numpy"])
def test_times_with_units_equal_seconds(in_seconds, times):
    df = cytonet.run(IL6, readouts=READOUTS, times=times)
    assert sorted(set(df["time_s"])) == [0.0, 1800.0, 7200.0]
    np.testing.assert_array_equal(df["value"].to_numpy(), in_seconds["value"].to_numpy())


def test_one_time_string():
    df = cytonet.run(IL6, times="1 h")
    assert df["time_s"].tolist() == [0.0, 3600.0] and set(df["readout"]) == {"phospho:STAT3"}


def test_pint_doses_equal_dose_strings(in_seconds):
    ureg = pint.UnitRegistry()
    for dose in (cytonet.Q_(10, "ng/mL"), ureg.Quantity(10, "ng/mL"), ureg.Quantity(0.01, "ug/mL")):
        df = cytonet.run({"cell": "hepatocyte", "stimuli": {"IL6": dose}}, readouts=READOUTS,
                         times=[1800, 7200])
        np.testing.assert_allclose(df["value"], in_seconds["value"], rtol=1e-9)
    # a drug dose too (the experiment equals the one written with a string)
    a = parse_experiment({**IL6, "perturbations": [{"drug": "ruxolitinib",
                                                      "dose": ureg.Quantity(1, "uM")}]})
    b = parse_experiment({**IL6, "perturbations": [{"drug": "ruxolitinib", "dose": "1 uM"}]})
    assert a == b


def test_unit_column_survives_pivot(in_seconds):
    df = in_seconds
    assert list(df.columns) == ["experiment", "time_s", "time_h", "readout", "value", "unit"]
    assert dict(zip(df["readout"], df["unit"], strict=True)) == {"phospho:STAT3": "nM",
                                                                 "phenotype:invasion": "score"}
    assert df.attrs["units"] == {"phospho:STAT3": "nM", "phenotype:invasion": "score"}
    wide = df.pivot_table(index="time_h", columns=["readout", "unit"], values="value")
    assert set(wide.columns) == {("phospho:STAT3", "nM"), ("phenotype:invasion", "score")}
    assert set(df["experiment"]) == {"hepatocyte, IL6 10 ng/mL"}


@pytest.mark.parametrize(("times", "message"), [
    (["30 min", "30 minn"], "field 'times[1]': cannot read quantity '30 minn': expected a "
                            "number and a unit"),
    ("30 nM", "field 'times': expected a time (s, min, h, d), got '30 nM'"),
    (["1 h", "-5 min"], "field 'times[1]': negative quantity '-5 min' is not allowed"),
    ([0, -1], "field 'times[1]': expected a time from 0 on (seconds), got -1"),
    ([0, float("nan")], "field 'times[1]': expected a time from 0 on (seconds), got nan"),
    ("400 d", "field 'times': time '400 d' is longer than a year"),
    (["1 h", None], "field 'times[1]': expected a time such as '30 min', a pint Quantity or "
                    "a number of seconds; got NoneType None"),
    (["30"], "field 'times[0]': bare number '30' has no unit"),
    ([], "field 'times': no times given"),
    ({"t": 1}, "field 'times': expected times such as"),
    (cytonet.Q_(5, "dimensionless"), "field 'times': quantity <Quantity(5, 'dimensionless')> "
                                     "has no unit"),
])
def test_malformed_times_are_located_unit_errors(times, message):
    with pytest.raises(UnitError) as exc:
        parse_times(times)
    assert message in str(exc.value)
    assert isinstance(exc.value, InputError)


def test_run_rejects_a_malformed_time_with_the_located_message():
    with pytest.raises(UnitError, match=r"^field 'times\[1\]': cannot read quantity '30 minn'"):
        cytonet.run(IL6, times=["0 min", "30 minn"])


@pytest.mark.parametrize(("dose", "message"), [
    (cytonet.Q_(10, "dimensionless"), "has no unit"),
    (cytonet.Q_(10, "minute"), "expected a concentration"),
    (cytonet.Q_([1, 2], "nM"), "expected one quantity, got an array of 2"),
    (cytonet.Q_(-1, "nM"), "negative quantity"),
])
def test_bad_pint_doses_are_located(dose, message):
    with pytest.raises(InputError) as exc:
        parse_experiment({"cell": "hepatocyte", "stimuli": {"IL6": dose}})
    text = str(exc.value)
    assert "field 'stimuli.IL6'" in text and message in text
