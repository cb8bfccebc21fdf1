"""Export a reaction network to SBML Level 3 Version 2 (python-libsbml) and Antimony.

The document is meant for other tools as much as for cytonet's own simulator:

* units: species in nM (picomole per millilitre: the medium is 1 mL holding the cells,
  see ``V_medium`` / ``V_cyt`` in ``data/parameters.yaml``), time in s, every parameter
  and rule variable with the unit it is curated with, every literal number in the math
  dimensionless, so libsbml's unit-consistency check has nothing to report;
* MIRIAM annotations (identifiers.org): ``bqbiol:is`` UniProt (and HGNC symbol) for a
  species of one protein, ``bqbiol:hasPart`` for a complex (one entry per part),
  ``bqbiol:encodes`` for an mRNA; the model ``bqbiol:isDescribedBy`` nothing invented;
* SBO terms for species (protein, complex, mRNA), reactions (by mechanism template),
  participant roles and kinetic constants;
* readable, unique names: species from their composition (:func:`species_names`),
  reactions from their mechanism and equation (:func:`reaction_names`).

``to_sbml(net)`` starts every species at 0 (cytonet pre-equilibrates before each run);
``to_sbml(net, values=..., initial=...)`` writes other parameter values and initial
concentrations (the exported model starts at the generic cells' steady state, see
:func:`cytonet.experiments.combine.baseline_sbml`).
"""

from __future__ import annotations

__all__ = ["to_sbml", "validate_sbml", "unit_warnings", "to_antimony", "species_names",
           "reaction_names", "COMPARTMENT_NAMES", "SBO_REACTION", "SUBSTANCE_UNIT",
           "VOLUME_UNIT"]

import html
import math
from collections import Counter
from functools import lru_cache

from ..errors import CytonetError
from .network import Network, Species, composition

COMPARTMENT_NAMES = {"medium": "medium", "cytoplasm": "cytoplasm", "nucleus": "nucleus"}
# model units: the medium volume is the volume unit (1 mL per 5e5 cells, parameters.yaml),
# so nM x mL = pmol is the substance unit and concentrations are pmol/mL = nM
SUBSTANCE_UNIT = "pmol"
VOLUME_UNIT = "mL"
_VOLUME_UNITS = ("volume (reference)", "volume (relative to medium)")

# Systems Biology Ontology terms
SBO_REACTION = {  # mechanism template -> SBO term
    "bind": 177,                   # non-covalent binding
    "sequester": 177,
    "inhibit": 177,                # SOCS3 binding the active receptor
    "degrade": 179,                # degradation
    "synthesize": 393,             # production
    "transcribe": 183,             # transcription
    "translate": 184,              # translation
    "phosphorylate": 216,          # phosphorylation
    "dephosphorylate": 330,        # dephosphorylation
    "phosphorylate-degrade": 179,  # IKK marks IkB for degradation
    "activate": 182,               # conversion (state change)
    "deactivate": 182,
    "convert": 182,
    "translocate": 185,            # transport reaction
    "secrete": 185,
    "mix": 185,
}
_TEMPLATE_WORD = {"bind": "binding", "sequester": "sequestration", "inhibit": "inhibition",
                  "degrade": "degradation", "synthesize": "synthesis",
                  "transcribe": "transcription", "translate": "translation",
                  "phosphorylate": "phosphorylation", "dephosphorylate": "dephosphorylation",
                  "phosphorylate-degrade": "phosphorylation and degradation",
                  "activate": "activation", "deactivate": "deactivation",
                  "convert": "conversion", "translocate": "transport", "secrete": "secretion",
                  "mix": "mixing of the added dose"}
SBO_REACTANT, SBO_PRODUCT, SBO_MODIFIER = 10, 11, 19
SBO_PROTEIN, SBO_COMPLEX, SBO_MRNA, SBO_MATERIAL, SBO_MACROMOLECULE = 252, 297, 278, 240, 245
# parameters by id prefix -> SBO term (kinetic constants and their kin)
_SBO_PARAMETER = (
    (("kon_", "kdimer_", "kassoc"), 153),                      # forward rate constant
    (("koff_", "kundimer_"), 156),                             # dissociation rate constant
    (("kdeg_", "kint_"), 356),                                 # decay constant
    (("ksyn_", "ktx", "ktl", "b_"), 46),                       # zeroth-order rate constant
    (("kphos_", "kact_", "kdephos_", "kdeact_", "kimport_", "kexport_", "ksec",
      "k_mix", "k_mrna", "k_UP", "kinh_"), 35),                # forward unimolecular rate c.
    (("K_", "Km_"), 27),                                       # Michaelis constant
    (("n_",), 190),                                            # Hill coefficient
    (("V_",), 468),                                            # volume
)
_MIRIAM = "http://identifiers.org"


