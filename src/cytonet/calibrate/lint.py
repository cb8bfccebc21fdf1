"""Read and check PEtab v1 problems; every problem names its table file, data row and column.

Two passes, as everywhere in cytonet: shape first (YAML keys, files, required columns), then
meaning (unknown observables, conditions, parameters and model ids, unparsable formulas,
override counts, bounds). All problems are collected and reported together. Afterwards
``petab.lint`` (libpetab) runs as a second opinion; its findings are added unlocated.

Locations: ``Problem.line`` is the line in the TSV file (the header is line 1), and
``Problem.item`` says ``data row N`` (1-based, counting data rows only).
"""

from __future__ import annotations

__all__ = [
    "PetabTables",
    "read_petab_tables",
    "lint_petab_tables",
    "lint_petab_problem",
    "check_petab_problem",
    "run_libpetab_lint",
    "parse_formula",
    "parse_overrides",
    "count_placeholders",
]

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, PetabError, Problem
from ..limits import quote
from . import _columns as C
from ._sbml import SbmlSymbols, read_sbml_symbols

_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TABLES = ("observable", "condition", "measurement", "parameter")
_YAML_KEYS = {
    "observable": "observable_files",
    "condition": "condition_files",
    "measurement": "measurement_files",
    "sbml": "sbml_files",
}
_REQUIRED = {
    "observable": C.OBSERVABLE_REQUIRED,
    "condition": C.CONDITION_REQUIRED,
    "measurement": C.MEASUREMENT_REQUIRED,
    "parameter": C.PARAMETER_REQUIRED,
}
# internal columns added to every table: where each row came from
FILE_COL = "__file__"
ROW_COL = "__row__"


@dataclass
class PetabTables:
    """The raw tables of one PEtab v1 problem, as strings, with the file and row of each line."""

    yaml_path: Path
    sbml_path: Path
    tables: dict  # table name -> pandas.DataFrame of str, with FILE_COL and ROW_COL
    files: dict = field(default_factory=dict)  # table name -> list[Path]


