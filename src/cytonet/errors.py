"""Exception hierarchy for cytonet; imports nothing from the package."""

from __future__ import annotations

__all__ = [
    "CytonetError",
    "InputError",
    "KnowledgeError",
    "UnknownNameError",
    "UnitError",
    "ExperimentError",
    "SimulationError",
    "SteadyStateError",
    "PetabError",
    "Problem",
]

import os
from dataclasses import dataclass

# Files inside the installed package are shown relative to it ("data/interactions.yaml").
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# One problem's message is clipped to this many characters (see cytonet.limits).
MESSAGE_CHARS = 1000


def _display_path(file: str) -> str:
    path = os.path.abspath(file)
    if path.startswith(_PACKAGE_DIR + os.sep):
        return os.path.relpath(path, _PACKAGE_DIR).replace(os.sep, "/")
    return file


def _short(text: object, n: int = 80) -> str:
    """An item or field name as shown: a long one (a 50 MB cell name) is cut."""
    text = str(text)
    return text if len(text) <= n else f"{text[:n]}... ({len(text)} characters)"


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file.

    ``str(problem)`` gives ``file:line: item: field 'f': message``; parts that are
    unknown are left out. Files of the package's own data read ``data/NAME.yaml``.
    """

    message: str
    file: str | None = None
    line: int | None = None
    item: str | None = None
    field: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = _display_path(self.file) + (f":{self.line}" if self.line else "") + ": "
        item = f"{_short(self.item)}: " if self.item else ""
        fld = f"field '{_short(self.field)}': " if self.field else ""
        msg = self.message
        if len(msg) > MESSAGE_CHARS:
            msg = f"{msg[:MESSAGE_CHARS]}... [{len(msg) - MESSAGE_CHARS} more characters]"
        return f"{where}{item}{fld}{msg}"


class CytonetError(Exception):
    """Base class of every error cytonet raises on purpose."""


class InputError(CytonetError, ValueError):
    """Bad user input; carries one or more located problems."""

    def __init__(self, problems: Problem | str | list[Problem]):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class KnowledgeError(InputError):
    """The curated knowledge base is malformed or inconsistent."""


class UnknownNameError(InputError, KeyError):
    """A name that resolves to no entity, drug, context or stimulus."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return "\n".join(str(p) for p in self.problems)


class UnitError(InputError):
    """A quantity without a unit, with the wrong dimension, or out of range."""


class ExperimentError(InputError):
    """An experiment or observation that does not follow the shared format."""


class PetabError(InputError):
    """A PEtab problem with missing or inconsistent tables."""


class SimulationError(CytonetError, RuntimeError):
    """The solver failed."""


class SteadyStateError(SimulationError):
    """Pre-equilibration did not reach a steady state."""