def _check(rc, what):
    import libsbml
    if rc is not None and rc != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise CytonetError(f"libsbml failed to {what}: {libsbml.OperationReturnValue_toString(rc)}")


def _math(formula: str, where: str):
    """Parse ``formula``; every literal number is dimensionless (all of cytonet's are
    stoichiometric counts, Hill exponents or fractions), so unit checks can be complete."""
    import libsbml
    ast = libsbml.parseL3Formula(formula)
    if ast is None:
        raise CytonetError(f"cannot parse formula of {where}: {libsbml.getLastParseL3Error()}")
    stack = [ast]
    while stack:
        node = stack.pop()
        if node.isNumber():
            node.setUnits("dimensionless")
        stack.extend(node.getChild(i) for i in range(node.getNumChildren()))
    return ast


def _notes(text: str) -> str:
    return f"<body xmlns='http://www.w3.org/1999/xhtml'><p>{html.escape(text)}</p></body>"


# ------------------------------------------------------------------------- units

@lru_cache(maxsize=64)
def _unit_kinds(unit: str) -> tuple[tuple[str, float], ...] | None:
    """(SBML unit kind, exponent) pairs and a multiplier for a curated unit string, via
    pint; None where pint cannot read it."""
    from ..units import ureg
    text = unit.replace("%", "percent")
    try:
        q = ureg.Quantity(1.0, text).to_base_units()
    except Exception:  # noqa: BLE001 - pint raises many kinds; None says "not a unit"
        return None
    dims = dict(q.unit_items())
    mult = float(q.magnitude)
    kinds = []
    for name, exp in dims.items():
        if name == "mole":
            kinds.append(("mole", float(exp)))
        elif name == "second":
            kinds.append(("second", float(exp)))
        elif name == "meter":
            if exp % 3:
                return None
            # m^3 = 1000 L
            mult *= 1000.0 ** (exp / 3)
            kinds.append(("litre", float(exp / 3)))
        else:
            return None
    return tuple(kinds) + (("__multiplier__", mult),)


class _Units:
    """Unit definitions of one SBML model, created on first use."""

    def __init__(self, model):
        import libsbml
        self.model = model
        self.ids: dict[str, str] = {"dimensionless": "dimensionless", "s": "second"}
        self._define(SUBSTANCE_UNIT, [(libsbml.UNIT_KIND_MOLE, 1.0, -12, 1.0)])
        self._define(VOLUME_UNIT, [(libsbml.UNIT_KIND_LITRE, 1.0, -3, 1.0)])
        for v in _VOLUME_UNITS:
            self.ids[v] = VOLUME_UNIT

    def _define(self, uid: str, units) -> str:
        ud = self.model.createUnitDefinition()
        _check(ud.setId(uid), f"set unit definition {uid}")
        for kind, exponent, scale, multiplier in units:
            u = ud.createUnit()
            u.setKind(kind)
            u.setExponent(exponent)
            u.setScale(scale)
            u.setMultiplier(multiplier)
        return uid

    def id_for(self, unit: str, where: str) -> str:
        """The unit definition id for a curated unit string (e.g. ``1/(nM*s)``)."""
        import libsbml
        if unit in self.ids:
            return self.ids[unit]
        parsed = _unit_kinds(unit)
        if parsed is None:
            raise CytonetError(f"{where}: unit {unit!r} is not a unit SBML can express "
                               f"(expected products of nM, mM, s, %, dimensionless)")
        *kinds, (_, mult) = parsed
        if not kinds:  # a dimensionless multiple (percent)
            kinds = [("dimensionless", 1.0)]
        code = {"mole": libsbml.UNIT_KIND_MOLE, "second": libsbml.UNIT_KIND_SECOND,
                "litre": libsbml.UNIT_KIND_LITRE,
                "dimensionless": libsbml.UNIT_KIND_DIMENSIONLESS}
        # the multiplier on the first unit, as m^e (SBML: (multiplier x 10^scale x kind)^e)
        first_kind, first_exp = kinds[0]
        m1 = mult ** (1.0 / first_exp)
        scale = math.floor(math.log10(m1) + 1e-9)
        units = [(code[first_kind], first_exp, scale, m1 / 10 ** scale)]
        units += [(code[k], e, 0, 1.0) for k, e in kinds[1:]]
        uid = _unit_id(unit)
        self.ids[unit] = self._define(uid, units)
        return uid


