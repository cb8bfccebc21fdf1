"""Quantities with units (pint): parsing the spec's strings (or pint quantities) and
converting to model units.

>>> parse_quantity("10 ng/mL")
<Quantity(10.0, 'nanogram / milliliter')>
>>> to_seconds(parse_quantity(Q_(2, "hour"), kind="time"))
7200.0
"""

from __future__ import annotations

__all__ = ["ureg", "Q_", "parse_quantity", "parse_times", "to_seconds", "to_molar_nM",
           "format_quantity"]

import math
import re
from dataclasses import replace
from functools import lru_cache

import numpy as np
import pint

from .errors import Problem, UnitError
from .limits import LIMITS, limit, quote

ureg = pint.UnitRegistry()
Q_ = ureg.Quantity

_NUMBER_RE = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
_ALIASES = {"uM": "µM", "ug/mL": "µg/mL", "ug/ml": "µg/mL", "ng/ml": "ng/mL", "mg/ml": "mg/mL",
            "pg/ml": "pg/mL", "min": "minute", "h": "hour", "hr": "hour", "d": "day", "s": "second",
            "sec": "second", "M": "molar"}


def _normalise_unit(unit: str) -> str:
    unit = unit.strip()
    if unit in _ALIASES:
        return _ALIASES[unit]
    # molar prefixes: nM, pM, mM, fM, µM
    m = re.fullmatch(r"([pnmfµu])M", unit)
    if m:
        return {"u": "micro", "µ": "micro", "n": "nano", "p": "pico", "m": "milli",
                "f": "femto"}[m.group(1)] + "molar"
    return unit.replace("ug", "µg").replace("uL", "µL").replace("ml", "mL")


