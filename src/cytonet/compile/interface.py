"""The compiled model's interface, as data: what a protocol may set and read.

Everything that runs the model (the experiment runner, PEtab export and likelihood,
ensembles, benchmarks) learns the model's handles here and nowhere else:

* ``stimulus_species`` / ``dose_species``: the medium species of each stimulus and the
  bolus species a dose is put into at t = 0 (it mixes into the medium in seconds);
* ``condition_parameters``: culture conditions (glucose, oxygen, ...) -> parameter id;
* ``expression_handles`` (``expr_X``), ``transgene_handles`` (``tg_X``, overexpression of
  a gene with a promoter), ``activity_handles`` (``act_X``) and ``drug_species``
  (sequestering drugs in the medium): the perturbation handles;
* ``released_species``: the species ``secreted:X`` counts from t = 0;
* ``theta``: the kinetic parameters an ensemble may vary, in a fixed order, each with its
  nominal value and a prior (:class:`Prior`) derived from its provenance;
* readouts through :meth:`ModelInterface.readout` (one definition: species weights and
  the activity scale of ``active:`` readouts of drug targets).
"""

from __future__ import annotations

__all__ = ["Prior", "ReadoutTerms", "ModelInterface", "model_interface", "PRIOR_SIGMA_LOG10"]

from dataclasses import dataclass, field

import numpy as np

from .model import (
    CONDITION_PARAMETERS,
    DOSE_SPECIES,
    DRUG_ACTIVITY_TARGETS,
    GENES,
    PERTURBABLE,
    SEQUESTERING_DRUGS,
    STIMULUS_SPECIES,
)
from .parameters import PRIOR_SIGMA_LOG10, prior_of

# the boundary species of each sequestering drug, as the model names them
SEQUESTERING_SPECIES = {name: f"drug_{sfx}" for name, sfx in SEQUESTERING_DRUGS.items()}


@dataclass(frozen=True)
class Prior:
    """Log-normal prior: log10(value) ~ Normal(log10(median), sigma_log10); bounds at 3 sd."""

    median: float
    sigma_log10: float
    source: str = ""

    @property
    def bounds(self) -> tuple[float, float]:
        f = 10 ** (3 * self.sigma_log10)
        return self.median / f, self.median * f

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.median * 10 ** (self.sigma_log10 * rng.standard_normal(n))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantile function (for Sobol / Latin-hypercube designs on [0, 1])."""
        from scipy.stats import norm
        return self.median * 10 ** (self.sigma_log10 * norm.ppf(np.clip(u, 1e-12, 1 - 1e-12)))


@dataclass(frozen=True)
class ReadoutTerms:
    """``value = scale_value x sum(weight x selection)``; ``scale`` is a parameter id or None."""

    terms: tuple[tuple[str, float], ...]  # (roadrunner selection, weight)
    scale: str | None = None


@dataclass
class ModelInterface:
    """The handles of one compiled model (see the module docstring)."""

    stimulus_species: dict[str, str]
    dose_species: dict[str, str]
    condition_parameters: dict[str, str]
    expression_handles: tuple[str, ...]
    transgene_handles: tuple[str, ...]
    activity_handles: tuple[str, ...]
    drug_species: dict[str, str]
    released_species: tuple[str, ...]
    theta_ids: tuple[str, ...]
    theta_nominal: np.ndarray
    priors: dict[str, Prior]
    _model: object = field(repr=False, default=None)

    def readout(self, kind: str, entity: str) -> ReadoutTerms:
        """Selections, weights and scale of ``KIND:ENTITY`` (entity canonical)."""
        m = self._model
        species = m.network.species
        terms = tuple((sid if sid not in species else f"[{sid}]", w)
                      for sid, w in m.readout(kind, entity))
        return ReadoutTerms(terms, m.readout_scale(kind, entity))

    def theta_index(self, ids) -> np.ndarray:
        pos = {p: i for i, p in enumerate(self.theta_ids)}
        missing = [p for p in ids if p not in pos]
        if missing:
            raise KeyError(f"not kinetic parameters of the model: {', '.join(missing)}")
        return np.array([pos[p] for p in ids], dtype=int)

    def sample_priors(self, n: int, seed: int | None = None, ids=None) -> np.ndarray:
        """``n`` members drawn from the priors of ``ids`` (default all), others nominal."""
        rng = np.random.default_rng(seed)
        theta = np.tile(self.theta_nominal, (n, 1))
        for j in self.theta_index(ids or self.theta_ids):
            theta[:, j] = self.priors[self.theta_ids[j]].sample(rng, n)
        return theta

    def jitter(self, n: int, sigma: float, seed: int | None = None, ids=None) -> np.ndarray:
        """``n`` members: every kinetic parameter times exp(sigma x N(0, 1)) (log-normal)."""
        rng = np.random.default_rng(seed)
        theta = np.tile(self.theta_nominal, (n, 1))
        idx = self.theta_index(ids or self.theta_ids)
        theta[:, idx] *= np.exp(sigma * rng.standard_normal((n, len(idx))))
        return theta


def _is_handle(pid: str) -> bool:
    return pid.startswith(("expr_", "tg_", "act_", "target_", "phenotype_"))


def model_interface(model) -> ModelInterface:
    """Build the interface of a :class:`~cytonet.compile.CompiledModel`."""
    net = model.network
    rule_vars = {r.variable for r in net.rules}
    fixed = (set(net.compartments.values()) | set(CONDITION_PARAMETERS.values())
             | {"k_mix_medium"} | rule_vars)
    theta_ids = tuple(pid for pid in net.parameters
                      if pid not in fixed and not _is_handle(pid)
                      and net.parameters[pid].value > 0)
    priors = {}
    for pid in theta_ids:
        median, sigma, src = prior_of(net.parameters[pid])
        priors[pid] = Prior(float(median), float(sigma), src)
    return ModelInterface(
        stimulus_species=dict(STIMULUS_SPECIES), dose_species=dict(DOSE_SPECIES),
        condition_parameters=dict(CONDITION_PARAMETERS),
        expression_handles=tuple(f"expr_{e}" for e in PERTURBABLE),
        transgene_handles=tuple(f"tg_{g}" for g in GENES),
        activity_handles=tuple(f"act_{e}" for e in DRUG_ACTIVITY_TARGETS)
        + ("act_AKT1_allosteric",),
        drug_species=dict(SEQUESTERING_SPECIES),
        released_species=tuple(net.released_species()),
        theta_ids=theta_ids,
        theta_nominal=np.array([net.parameters[p].value for p in theta_ids], dtype=float),
        priors=priors, _model=model)
