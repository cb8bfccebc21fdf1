"""Skip helpers for the logical-model tests (optional extra ``logical``; ../shared benchmarks)."""

from __future__ import annotations

from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / ".." / "shared" / "benchmarks"
LOGICAL = BENCHMARKS / "logical"
LITERATURE = BENCHMARKS.parent / "observations" / "literature.yaml"


def engines():
    """Skip unless mpbn and cmaboss are installed (pip install 'cytonet[logical]')."""
    pytest.importorskip("mpbn", reason="mpbn not installed (extra 'logical')")
    pytest.importorskip("cmaboss", reason="cmaboss not installed (extra 'logical')")


def require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"benchmark data not found: {path} (expected ../shared next to the repo)")
    return path.resolve()
