"""A logical (Boolean) model: nodes, rules with provenance, and the bnet / MaBoSS / SBML-qual
writers.

A rule is a Boolean expression in bnet syntax (``&``, ``|``, ``!``, parentheses, node names,
``0``/``1``). ``LogicalModel.fixed`` holds nodes whose value an experiment fixes (inputs,
absent receptors, perturbations); :meth:`LogicalModel.with_fixed` returns the model with
those rules replaced by constants.
"""

from __future__ import annotations

__all__ = ["Rule", "LogicalModel", "parse_expr", "expr_vars", "expr_signs", "evaluate",
           "sbml_id"]

import re
from dataclasses import dataclass, field, replace

_TOKEN = re.compile(r"\s*(?:(\()|(\))|(&)|(\|)|(!)|([A-Za-z_][A-Za-z0-9_:.]*)|([01]))")


@dataclass(frozen=True)
class Rule:
    """``node = expr``; ``interactions`` the curated interaction ids it realizes; ``kind`` what
    the node stands for (``activity``, ``mRNA``, ``protein``, ``secreted``, ``medium``,
    ``complex``, ``input``, ``phenotype``); ``rate_up``/``rate_down`` its MaBoSS rates per hour;
    ``entity`` the curated entity (or phenotype id) it belongs to; ``note`` how it was derived;
    ``name`` and ``signs`` what the SBML-qual writer shows (see :meth:`LogicalModel.to_sbml_qual`)."""

    node: str
    expr: str
    interactions: tuple[str, ...] = ()
    kind: str = "activity"
    entity: str = ""
    rate_up: float = 6.0
    rate_down: float = 6.0
    note: str = ""
    #: the node's display name in SBML-qual (default: the node id)
    name: str = ""
    #: ``(input, sign)`` pairs with sign ``positive``, ``negative`` or ``dual`` written on the
    #: SBML-qual inputs; an input not listed gets the sign its occurrences in ``expr`` imply
    signs: tuple[tuple[str, str], ...] = ()


