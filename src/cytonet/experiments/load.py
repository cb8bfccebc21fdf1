"""Experiment files: the YAML layouts every command accepts, read by one loader."""

from __future__ import annotations

__all__ = ["load_experiments"]

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from ..errors import ExperimentError, InputError, Problem


def load_experiments(path: str | Path, catalog=None, *, text: str | None = None
                     ) -> list[tuple[str, object]]:
    """(name, Experiment) pairs from a YAML file; ExperimentError lists every located problem.

    The file holds one experiment mapping, a list of experiments each with a ``name``, a
    mapping with the single key ``experiments`` holding such a list or a mapping
    ``name: experiment``, or such a mapping ``name: experiment`` at the top level (no key
    of it an experiment key, every value a mapping). With ``text``, that YAML text is read
    instead of the file and ``path`` only names it in messages (the web explorer's editor).
    """
    from .._yaml import line_of, load_yaml, load_yaml_text
    from .parse import EXPERIMENT_KEYS, describe_as_written, parse_experiment

    file = str(path)
    data = load_yaml(file) if text is None else load_yaml_text(text, file)
    problems: list[Problem] = []
    items: list[tuple[str, object, int | None, str]] = []  # name, mapping, line, field prefix
    if data is None:
        raise ExperimentError(Problem("the file holds no experiment", file=file))
    if isinstance(data, Mapping) and "experiments" in data:
        for k in data:
            if k != "experiments":
                problems.append(Problem(f"unknown top-level key {k!r} next to 'experiments'",
                                        file=file, line=line_of(data, str(k)), field=str(k)))
        data = data["experiments"]
        if isinstance(data, Mapping):
            items = [(str(k), v, line_of(data, str(k)), "") for k, v in data.items()]
        elif not isinstance(data, list):
            raise ExperimentError(problems + [Problem(
                "'experiments' must hold a list of named experiments or a mapping "
                "name -> experiment", file=file, line=line_of(data), field="experiments")])
    if isinstance(data, Mapping) and not items:
        if data and all(str(k) not in EXPERIMENT_KEYS and isinstance(v, Mapping)
                        for k, v in data.items()):  # name -> experiment
            items = [(str(k), v, line_of(data, str(k)), "") for k, v in data.items()]
        else:
            items = [(Path(file).stem, data, line_of(data), "")]
    elif isinstance(data, list):
        for i, obj in enumerate(data):
            name = f"experiment {i + 1}"
            if isinstance(obj, Mapping) and "name" in obj:
                name = str(obj["name"])
                obj = {k: v for k, v in obj.items() if k != "name"}
                obj = _keep_lines(obj, data[i])
            items.append((name, obj, line_of(data[i]), ""))
    elif not items:
        raise ExperimentError(Problem(
            f"expected an experiment ({', '.join(EXPERIMENT_KEYS)}), a list of named experiments "
            f"or a mapping 'experiments:'; got {type(data).__name__} {data!r}", file=file))
    from ..limits import limit, limit_note, show

    if len(items) > limit("items"):
        raise ExperimentError(Problem(f"{len(items)} experiments in one file is more than "
                                      f"{show(limit('items'))} ({limit_note('items')})",
                                      file=file))
    out = []
    seen: set[str] = set()
    for name, obj, line, prefix in items:
        where = Problem("", file=file, line=line, item=name, field=prefix or None)
        if name in seen:
            problems.append(Problem(f"duplicate experiment name {name!r}", file=file, line=line,
                                    item=name, field="name"))
            continue
        seen.add(name)
        try:
            exp = parse_experiment(obj, where=where, catalog=catalog)
            # the label (not compared) keeps the doses as written, for plots and legends
            out.append((name, replace(exp, label=describe_as_written(obj))))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise ExperimentError(problems)
    return out


def _keep_lines(new: dict, old) -> object:
    """A copy of a LineDict without some keys that still knows its lines."""
    from .._yaml import LineDict

    if not isinstance(old, LineDict):
        return new
    out = LineDict(new)
    out.line = old.line
    out.key_lines = {k: v for k, v in old.key_lines.items() if k in new}
    return out