def _unit_id(unit: str) -> str:
    """``1/(nM*s)`` -> ``u_per_nM_s``, ``nM/s`` -> ``u_nM_per_s``, ``%`` -> ``u_percent``."""
    text = unit.replace(" ", "").replace("%", "percent")
    text = ("per_" + text[2:]) if text.startswith("1/") else text
    text = text.replace("/", "_per_")
    out = "".join(ch if ch.isalnum() else "_" for ch in text)
    return "u_" + "_".join(filter(None, out.split("_")))


# ------------------------------------------------------------------------- names

def species_names(net: Network) -> dict[str, str]:
    """Readable, unique names: the composition (``IL6 + IL6R``), with the compartment
    where one composition occurs in several, and the id where that still repeats."""
    from .model import SEQUESTERING_DRUGS

    def drug_of(sid: str) -> str | None:  # drug:target complexes (the drug is no entity)
        return next((name for name, did in SEQUESTERING_DRUGS.items()
                     if sid.startswith(f"{did}_")), None)

    base = {}
    for sid, s in net.species.items():
        if not s.components:
            base[sid] = sid.removeprefix("drug_")
        elif drug_of(sid):
            base[sid] = f"{drug_of(sid)} + {composition(s)}"
        else:
            base[sid] = composition(s)
    named = _unique(base, lambda sid, name: f"{name} in {net.species[sid].compartment}")
    return _unique(named, lambda sid, name: f"{name} ({sid})")


def _unique(names: dict[str, str], label) -> dict[str, str]:
    """``names`` with each name that occurs more than once replaced by ``label(id, name)``."""
    counts = Counter(names.values())
    return {k: (label(k, name) if counts[name] > 1 else name) for k, name in names.items()}


def reaction_names(net: Network) -> dict[str, str]:
    """Readable, unique reaction names: what happens and the equation in species ids
    (``binding: IL6_m + IL6R -> IL6_IL6R``); the id is appended where that repeats."""
    def side(d: dict[str, int]) -> str:
        return " + ".join(f"{n} {s}" if n != 1 else s for s, n in d.items()) or "0"

    base = {}
    for rx in net.reactions:
        word = _TEMPLATE_WORD.get(_reaction_template(net, rx), rx.template or "reaction")
        base[rx.id] = f"{word}: {side(rx.reactants)} -> {side(rx.products)}"
    return _unique(base, lambda rid, name: f"{name} ({rid})")


def _reaction_template(net: Network, rx) -> str:
    """The mechanism template; syntheses of an mRNA are transcriptions."""
    if rx.template == "synthesize" and any(
            any(c.is_mrna for c in net.species[s].components) for s in rx.products):
        return "transcribe"
    return rx.template


# ------------------------------------------------------------------------- annotations

def _entity_ids(catalog, entity: str) -> list[str]:
    """identifiers.org URIs of one entity (UniProt; HGNC symbol for genes)."""
    if catalog is None:
        return []
    ent = catalog.kb.entities.get(entity)
    if ent is None:
        return []
    out = []
    if ent.uniprot:
        out.append(f"{_MIRIAM}/uniprot:{ent.uniprot}")
        if not getattr(ent, "form_of", None):
            out.append(f"{_MIRIAM}/hgnc.symbol:{ent.symbol}")
    return out


def _species_sbo(s: Species, catalog) -> int:
    if any(c.is_mrna for c in s.components):
        return SBO_MRNA
    if not s.components:
        return SBO_MACROMOLECULE  # antibodies and ligand traps
    if len(s.components) > 1 or s.components[0].count > 1:
        return SBO_COMPLEX
    ent = catalog.kb.entities.get(s.components[0].entity) if catalog is not None else None
    return SBO_PROTEIN if ent is not None and ent.uniprot else SBO_MATERIAL


