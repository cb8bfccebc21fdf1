"""Curated kinetic parameters with value, unit and provenance (``data/parameters.yaml``)."""

from __future__ import annotations

__all__ = ["ParameterSet", "load_parameters", "load_parameter_set", "parameter_set_path",
           "available_parameter_sets", "prior_of",
           "PROVENANCE_KINDS", "PARAMETER_SET_DIR", "PRIOR_SIGMA_LOG10"]

import math
import re
from pathlib import Path

from .._yaml import line_of, load_yaml
from ..errors import KnowledgeError, Problem
from ..knowledge.load import DATA_DIR
from ..limits import is_finite_number, quote
from .network import Parameter, Provenance

PROVENANCE_KINDS = ("literature", "assumed", "fitted", "derived")
PARAMETER_SET_DIR = DATA_DIR / "parameter_sets"
# Prior width (standard deviation of log10 value) by provenance when parameters.yaml states
# no prior: a literature value is typically known to within 2-fold across cell lines; an
# assumed value only to its order of magnitude. A fitted value states the prior its fit
# started from (``prior:``, required), so the "fitted" width serves only sets that do not.
PRIOR_SIGMA_LOG10 = {"literature": math.log10(2.0), "fitted": math.log10(2.0),
                     "derived": 0.5, "assumed": 1.0}


def prior_of(par: Parameter) -> tuple[float, float, str]:
    """(median, sigma_log10, source) of a parameter's log-normal prior: the stated
    ``prior:`` of parameters.yaml, else centred on its value with its provenance's width."""
    kind = par.provenance.kind
    if par.prior_median is not None:
        return par.prior_median, par.prior_sigma_log10, f"{kind}: prior stated in parameters.yaml"
    return par.value, PRIOR_SIGMA_LOG10.get(kind, 1.0), f"{kind}: default width for this provenance"


def _read_prior(obj: dict, file: str, pid: str, problems: list[Problem]):
    """``prior: {median: > 0, sigma_log10: > 0}`` -> (median, sigma) or None when absent."""
    if "prior" not in obj:
        return None
    prior, where = obj["prior"], dict(file=file, line=line_of(obj, "prior"), item=pid,
                                      field="prior")
    if not isinstance(prior, dict) or set(prior) != {"median", "sigma_log10"}:
        problems.append(Problem(f"expected a mapping {{median, sigma_log10}}, got "
                                f"{quote(prior)}", **where))
        return None
    out = []
    for key in ("median", "sigma_log10"):
        v = prior[key]
        if not is_finite_number(v) or v <= 0:
            problems.append(Problem(f"expected a finite positive number, got {quote(v)}",
                                    **{**where, "field": f"prior.{key}"}))
            return None
        out.append(float(v))
    return tuple(out)


class ParameterSet:
    """A named set of parameters (the curated one, or a named set from ``load_parameter_set``)."""

    def __init__(self, name: str, params: dict[str, Parameter], file: str | None = None):
        self.name = name
        self._params = params
        self.file = file

    def __contains__(self, pid: str) -> bool:
        return pid in self._params

    def __iter__(self):
        return iter(self._params.values())

    def __len__(self) -> int:
        return len(self._params)

    def parameter(self, pid: str) -> Parameter:
        return self._params[pid]

    def value(self, pid: str) -> float:
        return self._params[pid].value


def load_parameters(path: str | Path | None = None) -> ParameterSet:
    """Read parameters; every problem (bad value, unit, provenance) is reported with its line."""
    from ..knowledge.load import data_dir

    path = Path(path) if path else data_dir() / "parameters.yaml"
    data = load_yaml(path)
    problems: list[Problem] = []
    params: dict[str, Parameter] = {}
    items = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise KnowledgeError(Problem("expected a mapping with a 'parameters' list", file=str(path)))
    for obj in items:
        if not isinstance(obj, dict):
            problems.append(Problem(f"expected a parameter mapping {{id, value, unit, "
                                    f"provenance}}, got {quote(obj)}", file=str(path),
                                    line=line_of(items)))
            continue
        pid = obj.get("id")
        if pid is not None and not isinstance(pid, str):
            problems.append(Problem(f"expected an id string, got {quote(pid)}", file=str(path),
                                    line=line_of(obj, "id"), field="id"))
            continue
        if not pid:
            problems.append(Problem("parameter without id", file=str(path), line=line_of(obj)))
            continue
        val = obj.get("value")
        if not is_finite_number(val) or val < 0:
            problems.append(Problem(f"expected a finite non-negative number, got {quote(val)}",
                                    file=str(path),
                                    line=line_of(obj, "value"), item=pid, field="value"))
            continue
        unit = obj.get("unit")
        if not unit:
            problems.append(Problem("missing unit", file=str(path), line=line_of(obj), item=pid,
                                    field="unit"))
        kind = obj.get("provenance")
        if kind not in PROVENANCE_KINDS:
            problems.append(Problem(f"expected one of {', '.join(PROVENANCE_KINDS)}, got {kind!r}",
                                    file=str(path), line=line_of(obj, "provenance"), item=pid,
                                    field="provenance"))
            continue
        ref = obj.get("ref")
        note = obj.get("note", "")
        if kind == "literature" and not ref:
            problems.append(Problem("literature value without 'ref'", file=str(path),
                                    line=line_of(obj), item=pid, field="ref"))
        if kind == "assumed" and not note:
            problems.append(Problem("assumed value without the reason in 'note'", file=str(path),
                                    line=line_of(obj), item=pid, field="note"))
        if pid in params:
            problems.append(Problem("duplicate parameter id", file=str(path), line=line_of(obj),
                                    item=pid, field="id"))
        prior = _read_prior(obj, str(path), pid, problems)
        if kind == "fitted" and prior is None and "prior" not in obj:
            problems.append(Problem("fitted value without its 'prior' {median, sigma_log10} "
                                    "(the prior the fit started from)", file=str(path),
                                    line=line_of(obj), item=pid, field="prior"))
        median, sigma = prior or (None, None)
        params[pid] = Parameter(pid, float(val), str(unit), Provenance(kind, ref, str(note)),
                                prior_median=median, prior_sigma_log10=sigma)
    if problems:
        raise KnowledgeError(problems)
    return ParameterSet("curated", params, str(path))


