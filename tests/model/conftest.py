"""Shared fixtures for model tests: one compiled model and one simulator per session."""

from __future__ import annotations

import pytest

from cytonet.compile import compile_model
from cytonet.experiments.runner import get_simulator


@pytest.fixture(scope="session")
def model():
    return compile_model()


@pytest.fixture(scope="session")
def sim(model):
    """The process-wide simulator (the one ``cytonet.run`` uses)."""
    s = get_simulator()
    assert s.model is model
    return s
