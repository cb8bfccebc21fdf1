"""cytonet: an executable, evidence-backed model of cytokine signalling in cancer."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

try:
    __version__ = _version("cytonet")  # the installed distribution's metadata (pyproject.toml)
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__", "run"]


def run(experiment, readouts=None, times=None):
    """Simulate one experiment on the compiled model; a tidy DataFrame.

    ``experiment`` is an :class:`~cytonet.experiments.types.Experiment` or a mapping in the
    spec's experiment format (``cell``, ``stimuli``, ``conditions``, ``perturbations``);
    ``readouts`` are ``'KIND:ENTITY'`` strings or Readout objects (default
    ``phospho:STAT3``); ``times`` are seconds from t = 0 (default 0-24 h every 15 min).
    Columns: time_s, time_h, readout, value; units are in ``df.attrs['units']``.
    The simulator is compiled on first use (a few seconds) and reused.

    >>> df = run({'cell': 'hepatocyte', 'stimuli': {'IL6': '10 ng/mL'}},
    ...          readouts=['phospho:STAT3'], times=[0, 1800])  # doctest: +SKIP
    """
    from collections.abc import Mapping

    from .experiments import runner
    from .experiments.parse import parse_experiment, parse_readout
    from .experiments.types import Experiment, Readout

    if isinstance(experiment, Mapping):
        experiment = parse_experiment(experiment)
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
