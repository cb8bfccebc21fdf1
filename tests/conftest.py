"""Runs of many minutes each are marked ``heavy`` and run only when selected (``pytest -m
heavy``, optionally with a folder): the 10,000-case fuzz runs of ``tests/robust`` (about 6
minutes on two cores) and the README's expensive commands run as written in
``tests/cli/test_readme.py`` (fit --starts 20, sensitivity, screen, ensembles of 200 members,
report --ensemble 20, whole-suite validations: about 40 minutes). ``slow`` (seconds to a
minute) stays in the default suite."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config, items):
    if "heavy" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="a run of many minutes: select it with pytest -m heavy")
    for item in items:
        if "heavy" in item.keywords:
            item.add_marker(skip)