@dataclass
class LogicalModel:
    """Nodes in order, one rule each; ``initial`` the basal values (default 0)."""

    rules: dict[str, Rule]
    initial: dict[str, int] = field(default_factory=dict)
    name: str = "cytonet"
    #: entity symbol -> readout kind -> node (``activity``, ``mRNA``, ``protein``, ...)
    nodes_of: dict[str, dict[str, str]] = field(default_factory=dict)
    #: phenotype -> the node of each of its drivers, in phenotypes.yaml order
    phenotype_drivers: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def nodes(self) -> list[str]:
        return list(self.rules)

    @property
    def inputs(self) -> list[str]:
        return [n for n, r in self.rules.items() if r.expr.strip() == n]

    def with_fixed(self, fixed: dict[str, int], note: str = "fixed") -> LogicalModel:
        rules = dict(self.rules)
        for n, v in fixed.items():
            if n not in rules:
                raise KeyError(n)
            rules[n] = replace(rules[n], expr=str(int(v)), note=note)
        return LogicalModel(rules=rules, initial=dict(self.initial), name=self.name,
                            nodes_of=self.nodes_of, phenotype_drivers=self.phenotype_drivers)

    # ------------------------------------------------------------------ writers
    def to_bnet(self) -> str:
        lines = [f"# {self.name}: logical model compiled by cytonet", "targets, factors"]
        for n, r in self.rules.items():
            lines.append(f"{n}, {r.expr}")
        return "\n".join(lines) + "\n"

    def to_maboss(self, initial: dict[str, float] | None = None, max_time: float = 48.0,
                  time_tick: float = 0.25, sample_count: int = 10000, seed: int = 1,
                  outputs: list[str] | None = None, threads: int = 1) -> tuple[str, str]:
        """The MaBoSS ``.bnd`` and ``.cfg`` texts; rates are per hour. ``initial`` gives
        each node's probability of being active at t = 0 (default: :attr:`initial`)."""
        init = {n: float(self.initial.get(n, 0)) for n in self.rules}
        if initial:
            init.update({k: float(v) for k, v in initial.items()})
        bnd = []
        for n, r in self.rules.items():
            expr = _maboss_expr(r.expr)
            bnd.append(f"node {n} {{\n  logic = {expr};\n"
                       f"  rate_up = @logic ? {r.rate_up:g} : 0;\n"
                       f"  rate_down = @logic ? 0 : {r.rate_down:g};\n}}")
        cfg = []
        for n in self.rules:
            p = min(max(init[n], 0.0), 1.0)
            cfg.append(f"[{n}].istate = {1 - p:.6g} [0], {p:.6g} [1];")
        shown = set(outputs) if outputs is not None else set(self.rules)
        for n in self.rules:
            cfg.append(f"{n}.is_internal = {0 if n in shown else 1};")
        cfg += [f"sample_count = {int(sample_count)};", f"max_time = {max_time:g};",
                f"time_tick = {time_tick:g};", "discrete_time = 0;", "use_physrandgen = 0;",
                f"seed_pseudorandom = {int(seed)};", f"thread_count = {int(threads)};",
                "display_traj = 0;", "statdist_traj_count = 0;"]
        return "\n".join(bnd) + "\n", "\n".join(cfg) + "\n"

    def to_sbml_qual(self) -> str:
        """SBML Level 3 with the qual package: one qualitative species per node (max level
        1), one transition per non-input node whose function term is the rule.

        Each input carries a ``sign``: the one given in ``Rule.signs``, else the one its
        occurrences in the rule imply (``positive`` if never negated, ``negative`` if always
        negated, ``dual`` if both)."""
        import libsbml

        ns = libsbml.SBMLNamespaces(3, 1, "qual", 1)
        doc = libsbml.SBMLDocument(ns)
        doc.setPackageRequired("qual", True)
        model = doc.createModel()
        model.setId(sbml_id(self.name))
        comp = model.createCompartment()
        comp.setId("cell")
        comp.setConstant(True)
        comp.setSpatialDimensions(3)
        comp.setSize(1.0)
        comp.setUnits("litre")
        qm = model.getPlugin("qual")
        qual_sign = {"positive": libsbml.INPUT_SIGN_POSITIVE,
                     "negative": libsbml.INPUT_SIGN_NEGATIVE, "dual": libsbml.INPUT_SIGN_DUAL}
        for n, r in self.rules.items():
            qs = qm.createQualitativeSpecies()
            qs.setId(n)
            qs.setCompartment("cell")
            qs.setMaxLevel(1)
            qs.setInitialLevel(int(self.initial.get(n, 0)))
            is_input = r.expr.strip() == n
            qs.setConstant(is_input)
            qs.setName(r.name or n)  # tools (AEON, GINsim) name variables by it, as BBM does
            if r.entity:
                qs.setNotes(f'<body xmlns="http://www.w3.org/1999/xhtml"><p>{r.kind} of '
                            f'{r.entity}</p></body>')
        for n, r in self.rules.items():
            if r.expr.strip() == n:
                continue
            tr = qm.createTransition()
            tr.setId(f"tr_{n}")
            if r.interactions:
                tr.setName("realizes " + " ".join(r.interactions))
            signs = {**expr_signs(r.expr), **dict(r.signs)}
            for v in sorted(expr_vars(r.expr)):
                inp = tr.createInput()
                inp.setQualitativeSpecies(v)
                inp.setTransitionEffect(libsbml.INPUT_TRANSITION_EFFECT_NONE)
                inp.setSign(qual_sign[signs[v]])
                inp.setId(f"in_{n}_{v}")
            out = tr.createOutput()
            out.setQualitativeSpecies(n)
            out.setTransitionEffect(libsbml.OUTPUT_TRANSITION_EFFECT_ASSIGNMENT_LEVEL)
            out.setId(f"out_{n}")
            dft = tr.createDefaultTerm()
            dft.setResultLevel(0)
            ft = tr.createFunctionTerm()
            ft.setResultLevel(1)
            math = libsbml.parseL3Formula(_l3_formula(r.expr))
            if math is None:
                raise ValueError(f"rule of {n} cannot be written as MathML: {r.expr}")
            ft.setMath(math)
        return libsbml.writeSBMLToString(doc)


