"""Fixtures for calibrate tests: the Boehm problem and writable copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from calibrate_helpers import BOEHM, require


@pytest.fixture(scope="session")
def boehm_yaml() -> Path:
    return require(BOEHM)


@pytest.fixture(scope="session")
def boehm_problem(boehm_yaml):
    from cytonet.calibrate.petab_problem import load_petab_problem

    return load_petab_problem(boehm_yaml)


@pytest.fixture
def boehm_copy(tmp_path, boehm_yaml) -> Path:
    """A writable copy of the Boehm problem in tmp_path (to be broken by a test)."""
    for f in boehm_yaml.parent.iterdir():
        shutil.copy(f, tmp_path / f.name)
    return tmp_path / boehm_yaml.name
