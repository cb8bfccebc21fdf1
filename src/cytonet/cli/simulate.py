"""`cytonet simulate`: run experiments from a YAML file and print, save or plot readouts."""

from __future__ import annotations

__all__ = ["register", "run_simulate", "load_experiments", "parse_readouts", "simulate_frame",
           "output_times", "TIDY_COLUMNS"]

import argparse
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CytonetError, ExperimentError, InputError, Problem, SimulationError

TIDY_COLUMNS = ("experiment", "time_h", "readout", "value", "unit")
# times shown in the printed table when they fall inside the simulated span (s)
_DISPLAY_TIMES_S = (0.0, 600.0, 1800.0, 3600.0, 4 * 3600.0, 8 * 3600.0, 24 * 3600.0,
                    48 * 3600.0, 7 * 86400.0)
_PROGRESS_MIN = 5  # show a progress bar from this many experiments on


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "simulate", help="simulate experiments from a YAML file",
        description="Simulate the experiments in a YAML file (spec/experiments.md format: one "
                    "experiment with cell/stimuli/conditions/perturbations, or a list of "
                    "experiments each with a 'name', or a mapping 'experiments:' holding such a "
                    "list or name -> experiment) and print the readouts at a few times.")
    p.add_argument("file", type=Path, metavar="EXPERIMENT.yaml", help="experiment file")
    p.add_argument("--readouts", nargs="+", default=["phospho:STAT3"], metavar="KIND:ENTITY",
                   help="readouts such as phospho:STAT3 mRNA:SOCS3 (default phospho:STAT3)")
    p.add_argument("--until", default="24 h", metavar="TIME",
                   help="simulate from t = 0 to this time, with a unit (default 24 h)")
    p.add_argument("--points", type=_at_least(2), default=97, metavar="N",
                   help="evenly spaced output times over [0, until] (default 97)")
    p.add_argument("--csv", type=Path, metavar="FILE",
                   help="write the tidy table (experiment, time_h, readout, value, unit)")
    p.add_argument("--plot", type=Path, metavar="FILE.png", help="write a figure, one panel per readout")
    p.add_argument("--workers", type=_at_least(1), default=None, metavar="N",
                   help="parallel simulation processes (default: the simulator's choice)")
    p.set_defaults(func=run_simulate)


def _at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"expected at least {minimum}, got {n}")
        return n
    return parse


# ---------------------------------------------------------------------- input

def load_experiments(path: str | Path, catalog=None, *, text: str | None = None
                     ) -> list[tuple[str, object]]:
    """(name, Experiment) pairs from a YAML file; ExperimentError lists every located problem.

    The file holds one experiment mapping, a list of experiments each with a ``name``, or a
    mapping with the single key ``experiments`` holding such a list or a mapping
    ``name: experiment``. With ``text``, that YAML text is read instead of the file and
    ``path`` only names it in messages (the web explorer's editor).
    """
    from .._yaml import line_of, load_yaml, load_yaml_text
    from ..experiments.parse import EXPERIMENT_KEYS, describe_as_written, parse_experiment

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


def parse_readouts(texts, model) -> list:
    """Readouts from ``KIND:ENTITY`` strings, checked against the model (located errors)."""
    from ..experiments.parse import parse_readout

    out, problems = [], []
    for text in texts:
        where = Problem("", item="--readouts", field=str(text))
        try:
            ro = parse_readout(text, where=where, catalog=model.catalog)
            model.readout(ro.kind, ro.entity)  # the model must have this form
        except InputError as exc:
            problems += [Problem(p.message, item="--readouts", field=str(text))
                         for p in exc.problems]
            continue
        if ro not in out:
            out.append(ro)
    if problems:
        raise ExperimentError(problems)
    return out


def parse_time(text: str, what: str = "--until") -> float:
    """A simulated span from the command line: a finite time after 0, at most a year."""
    from ..limits import limit
    from ..units import parse_quantity, to_seconds

    q = parse_quantity(text, where=Problem("", item=what), kind="time")
    s = to_seconds(q)
    if not s > 0:
        raise InputError(Problem(f"expected a time after 0, got {text!r}", item=what))
    if s > limit("time_s"):
        raise InputError(Problem(f"{text!r} is longer than a year; is the unit right?",
                                 item=what))
    return s


# ---------------------------------------------------------------------- run

