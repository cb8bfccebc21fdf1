"""Read the ids an SBML model defines (species, parameters, compartments, reactions, rule targets)."""

from __future__ import annotations

__all__ = ["SbmlSymbols", "read_sbml_symbols"]

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PetabError, Problem


@dataclass(frozen=True)
class SbmlSymbols:
    """The ids an SBML model defines, by kind."""

    species: tuple[str, ...]
    parameters: tuple[str, ...]
    compartments: tuple[str, ...]
    reactions: tuple[str, ...] = ()
    amount_species: frozenset[str] = field(default_factory=frozenset)
    """Species with ``hasOnlySubstanceUnits``: formulas refer to their amount."""
    rule_targets: frozenset[str] = field(default_factory=frozenset)
    """Ids set by assignment or rate rules: they cannot be overridden by value."""
    initial_assignment_targets: frozenset[str] = field(default_factory=frozenset)

    @property
    def all_ids(self) -> frozenset[str]:
        return frozenset(self.species + self.parameters + self.compartments + self.reactions)


def read_sbml_symbols(path: str | Path) -> SbmlSymbols:
    """Read an SBML file and return the ids it defines; raise PetabError if it cannot be read."""
    import libsbml

    path = Path(path)
    if not path.is_file():
        raise PetabError(Problem(f"SBML file not found: {path}", file=str(path)))
    doc = libsbml.readSBMLFromFile(str(path))
    fatal = [
        doc.getError(i)
        for i in range(doc.getNumErrors())
        if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR
    ]
    model = doc.getModel()
    if model is None or fatal:
        problems = [
            Problem(
                f"SBML error: {err.getMessage().strip()}",
                file=str(path),
                line=err.getLine() or None,
            )
            for err in fatal
        ] or [Problem("file holds no SBML model", file=str(path))]
        raise PetabError(problems)
    species = tuple(s.getId() for s in model.getListOfSpecies())
    amount_species = frozenset(
        s.getId() for s in model.getListOfSpecies() if s.getHasOnlySubstanceUnits()
    )
    rule_targets = frozenset(
        r.getVariable() for r in model.getListOfRules() if r.isAssignment() or r.isRate()
    )
    initial_targets = frozenset(ia.getSymbol() for ia in model.getListOfInitialAssignments())
    return SbmlSymbols(
        species=species,
        parameters=tuple(p.getId() for p in model.getListOfParameters()),
        compartments=tuple(c.getId() for c in model.getListOfCompartments()),
        reactions=tuple(r.getId() for r in model.getListOfReactions()),
        amount_species=amount_species,
        rule_targets=rule_targets,
        initial_assignment_targets=initial_targets,
    )