def _annotate_species(sp, s: Species, catalog) -> None:
    import libsbml
    if any(c.is_mrna for c in s.components):
        qualifier, uris = libsbml.BQB_ENCODES, [u for c in s.components
                                                for u in _entity_ids(catalog, c.entity)[:1]]
    elif len(s.components) == 1:
        qualifier, uris = libsbml.BQB_IS, _entity_ids(catalog, s.components[0].entity)
    else:
        qualifier = libsbml.BQB_HAS_PART
        uris = []
        for c in s.components:
            for u in _entity_ids(catalog, c.entity)[:1]:
                if u not in uris:
                    uris.append(u)
    if not uris:
        return
    _check(sp.setMetaId(f"meta_{s.id}"), f"set metaid of {s.id}")
    cv = libsbml.CVTerm(libsbml.BIOLOGICAL_QUALIFIER)
    cv.setBiologicalQualifierType(qualifier)
    for u in uris:
        _check(cv.addResource(u), f"annotate {s.id}")
    _check(sp.addCVTerm(cv), f"annotate {s.id}")


def _parameter_sbo(pid: str) -> int | None:
    for prefixes, term in _SBO_PARAMETER:
        if pid.startswith(prefixes):
            return term
    return None


# ------------------------------------------------------------------------- document

def to_sbml(net: Network, values: dict[str, float] | None = None,
            initial: dict[str, float] | None = None, catalog=None) -> str:
    """The SBML document as a string. Compartment ids are their volume parameters.

    ``values``: parameter values replacing the curated ones; ``initial``: initial
    concentrations (nM) of species and values of rate-rule variables (default 0);
    ``catalog``: the knowledge catalog whose entities give the MIRIAM annotations (None:
    none written)."""
    import libsbml

    doc = libsbml.SBMLDocument(3, 2)
    model = doc.createModel()
    model.setId(net.name)
    model.setName("cytonet: IL-6 family and IL-7 cytokine signalling in cancer")
    units = _Units(model)
    for attr, unit in (("setTimeUnits", "second"), ("setSubstanceUnits", SUBSTANCE_UNIT),
                       ("setExtentUnits", SUBSTANCE_UNIT), ("setVolumeUnits", VOLUME_UNIT)):
        _check(getattr(model, attr)(unit), f"set model {attr[3:]}")
    vals = {p.id: p.value for p in net.parameters.values()}
    vals.update(values or {})
    initial = initial or {}
    vol_ids = set(net.compartments.values())
    for cname, vid in net.compartments.items():
        c = model.createCompartment()
        _check(c.setId(vid), f"set compartment {vid}")
        c.setName(COMPARTMENT_NAMES.get(cname, cname))
        c.setConstant(True)
        c.setSpatialDimensions(3)
        c.setSize(vals[vid])
        c.setUnits(VOLUME_UNIT)
        c.setSBOTerm(290)  # physical compartment
        c.setNotes(_notes(net.parameters[vid].provenance.describe()))
    names = species_names(net)
    for s in net.species.values():
        sp = model.createSpecies()
        _check(sp.setId(s.id), f"set species {s.id}")
        sp.setName(names[s.id])
        sp.setCompartment(net.compartments[s.compartment])
        sp.setInitialConcentration(float(initial.get(s.id, s.initial)))
        sp.setSubstanceUnits(SUBSTANCE_UNIT)
        sp.setHasOnlySubstanceUnits(False)
        sp.setBoundaryCondition(s.boundary)
        sp.setConstant(False)
        sp.setSBOTerm(_species_sbo(s, catalog))
        sp.setNotes(_notes(f"{composition(s)} ({s.compartment}); concentration in nM"))
        _annotate_species(sp, s, catalog)
    rule_vars = {r.variable for r in net.rules}
    for p in net.parameters.values():
        if p.id in vol_ids:
            continue
        par = model.createParameter()
        _check(par.setId(p.id), f"set parameter {p.id}")
        par.setConstant(p.constant and p.id not in rule_vars)
        par.setValue(float(initial.get(p.id, vals.get(p.id, p.value))))
        _check(par.setUnits(units.id_for(p.unit, f"parameter {p.id}")), f"set units of {p.id}")
        term = _parameter_sbo(p.id)
        if term is not None:
            par.setSBOTerm(term)
        par.setNotes(_notes(f"{p.unit}: {p.provenance.describe()}"))
    for r in net.rules:
        if r.variable not in net.parameters:
            par = model.createParameter()
            par.setId(r.variable)
            par.setConstant(False)
            par.setValue(0.0)
            _check(par.setUnits(units.id_for(r.unit, f"rule {r.variable}")),
                   f"set units of {r.variable}")
            par.setNotes(_notes(r.note))
        rule = model.createAssignmentRule() if r.kind == "assignment" else model.createRateRule()
        rule.setVariable(r.variable)
        _check(rule.setMath(_math(r.formula, f"rule {r.variable}")), f"set rule {r.variable}")
    rnames = reaction_names(net)
    for rx in net.reactions:
        reaction = model.createReaction()
        _check(reaction.setId(rx.id), f"set reaction {rx.id}")
        reaction.setReversible(False)
        reaction.setName(rnames[rx.id])
        term = SBO_REACTION.get(_reaction_template(net, rx))
        if term is not None:
            reaction.setSBOTerm(term)
        for sid, n in rx.reactants.items():
            ref = reaction.createReactant()
            ref.setSpecies(sid)
            ref.setStoichiometry(n)
            ref.setConstant(True)
            ref.setSBOTerm(SBO_REACTANT)
        for sid, n in rx.products.items():
            ref = reaction.createProduct()
            ref.setSpecies(sid)
            ref.setStoichiometry(n)
            ref.setConstant(True)
            ref.setSBOTerm(SBO_PRODUCT)
        kl = reaction.createKineticLaw()
        _check(kl.setMath(_math(rx.rate, f"reaction {rx.id}")), f"set rate of {rx.id}")
        # declared modifiers, then every species named in the rate law but not a participant
        names_in = _names_in(kl.getMath())
        extra = sorted(names_in & set(net.species) - set(rx.reactants) - set(rx.products)
                       - set(rx.modifiers))
        for sid in [m for m in rx.modifiers if m not in rx.reactants] + extra:
            m = reaction.createModifier()
            m.setSpecies(sid)
            m.setSBOTerm(SBO_MODIFIER)
        reaction.setNotes(_notes("realizes: " + (", ".join(rx.realizes) or "(housekeeping)")))
    return libsbml.writeSBMLToString(doc)