@lru_cache(maxsize=4096)
def _parse(text: str) -> pint.Quantity:
    m = re.match(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$", text)
    if not m or not m.group(2):
        raise ValueError(text)
    value = float(m.group(1))
    unit = m.group(2)
    if unit == "%":
        return Q_(value, "percent")
    return Q_(value, _normalise_unit(unit))


def parse_quantity(value: object, *, where: Problem | None = None, kind: str | None = None,
                   allow_negative: bool = False) -> pint.Quantity:
    """Parse ``'10 ng/mL'``, ``'30 min'``, ``'1 %'`` (or a pint Quantity such as
    ``Q_(10, 'ng/mL')``, of this registry or another) into a Quantity of :data:`ureg`.

    A bare number, an unknown unit or a negative value is a UnitError located by ``where``
    (a Problem whose message is ignored). ``kind`` names the expected dimension:
    ``'time'``, ``'concentration'`` (molar or mass/volume), ``'percent'``.

    >>> parse_quantity("30 min", kind="time")
    <Quantity(30.0, 'minute')>
    >>> parse_quantity("30 min", kind="concentration")
    Traceback (most recent call last):
    ...
    cytonet.errors.UnitError: expected a concentration (nM, uM, mM or ng/mL, ug/mL), got '30 min'
    """
    loc = where or Problem("")

    def fail(msg: str) -> UnitError:
        return UnitError(replace(loc, message=msg))

    if isinstance(value, pint.Quantity):
        return _check(_from_pint(value, fail), value, fail, kind, allow_negative)
    if isinstance(value, bool) or value is None:
        raise fail(f"expected a quantity with a unit such as '10 ng/mL', got {value!r}")
    if isinstance(value, (int, float)) or (isinstance(value, str) and len(value) < 100 and
                                           _NUMBER_RE.match(value)):
        example = {"time": f"'{value} min' or '{value} h'", "percent": f"'{value} %'"}.get(
            kind or "", f"'{value} nM' or '{value} ng/mL'")
        raise fail(f"bare number {quote(value)} has no unit; write it with a unit, e.g. "
                   f"{example}")
    if not isinstance(value, str):
        raise fail(f"expected a quantity string with a unit, got {type(value).__name__} "
                   f"{quote(value)}")
    if len(value) > 100:
        raise fail(f"cannot read quantity {quote(value)}: too long for a number and a unit")
    try:
        q = _parse(value)
        float(q.magnitude)  # a magnitude that is not a number fails here
    except Exception as exc:  # noqa: BLE001 - pint's parser raises many kinds (TokenError,
        # AssertionError, DefinitionSyntaxError...): any of them means unreadable text
        raise fail(f"cannot read quantity {value!r}: expected a number and a unit, "
                   "e.g. '10 ng/mL', '1 uM', '30 min', '1 %'") from exc
    return _check(q, value, fail, kind, allow_negative)


def _from_pint(value: pint.Quantity, fail) -> pint.Quantity:
    """A scalar pint Quantity as one of :data:`ureg` (another registry's is rebuilt from its
    magnitude and unit name); an array or a dimensionless quantity is a UnitError."""
    if np.ndim(value.magnitude) != 0:
        raise fail(f"expected one quantity, got an array of {np.size(value.magnitude)} "
                   f"({value!r})")
    try:
        magnitude = float(value.magnitude)
        q = value if value._REGISTRY is ureg else Q_(magnitude, str(value.units))
    except Exception as exc:  # noqa: BLE001 - a foreign unit this registry cannot read
        raise fail(f"cannot read quantity {value!r}: its unit {str(value.units)!r} is not "
                   "one cytonet knows") from exc
    if q.dimensionless and q.units != ureg.percent:
        raise fail(f"quantity {value!r} has no unit; give it one, e.g. Q_(30, 'minute') or "
                   "Q_(10, 'ng/mL')")
    return q


def _check(q: pint.Quantity, value: object, fail, kind: str | None,
           allow_negative: bool) -> pint.Quantity:
    magnitude = float(q.magnitude)
    if not math.isfinite(magnitude):
        raise fail(f"quantity {value!r} is not a finite number")
    if magnitude < 0 and not allow_negative:
        raise fail(f"negative quantity {value!r} is not allowed")
    if kind == "time" and not q.check("[time]"):
        raise fail(f"expected a time (s, min, h, d), got {value!r}")
    if kind == "concentration" and not (q.check("[substance]/[length]**3") or
                                        q.check("[mass]/[length]**3")):
        raise fail(f"expected a concentration (nM, uM, mM or ng/mL, ug/mL), got {value!r}")
    if kind == "percent" and q.units != ureg.percent:
        raise fail(f"expected a percentage such as '1 %', got {value!r}")
    return q


def to_seconds(q: pint.Quantity) -> float:
    """A time quantity in seconds."""
    return float(q.to("second").magnitude)


def parse_times(value: object, *, where: Problem | None = None) -> np.ndarray:
    """Times in seconds from t = 0, from what a person writes: a string with a unit
    (``'30 min'``, ``'2 h'``), a pint Quantity (one, or an array such as
    ``Q_([0, 30, 60], 'minute')``), a plain number (seconds), or a list of any of these.

    Each bad time is a UnitError located by ``where`` and the field ``times[i]`` (or
    ``times`` for a single value): an unreadable string, another dimension, a negative or
    non-finite value, a time longer than a year.

    >>> parse_times(["0 min", "30 min", "2 h"]).tolist()
    [0.0, 1800.0, 7200.0]
    >>> parse_times(Q_([0, 30], "minute")).tolist()
    [0.0, 1800.0]
    >>> parse_times([0, 60.0, "1 d"]).tolist()  # numbers are seconds
    [0.0, 60.0, 86400.0]
    >>> parse_times(["30 min", "2 hrs later"])
    Traceback (most recent call last):
    ...
    cytonet.errors.UnitError: field 'times[1]': cannot read quantity '2 hrs later': expected a number and a unit, e.g. '10 ng/mL', '1 uM', '30 min', '1 %'
    """
    loc = where or Problem("")

    def fail(msg: str, field: str = "times") -> UnitError:
        return UnitError(replace(loc, message=msg, field=field))

    single = isinstance(value, str | int | float | np.number) or (
        isinstance(value, pint.Quantity) and np.ndim(value.magnitude) == 0)
    if single:
        items = [value]
    elif isinstance(value, pint.Quantity):
        items = list(value)
    elif isinstance(value, bytes | dict) or not hasattr(value, "__iter__"):
        raise fail(f"expected times such as ['0 min', '30 min', '2 h'], a pint Quantity or "
                   f"numbers of seconds; got {type(value).__name__} {quote(value)}")
    else:
        items = list(value)
    if not items:
        raise fail("no times given: expected at least one, e.g. ['0 min', '2 h']")
    if len(items) > limit("points"):
        raise fail(f"{len(items)} times is more than {limit('points'):g} "
                   f"({LIMITS['points'].env}=N raises it)")
    out = np.empty(len(items))
    for i, x in enumerate(items):
        field = "times" if single else f"times[{i}]"

        if isinstance(x, int | float | np.integer | np.floating) and not isinstance(
                x, bool | np.bool_):
            s = float(x)
            if not math.isfinite(s) or s < 0:
                raise fail(f"expected a time from 0 on (seconds), got {quote(x)}", field)
        elif isinstance(x, str | pint.Quantity):
            s = to_seconds(parse_quantity(x, where=replace(loc, field=field), kind="time"))
        else:
            raise fail(f"expected a time such as '30 min', a pint Quantity or a number of "
                       f"seconds; got {type(x).__name__} {quote(x)}", field)
        if s > LIMITS["time_s"].default:
            raise fail(f"time {quote(x)} is longer than a year; is the unit right?", field)
        out[i] = s
    return out


def to_molar_nM(q: pint.Quantity, mw_kda: float | None = None, *, what: str = "",
                where: Problem | None = None) -> float:
    """Concentration in nM; mass concentrations need the molecular weight in kDa."""
    if q.check("[substance]/[length]**3"):
        return float(q.to("nanomolar").magnitude)
    if q.check("[mass]/[length]**3"):
        if not mw_kda:
            loc = where or Problem("")
            raise UnitError(Problem(
                f"cannot convert {q:~P} of {what or 'this entity'} to molar: the knowledge base "
                "has no molecular weight for it; give the dose in molar units (nM, uM)",
                file=loc.file, line=loc.line, item=loc.item, field=loc.field))
        g_per_l = q.to("gram/liter").magnitude
        return float(g_per_l / (mw_kda * 1e3) * 1e9)
    raise UnitError(f"not a concentration: {q}")


def format_quantity(q: pint.Quantity) -> str:
    return f"{q.magnitude:g} {q.units:~P}"
