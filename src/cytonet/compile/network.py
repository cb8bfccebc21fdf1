"""Reaction networks: species with their molecular composition, reactions citing the
interactions they realize, parameters with provenance; export to SBML Level 3."""

from __future__ import annotations

__all__ = ["Provenance", "Parameter", "Species", "Reaction", "Rule", "Network", "Component",
           "composition"]

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Provenance:
    kind: str  # literature | assumed | fitted | derived
    ref: str | None = None
    note: str = ""

    def describe(self) -> str:
        bits = [self.kind]
        if self.ref:
            bits.append(self.ref)
        if self.note:
            bits.append(self.note)
        return "; ".join(bits)


@dataclass
class Parameter:
    """A model parameter; ``prior_median`` / ``prior_sigma_log10`` are its stated
    log-normal prior (``prior:`` in parameters.yaml), None where the provenance implies it
    (:func:`cytonet.compile.parameters.prior_of`)."""

    id: str
    value: float
    unit: str
    provenance: Provenance
    constant: bool = True
    prior_median: float | None = None
    prior_sigma_log10: float | None = None


@dataclass(frozen=True)
class Component:
    """One entity inside a species: how many copies, and its states ('p', 'active')."""

    entity: str
    count: int = 1
    states: frozenset[str] = frozenset()
    is_mrna: bool = False


@dataclass
class Species:
    id: str
    compartment: str
    components: tuple[Component, ...]
    initial: float = 0.0  # nM in its compartment
    boundary: bool = False
    name: str = ""


def composition(species: Species) -> str:
    """A species' molecular composition as readable text: ``IL6 + IL6R + 2xIL6ST(p)``,
    ``SOCS3[mRNA]`` (``-`` for a species of no curated entity, such as a drug)."""
    parts = []
    for c in species.components:
        name = f"{c.entity}[mRNA]" if c.is_mrna else c.entity
        if c.states:
            name += "(" + ",".join(sorted(c.states)) + ")"
        parts.append(f"{c.count}x{name}" if c.count != 1 else name)
    return " + ".join(parts) or "-"


@dataclass
class Reaction:
    id: str
    reactants: dict[str, int]
    products: dict[str, int]
    rate: str  # amount / time (concentration x volume / s)
    realizes: tuple[str, ...]
    modifiers: tuple[str, ...] = ()
    template: str = ""


@dataclass
class Rule:
    """An assignment rule (``kind='assignment'``) or rate rule on a parameter."""

    variable: str
    formula: str
    kind: str = "assignment"
    unit: str = "dimensionless"
    note: str = ""


@dataclass
class Network:
    name: str
    compartments: dict[str, str] = field(default_factory=dict)  # id -> volume parameter id
    species: dict[str, Species] = field(default_factory=dict)
    reactions: list[Reaction] = field(default_factory=list)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)

    # ------------------------------------------------------------------ building
    def add_species(self, sid: str, compartment: str, components, initial: float = 0.0,
                    boundary: bool = False, name: str = "") -> str:
        if sid in self.species:
            return sid
        comps = []
        for c in components:
            if isinstance(c, Component):
                comps.append(c)
            elif isinstance(c, str):
                comps.append(Component(c))
            else:
                ent, *rest = c
                count = rest[0] if rest else 1
                states = frozenset(rest[1]) if len(rest) > 1 else frozenset()
                comps.append(Component(ent, count, states))
        self.species[sid] = Species(sid, compartment, tuple(comps), initial, boundary, name or sid)
        return sid

    def add_reaction(self, rid: str, reactants, products, rate: str, realizes=(),
                     modifiers=(), template: str = "") -> None:
        if any(r.id == rid for r in self.reactions):
            raise ValueError(f"duplicate reaction id {rid}")

        def counts(xs):
            out: dict[str, int] = {}
            for x in xs:
                out[x] = out.get(x, 0) + 1
            return out

        if isinstance(realizes, str):
            realizes = (realizes,)
        self.reactions.append(Reaction(rid, counts(reactants), counts(products), rate,
                                       tuple(realizes), tuple(modifiers), template))

    def volume_of(self, sid: str) -> str:
        return self.compartments[self.species[sid].compartment]

    def released_species(self) -> list[str]:
        """Medium species that count what the cells released since t = 0 (secreted:X)."""
        return [sid for sid, sp in self.species.items()
                if any("released" in c.states for c in sp.components)]

    # ------------------------------------------------------------------ readouts
    def species_with(self, entity: str, *, state: str | None = None, mrna: bool | None = None,
                     compartment: str | None = None) -> list[tuple[str, int]]:
        """Species (and copy numbers) that contain ``entity`` with the given state."""
        out = []
        for s in self.species.values():
            if compartment and s.compartment != compartment:
                continue
            n = 0
            for c in s.components:
                if c.entity != entity:
                    continue
                if mrna is not None and c.is_mrna != mrna:
                    continue
                if state is not None and state not in c.states:
                    continue
                n += c.count
            if n:
                out.append((s.id, n))
        return out
