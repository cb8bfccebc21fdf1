"""Fixtures for the knowledge tests: the shipped knowledge base and editable copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cytonet.knowledge import DATA_DIR, load_knowledge


@pytest.fixture(scope="session")
def kb():
    return load_knowledge()


class DataCopy:
    """A copy of the shipped data files that a test breaks with small text edits."""

    def __init__(self, root: Path):
        self.dir = root / "data"
        shutil.copytree(DATA_DIR, self.dir)

    def path(self, name: str) -> Path:
        return self.dir / f"{name}.yaml"

    def edit(self, name: str, old: str, new: str, *, after: str | None = None) -> int:
        """Replace the first ``old`` (after the first ``after``, if given) in ``name``.yaml.

        Returns the 1-based line where the replacement starts.
        """
        p = self.path(name)
        text = p.read_text(encoding="utf-8")
        start = 0
        if after is not None:
            start = text.index(after)
        pos = text.index(old, start)
        p.write_text(text[:pos] + new + text[pos + len(old):], encoding="utf-8")
        return text.count("\n", 0, pos) + 1

    def line_of(self, name: str, text: str) -> int:
        """1-based line of the first occurrence of ``text`` in ``name``.yaml."""
        content = self.path(name).read_text(encoding="utf-8")
        return content.count("\n", 0, content.index(text)) + 1

    def where(self, name: str, line: int) -> str:
        return f"{self.path(name)}:{line}: "


@pytest.fixture
def data(tmp_path) -> DataCopy:
    return DataCopy(tmp_path)
