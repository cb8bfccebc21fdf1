"""The 10,000-case fuzz runs are ``slow``: they run when selected (``pytest -m slow
tests/robust``, about 6 minutes on two cores), not in the default suite."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    if "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="10,000-case fuzz run: select it with pytest -m slow")
    for item in items:
        if "slow" in item.keywords and HERE in Path(item.path).resolve().parents:
            item.add_marker(skip)
