"""YAML loading that remembers the line of every mapping, for located error messages.

Every file goes through the input limits of :mod:`cytonet.limits` before it is built into
Python objects: its size, UTF-8 decoding (a located error for anything else), nesting
depth, the length of each text value, the number of aliases and the size of the document
once aliases are expanded (a 390-byte alias bomb is refused in milliseconds). The event
pass that checks them is iterative, so deep nesting never reaches a recursive parser.
"""

from __future__ import annotations

__all__ = ["LineDict", "load_yaml", "load_yaml_text", "line_of", "read_text", "decode_text"]

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem
from .limits import limit, limit_note, quote, show


class LineDict(dict):
    """A dict that knows the 1-based line it started on, and the line of each key."""

    line: int | None = None
    key_lines: dict[str, int]


# libyaml (when built in) checks the limits 15x faster; the document itself is built by the
# pure-Python loader, whose syntax messages the tests and users know.
_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def _refuse(msg: str, name: str, mark=None) -> InputError:
    return InputError(Problem(msg, file=name, line=mark.line + 1 if mark is not None else None))


def _check_events(text: str, name: str) -> None:
    """Depth, string length and alias count, from the parser's events (no objects built).
    A syntax error found by libyaml is left to the pure-Python parser to report."""
    try:
        _scan_events(text, name, _FastLoader)
    except yaml.YAMLError:
        if _FastLoader is yaml.SafeLoader:
            raise
        _scan_events(text, name, yaml.SafeLoader)


def _scan_events(text: str, name: str, loader) -> None:
    max_depth, max_chars = limit("yaml_depth"), limit("string_chars")
    max_aliases = limit("yaml_aliases")
    depth = aliases = 0
    for ev in yaml.parse(text, Loader=loader):
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > max_depth:
                raise _refuse(f"lists and mappings are nested more than {show(max_depth)} levels "
                              f"deep ({limit_note('yaml_depth')})", name, ev.start_mark)
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(ev, yaml.ScalarEvent):
            if len(ev.value) > max_chars:
                raise _refuse(f"a text value of {len(ev.value)} characters is longer than "
                              f"{show(max_chars)} (it begins {quote(ev.value[:40])}; "
                              f"{limit_note('string_chars')})", name, ev.start_mark)
        elif isinstance(ev, yaml.AliasEvent):
            aliases += 1
            if aliases > max_aliases:
                raise _refuse(f"more than {show(max_aliases)} YAML aliases (*name) "
                              f"({limit_note('yaml_aliases')})", name, ev.start_mark)


def _check_expansion(node, name: str) -> None:
    """The number of nodes the document has once every alias is expanded (memoised walk;
    iterative, so the depth limit is the only recursion bound)."""
    top = limit("yaml_nodes")
    size: dict[int, int] = {}
    stack = [(node, False)]
    while stack:
        n, done = stack.pop()
        if id(n) in size:
            continue
        kids = [c for pair in n.value for c in pair] if isinstance(n, yaml.MappingNode) else             (n.value if isinstance(n, yaml.SequenceNode) else [])
        if not done:
            stack.append((n, True))
            stack.extend((c, False) for c in kids if id(c) not in size)
            continue
        size[id(n)] = 1 + sum(size.get(id(c), 1) for c in kids)
        if size[id(n)] > top:
            raise _refuse(f"the document expands to more than {show(top)} values through its YAML "
                          f"aliases ({limit_note('yaml_nodes')})", name, n.start_mark)


def _load(text: str, name: str) -> Any:
    _check_events(text, name)
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, name)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_yaml_text(text: str, name: str = "<string>") -> Any:
    """Parse YAML text; syntax errors become an InputError naming ``name`` and the line."""
    try:
        return _load(text, name)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        msg = f"malformed YAML: {exc.problem or exc}"
        if exc.context:
            msg += f" ({exc.context})"
        raise InputError(Problem(msg, file=name, line=line)) from exc
    except yaml.YAMLError as exc:
        raise InputError(Problem(f"malformed YAML: {exc}", file=name)) from exc
    except (RecursionError, MemoryError) as exc:  # beyond the limits above: never a traceback
        raise InputError(Problem(f"YAML too deeply nested or too large to read "
                                 f"({type(exc).__name__})", file=name)) from exc


def read_text(path: str | Path) -> str:
    """A text input file, checked: it exists, is a file, is within ``limit('file_bytes')``
    and is UTF-8 (a located error naming the line and byte offset otherwise)."""
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(Problem("expected a file, got a folder", file=str(p)))
        size = p.stat().st_size
        top = limit("file_bytes")
        if size > top:
            raise InputError(Problem(f"the file is {size} bytes, more than {show(top)} "
                                     f"({limit_note('file_bytes')})", file=str(p)))
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(Problem(f"cannot read file: {exc.strerror or exc}", file=str(p))) \
            from exc
    except ValueError as exc:  # a name the OS cannot take, e.g. with a NUL byte
        raise InputError(Problem(f"cannot read file: not a usable file name ({exc})",
                                 file=repr(str(p)))) from exc
    return decode_text(data, str(p))


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text of ``data`` (a BOM is dropped); other bytes are a located InputError."""
    if len(data) > limit("file_bytes"):
        raise InputError(Problem(f"the input is {len(data)} bytes, more than "
                                 f"{show(limit('file_bytes'))} ({limit_note('file_bytes')})",
                                 file=name))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(Problem(f"not UTF-8 text: byte {data[exc.start]:#04x} at offset "
                                 f"{exc.start} cannot be decoded (is it a binary file? save "
                                 "it as UTF-8)", file=name, line=line)) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(Problem("not a text file: it holds a NUL byte (is it a binary file?)",
                                 file=name, line=line))
    return text


def load_yaml(path: str | Path) -> Any:
    """Load a YAML file with line numbers; a missing, oversized or non-UTF-8 file, or one
    beyond the limits of :mod:`cytonet.limits`, is an InputError."""
    p = Path(path)
    return load_yaml_text(read_text(p), name=str(p))


def line_of(obj: Any, key: str | None = None) -> int | None:
    """Line of ``obj`` (a LineDict) or of its ``key``; None when unknown."""
    if isinstance(obj, LineDict):
        if key is not None and key in getattr(obj, "key_lines", {}):
            return obj.key_lines[key]
        return obj.line
    return None