def _names_in(ast) -> set[str]:
    out = set()
    stack = [ast]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if node.isName():
            out.add(node.getName())
        for i in range(node.getNumChildren()):
            stack.append(node.getChild(i))
    return out


def _read(sbml: str):
    import libsbml
    text = str(sbml)
    return libsbml.readSBMLFromString(text) if text.lstrip().startswith("<") else \
        libsbml.readSBMLFromFile(text)


def validate_sbml(sbml: str) -> list[str]:
    """libsbml consistency check of SBML text (or a file path); the error messages
    (warnings excluded, units checked separately by :func:`unit_warnings`)."""
    import libsbml
    return _findings(sbml, units=False,
                     keep=lambda e: e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR)


def unit_warnings(sbml: str) -> list[str]:
    """libsbml's unit-consistency findings (any severity) for SBML text or a file path."""
    import libsbml
    return _findings(sbml, units=True,
                     keep=lambda e: e.getCategory() == libsbml.LIBSBML_CAT_UNITS_CONSISTENCY)


def _findings(sbml: str, units: bool, keep) -> list[str]:
    """``line N: message`` for each libsbml consistency finding that ``keep`` accepts."""
    import libsbml
    doc = _read(sbml)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, units)
    doc.checkConsistency()
    errors = (doc.getError(i) for i in range(doc.getNumErrors()))
    return [f"line {e.getLine()}: {e.getMessage().strip()}" for e in errors if keep(e)]


def to_antimony(sbml: str) -> str:
    import antimony
    antimony.clearPreviousLoads()
    if antimony.loadSBMLString(sbml) < 0:
        raise CytonetError(f"antimony could not read the SBML: {antimony.getLastError()}")
    name = antimony.getMainModuleName()
    return antimony.getAntimonyString(name)
