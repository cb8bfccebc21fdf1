"""The pydantic shape pass (cytonet._shape) and the located messages the readers build on it."""

from __future__ import annotations

import doctest

import pytest

import cytonet._shape as shape_module
from cytonet._shape import Field, Shape, allowed_keys, shape_errors
from cytonet.errors import ExperimentError
from cytonet.experiments.parse import EXPERIMENT_KEYS, load_observations, parse_experiment


class _Scan(Shape):
    stimulus: str | None = Field(None, description="expected a stimulus name")
    from_: object = Field(None, alias="from")


def test_doctests():
    assert doctest.testmod(shape_module).failed == 0


def test_unknown_keys_in_written_order_then_types_in_declared_order():
    errors = shape_errors(_Scan, {"zz": 1, "stimulus": 3, "form": "1 nM", 7: 1}, "a scan")
    assert errors == [
        ("zz", "unknown key 'zz' in a scan (allowed: stimulus, from)"),
        ("form", "unknown key 'form' in a scan; did you mean 'from'? (allowed: stimulus, from)"),
        ("7", "unknown key '7' in a scan (allowed: stimulus, from)"),
        ("stimulus", "expected a stimulus name, got 3"),
    ]
    assert allowed_keys(_Scan) == ("stimulus", "from")
    assert shape_errors(_Scan, {"stimulus": "IL6", "from": "1 nM"}, "a scan") == []


def test_strict_types_do_not_coerce():
    assert shape_errors(_Scan, {"stimulus": b"IL6"}, "a scan") == [
        ("stimulus", "expected a stimulus name, got b'IL6'")]


def test_experiment_shape_messages_are_located():
    with pytest.raises(ExperimentError) as exc:
        parse_experiment({"cell": "hepatocyte", "stimuli": ["IL6"], "perturbation": []})
    messages = [str(p) for p in exc.value.problems]
    assert messages[0].endswith("field 'perturbation': unknown key 'perturbation' in an "
                                "experiment; did you mean 'perturbations'? (allowed: "
                                + ", ".join(EXPERIMENT_KEYS) + ")")
    assert "field 'stimuli': expected a mapping of stimulus to dose such as {IL6: 10 ng/mL}, " \
           "got ['IL6']" in messages[1]


def test_observation_shape_messages_carry_file_line_item_field(tmp_path):
    f = tmp_path / "obs.yaml"
    f.write_text("- id: my-finding\n  claim: [not, text]\n  source: {doi: 10.1/x, note: 3}\n"
                 "  readout: phospho:STAT3\n  test: {cell: hepatocyte}\n"
                 "  control: {cell: hepatocyte}\n  expect: increase\n", encoding="utf-8")
    obs, problems = load_observations(str(f))
    assert obs == []
    text = [str(p) for p in problems]
    assert f"{f}:2: my-finding: field 'claim': expected text, got ['not', 'text']" in text
    assert f"{f}:3: my-finding: field 'source.note': expected text, got 3" in text
