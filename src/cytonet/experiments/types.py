"""Typed experiments, perturbations and readouts (the shared spec, after parsing).

These are the contract between parsing (``experiments.parse``), the simulator
(``experiments.runner``) and validation. All quantities are already in model units:
concentrations in nM, times in seconds, oxygen in percent, glucose and mannose in mM.
Instances are frozen and hashable so that simulations can be cached and shared.
"""

from __future__ import annotations

__all__ = ["READOUT_KINDS", "DEFAULT_READOUT_TIME_S", "Perturbation", "Experiment", "Readout",
           "Request", "Result", "readout_unit"]

from dataclasses import dataclass, field

import numpy as np

# spec readout kinds; 'free' (unbound ligand in the medium) is a compatible extension.
# Intracellular kinds are cell-average nM (amounts over cytoplasm + nucleus volume);
# 'protein' is cell-associated protein (what a lysate shows); 'secreted' is what the cells
# released into the medium since t = 0, net of its decay there (a conditioned-medium assay
# after the medium change that brings the stimulus); 'free' is the unbound concentration in
# the medium, whatever its origin; 'active' of an inhibitor's target is scaled by the
# fraction of its activity the inhibitor leaves.
READOUT_KINDS = ("phospho", "active", "nuclear", "mRNA", "protein", "secreted", "phenotype", "free")
DEFAULT_READOUT_TIME_S = {"phospho": 3600.0, "active": 3600.0, "nuclear": 3600.0,
                          "mRNA": 86400.0, "protein": 86400.0, "secreted": 86400.0,
                          "phenotype": 86400.0, "free": 86400.0}


@dataclass(frozen=True)
class Perturbation:
    """One perturbation; ``target`` is a canonical entity symbol, or a drug name for drugs."""

    kind: str  # knockdown | knockout | overexpress | drug
    target: str
    efficiency: float | None = None  # knockdown, 0..1 (default 0.8)
    fold: float | None = None  # overexpress, > 0 (default 5)
    dose_nM: float | None = None  # drug, molar dose in nM (mass doses converted with MW)

    def describe(self) -> str:
        if self.kind == "knockdown":
            return f"knockdown {self.target} ({self.efficiency:g})"
        if self.kind == "overexpress":
            return f"overexpress {self.target} x{self.fold:g}"
        if self.kind == "drug":
            return f"{self.target} {self.dose_nM:g} nM"
        return f"knockout {self.target}"


@dataclass(frozen=True)
class Experiment:
    """A simulated experiment: context, stimuli at t=0, conditions from t=0, perturbations."""

    cell: str = "generic"
    stimuli: tuple[tuple[str, float], ...] = ()  # (symbol, nM), sorted by symbol
    conditions: tuple[tuple[str, float], ...] = ()  # (glucose mM | oxygen % | mannose mM | estradiol nM)
    perturbations: tuple[Perturbation, ...] = ()
    label: str = field(default="", compare=False, hash=False)

    def prestimulus(self) -> Experiment:
        """The same cells before t = 0: context and perturbations only (for steady states)."""
        return Experiment(cell=self.cell, perturbations=self.perturbations)

    def describe(self) -> str:
        parts = [self.cell]
        parts += [f"{s} {v:g} nM" for s, v in self.stimuli]
        parts += [f"{c}={v:g}" for c, v in self.conditions]
        parts += [p.describe() for p in self.perturbations]
        return ", ".join(parts)


@dataclass(frozen=True)
class Readout:
    """``KIND:ENTITY``; entity is a canonical symbol or a phenotype id."""

    kind: str
    entity: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.entity}"

    @property
    def unit(self) -> str:
        """The unit of this readout's values (:func:`readout_unit`)."""
        return readout_unit(self)


def readout_unit(readout: Readout | str) -> str:
    """The unit of a readout's values: a phenotype's ``score`` (0..1), else cell-average
    ``nM``; ``readout`` is a Readout or its ``KIND:ENTITY`` text.

    >>> readout_unit("phospho:STAT3"), readout_unit(Readout("phenotype", "invasion"))
    ('nM', 'score')
    """
    return "score" if str(readout).startswith("phenotype:") else "nM"


@dataclass(frozen=True)
class Request:
    """Simulate ``experiment`` and return ``readouts`` at ``times`` (seconds from t = 0)."""

    experiment: Experiment
    readouts: tuple[Readout, ...]
    times: tuple[float, ...]


@dataclass
class Result:
    """Values per readout at the requested times; ``error`` is set when the run failed."""

    request: Request
    values: dict[Readout, np.ndarray] = field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