class _Collector:
    """Collects located problems; one per bad cell."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, message, *, file=None, row=None, column=None, severity="error"):
        line = row + 1 if row is not None else None
        item = f"data row {row}" if row is not None else None
        self.problems.append(
            Problem(
                message,
                file=str(file) if file is not None else None,
                line=line,
                item=item,
                field=column,
                severity=severity,
            )
        )

    def header(self, message, *, file, column):
        self.problems.append(Problem(message, file=str(file), line=1, item="header", field=column))

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def _is_blank(value) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or str(value).strip() == ""
    )


def _to_float(value) -> float | None:
    """Parse a table cell as a number; None if it is not one."""
    if _is_blank(value):
        return None
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def parse_overrides(value) -> list[str]:
    """Split an ``observableParameters``/``noiseParameters`` cell into its entries."""
    if _is_blank(value):
        return []
    return [part.strip() for part in str(value).split(C.PARAMETER_SEPARATOR)]


def parse_formula(text: str):
    """Parse a PEtab math expression into a sympy expression; raise ValueError if it cannot."""
    from petab.v1.math import sympify_petab

    text = str(text).strip()
    if not text:
        raise ValueError("empty formula")
    expr = sympify_petab(text)
    if not hasattr(expr, "free_symbols"):
        raise ValueError(f"not an expression: {text!r}")
    return expr


def count_placeholders(expr, prefix: str, observable_id: str) -> int:
    """Number of ``{prefix}{n}_{observable_id}`` placeholders an expression needs (highest n)."""
    pattern = re.compile(rf"^{prefix}(\d+)_{re.escape(observable_id)}$")
    numbers = [int(m.group(1)) for s in expr.free_symbols if (m := pattern.match(s.name))]
    return max(numbers, default=0)


def _read_yaml(path: Path) -> dict:
    from .._yaml import load_yaml

    if not path.is_file():
        raise PetabError(Problem(f"PEtab problem file not found: {path}", file=str(path)))
    try:
        data = load_yaml(path)  # size, UTF-8, depth and alias limits
    except InputError as exc:
        raise PetabError([Problem(p.message.replace("malformed YAML:", "not valid YAML:", 1),
                                  file=p.file, line=p.line) for p in exc.problems]) from exc
    if not isinstance(data, dict):
        raise PetabError(Problem("expected a YAML mapping", file=str(path)))
    return data


def _read_tsv(path: Path):
    import io

    import pandas as pd

    from .._yaml import read_text
    from ..limits import limit, limit_note, show

    try:
        text = read_text(path)  # size and UTF-8, located
    except InputError as exc:
        raise PetabError(exc.problems) from exc
    rows = text.count("\n")
    if rows > limit("table_rows"):
        raise PetabError(Problem(f"{rows} rows is more than {show(limit('table_rows'))} "
                                 f"({limit_note('table_rows')})", file=str(path)))
    frame = pd.read_csv(io.StringIO(text), sep="\t", dtype=str, keep_default_na=False,
                        na_filter=False)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame[FILE_COL] = str(path)
    frame[ROW_COL] = range(1, len(frame) + 1)
    return frame


def read_petab_tables(yaml_path: str | Path) -> PetabTables:
    """Read the YAML file and every table it names (as strings); raise PetabError on missing parts."""
    import pandas as pd

    yaml_path = Path(yaml_path)
    data = _read_yaml(yaml_path)
    base = yaml_path.parent
    out = _Collector()
    version = str(data.get("format_version", "")).strip()
    if version not in ("1", "1.0", "1.0.0"):
        out.add(
            f"format_version: expected 1 (PEtab v1), got {version or 'nothing'}", file=yaml_path
        )
    problems = data.get("problems")
    if not isinstance(problems, list) or len(problems) != 1 or not isinstance(problems[0], dict):
        out.add("expected 'problems' to be a list with exactly one entry", file=yaml_path)
        raise PetabError(out.problems)
    sub = problems[0]
    files: dict[str, list[Path]] = {}
    for table, key in _YAML_KEYS.items():
        names = sub.get(key) or []
        if isinstance(names, str):
            names = [names]
        if not names:
            out.add(f"problems[0]: '{key}' is missing or empty", file=yaml_path)
        files[table] = [base / n for n in names]
    pfile = data.get("parameter_file")
    if not pfile:
        out.add("'parameter_file' is missing", file=yaml_path)
        pfile = []
    files["parameter"] = [base / n for n in ([pfile] if isinstance(pfile, str) else pfile)]
    if len(files.get("sbml", [])) > 1:
        out.add("only one SBML file per problem is supported", file=yaml_path)
    for table, paths in files.items():
        for p in paths:
            if not p.is_file():
                out.add(f"{table} file not found: {p}", file=yaml_path)
    if out.has_errors:
        raise PetabError(out.problems)
    tables = {}
    for table in _TABLES:
        frames = []
        for p in files[table]:
            try:
                frames.append(_read_tsv(p))
            except PetabError as exc:
                out.problems.extend(exc.problems)
            except Exception as exc:  # noqa: BLE001 - pandas raises several kinds for bad TSV
                out.add(f"cannot read as a tab-separated table: {exc}", file=p)
        if frames:
            tables[table] = pd.concat(frames, ignore_index=True)
    if out.has_errors:
        raise PetabError(out.problems)
    return PetabTables(yaml_path, files["sbml"][0], tables, files)


def _check_columns(t: PetabTables, out: _Collector) -> bool:
    """Pass 1: required columns. Returns False when a table lacks one (pass 2 then skips it)."""
    ok = True
    for table, required in _REQUIRED.items():
        frame = t.tables[table]
        for path in t.files[table]:
            cols = (
                list(frame.loc[frame[FILE_COL] == str(path)].columns)
                if len(frame)
                else list(frame.columns)
            )
            for col in required:
                if col not in cols:
                    ok = False
                    out.header(
                        f"required column '{col}' is missing from the {table} table "
                        f"(columns found: {', '.join(c for c in cols if not c.startswith('__'))})",
                        file=path,
                        column=col,
                    )
    return ok


def _check_ids(frame, column, what, out) -> dict[str, int]:
    """Check ids are valid and unique; return id -> row."""
    seen: dict[str, int] = {}
    for value, path, row in zip(frame[column], frame[FILE_COL], frame[ROW_COL], strict=True):
        value = str(value).strip()
        if not _ID_RE.match(value):
            out.add(
                f"{what} id {value!r} is not a valid identifier (letters, digits, '_'; "
                "not starting with a digit)",
                file=path,
                row=row,
                column=column,
            )
        elif value in seen:
            out.add(
                f"duplicate {what} id {value!r} (first defined in data row {seen[value]})",
                file=path,
                row=row,
                column=column,
            )
        else:
            seen[value] = row
    return seen


def _check_parameters(t, sbml: SbmlSymbols, out) -> dict[str, int]:
    frame = t.tables["parameter"]
    ids = _check_ids(frame, C.PARAMETER_ID, "parameter", out)
    for _, r in frame.iterrows():
        path, row, pid = r[FILE_COL], r[ROW_COL], str(r[C.PARAMETER_ID]).strip()
        scale = str(r[C.PARAMETER_SCALE]).strip()
        if scale not in C.SCALES:
            out.add(
                f"parameter {pid}: expected one of {', '.join(C.SCALES)}, got {scale!r}",
                file=path,
                row=row,
                column=C.PARAMETER_SCALE,
            )
        est = str(r[C.ESTIMATE]).strip()
        if est not in ("0", "1"):
            out.add(
                f"parameter {pid}: expected 0 or 1, got {est!r}",
                file=path,
                row=row,
                column=C.ESTIMATE,
            )
        values = {}
        for col in (C.LOWER_BOUND, C.UPPER_BOUND, C.NOMINAL_VALUE):
            raw = r[col]
            values[col] = _to_float(raw)
            needed = col == C.NOMINAL_VALUE and est == "0" or col != C.NOMINAL_VALUE and est == "1"
            if values[col] is None and (needed or not _is_blank(raw)):
                out.add(
                    f"parameter {pid}: expected a number, got {quote(str(raw))}",
                    file=path,
                    row=row,
                    column=col,
                )
            elif values[col] is not None and not math.isfinite(values[col]) and (
                    col == C.NOMINAL_VALUE or est == "1"):
                out.add(
                    f"parameter {pid}: expected a finite number, got {quote(str(raw))}",
                    file=path,
                    row=row,
                    column=col,
                )
                values[col] = None
        lb, ub = values[C.LOWER_BOUND], values[C.UPPER_BOUND]
        if est == "1" and lb is not None and ub is not None:
            if lb > ub:
                out.add(
                    f"parameter {pid}: lower bound {lb:g} exceeds upper bound {ub:g}",
                    file=path,
                    row=row,
                    column=C.LOWER_BOUND,
                )
            if scale in ("log", "log10") and lb <= 0:
                out.add(
                    f"parameter {pid}: {scale}-scaled parameter needs a positive lower bound, "
                    f"got {lb:g}",
                    file=path,
                    row=row,
                    column=C.LOWER_BOUND,
                )
        if pid in sbml.species or pid in sbml.rule_targets:
            what = "a species" if pid in sbml.species else "set by an SBML rule"
            out.add(
                f"parameter {pid} is {what} in the model and cannot be a PEtab parameter",
                file=path,
                row=row,
                column=C.PARAMETER_ID,
            )
    return ids


def _check_observables(t, sbml: SbmlSymbols, parameter_ids, out) -> dict[str, dict]:
    """Return observable id -> {'n_obs': int, 'n_noise': int, 'transformation': str}."""
    frame = t.tables["observable"]
    _check_ids(frame, C.OBSERVABLE_ID, "observable", out)
    known = sbml.all_ids | set(parameter_ids) | {"time"}
    info: dict[str, dict] = {}
    for _, r in frame.iterrows():
        path, row, oid = r[FILE_COL], r[ROW_COL], str(r[C.OBSERVABLE_ID]).strip()
        entry = {"n_obs": 0, "n_noise": 0, "transformation": "lin"}
        for col, placeholder_prefixes in (
            (C.OBSERVABLE_FORMULA, ("observableParameter",)),
            (C.NOISE_FORMULA, ("observableParameter", "noiseParameter")),
        ):
            text = r[col]
            if _is_blank(text):
                out.add(f"observable {oid}: empty formula", file=path, row=row, column=col)
                continue
            try:
                expr = parse_formula(text)
            except Exception as exc:
                out.add(
                    f"observable {oid}: cannot parse formula {str(text)!r}: {exc}",
                    file=path,
                    row=row,
                    column=col,
                )
                continue
            allowed = set(known)
            if col == C.NOISE_FORMULA:
                allowed.add(oid)
            unknown = sorted(
                s.name
                for s in expr.free_symbols
                if s.name not in allowed
                and not any(
                    re.match(rf"^{p}\d+_{re.escape(oid)}$", s.name) for p in placeholder_prefixes
                )
            )
            if unknown:
                out.add(
                    f"observable {oid}: formula uses {', '.join(unknown)}, which is neither a "
                    "model id, a parameter-table id nor a placeholder "
                    f"({placeholder_prefixes[-1]}<n>_{oid})",
                    file=path,
                    row=row,
                    column=col,
                )
            if col == C.OBSERVABLE_FORMULA:
                entry["n_obs"] = count_placeholders(expr, "observableParameter", oid)
            else:
                entry["n_noise"] = count_placeholders(expr, "noiseParameter", oid)
        for col, allowed_values in (
            (C.OBSERVABLE_TRANSFORMATION, C.TRANSFORMATIONS),
            (C.NOISE_DISTRIBUTION, C.DISTRIBUTIONS),
        ):
            if col in frame.columns and not _is_blank(r[col]):
                value = str(r[col]).strip()
                if value not in allowed_values:
                    out.add(
                        f"observable {oid}: expected one of {', '.join(allowed_values)}, got {value!r}",
                        file=path,
                        row=row,
                        column=col,
                    )
                elif col == C.OBSERVABLE_TRANSFORMATION:
                    entry["transformation"] = value
        info[oid] = entry
    return info


def _check_conditions(t, sbml: SbmlSymbols, parameter_rows, estimated, out) -> set[str]:
    frame = t.tables["condition"]
    ids = _check_ids(frame, C.CONDITION_ID, "condition", out)
    settable = set(sbml.parameters) | set(sbml.species) | set(sbml.compartments)
    for col in frame.columns:
        if col in (C.CONDITION_ID, C.CONDITION_NAME) or col.startswith("__"):
            continue
        for path in sorted(set(frame[FILE_COL])):
            if col not in settable:
                out.header(
                    f"condition table column {col!r} names no parameter, species or compartment "
                    f"of the model {t.sbml_path.name}",
                    file=path,
                    column=col,
                )
            elif col in sbml.rule_targets:
                out.header(
                    f"condition table column {col!r} is set by an SBML rule and cannot be overridden",
                    file=path,
                    column=col,
                )
            elif col in parameter_rows:
                out.header(
                    f"condition table column {col!r} is also in the parameter table "
                    f"(data row {parameter_rows[col]}); a parameter is set in one of them only",
                    file=path,
                    column=col,
                )
        if col not in settable:
            continue
        is_parameter = col in sbml.parameters
        for value, path, row in zip(frame[col], frame[FILE_COL], frame[ROW_COL], strict=True):
            text = str(value).strip()
            if text == "" or text.lower() == "nan":
                if is_parameter:
                    out.add(
                        f"parameter {col} needs a value (a number or a parameter-table id)",
                        file=path,
                        row=row,
                        column=col,
                    )
                continue
            _check_number_or_id(out, "value", text, parameter_rows, path, row, col)
    return set(ids)


def _check_measurements(t, observables, conditions, parameter_rows, out) -> None:
    frame = t.tables["measurement"]
    cols = set(frame.columns)
    for _, r in frame.iterrows():
        path, row = r[FILE_COL], r[ROW_COL]
        oid = str(r[C.OBSERVABLE_ID]).strip()
        if oid not in observables:
            out.add(
                f"unknown observable {oid!r}: not in the observable table "
                f"({t.files['observable'][0].name})",
                file=path,
                row=row,
                column=C.OBSERVABLE_ID,
            )
        for col in (C.SIMULATION_CONDITION_ID, C.PREEQUILIBRATION_CONDITION_ID):
            if col not in cols:
                continue
            cid = str(r[col]).strip()
            if cid == "" and col == C.PREEQUILIBRATION_CONDITION_ID:
                continue
            if cid not in conditions:
                out.add(
                    f"unknown condition {cid!r}: not in the condition table "
                    f"({t.files['condition'][0].name})",
                    file=path,
                    row=row,
                    column=col,
                )
        value = _to_float(r[C.MEASUREMENT])
        if value is None or not math.isfinite(value):
            out.add(
                f"expected a finite number, got {str(r[C.MEASUREMENT])!r}",
                file=path,
                row=row,
                column=C.MEASUREMENT,
            )
        elif oid in observables and observables[oid]["transformation"] != "lin" and value <= 0:
            out.add(
                f"observable {oid} is {observables[oid]['transformation']}-transformed; "
                f"a measurement must be positive, got {value:g}",
                file=path,
                row=row,
                column=C.MEASUREMENT,
            )
        time = _to_float(r[C.TIME])
        if time is None or time < 0 or math.isnan(time):
            out.add(
                f"expected a time >= 0 (or inf for steady state), got {str(r[C.TIME])!r}",
                file=path,
                row=row,
                column=C.TIME,
            )
        if oid not in observables:
            continue
        for col, key, what in (
            (C.OBSERVABLE_PARAMETERS, "n_obs", "observableParameter"),
            (C.NOISE_PARAMETERS, "n_noise", "noiseParameter"),
        ):
            entries = parse_overrides(r[col]) if col in cols else []
            expected = observables[oid][key]
            if len(entries) != expected:
                out.add(
                    f"observable {oid} has {expected} {what} placeholder(s); "
                    f"expected {expected} ';'-separated value(s), got {len(entries)}"
                    + (f" ({str(r[col])!r})" if entries else ""),
                    file=path,
                    row=row,
                    column=col,
                )
            for entry in entries:
                number = _check_number_or_id(out, "override", entry, parameter_rows, path, row,
                                             col)
                if number is not None and col == C.NOISE_PARAMETERS and number < 0:
                    out.add(
                        f"noise override {quote(entry)} must not be negative (it sets a "
                        "standard deviation or scale)",
                        file=path,
                        row=row,
                        column=col,
                    )


def _check_number_or_id(out, what: str, text: str, parameter_rows, path, row, col):
    """A table value that must be a finite number or a parameter-table id: the number (None
    for an id or a bad value, which is reported)."""
    number = _to_float(text)
    if number is None:
        if text not in parameter_rows:
            out.add(f"{what} {quote(text)} is neither a number nor a parameter-table id",
                    file=path, row=row, column=col)
        return None
    if not math.isfinite(number):
        out.add(f"{what} {quote(text)} is not a finite number", file=path, row=row, column=col)
        return None
    return number


def lint_petab_tables(t: PetabTables, sbml: SbmlSymbols | None = None) -> list[Problem]:
    """Check read tables against each other and the SBML model; return every problem found."""
    out = _Collector()
    if not _check_columns(t, out):
        return out.problems
    sbml = sbml or read_sbml_symbols(t.sbml_path)
    parameter_rows = _check_parameters(t, sbml, out)
    pframe = t.tables["parameter"]
    estimated = set(pframe.loc[pframe[C.ESTIMATE].str.strip() == "1", C.PARAMETER_ID].str.strip())
    observables = _check_observables(t, sbml, parameter_rows, out)
    conditions = _check_conditions(t, sbml, parameter_rows, estimated, out)
    _check_measurements(t, observables, conditions, parameter_rows, out)
    return out.problems


def run_libpetab_lint(yaml_path: str | Path) -> list[Problem]:
    """Run libpetab's ``petab.v1.lint.lint_problem`` and return what it logs, as unlocated problems."""
    import logging
    import warnings

    import petab.v1 as petab

    records: list[logging.LogRecord] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = _Keep(level=logging.WARNING)
    loggers = [logging.getLogger("petab")]
    for lg in loggers:
        lg.addHandler(handler)
    old_propagate = [lg.propagate for lg in loggers]
    try:
        for lg in loggers:
            lg.propagate = False
        with warnings.catch_warnings():  # libpetab's pandas deprecation warnings
            warnings.simplefilter("ignore")
            problem = petab.Problem.from_yaml(str(yaml_path))
            failed = petab.lint.lint_problem(problem)
    except Exception as exc:  # libpetab raises many kinds on malformed input
        return [Problem(f"petab.lint could not load the problem: {exc}", file=str(yaml_path))]
    finally:
        for lg, prop in zip(loggers, old_propagate, strict=True):
            lg.removeHandler(handler)
            lg.propagate = prop
    problems = [
        Problem(
            "petab.lint: " + " ".join(rec.getMessage().split()),
            file=str(yaml_path),
            severity="error" if rec.levelno >= logging.ERROR else "warning",
        )
        for rec in records
    ]
    if failed and not any(p.severity == "error" for p in problems):
        problems.append(Problem("petab.lint: problem is not valid", file=str(yaml_path)))
    return problems


def lint_petab_problem(yaml_path: str | Path, *, libpetab: bool = True) -> list[Problem]:
    """Return every problem of a PEtab problem: ours (located) and, if they pass, libpetab's."""
    try:
        tables = read_petab_tables(yaml_path)
        problems = lint_petab_tables(tables)
    except PetabError as exc:
        return list(exc.problems)
    if libpetab and not any(p.severity == "error" for p in problems):
        problems += run_libpetab_lint(yaml_path)
    return problems


def check_petab_problem(yaml_path: str | Path, *, libpetab: bool = True) -> list[Problem]:
    """Raise PetabError listing every error; return the warnings otherwise."""
    problems = lint_petab_problem(yaml_path, libpetab=libpetab)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise PetabError(errors)
    return problems
