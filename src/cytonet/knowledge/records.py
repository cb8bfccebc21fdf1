"""Typed records of the curated knowledge base."""

from __future__ import annotations

__all__ = [
    "ENTITY_KINDS", "MECHANISMS", "DRUG_MECHANISMS", "SPEC_CONTEXTS", "SPEC_STIMULI",
    "SPEC_CONDITIONS", "SPEC_PHENOTYPES", "SPEC_RECEPTOR_COLUMNS",
    "Source", "Evidence", "Entity", "Interaction", "DrugTarget", "Drug", "Context",
    "Driver", "Phenotype", "Knowledge", "KINETIC_QUANTITIES",
]

from dataclasses import dataclass, field

ENTITY_KINDS = (
    "ligand", "receptor", "kinase", "phosphatase", "adaptor", "transcription factor",
    "gene product", "stress sensor", "condition", "phenotype",
)
MECHANISMS = (
    "binds", "phosphorylates", "dephosphorylates", "activates", "inhibits", "transcribes",
    "translates", "secretes", "degrades", "translocates", "sequesters",
)
DRUG_MECHANISMS = ("competitive", "allosteric", "neutralizing antibody", "ligand trap")
#: binding constants of a sequestering drug's target; ``measured`` names those its source
#: measured (the others are assumed, or derived from koff = kon x Kd)
KINETIC_QUANTITIES = ("kd", "kon", "koff")
SPEC_CONTEXTS = ("generic", "hepatocyte", "lung_cancer", "endometrium", "lymphocyte", "macrophage")
SPEC_STIMULI = ("IL6", "LIF", "IL11", "IL7", "IL1B", "sIL6R")
SPEC_CONDITIONS = {"glucose": "25 mM", "oxygen": "21 %", "mannose": "0 mM", "estradiol": "0 nM"}
SPEC_PHENOTYPES = ("proliferation", "survival", "invasion", "angiogenesis", "emt",
                   "immune_suppression", "implantation")
# The spec's receptor table: context -> column -> '+' / '-' / '+ (low)'.
SPEC_RECEPTOR_COLUMNS = ("IL6R", "LIFR", "IL11RA", "IL6ST", "IL7R", "IL2RG")


@dataclass(frozen=True)
class Source:
    key: str
    doi: str | None = None
    pmid: str | None = None
    seed: str | None = None
    title: str = ""
    verified: bool = True
    line: int | None = None
    #: first author ("et al."), year, journal and the note on the record that was seen
    authors: str = ""
    year: int | None = None
    journal: str = ""
    check: str = ""

    @property
    def url(self) -> str | None:
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return None

    def label(self) -> str:
        parts = []
        if self.doi:
            parts.append(f"doi:{self.doi}")
        if self.pmid:
            parts.append(f"PMID:{self.pmid}")
        if self.seed:
            parts.append(f"seed {self.seed}")
        return ", ".join(parts) or self.key


@dataclass(frozen=True)
class Evidence:
    ref: str
    text: str
    source: Source | None = None

    def as_dict(self) -> dict:
        s = self.source
        return {"ref": self.ref, "text": self.text,
                "doi": s.doi if s else None, "pmid": s.pmid if s else None,
                "seed": s.seed if s else None, "verified": s.verified if s else None}


@dataclass(frozen=True)
class Entity:
    symbol: str
    name: str
    kind: str
    uniprot: str | None = None
    aliases: tuple[str, ...] = ()
    mw_kda: float | None = None
    lumped_into: str | None = None
    form_of: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Interaction:
    id: str
    source: str
    target: str
    sign: str
    mechanism: str
    evidence: tuple[Evidence, ...]
    context: tuple[str, ...] = ()
    line: int | None = None
    #: how a ``transcribes`` input acts at its promoter: None (alone: one additive term that
    #: suffices by itself), ``joint`` (one term with the gene's other ``joint`` inputs: all
    #: are needed) or ``enhancer`` (scales the promoter's output: neither needed nor enough)
    promoter: str | None = None

    @property
    def sign_value(self) -> int:
        return 1 if self.sign == "+" else -1


