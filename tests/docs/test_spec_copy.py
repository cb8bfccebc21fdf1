"""docs/experiments.md is the shared format contract, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_SPEC = ROOT.parent / "shared" / "spec" / "experiments.md"


def test_docs_experiments_is_identical_to_the_shared_spec():
    if not SHARED_SPEC.is_file():
        pytest.skip(f"shared spec not found: {SHARED_SPEC} (expected ../shared next to the repo)")
    copy = ROOT / "docs" / "experiments.md"
    assert copy.is_file(), "docs/experiments.md is missing: copy ../shared/spec/experiments.md"
    assert copy.read_bytes() == SHARED_SPEC.read_bytes(), (
        "docs/experiments.md differs from ../shared/spec/experiments.md: copy it again "
        "(cp ../shared/spec/experiments.md docs/)")
