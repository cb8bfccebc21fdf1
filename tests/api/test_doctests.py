"""The doctested examples of the public API run in the test suite (one test per module)."""

from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

import cytonet

#: modules whose docstring examples run here: the top-level API (``cytonet.__all__``) and
#: the modules behind it
DOCTESTED = ("cytonet", "cytonet.plotting", "cytonet.units", "cytonet.validation.run",
             "cytonet.experiments.types", "cytonet.experiments.parse",
             "cytonet.knowledge.export", "cytonet.logical.model", "cytonet.limits")


@pytest.mark.parametrize("name", DOCTESTED)
def test_module_doctests_pass(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no doctested example"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed"


@pytest.mark.parametrize("name", [n for n in cytonet.__all__ if n != "__version__"])
def test_every_public_function_has_a_doctested_example(name):
    import pint

    obj = getattr(cytonet, name)
    if isinstance(obj, pint.UnitRegistry) or (inspect.isclass(obj)
                                               and issubclass(obj, pint.Quantity)):
        # pint's registry and quantity class (pint documents them): cytonet's own docstring
        # shows them in a doctested example
        assert f">>> cytonet.{name}" in cytonet.__doc__
        return
    assert obj.__doc__ and ">>> " in obj.__doc__, f"cytonet.{name} has no example"
    assert obj.__module__ in DOCTESTED, f"the examples of {obj.__module__} are not collected"
