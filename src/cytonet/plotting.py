"""Figures of simulated traces: the one plotting code behind ``cytonet simulate --plot`` and
:func:`cytonet.plot_traces`.

Figures are built with matplotlib's object interface (no pyplot, no backend switch), so
they display in a notebook, save with ``fig.savefig`` anywhere and leave no global state.
"""

from __future__ import annotations

__all__ = ["plot_traces"]

from collections.abc import Mapping

import pandas as pd

from .errors import InputError, Problem


def _frame(result) -> pd.DataFrame:
    """One tidy frame (experiment, time_h, readout, value, unit) from what the user has."""
    if isinstance(result, Mapping):
        parts = []
        for name, df in result.items():
            df = _frame(df)
            parts.append(df.assign(experiment=str(name)))
        result = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if not isinstance(result, pd.DataFrame):
        raise InputError(Problem(
            "expected a tidy DataFrame from cytonet.run (or `cytonet simulate --csv`), or a "
            f"mapping name -> such frame; got {type(result).__name__}", field="result"))
    df = result
    missing = {"readout", "value"} - set(df.columns)
    if "time_h" not in df.columns and "time_s" not in df.columns:
        missing.add("time_h")
    if missing:
        raise InputError(Problem(
            f"the frame has no column {', '.join(sorted(missing))}: expected the tidy table "
            "of cytonet.run (experiment, time_s, time_h, readout, value, unit)",
            field="result"))
    if "time_h" not in df.columns:
        df = df.assign(time_h=df["time_s"] / 3600.0)
    if "experiment" not in df.columns:
        df = df.assign(experiment="")
    if "unit" not in df.columns:
        from .experiments.types import readout_unit

        df = df.assign(unit=df["readout"].map(readout_unit))
    return df


def plot_traces(result, readouts=None, *, ncols: int = 3):
    """One panel per readout, one line per experiment, time in hours; a matplotlib Figure.

    ``result`` is the tidy table of :func:`cytonet.run` (or of ``cytonet simulate --csv``,
    several experiments at once), or a mapping ``name -> table`` to compare experiments.
    ``readouts`` chooses and orders the panels (default: every readout, in order of first
    appearance). Each panel's y label is its readout's unit. Save it with
    ``fig.savefig("traces.png")``.

    >>> import cytonet
    >>> il6 = cytonet.run({"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}},
    ...                   readouts=["phospho:STAT3", "mRNA:SOCS3"], times=["30 min", "2 h"])
    >>> fig = plot_traces({"IL-6": il6})
    >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
    ['phospho:STAT3', 'mRNA:SOCS3']
    >>> fig.axes[0].get_ylabel(), fig.axes[0].get_xlabel()
    ('nM', 'time (h)')
    """
    from matplotlib.figure import Figure

    df = _frame(result)
    present = list(dict.fromkeys(df["readout"]))
    if readouts is None:
        chosen = present
    else:
        chosen = [str(r) for r in ([readouts] if isinstance(readouts, str) else readouts)]
        unknown = [r for r in chosen if r not in present]
        if unknown:
            raise InputError(Problem(
                f"readout {', '.join(unknown)} is not in the result; it has "
                f"{', '.join(present) or 'no readouts'}", field="readouts"))
    n = max(1, len(chosen))
    ncol = max(1, min(int(ncols), n))
    nrow = (n + ncol - 1) // ncol
    fig = Figure(figsize=(4.2 * ncol, 3.2 * nrow))
    axes = fig.subplots(nrow, ncol, squeeze=False)
    for ax, ro in zip(axes.flat, chosen, strict=False):
        part = df[df["readout"] == ro]
        for name, g in part.groupby("experiment", sort=False):
            ax.plot(g["time_h"], g["value"], label=str(name))
        ax.set_title(ro)
        ax.set_xlabel("time (h)")
        ax.set_ylabel(part["unit"].iloc[0] if len(part) else "")
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    labels_shown = [lab for lab in labels if lab]
    if labels_shown:
        fig.legend(handles, labels, loc="lower center", ncol=min(4, len(labels)), fontsize=8,
                   frameon=False)
        fig.tight_layout(rect=(0, 0.04 + 0.03 * ((len(labels) - 1) // 4), 1, 1))
    else:
        fig.tight_layout()
    return fig
