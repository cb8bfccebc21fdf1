"""Read published logical models: bnet (BoolNet / PyBoolNet) and SBML-qual, into the same
:class:`~cytonet.logical.model.LogicalModel` the compiler makes. Errors name file and item."""

from __future__ import annotations

__all__ = ["load_bnet", "load_sbml_qual", "same_rules"]

import itertools
import random
from pathlib import Path

from ..errors import InputError, Problem
from .model import LogicalModel, Rule, evaluate, expr_vars, parse_expr


def load_bnet(path: str | Path, name: str | None = None) -> LogicalModel:
    path = Path(path)
    rules: dict[str, Rule] = {}
    problems: list[Problem] = []
    for i, line in enumerate(path.read_text().splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text or text.replace(" ", "").lower() == "targets,factors":
            continue
        if "," not in text:
            problems.append(Problem(f"expected 'target, function', got {text!r}", file=str(path),
                                    line=i))
            continue
        node, expr = (x.strip() for x in text.split(",", 1))
        try:
            parse_expr(expr)
        except ValueError as exc:
            problems.append(Problem(str(exc), file=str(path), line=i, item=node))
            continue
        if node in rules:
            problems.append(Problem("node defined twice", file=str(path), line=i, item=node))
        rules[node] = Rule(node=node, expr=expr, kind="activity", entity=node, rate_up=1.0,
                           rate_down=1.0)
    _add_inputs(rules)
    if problems:
        raise InputError(problems)
    return LogicalModel(rules=rules, name=name or path.parent.name)


def _add_inputs(rules: dict[str, Rule]) -> None:
    """Variables read but never defined are inputs (``X = X``)."""
    for v in sorted({v for r in list(rules.values()) for v in expr_vars(r.expr)} - set(rules)):
        rules[v] = Rule(node=v, expr=v, kind="input", entity=v, rate_up=1.0, rate_down=1.0)


def load_sbml_qual(path: str | Path, name: str | None = None) -> LogicalModel:
    """Boolean SBML-qual (max level 1): one rule per transition output, the function terms
    OR-ed (result level 1), default level 0."""
    import libsbml

    path = Path(path)
    doc = libsbml.readSBMLFromFile(str(path))
    model = doc.getModel()
    if model is None:
        raise InputError(Problem("no SBML model in the file", file=str(path)))
    qm = model.getPlugin("qual")
    if qm is None:
        raise InputError(Problem("the model has no qual package", file=str(path)))
    rules: dict[str, Rule] = {}
    problems = []
    for sp in qm.getListOfQualitativeSpecies():
        if sp.isSetMaxLevel() and sp.getMaxLevel() > 1:
            problems.append(Problem("multi-valued species are not supported", file=str(path),
                                    item=sp.getId()))
    for tr in qm.getListOfTransitions():
        outs = [o.getQualitativeSpecies() for o in tr.getListOfOutputs()]
        if tr.getNumFunctionTerms() == 0 and tr.getDefaultTerm() is None:
            continue  # no function at all: the output is an input (as BBM writes them)
        terms = []
        try:
            for ft in tr.getListOfFunctionTerms():
                if ft.getResultLevel() != 1:
                    continue
                terms.append(_ast_to_expr(ft.getMath()))
            dft = tr.getDefaultTerm()
            if dft is not None and dft.getResultLevel() == 1:
                terms = [f"!({' | '.join(terms)})"] if terms else ["1"]
        except ValueError as exc:
            problems.append(Problem(str(exc), file=str(path), item=tr.getId()))
            continue
        expr = " | ".join(f"({t})" for t in terms) if terms else "0"
        for o in outs:
            rules[o] = Rule(node=o, expr=expr, kind="activity", entity=o, rate_up=1.0,
                            rate_down=1.0)
    for sp in qm.getListOfQualitativeSpecies():
        if sp.getId() not in rules:
            rules[sp.getId()] = Rule(node=sp.getId(), expr=sp.getId(), kind="input",
                                     entity=sp.getId(), rate_up=1.0, rate_down=1.0)
    _add_inputs(rules)
    if problems:
        raise InputError(problems)
    return LogicalModel(rules=rules, name=name or path.parent.name)


def _ast_to_expr(ast) -> str:
    import libsbml

    # Dispatch on the node's MathML operator name, not getType(): once python-libsedml is
    # imported, getMath() returns libsedml's ASTNode, whose getType() is an opaque SWIG pointer.
    kids = [ast.getChild(i) for i in range(ast.getNumChildren())]
    t = None if ast.isName() or ast.isNumber() else ast.getName()
    if t == "and":
        return "(" + " & ".join(_ast_to_expr(k) for k in kids) + ")"
    if t == "or":
        return "(" + " | ".join(_ast_to_expr(k) for k in kids) + ")"
    if t == "not":
        return f"!({_ast_to_expr(kids[0])})"
    if t == "true":
        return "1"
    if t == "false":
        return "0"
    rel = {"eq", "neq", "geq", "gt", "leq", "lt"}
    if t in rel and len(kids) == 2:
        a, b = kids
        op = t
        if a.isName() and b.isInteger():
            var, level = a.getName(), b.getInteger()
        elif b.isName() and a.isInteger():
            var, level = b.getName(), a.getInteger()
            op = {"geq": "leq", "leq": "geq", "gt": "lt", "lt": "gt"}.get(op, op)
        else:
            raise ValueError(f"unsupported comparison {libsbml.formulaToL3String(ast)}")
        on = {"eq": level == 1, "neq": level == 0, "geq": level <= 1 and level > 0,
              "gt": level == 0, "leq": level < 1, "lt": level == 1}[op]
        if op == "geq" and level <= 0:
            return "1"
        return var if on else f"!{var}"
    raise ValueError(f"unsupported MathML in a function term: {libsbml.formulaToL3String(ast)}")


def same_rules(a: LogicalModel, b: LogicalModel, samples: int = 256, seed: int = 0) -> list[str]:
    """Nodes whose rules differ between ``a`` and ``b`` (exhaustive over a rule's inputs when
    there are at most 10, else ``samples`` random states); also nodes only one model has."""
    diff = sorted(set(a.rules) ^ set(b.rules))
    rng = random.Random(seed)
    for n in sorted(set(a.rules) & set(b.rules)):
        ta, tb = parse_expr(a.rules[n].expr), parse_expr(b.rules[n].expr)
        vs = sorted(expr_vars(a.rules[n].expr) | expr_vars(b.rules[n].expr))
        states = (itertools.product((0, 1), repeat=len(vs)) if len(vs) <= 10 else
                  ([rng.randint(0, 1) for _ in vs] for _ in range(samples)))
        for st in states:
            s = dict(zip(vs, st, strict=True))
            if evaluate(ta, s) != evaluate(tb, s):
                diff.append(n)
                break
    return diff
