"""cytonet: an executable, evidence-backed model of cytokine signalling in cancer.

The Python API: :func:`run` simulates one experiment into a tidy table with units,
:func:`plot_traces` draws such tables, :data:`ureg` / :data:`Q_` make pint quantities that
doses and times accept. Everything else lives in the subpackages (``cytonet.validation``
for scorecards, ``cytonet.analysis`` for ensembles, screens and sensitivity).

>>> import cytonet
>>> cytonet.Q_(30, "minute").to("second")
<Quantity(1800, 'second')>
>>> cytonet.ureg("2 hour").to("minute")
<Quantity(120, 'minute')>
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

try:
    __version__ = _version("cytonet")  # the installed distribution's metadata (pyproject.toml)
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__", "run", "plot_traces", "ureg", "Q_"]

_LAZY = {"plot_traces": ("plotting", "plot_traces"), "ureg": ("units", "ureg"),
         "Q_": ("units", "Q_")}


def __getattr__(name: str):
    """``plot_traces``, ``ureg`` and ``Q_`` are imported on first use (matplotlib, pint)."""
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cytonet' has no attribute {name!r}")


def run(experiment, readouts=None, times=None):
    """Simulate one experiment on the compiled model; a tidy DataFrame with units.

    ``experiment`` is an :class:`~cytonet.experiments.types.Experiment` or a mapping in the
    spec's experiment format (``cell``, ``stimuli``, ``conditions``, ``perturbations``);
    doses are strings with a unit (``'10 ng/mL'``, ``'1 uM'``) or pint quantities
    (``cytonet.Q_(10, 'ng/mL')``). ``readouts`` are ``'KIND:ENTITY'`` strings or Readout
    objects (default ``phospho:STAT3``). ``times`` are strings with a unit (``'30 min'``,
    ``'2 h'``), pint quantities (one, an array, or a list), or plain numbers of seconds;
    default 0-24 h every 15 min; t = 0 is always included. A malformed time is a located
    :class:`~cytonet.errors.UnitError` (``field 'times[1]': cannot read quantity ...``).

    Columns: ``experiment, time_s, time_h, readout, value, unit`` (``unit`` is ``nM``, or
    ``score`` for phenotypes), so units survive a pivot; they are also in
    ``df.attrs['units']``. The simulator is compiled on first use (a few seconds) and
    reused.

    >>> import cytonet
    >>> df = cytonet.run({"cell": "hepatocyte", "stimuli": {"IL6": "10 ng/mL"}},
    ...                  readouts=["phospho:STAT3", "mRNA:SOCS3"], times=["30 min", "2 h"])
    >>> list(df.columns)
    ['experiment', 'time_s', 'time_h', 'readout', 'value', 'unit']
    >>> wide = df.pivot_table(index="time_h", columns=["readout", "unit"], values="value")
    >>> wide.index.tolist(), list(wide.columns)
    ([0.0, 0.5, 2.0], [('mRNA:SOCS3', 'nM'), ('phospho:STAT3', 'nM')])
    >>> bool(wide.loc[0.5, ("phospho:STAT3", "nM")] > wide.loc[0.0, ("phospho:STAT3", "nM")])
    True

    Pint quantities give the same result:

    >>> same = cytonet.run({"cell": "hepatocyte", "stimuli": {"IL6": cytonet.Q_(10, "ng/mL")}},
    ...                    readouts=["phospho:STAT3", "mRNA:SOCS3"],
    ...                    times=cytonet.Q_([30, 120], "minute"))
    >>> bool((same["value"] == df["value"]).all())
    True
    >>> cytonet.run({"cell": "hepatocyte"}, times=["30 min", "2 hrs later"])
    Traceback (most recent call last):
    ...
    cytonet.errors.UnitError: field 'times[1]': cannot read quantity '2 hrs later': expected a number and a unit, e.g. '10 ng/mL', '1 uM', '30 min', '1 %'
    """
    from collections.abc import Mapping
    from dataclasses import replace

    from .experiments import runner
    from .experiments.parse import describe_as_written, parse_experiment, parse_readout
    from .experiments.types import Experiment, Readout

    if isinstance(experiment, Mapping):
        experiment = replace(parse_experiment(experiment),
                             label=describe_as_written(experiment))
    elif not isinstance(experiment, Experiment):
        from .errors import ExperimentError, Problem
        raise ExperimentError(Problem(
            "expected an Experiment or a mapping with cell, stimuli, conditions, perturbations; "
            f"got {type(experiment).__name__}"))
    if readouts is not None:
        if isinstance(readouts, (str, Readout)):
            readouts = [readouts]
        readouts = [r if isinstance(r, Readout) else parse_readout(r) for r in readouts]
    return runner.run(experiment, readouts=readouts, times=times)
