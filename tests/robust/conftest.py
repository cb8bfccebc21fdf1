"""The 10,000-case fuzz runs are ``slow``: they run when selected (``pytest -m slow
tests/robust``, about 6 minutes on two cores), not in the default suite."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config, items):
    if "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="10,000-case fuzz run: select it with pytest -m slow")
    for item in items:
        if "slow" in item.keywords and "robust" in str(item.path):
            item.add_marker(skip)
