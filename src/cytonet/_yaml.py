"""YAML loading that remembers the line of every mapping, for located error messages."""

from __future__ import annotations

__all__ = ["LineDict", "load_yaml", "load_yaml_text", "line_of"]

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem


class LineDict(dict):
    """A dict that knows the 1-based line it started on, and the line of each key."""

    line: int | None = None
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "mapping keys must be scalars", key_node.start_mark
            )
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Keep times like 30:00 and dates as strings: the spec wants quantities as text.
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:timestamp",)]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# YAML 1.2 floats: '2e-05' and '1E3' are numbers (YAML 1.1 reads them as strings)
import re as _re  # noqa: E402

_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    _re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def load_yaml_text(text: str, name: str = "<string>") -> Any:
    """Parse YAML text; syntax errors become an InputError naming ``name`` and the line."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        msg = f"malformed YAML: {exc.problem or exc}"
        if exc.context:
            msg += f" ({exc.context})"
        raise InputError(Problem(msg, file=name, line=line)) from exc
    except yaml.YAMLError as exc:
        raise InputError(Problem(f"malformed YAML: {exc}", file=name)) from exc


def load_yaml(path: str | Path) -> Any:
    """Load a YAML file with line numbers; a missing file is an InputError."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(Problem(f"cannot read file: {exc.strerror}", file=str(p))) from exc
    return load_yaml_text(text, name=str(p))


def line_of(obj: Any, key: str | None = None) -> int | None:
    """Line of ``obj`` (a LineDict) or of its ``key``; None when unknown."""
    if isinstance(obj, LineDict):
        if key is not None and key in getattr(obj, "key_lines", {}):
            return obj.key_lines[key]
        return obj.line
    return None