def simulate_frame(experiments, readouts, times_s, workers=None, progress=None) -> pd.DataFrame:
    """Simulate (name, Experiment) pairs; tidy frame with ``TIDY_COLUMNS`` (+ time_s).

    Experiments that fail are left out of the frame; a SimulationError at the end names
    each of them (the frame is attached as ``exc.frame``) so nothing already computed is lost.
    """
    from ..experiments.runner import simulate_requests
    from ..experiments.types import Request

    times = tuple(float(t) for t in times_s)
    reqs = [Request(exp, tuple(readouts), times) for _, exp in experiments]
    if progress is None:
        progress = len(reqs) >= _PROGRESS_MIN and sys.stderr.isatty()
    results = simulate_requests(reqs, workers=workers, progress=progress)
    t = np.asarray(times)
    frames, failed = [], []
    for (name, _), res in zip(experiments, results, strict=True):
        if not res.ok:
            failed.append(f"experiment {name!r}: {res.error}")
            continue
        for ro in readouts:
            frames.append(pd.DataFrame({
                "experiment": name, "time_s": t, "time_h": t / 3600.0, "readout": str(ro),
                "value": np.asarray(res.values[ro], dtype=float),
                "unit": ro.unit}))
    cols = [*TIDY_COLUMNS, "time_s"]
    df = pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)
    if failed:
        exc = SimulationError("\n".join(failed))
        exc.frame = df
        raise exc
    return df


def _display_times(until_s: float) -> list[float]:
    ts = [t for t in _DISPLAY_TIMES_S if t < until_s]
    if len(ts) > 6:
        ts = ts[:1] + ts[-5:]
    return [*ts, until_s]


def output_times(until_s: float, points: int) -> np.ndarray:
    """The simulated times (s): ``points`` evenly over [0, until] plus the printed ones."""
    return np.unique(np.concatenate([np.linspace(0.0, until_s, points),
                                     _display_times(until_s)]))


def _fmt_time(s: float) -> str:
    if s == 0:
        return "0"
    if s < 3600:
        return f"{s / 60:g} min"
    if s < 2 * 86400:
        return f"{s / 3600:g} h"
    return f"{s / 86400:g} d"


def summary_table(df: pd.DataFrame, times_s) -> pd.DataFrame:
    sub = df[df["time_s"].isin(list(times_s))]
    wide = sub.pivot_table(index=["experiment", "readout"], columns="time_s", values="value",
                           sort=False)
    wide.columns = [_fmt_time(c) for c in wide.columns]
    return wide


def plot_frame(df: pd.DataFrame, path: str | Path) -> None:
    """The figure of :func:`cytonet.plotting.plot_traces`, written atomically to ``path``."""
    from ..outputs import write_atomic
    from ..plotting import plot_traces

    fig = plot_traces(df)
    fmt = Path(path).suffix.lower().lstrip(".") or "png"
    write_atomic(path, lambda f: fig.savefig(f, dpi=110, format=fmt))


def run_simulate(args: argparse.Namespace) -> int:
    from ..compile import compile_model
    from ..limits import cap_workers, check_points
    from ..outputs import FIGURE_FORMATS, check_output_file, write_csv

    # every argument and output path is checked before the first simulation
    check_points(args.points)
    until = parse_time(args.until)
    if args.csv:
        check_output_file(args.csv, what="--csv")
    if args.plot:
        check_output_file(args.plot, FIGURE_FORMATS, what="--plot")
    experiments = load_experiments(args.file)  # bad input answers before the model compiles
    model = compile_model(parameter_set=getattr(args, "parameter_set", None))
    readouts = parse_readouts(args.readouts, model)
    shown = _display_times(until)
    times = output_times(until, args.points)
    workers = cap_workers(args.workers, len(experiments))
    error: CytonetError | None = None
    try:
        df = simulate_frame(experiments, readouts, times, workers=workers)
    except SimulationError as exc:
        df, error = getattr(exc, "frame", None), exc
        if df is None:
            raise
    if len(df):
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            print(summary_table(df, shown).to_string(float_format=lambda v: f"{v:.4g}"))
    if args.csv and len(df):
        write_csv(args.csv, df[list(TIDY_COLUMNS)])
        print(f"wrote {args.csv}")
    if args.plot and len(df):
        plot_frame(df, args.plot)
        print(f"wrote {args.plot}")
    if error is not None:
        raise error
    return 0
