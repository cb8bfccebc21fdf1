"""Readouts ``KIND:ENTITY`` as weighted sums over the network's species."""

from __future__ import annotations

__all__ = ["readout_species", "readout_terms", "readout_formula", "activity_parameter", "INTRACELLULAR_KINDS",
           "MEDIUM_KINDS"]

from ..errors import Problem, UnknownNameError
from .network import Network

INTRACELLULAR_KINDS = ("phospho", "active", "nuclear", "mRNA", "protein")
MEDIUM_KINDS = ("secreted", "free")


def readout_species(net: Network, kind: str, entity: str) -> list[tuple[str, int]]:
    """(species id, copies of ``entity`` counted) for ``KIND:ENTITY``; ``entity`` is the
    model symbol."""
    if kind == "phospho":
        pairs = net.species_with(entity, state="p", mrna=False)
    elif kind == "active":
        pairs = net.species_with(entity, state="active", mrna=False)
    elif kind == "nuclear":
        pairs = net.species_with(entity, mrna=False, compartment="nucleus")
    elif kind == "mRNA":
        pairs = net.species_with(entity, mrna=True)
    elif kind == "protein":
        pairs = [(s, c) for s, c in net.species_with(entity, mrna=False)
                 if net.species[s].compartment != "medium"]
    elif kind == "secreted":
        # released by the cells since t = 0 (conditioned-medium assays)
        pairs = net.species_with(entity, state="released", mrna=False)
    elif kind == "free":
        pairs = [(s.id, 1) for s in net.species.values() if s.compartment == "medium"
                 and len(s.components) == 1 and s.components[0].entity == entity
                 and "released" not in s.components[0].states]
    else:
        raise UnknownNameError(Problem(f"unknown readout kind {kind!r}"))
    if not pairs:
        raise UnknownNameError(Problem(f"the model has no {kind} form of {entity}"))
    return pairs


def readout_terms(net: Network, kind: str, entity: str, volumes: dict[str, float]
                  ) -> list[tuple[str, float]]:
    """(species id, weight) pairs: value = sum(weight * concentration).

    Intracellular kinds are cell-average concentrations (amount / (V_cyt + V_nuc));
    medium kinds are medium concentrations. ``entity`` is the model symbol.
    """
    vcell = volumes["cytoplasm"] + volumes["nucleus"]
    if kind in MEDIUM_KINDS:
        return [(sid, float(count)) for sid, count in readout_species(net, kind, entity)]
    return [(sid, count * volumes[net.species[sid].compartment] / vcell)
            for sid, count in readout_species(net, kind, entity)]


def activity_parameter(net: Network, kind: str, entity: str) -> str | None:
    """For ``active:X`` of a drug target: the parameter with the fraction of X's catalytic
    activity left by inhibitors (``act_X``). Active X is its active form times that fraction,
    so rapamycin lowers active mTOR; phospho readouts are left as they are (ATP-competitive
    kinase inhibitors need not lower their target's own phosphorylation)."""
    pid = f"act_{entity}"
    return pid if kind == "active" and pid in net.parameters else None


def readout_formula(net: Network, kind: str, entity: str) -> str:
    """The readout as an SBML formula over species concentrations and volume parameters."""
    vol_param = net.compartments
    parts = []
    for sid, count in readout_species(net, kind, entity):
        comp = net.species[sid].compartment
        if kind in MEDIUM_KINDS:
            parts.append(f"{count} * {sid}")
        else:
            parts.append(f"{count} * {sid} * {vol_param[comp]}")
    body = " + ".join(parts)
    if kind in MEDIUM_KINDS:
        return f"({body})"
    scale = activity_parameter(net, kind, entity)
    formula = f"({body}) / ({vol_param['cytoplasm']} + {vol_param['nucleus']})"
    return f"{formula} * {scale}" if scale else formula
