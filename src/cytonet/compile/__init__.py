"""Knowledge graph -> reaction network -> SBML / Antimony."""

from __future__ import annotations

__all__ = ["CompiledModel", "compile_model"]

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from ..knowledge import load_knowledge
from ..knowledge.load import Catalog, data_dir, default_catalog
from .model import build_network
from .network import Network
from .parameters import ParameterSet, load_parameter_set, load_parameters
from .readouts import activity_parameter, readout_terms


@dataclass
class CompiledModel:
    network: Network
    parameters: ParameterSet
    catalog: Catalog
    _readout_cache: dict = field(default_factory=dict, repr=False)

    @cached_property
    def sbml(self) -> str:
        from .sbml import to_sbml
        return to_sbml(self.network, catalog=self.catalog)

    @cached_property
    def interface(self):
        """The model's handles as data (:class:`~cytonet.compile.interface.ModelInterface`)."""
        from .interface import model_interface
        return model_interface(self)

    @cached_property
    def volumes(self) -> dict[str, float]:
        return {c: self.network.parameters[v].value for c, v in self.network.compartments.items()}

    def readout_scale(self, kind: str, entity: str) -> str | None:
        """Parameter that multiplies the readout (``act_X`` for ``active:X`` of drug targets)."""
        if kind == "phenotype":
            return None
        return activity_parameter(self.network, kind, self.catalog.model_symbol(entity))

    def readout(self, kind: str, entity: str) -> list[tuple[str, float]]:
        """(species or parameter id, weight) pairs for ``KIND:ENTITY`` (entity canonical)."""
        key = (kind, entity)
        if key not in self._readout_cache:
            if kind == "phenotype":
                terms = [(f"phenotype_{entity}", 1.0)]
            else:
                terms = readout_terms(self.network, kind, self.catalog.model_symbol(entity),
                                      self.volumes)
            self._readout_cache[key] = terms
        return self._readout_cache[key]


@lru_cache(maxsize=4)
def _compile(param_file: str | None, parameter_set, knowledge_dir: str) -> CompiledModel:
    kb = load_knowledge(knowledge_dir)
    params = load_parameters(param_file or str(Path(knowledge_dir) / "parameters.yaml"))
    if parameter_set:
        params = load_parameter_set(parameter_set, params)
    return CompiledModel(build_network(kb, params), params, default_catalog(knowledge_dir))


def compile_model(parameters: str | None = None, parameter_set: str | None = None
                  ) -> CompiledModel:
    """The compiled model for the curated knowledge (cached per process); ``parameter_set``
    names an alternative set in ``data/parameter_sets`` applied on top."""
    return _compile(parameters, parameter_set, str(data_dir()))
