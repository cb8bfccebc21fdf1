"""Quantities with units (pint): parsing the spec's strings and converting to model units."""

from __future__ import annotations

__all__ = ["ureg", "Q_", "parse_quantity", "to_seconds", "to_molar_nM", "format_quantity"]

import math
import re
from functools import lru_cache

import pint

from .errors import Problem, UnitError
from .limits import quote

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
    """Parse ``'10 ng/mL'``, ``'30 min'``, ``'1 %'`` into a pint Quantity.

    A bare number, an unknown unit or a negative value is a UnitError located by ``where``
    (a Problem whose message is ignored). ``kind`` names the expected dimension:
    ``'time'``, ``'concentration'`` (molar or mass/volume), ``'percent'``.
    """
    loc = where or Problem("")

    def fail(msg: str) -> UnitError:
        return UnitError(Problem(msg, file=loc.file, line=loc.line, item=loc.item, field=loc.field))

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
        magnitude = float(q.magnitude)
    except Exception as exc:  # noqa: BLE001 - pint's parser raises many kinds (TokenError,
        # AssertionError, DefinitionSyntaxError...): any of them means unreadable text
        raise fail(f"cannot read quantity {value!r}: expected a number and a unit, "
                   "e.g. '10 ng/mL', '1 uM', '30 min', '1 %'") from exc
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
    return float(q.to("second").magnitude)


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