def expr_signs(expr: str) -> dict[str, str]:
    """How each variable acts in a rule: ``positive`` (never negated), ``negative`` (always
    negated) or ``dual`` (both).

    >>> expr_signs("(A | B) & !(C | A)")
    {'A': 'dual', 'B': 'positive', 'C': 'negative'}
    """
    seen: dict[str, set[bool]] = {}

    def walk(tree, negated: bool) -> None:
        op = tree[0]
        if op == "var":
            seen.setdefault(tree[1], set()).add(negated)
        elif op == "not":
            walk(tree[1], not negated)
        elif op in ("and", "or"):
            for t in tree[1]:
                walk(t, negated)

    walk(parse_expr(expr), False)
    return {v: ("dual" if len(s) == 2 else "negative" if True in s else "positive")
            for v, s in sorted(seen.items())}


def sbml_id(text: str) -> str:
    """``text`` as a valid SBML id: other characters become ``_``; a leading digit gets
    ``m_``.

    >>> sbml_id("BAY11-7082"), sbml_id("4EBP1")
    ('BAY11_7082', 'm_4EBP1')
    """
    s = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return s if s and not s[0].isdigit() else f"m_{s}"


def _tokens(expr: str) -> list[str]:
    out, pos = [], 0
    expr = expr.strip()
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot read the Boolean expression {expr!r} at {expr[pos:]!r}")
        out.append(next(g for g in m.groups() if g is not None))
        pos = m.end()
        while pos < len(expr) and expr[pos].isspace():
            pos += 1
    return out


def parse_expr(expr: str):
    """Parse to a tree: ``('var', name)``, ``('const', 0|1)``, ``('not', t)``,
    ``('and', [..])``, ``('or', [..])``."""
    toks = _tokens(expr)
    pos = 0

    def peek():
        return toks[pos] if pos < len(toks) else None

    def take():
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def p_or():
        terms = [p_and()]
        while peek() == "|":
            take()
            terms.append(p_and())
        return terms[0] if len(terms) == 1 else ("or", terms)

    def p_and():
        terms = [p_not()]
        while peek() == "&":
            take()
            terms.append(p_not())
        return terms[0] if len(terms) == 1 else ("and", terms)

    def p_not():
        if peek() == "!":
            take()
            return ("not", p_not())
        return p_atom()

    def p_atom():
        t = take() if peek() is not None else None
        if t == "(":
            e = p_or()
            if take() != ")":
                raise ValueError(f"unbalanced parentheses in {expr!r}")
            return e
        if t in ("0", "1"):
            return ("const", int(t))
        if t is None or t in ")&|!":
            raise ValueError(f"unexpected {t!r} in {expr!r}")
        return ("var", t)

    tree = p_or()
    if pos != len(toks):
        raise ValueError(f"trailing tokens in {expr!r}")
    return tree


def expr_vars(expr: str) -> set[str]:
    return {t for t in _tokens(expr) if t not in "()&|!" and t not in ("0", "1")}


def evaluate(tree, state: dict[str, int]) -> int:
    op = tree[0]
    if op == "var":
        return int(state[tree[1]])
    if op == "const":
        return tree[1]
    if op == "not":
        return 1 - evaluate(tree[1], state)
    if op == "and":
        return int(all(evaluate(t, state) for t in tree[1]))
    return int(any(evaluate(t, state) for t in tree[1]))


def _render(tree, var, and_, or_, not_, true, false) -> str:
    op = tree[0]
    if op == "var":
        return var(tree[1])
    if op == "const":
        return true if tree[1] else false
    if op == "not":
        return f"{not_}({_render(tree[1], var, and_, or_, not_, true, false)})"
    sep = and_ if op == "and" else or_
    return "(" + sep.join(_render(t, var, and_, or_, not_, true, false) for t in tree[1]) + ")"


def _maboss_expr(expr: str) -> str:
    tree = parse_expr(expr)
    return _render(tree, lambda v: v, " & ", " | ", "!", "1", "0")


def _l3_formula(expr: str) -> str:
    tree = parse_expr(expr)
    return _render(tree, lambda v: f"({v} == 1)", " && ", " || ", "!", "true", "false")
