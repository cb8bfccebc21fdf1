"""Input limits, in one place: every reader and command checks its input against these.

Each limit has a name, a default and a reason. A limit that a careful user may need to
raise (a bigger file, more points) reads the environment variable ``CYTONET_LIMIT_<NAME>``
(e.g. ``CYTONET_LIMIT_FILE_BYTES=20000000``); the error that refuses an input names the
limit, its value and that variable. Plausibility limits on doses and times (a dose above
1 mM of a cytokine is a typing mistake) are not raisable.

>>> limit("yaml_depth")
50
>>> quote("x" * 500)[:12], len(quote("x" * 500)) < 120
("'xxxxxxxxxxx", True)
"""

from __future__ import annotations

__all__ = ["LIMITS", "Limit", "limit", "limit_note", "quote", "clip", "is_finite_number",
           "cap_workers", "check_points", "show", "MESSAGE_CHARS", "QUOTE_CHARS"]

import math
import os
from dataclasses import dataclass

from .errors import MESSAGE_CHARS, InputError, Problem


@dataclass(frozen=True)
class Limit:
    """One named limit: its default, unit (for messages) and whether a user may raise it."""

    name: str
    default: float
    unit: str
    why: str
    raisable: bool = True

    @property
    def env(self) -> str:
        return f"CYTONET_LIMIT_{self.name.upper()}"


_ALL = (
    # files
    Limit("file_bytes", 2_000_000, "bytes", "size of one input file (YAML, TSV)"),
    Limit("yaml_aliases", 100, "aliases", "YAML aliases (*name) in one file"),
    Limit("yaml_nodes", 1_000_000, "nodes", "YAML nodes once aliases are expanded"),
    Limit("yaml_depth", 50, "levels", "nesting depth of lists and mappings"),
    Limit("string_chars", 10_000, "characters", "length of one text value"),
    Limit("items", 5_000, "items", "experiments or observations in one file"),
    Limit("table_rows", 200_000, "rows", "rows of one PEtab table"),
    # commands
    Limit("points", 100_000, "points", "output times of one simulation (--points)"),
    Limit("workers", 64, "processes", "parallel worker processes (--workers)"),
    # plausibility (not raisable: beyond these a value is a typing mistake)
    Limit("stimulus_nM", 1e6, "nM", "dose of a cytokine (1 mM)", raisable=False),
    Limit("drug_nM", 1e9, "nM", "dose of a drug (1 M)", raisable=False),
    Limit("glucose", 1000.0, "mM", "glucose concentration", raisable=False),
    Limit("mannose", 1000.0, "mM", "mannose concentration", raisable=False),
    Limit("estradiol", 1e6, "nM", "estradiol concentration (1 mM)", raisable=False),
    Limit("oxygen", 100.0, "%", "oxygen", raisable=False),
    Limit("overexpress_fold", 1e4, "fold", "overexpression", raisable=False),
    Limit("time_s", 365 * 86400.0, "s", "a time (a year)", raisable=False),
    Limit("scan_points", 1000, "doses", "doses of one scan", raisable=False),
)
LIMITS: dict[str, Limit] = {lim.name: lim for lim in _ALL}
QUOTE_CHARS = 60       # a value quoted in a message shows at most this prefix


def limit(name: str) -> float | int:
    """The value of limit ``name``: the environment's ``CYTONET_LIMIT_<NAME>`` if set (and
    the limit is raisable), else the default. A malformed variable is an InputError."""
    lim = LIMITS[name]
    value: float = lim.default
    raw = os.environ.get(lim.env) if lim.raisable else None
    if raw is not None and raw.strip():
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value > 0):
            raise InputError(Problem(f"expected a positive number, got {quote(raw)}",
                                     item=f"environment variable {lim.env}"))
    return int(value) if float(value).is_integer() else value


def show(x: float) -> str:
    """A limit as written in messages: ``2000000`` -> ``'2,000,000'``, ``0.5`` -> ``'0.5'``."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:g}"


def limit_note(name: str) -> str:
    """``'limit file_bytes = 2000000 bytes; raise it with CYTONET_LIMIT_FILE_BYTES=N'``."""
    lim = LIMITS[name]
    text = f"limit {name} = {show(limit(name))} {lim.unit}"
    if lim.raisable:
        text += f"; raise it with the environment variable {lim.env}=N if this is intended"
    return text


def clip(text: str, n: int = MESSAGE_CHARS) -> str:
    """``text`` cut to about ``n`` characters, saying how much was left out."""
    if len(text) <= n:
        return text
    return f"{text[:n]}... [{len(text) - n} more characters]"


def quote(value: object, n: int = QUOTE_CHARS) -> str:
    """``repr(value)`` of a short value; of a long one a short prefix and its length.

    Never builds the full repr of a huge container: containers are shown by type and size
    once their repr would be long."""
    if isinstance(value, str):
        if len(value) <= n:
            return repr(value)
        return f"{value[:n]!r}... ({len(value)} characters)"
    if isinstance(value, (list, tuple, dict, set)) and len(value) > 20:
        return f"<{type(value).__name__} of {len(value)} items>"
    try:
        text = repr(value)
    except RecursionError:
        return f"<{type(value).__name__}>"
    if len(text) <= 4 * n:
        return text
    return f"{text[:4 * n]}... ({type(value).__name__}, {len(text)} characters)"


def is_finite_number(value: object) -> bool:
    """A plain int or float (not bool) that is finite as a float (huge ints are not)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def cap_workers(requested: int | None, work_items: int) -> int | None:
    """Worker processes to start: at most the cores, the work items and ``limit('workers')``.

    None stays None (the caller's default). Asking for more is not an error: the extra
    processes would only wait."""
    if requested is None:
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)
    return max(1, min(int(requested), cores, max(1, work_items), int(limit("workers"))))


def check_points(n: int, what: str = "--points") -> int:
    """``n`` output times, refused above ``limit('points')`` (they cost memory per readout)."""
    top = limit("points")
    if n > top:
        raise InputError(Problem(f"{n} output times is more than {show(top)} ({limit_note('points')})",
                                 item=what))
    return n