@dataclass(frozen=True)
class DrugTarget:
    """One target of a drug. Inhibitors carry ``ic50_nM``; sequestering drugs (antibodies,
    ligand traps) carry ``kd_nM`` and the binding kinetics per binding site: ``kon_per_M_s``
    and ``koff_per_s`` (koff = kon x Kd), ``measured`` (which of kd / kon / koff the source
    measured) and ``kinetics_note`` (where the others come from)."""

    target: str
    ic50_nM: float | None
    kd_nM: float | None
    ref: str
    note: str = ""
    source: Source | None = None
    kon_per_M_s: float | None = None
    koff_per_s: float | None = None
    measured: tuple[str, ...] = ()
    kinetics_note: str = ""


@dataclass(frozen=True)
class Drug:
    name: str
    mechanism: str
    targets: tuple[DrugTarget, ...]
    aliases: tuple[str, ...] = ()
    mw_kda: float | None = None
    line: int | None = None
    #: binding sites per molecule of a sequestering drug (an IgG has two; the dimeric
    #: sgp130Fc binds two IL-6:sIL-6R complexes); None for inhibitors
    valency: int | None = None

    @property
    def is_sequestering(self) -> bool:
        return self.mechanism in ("neutralizing antibody", "ligand trap")


@dataclass(frozen=True)
class Context:
    id: str
    description: str
    receptors: dict[str, str]
    expression: dict[str, float]
    expression_provenance: dict[str, Evidence]
    provenance: Evidence
    line: int | None = None

    def level(self, symbol: str) -> float:
        return self.expression.get(symbol, 1.0)


@dataclass(frozen=True)
class Driver:
    readout: str
    K_nM: float
    weight: float
    evidence: Evidence
    group: str = ""
    # "drives" raises the score (a term of its group); "restrains" multiplies the whole
    # score by K^n / (K^n + x^n), a brake such as a checkpoint or an energy crisis
    effect: str = "drives"


@dataclass(frozen=True)
class Phenotype:
    id: str
    combine: str
    tau_s: float
    drivers: tuple[Driver, ...]
    line: int | None = None

    def combination(self) -> tuple[list[list[tuple[int, float | None]]], list[int]]:
        """How the drivers make the score, for every formalism (phenotypes.yaml): groups of
        (driver index, weight) whose weighted sums multiply (``any``: one group; ``groups``:
        one per name; ``all``: one per driver, weight None, each driver required), and the
        indices of the restraining drivers (brakes) that multiply the whole score."""
        groups: dict[str, list[tuple[int, float | None]]] = {}
        brakes: list[int] = []
        for i, d in enumerate(self.drivers):
            if d.effect == "restrains":
                brakes.append(i)
            elif self.combine == "all":
                groups[str(i)] = [(i, None)]
            else:
                groups.setdefault(d.group if self.combine == "groups" else "", []).append(
                    (i, d.weight))
        return list(groups.values()), brakes


@dataclass
class Knowledge:
    """The whole curated knowledge base; build it with ``load_knowledge``."""

    entities: dict[str, Entity]
    interactions: list[Interaction]
    drugs: dict[str, Drug]
    contexts: dict[str, Context]
    phenotypes: dict[str, Phenotype]
    sources: dict[str, Source]
    files: dict[str, str] = field(default_factory=dict)

    def interaction(self, iid: str) -> Interaction:
        for it in self.interactions:
            if it.id == iid:
                return it
        raise KeyError(iid)

    def promoter_roles(self, gene: str) -> dict[str, list[tuple[str, str]]]:
        """The transcription factors of ``gene`` by their role at its promoter
        (``Interaction.promoter``): ``{"alone": [...], "joint": [...], "enhancer": [...]}``,
        each a list of (factor, interaction id) in curated order. The ODE and the logical
        compilers both read it, so the two models share one promoter logic."""
        roles: dict[str, list[tuple[str, str]]] = {"alone": [], "joint": [], "enhancer": []}
        for it in self.interactions:
            if it.target == gene and it.mechanism == "transcribes" and it.sign == "+":
                roles[it.promoter or "alone"].append((it.source, it.id))
        return roles
