"""Shared fixtures for analysis tests: one compiled model per session, small questions."""

from __future__ import annotations

import pytest

from cytonet.compile import compile_model
from cytonet.experiments.types import Experiment

IL11_NM = 20.0 / 19.1  # 20 ng/mL IL-11 (19.1 kDa), as the experiment files convert it


@pytest.fixture(scope="session")
def model():
    return compile_model()


@pytest.fixture(scope="session")
def il11_lung():
    """IL-11 on lung cancer cells: IL-11 receptor signalling, IL-7 pathway unstimulated."""
    return Experiment(cell="lung_cancer", stimuli=(("IL11", IL11_NM),))


@pytest.fixture()
def question_file(tmp_path):
    path = tmp_path / "question.yaml"
    path.write_text("cell: lung_cancer\nstimuli: {IL11: 20 ng/mL}\n")
    return path
