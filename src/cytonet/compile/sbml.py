"""Export a reaction network to SBML Level 3 Version 2 (python-libsbml) and Antimony."""

from __future__ import annotations

__all__ = ["to_sbml", "validate_sbml", "to_antimony", "COMPARTMENT_NAMES"]

import html

from ..errors import CytonetError
from .network import Network

COMPARTMENT_NAMES = {"medium": "medium", "cytoplasm": "cytoplasm", "nucleus": "nucleus"}


def _check(rc, what):
    import libsbml
    if rc is not None and rc != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise CytonetError(f"libsbml failed to {what}: {libsbml.OperationReturnValue_toString(rc)}")


def _math(formula: str, where: str):
    import libsbml
    ast = libsbml.parseL3Formula(formula)
    if ast is None:
        raise CytonetError(f"cannot parse formula of {where}: {libsbml.getLastParseL3Error()}")
    return ast


def to_sbml(net: Network, values: dict[str, float] | None = None) -> str:
    """The SBML document as a string. Compartment ids are their volume parameters."""
    import libsbml

    doc = libsbml.SBMLDocument(3, 2)
    model = doc.createModel()
    model.setId(net.name)
    model.setName("cytonet: IL-6 family and IL-7 cytokine signalling in cancer")
    for attr, unit in (("setTimeUnits", "second"), ("setSubstanceUnits", "mole"),
                       ("setExtentUnits", "mole"), ("setVolumeUnits", "litre")):
        getattr(model, attr)(unit)
    vals = {p.id: p.value for p in net.parameters.values()}
    vals.update(values or {})
    vol_ids = set(net.compartments.values())
    for cname, vid in net.compartments.items():
        c = model.createCompartment()
        _check(c.setId(vid), f"set compartment {vid}")
        c.setName(COMPARTMENT_NAMES.get(cname, cname))
        c.setConstant(True)
        c.setSpatialDimensions(3)
        c.setSize(vals[vid])
        prov = net.parameters[vid].provenance
        c.setNotes(f"<body xmlns='http://www.w3.org/1999/xhtml'><p>{html.escape(prov.describe())}</p></body>")
    for s in net.species.values():
        sp = model.createSpecies()
        _check(sp.setId(s.id), f"set species {s.id}")
        sp.setName(s.name)
        sp.setCompartment(net.compartments[s.compartment])
        sp.setInitialConcentration(s.initial)
        sp.setHasOnlySubstanceUnits(False)
        sp.setBoundaryCondition(s.boundary)
        sp.setConstant(False)
        comp = ", ".join(f"{c.count}x{c.entity}{'[mRNA]' if c.is_mrna else ''}"
                         f"{'(' + ','.join(sorted(c.states)) + ')' if c.states else ''}"
                         for c in s.components)
        sp.setNotes(f"<body xmlns='http://www.w3.org/1999/xhtml'><p>{html.escape(comp)}</p></body>")
    rule_vars = {r.variable for r in net.rules}
    for p in net.parameters.values():
        if p.id in vol_ids:
            continue
        par = model.createParameter()
        _check(par.setId(p.id), f"set parameter {p.id}")
        par.setConstant(p.constant and p.id not in rule_vars)
        par.setValue(vals.get(p.id, p.value))
        par.setNotes(f"<body xmlns='http://www.w3.org/1999/xhtml'><p>{html.escape(p.unit)}: "
                     f"{html.escape(p.provenance.describe())}</p></body>")
    for r in net.rules:
        if r.variable not in net.parameters:
            par = model.createParameter()
            par.setId(r.variable)
            par.setConstant(False)
            par.setValue(0.0)
            par.setNotes(f"<body xmlns='http://www.w3.org/1999/xhtml'><p>{html.escape(r.note)}</p></body>")
        rule = model.createAssignmentRule() if r.kind == "assignment" else model.createRateRule()
        rule.setVariable(r.variable)
        _check(rule.setMath(_math(r.formula, f"rule {r.variable}")), f"set rule {r.variable}")
    for rx in net.reactions:
        reaction = model.createReaction()
        _check(reaction.setId(rx.id), f"set reaction {rx.id}")
        reaction.setReversible(False)
        reaction.setName(f"{rx.template}: {', '.join(rx.realizes)}" if rx.realizes else rx.template)
        for sid, n in rx.reactants.items():
            ref = reaction.createReactant()
            ref.setSpecies(sid)
            ref.setStoichiometry(n)
            ref.setConstant(True)
        for sid, n in rx.products.items():
            ref = reaction.createProduct()
            ref.setSpecies(sid)
            ref.setStoichiometry(n)
            ref.setConstant(True)
        for sid in rx.modifiers:
            if sid not in rx.reactants:
                m = reaction.createModifier()
                m.setSpecies(sid)
        # every species named in the rate law but not a participant is a modifier
        kl = reaction.createKineticLaw()
        _check(kl.setMath(_math(rx.rate, f"reaction {rx.id}")), f"set rate of {rx.id}")
        names = _names_in(kl.getMath())
        for sid in sorted(names & set(net.species) - set(rx.reactants) - set(rx.products)
                          - set(rx.modifiers)):
            m = reaction.createModifier()
            m.setSpecies(sid)
        reaction.setNotes("<body xmlns='http://www.w3.org/1999/xhtml'><p>realizes: "
                          f"{html.escape(', '.join(rx.realizes) or '(housekeeping)')}</p></body>")
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


def validate_sbml(sbml: str) -> list[str]:
    """libsbml consistency check; returns the error messages (warnings excluded)."""
    import libsbml
    doc = libsbml.readSBMLFromString(sbml)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, False)
    doc.checkConsistency()
    errs = []
    for i in range(doc.getNumErrors()):
        e = doc.getError(i)
        if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR:
            errs.append(f"line {e.getLine()}: {e.getMessage().strip()}")
    return errs


def to_antimony(sbml: str) -> str:
    import antimony
    antimony.clearPreviousLoads()
    if antimony.loadSBMLString(sbml) < 0:
        raise CytonetError(f"antimony could not read the SBML: {antimony.getLastError()}")
    name = antimony.getMainModuleName()
    return antimony.getAntimonyString(name)