def available_parameter_sets() -> list[str]:
    """Names of the named alternative parameter sets shipped with the package."""
    return sorted(p.stem for p in PARAMETER_SET_DIR.glob("*.yaml"))


_SET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def parameter_set_path(name: str | Path) -> Path:
    """Where a parameter set is read from: a ``Path`` is an explicit file (``--parameter-file``);
    a string is a *name* in the package's ``data/parameter_sets`` and nothing else (no
    folders, no ``..``, no absolute paths: a name never reaches outside the package)."""
    from ..errors import UnknownNameError

    if isinstance(name, Path):
        return name
    avail = ", ".join(available_parameter_sets()) or "none"
    if not isinstance(name, str) or not _SET_NAME.match(name) or ".." in name:
        raise UnknownNameError(Problem(
            f"{quote(name)} is not a parameter-set name (letters, digits, '_', '-', '.'; a "
            f"name of data/parameter_sets: {avail}); give a file with --parameter-file FILE",
            field="parameter set"))
    path = PARAMETER_SET_DIR / f"{name}.yaml"
    if not path.is_file() or path.resolve().parent != PARAMETER_SET_DIR.resolve():
        raise UnknownNameError(Problem(f"unknown parameter set {name!r}; available: {avail}",
                                       field="parameter set"))
    return path


def load_parameter_set(name: str | Path, base: ParameterSet | None = None) -> ParameterSet:
    """The curated parameters with a parameter set's values on top (e.g. values fitted to a
    data set); every override must name a curated parameter and carry its provenance.

    ``name`` is a name in ``data/parameter_sets`` (a string) or an explicit file (a Path);
    see :func:`parameter_set_path`."""
    path = parameter_set_path(name)
    base = base or load_parameters()
    data = load_yaml(path)
    problems: list[Problem] = []
    new: dict[str, Parameter] = {p.id: p for p in base}
    items = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise KnowledgeError(Problem("expected a mapping with a 'parameters' list of "
                                     "{id, value, provenance}", file=str(path)))
    for obj in items:
        if not isinstance(obj, dict):
            problems.append(Problem(f"expected a mapping {{id, value, provenance}}, got "
                                    f"{quote(obj)}", file=str(path), line=line_of(items)))
            continue
        pid = obj.get("id")
        if not isinstance(pid, str) or pid not in new:
            problems.append(Problem(f"override of unknown parameter {pid!r}", file=str(path),
                                    line=line_of(obj), item=str(pid), field="id"))
            continue
        val = obj.get("value")
        kind = obj.get("provenance")
        if not is_finite_number(val) or val < 0:
            problems.append(Problem(f"expected a finite non-negative number, got {quote(val)}",
                                    file=str(path), line=line_of(obj, "value"), item=pid,
                                    field="value"))
            continue
        if kind not in PROVENANCE_KINDS:
            problems.append(Problem(f"expected one of {', '.join(PROVENANCE_KINDS)}, got "
                                    f"{quote(kind)}", file=str(path),
                                    line=line_of(obj, "provenance"), item=pid,
                                    field="provenance"))
            continue
        # a set changes values, not knowledge: an override keeps the curated prior
        # unless it states its own
        median, sigma = _read_prior(obj, str(path), pid, problems) or prior_of(new[pid])[:2]
        new[pid] = Parameter(pid, float(val), str(obj.get("unit", new[pid].unit)),
                             Provenance(kind, obj.get("ref"), str(obj.get("note", ""))),
                             prior_median=median, prior_sigma_log10=sigma)
    if problems:
        raise KnowledgeError(problems)
    return ParameterSet(name, new, str(path))
