"""The shape pass of the YAML readers: allowed keys and value types as pydantic models.

A reader declares each item's shape as a :class:`Shape` (``extra='forbid'``, strict types);
a field's ``description`` is what the message says was expected (``"expected text"``).
:func:`shape_errors` validates one mapping and turns pydantic's ValidationError into plain
``(key, message)`` pairs, unknown keys first (in the order written, with a close match
suggested), then one per field whose value has the wrong type (in the order declared); the
reader adds its file, line and item to each. The meaning pass (names, units, ranges) stays
with the reader and reads only the fields that passed.

>>> class Falls(Shape):
...     fraction: float | None = Field(None, description="expected a number")
>>> shape_errors(Falls, {"fraction": "half", "by": "4 h"}, "falls_below")
[('by', "unknown key 'by' in falls_below (allowed: fraction)"), ('fraction', "expected a number, got 'half'")]
"""

from __future__ import annotations

__all__ = ["Field", "Shape", "allowed_keys", "shape_errors", "suggest"]

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Shape(BaseModel):
    """Base of the item shapes: no unknown keys, no type coercion ('1' is not 1)."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False,
                              arbitrary_types_allowed=True)


def allowed_keys(shape: type[Shape]) -> tuple[str, ...]:
    """The keys an item of ``shape`` may have, as written in files (aliases such as 'from')."""
    return tuple(f.alias or name for name, f in shape.model_fields.items())


def suggest(key: Any, allowed) -> str:
    """``"; did you mean 'X'?"`` for the closest allowed key, else ``""``."""
    close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def shape_errors(shape: type[Shape], obj: Mapping, what: str) -> list[tuple[str, str]]:
    """``(key, message)`` for every unknown key and wrongly typed value of ``obj``.

    ``what`` names the item in the unknown-key message ("an experiment", "a scan")."""
    try:
        shape.model_validate(dict(obj))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    else:
        return []
    allowed = allowed_keys(shape)
    by_alias = {f.alias or name: f for name, f in shape.model_fields.items()}
    unknown, typed, seen = [], [], set()
    for err in errors:
        key = str(err["loc"][0]) if err["loc"] else ""
        if err["type"] in ("extra_forbidden", "invalid_key"):  # invalid: a key that is no text
            unknown.append((key, f"unknown key {key!r} in {what}{suggest(key, allowed)} "
                                 f"(allowed: {', '.join(allowed)})"))
        elif key not in seen:  # a union reports each of its members; one message per key
            seen.add(key)
            expected = by_alias[key].description or f"expected {err['msg'].lower()}"
            typed.append((key, f"{expected}, got {err['input']!r}"))
    order = {str(k): i for i, k in enumerate(obj)}
    unknown.sort(key=lambda e: order.get(e[0], 0))
    declared = {k: i for i, k in enumerate(allowed)}
    typed.sort(key=lambda e: declared.get(e[0], 0))
    return unknown + typed
