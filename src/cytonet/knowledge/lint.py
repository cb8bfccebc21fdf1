"""Meaning pass over the curated knowledge: small checks that each collect every problem.

The shape pass (:func:`~cytonet.knowledge.load.read_knowledge`) makes typed records; the
checks here look at what the records mean: names that resolve to nothing, duplicate ids,
edges without evidence, citations that are not in ``sources.yaml``, contexts that break the
spec's receptor table, and so on. Each check is one small class; a new rule is one class
and one line in :data:`CHECKS`.

>>> problems = lint_knowledge()
>>> [p for p in problems if p.severity == "error"]
[]
"""

from __future__ import annotations

__all__ = [
    "SPEC_RECEPTOR_TABLE", "SPEC_ENTITY_SYMBOLS", "SPEC_ALIASES", "SPEC_DRUG_TARGETS",
    "READOUT_KINDS", "DOI_PATTERN", "PMID_PATTERN",
    "LintContext", "AbstractCheck", "CHECKS", "lint_knowledge",
]

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._yaml import LineDict, line_of, load_yaml
from ..errors import InputError, Problem, UnknownNameError
from .load import DATA_DIR, FILES, Catalog, read_knowledge
from .names import normalise_name
from .records import (
    SPEC_CONDITIONS,
    SPEC_CONTEXTS,
    SPEC_PHENOTYPES,
    SPEC_RECEPTOR_COLUMNS,
    SPEC_STIMULI,
    Knowledge,
)

# --------------------------------------------------------------------------- spec tables
# The receptor table of the shared spec (spec/experiments.md, "Experiment"), with the
# 'IL7R + IL2RG' column split into its two chains.
SPEC_RECEPTOR_TABLE: dict[str, dict[str, str]] = {
    "generic":     {"IL6R": "+", "LIFR": "+", "IL11RA": "+", "IL6ST": "+", "IL7R": "+", "IL2RG": "+"},
    "hepatocyte":  {"IL6R": "+", "LIFR": "+", "IL11RA": "+", "IL6ST": "+", "IL7R": "-", "IL2RG": "-"},
    "lung_cancer": {"IL6R": "-", "LIFR": "+", "IL11RA": "+", "IL6ST": "+", "IL7R": "+ (low)",
                    "IL2RG": "+ (low)"},
    "endometrium": {"IL6R": "+", "LIFR": "+", "IL11RA": "+", "IL6ST": "+", "IL7R": "-", "IL2RG": "-"},
    "lymphocyte":  {"IL6R": "+", "LIFR": "-", "IL11RA": "-", "IL6ST": "+", "IL7R": "+", "IL2RG": "+"},
    "macrophage":  {"IL6R": "+", "LIFR": "+", "IL11RA": "-", "IL6ST": "+", "IL7R": "-", "IL2RG": "-"},
}
# HGNC symbols the spec names (section "Names").
SPEC_ENTITY_SYMBOLS = (
    "IL6", "LIF", "IL11", "IL7", "IL6R", "LIFR", "IL11RA", "IL7R", "IL2RG", "IL6ST", "JAK1",
    "JAK2", "JAK3", "TYK2", "STAT3", "STAT5A", "SOCS3", "PTPN11", "PIK3CA", "AKT1", "MTOR",
    "MAP2K1", "MAPK1", "RELA", "HIF1A", "EPAS1", "TP53", "ESR1", "EIF2AK3", "MMP9", "MMP12",
    "VEGFA", "BCL2", "MCL1", "CCND1", "IL1B", "sIL6R",
)
# Aliases and spelling variants the spec uses -> the symbols they stand for. A group
# alias (ERK = MAPK1/MAPK3) must resolve to one of its members, and every member must be
# in the same model pool (``lumped_into``).
SPEC_ALIASES: dict[str, tuple[str, ...]] = {
    "gp130": ("IL6ST",), "ERK": ("MAPK1", "MAPK3"), "MEK": ("MAP2K1", "MAP2K2"),
    "AKT": ("AKT1",), "PI3K": ("PIK3CA",), "NFKB": ("RELA",), "NF-kB": ("RELA",),
    "PERK": ("EIF2AK3",), "STAT5": ("STAT5A", "STAT5B"), "SHP2": ("PTPN11",), "p53": ("TP53",),
    "HIF1a": ("HIF1A",), "HIF2a": ("EPAS1",), "mTOR": ("MTOR",), "mTORC1": ("MTOR",),
    "IL1b": ("IL1B",), "IL-6": ("IL6",), "IL-11": ("IL11",),
}
# The spec's drug catalog: drug -> targets (names as the spec writes them). None: the
# spec names a process, not a molecule ("NF-kB activation"), so any target is accepted.
SPEC_DRUG_TARGETS: dict[str, tuple[str, ...] | None] = {
    "ruxolitinib": ("JAK1", "JAK2"), "tofacitinib": ("JAK3", "JAK1"),
    "tocilizumab": ("IL6R", "sIL6R"), "sgp130Fc": ("IL6:sIL6R",), "LY294002": ("PI3K",),
    "MK2206": ("AKT",), "rapamycin": ("mTORC1",), "trametinib": ("MEK",), "U0126": ("MEK",),
    "stattic": ("STAT3",), "BAY11-7082": None, "GSK2606414": ("PERK",), "anti-LIF": ("LIF",),
    "anti-IL11": ("IL11",),
}
# Readout kinds of the spec, plus `free` (unbound ligand in the medium) for phenotype drivers.
READOUT_KINDS = ("phospho", "active", "nuclear", "mRNA", "protein", "secreted", "phenotype", "free")
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_PATTERN = re.compile(r"^\d+$")
# Mechanisms whose sign is fixed by their meaning; the others (binds, phosphorylates,
# transcribes) can go either way.
NEGATIVE_MECHANISMS = ("inhibits", "degrades", "dephosphorylates", "sequesters")
POSITIVE_MECHANISMS = ("activates", "translates", "secretes", "translocates")
WEIGHT_TOLERANCE = 1e-6


# --------------------------------------------------------------------------- context
@dataclass
class LintContext:
    """What every check sees: the records, the raw YAML (for lines) and the name catalog."""

    kb: Knowledge
    raw: dict[str, Any]
    catalog: Catalog
    files: dict[str, str] = field(default_factory=dict)

    def items(self, name: str, key: str) -> Iterator[tuple[str | None, LineDict]]:
        """(id, mapping) of every item of a list-shaped file, in file order."""
        data = self.raw.get(name)
        if not isinstance(data, list):
            return
        for obj in data:
            if isinstance(obj, LineDict):
                val = obj.get(key)
                yield (str(val) if val is not None else None), obj

    def item(self, name: str, key: str, wanted: str) -> LineDict | None:
        """The first mapping of file ``name`` whose ``key`` is ``wanted``."""
        for iid, obj in self.items(name, key):
            if iid == wanted:
                return obj
        return None

    def problem(self, name: str, msg: str, obj: Any = None, item: str | None = None,
                fld: str | None = None, key: str | None = None,
                severity: str = "error") -> Problem:
        """A problem in file ``name``; the line is that of ``key`` (default ``fld``) in ``obj``."""
        line = line_of(obj, key if key is not None else fld) if obj is not None else None
        return Problem(msg, file=self.files.get(name, f"{name}.yaml"), line=line, item=item,
                       field=fld, severity=severity)

    def unknown_entity(self, name: str) -> str | None:
        """None when ``name`` is an entity symbol; otherwise why it is not."""
        if name in self.kb.entities:
            return None
        ids = self.catalog.entities.lookup(name)
        if len(ids) == 1:
            return f"{name!r} is an alias; write the symbol {next(iter(ids))!r}"
        if len(ids) > 1:
            return f"ambiguous entity {name!r}: could be {', '.join(sorted(ids))}"
        close = self.catalog.entities.close_matches(name)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return f"unknown entity {name!r}{hint}"

    def resolves(self, name: str) -> str | None:
        """The entity ``name`` resolves to (symbol, alias or spelling variant), else None."""
        try:
            return self.catalog.resolve_entity(name)
        except UnknownNameError:
            return None


class AbstractCheck(ABC):
    """One rule of the meaning pass; ``run`` yields every problem it finds."""

    #: short name, shown by ``cytonet kb lint --list``
    name: str = ""

    @abstractmethod
    def run(self, ctx: LintContext) -> Iterable[Problem]: ...


# --------------------------------------------------------------------------- checks
class UnknownEntities(AbstractCheck):
    """Names in interactions, contexts, entities and phenotype drivers must be entities."""

    name = "unknown-entity"

    def run(self, ctx):
        for iid, obj in ctx.items("interactions", "id"):
            for fld in ("source", "target"):
                val = obj.get(fld)
                if isinstance(val, str) and (why := ctx.unknown_entity(val)):
                    yield ctx.problem("interactions", why, obj, iid, fld)
            ctxs = obj.get("context") or []
            for c in [ctxs] if isinstance(ctxs, str) else ctxs:
                if c not in ctx.kb.contexts:
                    yield ctx.problem("interactions", f"unknown context {c!r}; expected one of "
                                      f"{', '.join(ctx.kb.contexts)}", obj, iid, "context")
        for cid, obj in ctx.items("contexts", "id"):
            for part in ("receptors", "expression"):
                block = obj.get(part)
                if not isinstance(block, dict):
                    continue
                for sym in block:
                    if why := ctx.unknown_entity(str(sym)):
                        yield ctx.problem("contexts", why, block, cid, f"{part}.{sym}", key=sym)
        for sym, obj in ctx.items("entities", "symbol"):
            for fld in ("lumped_into", "form_of"):
                val = obj.get(fld)
                if isinstance(val, str) and (why := ctx.unknown_entity(val)):
                    yield ctx.problem("entities", why, obj, sym, fld)
        for pid, obj in ctx.items("phenotypes", "id"):
            ent = ctx.kb.entities.get(pid or "")
            if pid and (ent is None or ent.kind != "phenotype"):
                got = f"kind {ent.kind!r}" if ent else "no entity"
                yield ctx.problem("phenotypes", f"phenotype {pid!r} must be an entity of kind "
                                  f"'phenotype' in entities.yaml; found {got}", obj, pid, "id")
            for drv in obj.get("drivers") or []:
                if not isinstance(drv, LineDict) or not isinstance(drv.get("readout"), str):
                    continue
                yield from self._readout(ctx, pid, drv)

    @staticmethod
    def _readout(ctx, pid, drv):
        readout = drv["readout"]
        kind, sep, ent = readout.partition(":")
        if not sep or kind not in READOUT_KINDS:
            yield ctx.problem("phenotypes", f"readout {readout!r}: expected KIND:ENTITY with KIND "
                              f"one of {', '.join(READOUT_KINDS)}", drv, pid, "readout")
            return
        if ctx.resolves(ent) is None:
            close = ctx.catalog.entities.close_matches(ent)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            yield ctx.problem("phenotypes", f"readout {readout!r}: unknown entity {ent!r}{hint}",
                              drv, pid, "readout")


class DrugTargets(AbstractCheck):
    """Every drug target (or each part of a complex ``A:B``) must be a known entity."""

    name = "drug-target"

    def run(self, ctx):
        for name, obj in ctx.items("drugs", "name"):
            for t in obj.get("targets") or []:
                if not isinstance(t, LineDict) or not isinstance(t.get("target"), str):
                    continue
                for part in t["target"].split(":"):
                    if why := ctx.unknown_entity(part):
                        yield ctx.problem("drugs", f"target {t['target']!r}: {why}", t, name,
                                          "targets", key="target")


class DuplicateIds(AbstractCheck):
    """Ids must be unique in each file (entities: checked by the shape pass)."""

    name = "duplicate-id"
    FILES = (("interactions", "id"), ("drugs", "name"), ("contexts", "id"), ("phenotypes", "id"))

    def run(self, ctx):
        for fname, key in self.FILES:
            seen: dict[str, int | None] = {}
            for iid, obj in ctx.items(fname, key):
                if iid is None:
                    continue
                if iid in seen:
                    yield ctx.problem(fname, f"duplicate {key} (first defined on line "
                                      f"{seen[iid]})", obj, iid, key)
                else:
                    seen[iid] = line_of(obj)


class InteractionEvidence(AbstractCheck):
    """Every interaction carries at least one piece of evidence."""

    name = "no-evidence"

    def run(self, ctx):
        for iid, obj in ctx.items("interactions", "id"):
            ev = obj.get("evidence")
            if not ev:
                yield ctx.problem("interactions", "interaction without evidence; add at least "
                                  "one {ref: key in sources.yaml, text: paraphrase}", obj, iid,
                                  "evidence", key="evidence" if "evidence" in obj else "id")


class EvidenceRefs(AbstractCheck):
    """Every ``ref`` (interactions, drugs, contexts, phenotypes) is a key of sources.yaml."""

    name = "unknown-ref"

    def run(self, ctx):
        def bad(ref: Any) -> str | None:
            if ref is None or str(ref) in ctx.kb.sources:
                return None
            close = [k for k in ctx.kb.sources if normalise_name(k) == normalise_name(str(ref))]
            if not close:
                import difflib
                close = difflib.get_close_matches(str(ref), list(ctx.kb.sources), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            return f"evidence ref {ref!r} is not in sources.yaml{hint}"

        for iid, obj in ctx.items("interactions", "id"):
            for ev in obj.get("evidence") or []:
                if isinstance(ev, LineDict) and (why := bad(ev.get("ref"))):
                    yield ctx.problem("interactions", why, ev, iid, "evidence", key="ref")
        for name, obj in ctx.items("drugs", "name"):
            for t in obj.get("targets") or []:
                if isinstance(t, LineDict) and (why := bad(t.get("ref"))):
                    yield ctx.problem("drugs", why, t, name, "targets", key="ref")
        for cid, obj in ctx.items("contexts", "id"):
            prov = obj.get("provenance")
            if isinstance(prov, LineDict) and (why := bad(prov.get("ref"))):
                yield ctx.problem("contexts", why, prov, cid, "provenance", key="ref")
            expr = obj.get("expression")
            if isinstance(expr, dict):
                for sym, spec in expr.items():
                    if isinstance(spec, LineDict) and (why := bad(spec.get("ref"))):
                        yield ctx.problem("contexts", why, spec, cid, f"expression.{sym}",
                                          key="ref")
        for pid, obj in ctx.items("phenotypes", "id"):
            for drv in obj.get("drivers") or []:
                if isinstance(drv, LineDict) and (why := bad(drv.get("ref"))):
                    yield ctx.problem("phenotypes", why, drv, pid, "drivers", key="ref")


class SourceIdentifiers(AbstractCheck):
    """Sources have a well-formed DOI (``10.NNNN/...``) or PMID (digits), at least one."""

    name = "source-id"

    def run(self, ctx):
        data = ctx.raw.get("sources")
        if not isinstance(data, dict):
            return
        for key, obj in data.items():
            if not isinstance(obj, LineDict):
                continue
            item = f"source {key}"
            doi, pmid = obj.get("doi"), obj.get("pmid")
            if doi is None and pmid is None:
                yield ctx.problem("sources", "source with neither 'doi' nor 'pmid'", data, item,
                                  key=str(key))
            if doi is not None and not DOI_PATTERN.match(str(doi)):
                yield ctx.problem("sources", f"malformed DOI {str(doi)!r}; expected 10.NNNN/suffix "
                                  "(no 'doi:' or URL prefix)", obj, item, "doi")
            if pmid is not None and not PMID_PATTERN.match(str(pmid)):
                yield ctx.problem("sources", f"malformed PMID {str(pmid)!r}; expected digits only",
                                  obj, item, "pmid")


class SourceRecord(AbstractCheck):
    """Every source says which record was checked (``check``) and names authors, year, journal.

    A ``verified: true`` that nobody can trace back to a record seen is how recalled
    identifiers slipped in before; the note makes each verification reviewable.
    """

    name = "source-record"
    REQUIRED = {
        "check": "source without a 'check' note; say which record was seen (PubMed, PMC, DOI or "
                 "publisher page), when, and what matched or was corrected, or what was searched "
                 "and not found",
        "authors": "source without 'authors'; give the first author as the record does "
                   "(\"Surname AB et al.\")",
        "year": "source without 'year'; give the year of publication as an integer",
        "journal": "source without 'journal'; give the journal abbreviation",
    }

    def run(self, ctx):
        data = ctx.raw.get("sources")
        if not isinstance(data, dict):
            return
        for key, obj in data.items():
            if not isinstance(obj, LineDict):
                continue
            for fld, msg in self.REQUIRED.items():
                if obj.get(fld) is None:
                    # the field is absent: point at the source's own line
                    yield ctx.problem("sources", msg, data, f"source {key}", fld, key=str(key))


class AliasClashes(AbstractCheck):
    """A normalised name (alias or symbol) belongs to one entity, and one drug, only."""

    name = "alias-clash"

    def run(self, ctx):
        seen = set()
        for alias, owner, other in ctx.catalog.clashes:
            if (normalise_name(alias), owner, other) in seen:
                continue  # 'U0126', 'U-0126' and 'U 0126' are one clash
            seen.add((normalise_name(alias), owner, other))
            fname, key = ("entities", "symbol") if owner in ctx.kb.entities else ("drugs", "name")
            obj = ctx.item(fname, key, owner)
            kind = "entity" if fname == "entities" else "drug"
            yield ctx.problem(fname, f"alias {alias!r} (normalised {normalise_name(alias)!r}) also "
                              f"names {kind} {other!r}", obj, owner, "aliases")


class SpecContexts(AbstractCheck):
    """Every spec context exists and its ``receptors`` equal the spec's table."""

    name = "spec-context"

    def run(self, ctx):
        for cid in SPEC_CONTEXTS:
            obj = ctx.item("contexts", "id", cid)
            if obj is None:
                yield ctx.problem("contexts", f"spec context {cid!r} is missing", None, cid)
                continue
            table = SPEC_RECEPTOR_TABLE[cid]
            got = obj.get("receptors")
            got = got if isinstance(got, dict) else {}
            for rec, want in table.items():
                if rec not in got:
                    yield ctx.problem("contexts", f"missing spec receptor {rec!r} (spec: {want!r})",
                                      obj, cid, "receptors")
                elif got[rec] != want:
                    yield ctx.problem("contexts", f"the spec table says {want!r}, got "
                                      f"{got[rec]!r}", got, cid,
                                      f"receptors.{rec}", key=rec)
            for rec in got:
                if rec not in table:
                    yield ctx.problem("contexts", f"receptor {rec!r} is not a column of the spec "
                                      f"table ({', '.join(SPEC_RECEPTOR_COLUMNS)})", got, cid,
                                      f"receptors.{rec}", key=rec)


class ContextExpression(AbstractCheck):
    """Expression levels agree with the receptor table: '-' is level 0, '+' is above 0."""

    name = "context-expression"

    def run(self, ctx):
        for cid, obj in ctx.items("contexts", "id"):
            c = ctx.kb.contexts.get(cid or "")
            if c is None:
                continue
            expr = obj.get("expression") if isinstance(obj.get("expression"), dict) else {}
            for rec, mark in c.receptors.items():
                level = c.level(rec)
                given = rec in c.expression
                src = expr.get(rec) if given else None
                where = (src, "level") if isinstance(src, LineDict) else (obj, "receptors")
                shown = f"{level:g}" + ("" if given else " (the default; set it to 0)")
                if mark == "-" and level > 0:
                    yield ctx.problem("contexts", f"receptor {rec!r} is '-' in the receptor table "
                                      f"but its expression level is {shown}", where[0], cid,
                                      f"expression.{rec}", key=where[1])
                elif mark.startswith("+") and level <= 0:
                    yield ctx.problem("contexts", f"receptor {rec!r} is {mark!r} in the receptor "
                                      f"table but its expression level is {level:g}", where[0],
                                      cid, f"expression.{rec}", key=where[1])
                if mark == "+ (low)" and level >= 1:
                    yield ctx.problem("contexts", f"receptor {rec!r} is '+ (low)' but its "
                                      f"expression level {level:g} is not below the generic 1",
                                      where[0], cid, f"expression.{rec}", key=where[1],
                                      severity="warning")


class SpecCoverage(AbstractCheck):
    """Every stimulus, condition, drug, context, phenotype and name of the spec resolves."""

    name = "spec-coverage"

    def run(self, ctx):
        cat, kb = ctx.catalog, ctx.kb
        for s in SPEC_STIMULI:
            if s not in kb.entities:
                yield ctx.problem("entities", f"spec stimulus {s!r} is not an entity", None, s)
        for c in SPEC_CONDITIONS:
            ent = kb.entities.get(c)
            if ent is None or ent.kind != "condition":
                yield ctx.problem("entities", f"spec condition {c!r} must be an entity of kind "
                                  "'condition'", None, c)
        for sym in SPEC_ENTITY_SYMBOLS:
            if sym not in kb.entities:
                yield ctx.problem("entities", f"spec entity {sym!r} is missing", None, sym)
        for alias, members in SPEC_ALIASES.items():
            yield from self._alias(ctx, alias, members)
        for p in SPEC_PHENOTYPES:
            if p not in kb.phenotypes:
                yield ctx.problem("phenotypes", f"spec phenotype {p!r} is missing", None, p)
        for drug, targets in SPEC_DRUG_TARGETS.items():
            ids = cat.drugs.lookup(drug)
            if len(ids) != 1:
                yield ctx.problem("drugs", f"spec drug {drug!r} is not in the catalog" if not ids
                                  else f"spec drug {drug!r} is ambiguous: {', '.join(sorted(ids))}",
                                  None, drug)
                continue
            d = kb.drugs[next(iter(ids))]
            have = {t.target for t in d.targets}
            for want in targets or ():
                sym = ":".join(ctx.resolves(p) or p for p in want.split(":"))
                if sym not in have:
                    yield ctx.problem("drugs", f"spec drug {drug!r} targets {want!r} ({sym}); the "
                                      f"catalog lists {', '.join(sorted(have)) or 'nothing'}",
                                      ctx.item("drugs", "name", d.name), d.name, "targets")

    @staticmethod
    def _alias(ctx, alias, members):
        got = ctx.resolves(alias)
        if got is None:
            close = ctx.catalog.entities.close_matches(alias)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            yield ctx.problem("entities", f"spec name {alias!r} ({'/'.join(members)}) resolves to "
                              f"no entity{hint}", None, alias)
            return
        if got not in members:
            yield ctx.problem("entities", f"spec name {alias!r} should resolve to "
                              f"{'/'.join(members)}, resolves to {got!r}",
                              ctx.item("entities", "symbol", got), got, "aliases")
            return
        pool = ctx.catalog.model_symbol(got)
        for m in members:
            if m not in ctx.kb.entities:
                yield ctx.problem("entities", f"spec name {alias!r} names {m!r}, which is missing",
                                  None, m)
            elif ctx.catalog.model_symbol(m) != pool:
                yield ctx.problem("entities", f"spec name {alias!r} groups {'/'.join(members)}, "
                                  f"but {m!r} is not in the model pool {pool!r} (set lumped_into)",
                                  ctx.item("entities", "symbol", m), m, "lumped_into")


class PhenotypeWeights(AbstractCheck):
    """Driver weights are positive and sum to 1 (per group for ``combine: groups``)."""

    name = "phenotype-weights"

    def run(self, ctx):
        for pid, obj in ctx.items("phenotypes", "id"):
            drivers = [d for d in obj.get("drivers") or [] if isinstance(d, LineDict)]
            for d in drivers:
                if d.get("effect") == "restrains" and "weight" in d:
                    yield ctx.problem("phenotypes", f"driver {d.get('readout')!r}: a restraining "
                                      "driver is a brake and takes no weight", d, pid, "weight")
            # restraining drivers multiply the score; only the driving ones share weights
            drivers = [d for d in drivers if d.get("effect", "drives") != "restrains"]
            for d in drivers:
                w = d.get("weight", 1.0)
                if not isinstance(w, (int, float)) or isinstance(w, bool) or w <= 0:
                    yield ctx.problem("phenotypes", f"driver {d.get('readout')!r}: weight must be a "
                                      f"positive number, got {w!r}", d, pid, "weight")
            combine = obj.get("combine")
            if combine not in ("any", "groups") or not drivers:
                continue
            groups: dict[str, list] = {}
            for d in drivers:
                key = str(d.get("group", "")) if combine == "groups" else ""
                groups.setdefault(key, []).append(d.get("weight", 1.0))
            for key, ws in groups.items():
                if not all(isinstance(w, (int, float)) for w in ws):
                    continue
                total = float(sum(ws))
                if abs(total - 1.0) > WEIGHT_TOLERANCE:
                    what = f"group {key!r} of a 'combine: groups'" if key else "a 'combine: any'"
                    yield ctx.problem("phenotypes", f"driver weights of {what} phenotype must "
                                      f"sum to 1, got {total:g} ({' + '.join(f'{w:g}' for w in ws)})",
                                      obj, pid, "drivers")


class MechanismSign(AbstractCheck):
    """Mechanisms with a fixed direction have the matching sign (warning)."""

    name = "mechanism-sign"

    def run(self, ctx):
        for iid, obj in ctx.items("interactions", "id"):
            mech, sign = obj.get("mechanism"), obj.get("sign")
            want = ("-" if mech in NEGATIVE_MECHANISMS else
                    "+" if mech in POSITIVE_MECHANISMS else None)
            if want and sign in ("+", "-") and sign != want:
                yield ctx.problem("interactions", f"mechanism {mech!r} with sign {sign!r}; "
                                  f"expected sign {want!r}", obj, iid, "sign", severity="warning")


CHECKS: tuple[AbstractCheck, ...] = (
    UnknownEntities(), DrugTargets(), DuplicateIds(), InteractionEvidence(), EvidenceRefs(),
    SourceIdentifiers(), SourceRecord(), AliasClashes(), SpecContexts(), ContextExpression(),
    SpecCoverage(), PhenotypeWeights(), MechanismSign(),
)


def _read_raw(d: Path) -> dict[str, Any]:
    raw = {}
    for name in FILES:
        try:
            raw[name] = load_yaml(d / f"{name}.yaml")
        except InputError:
            raw[name] = None  # reported by the shape pass already
    return raw


def lint_knowledge(data_dir: str | Path = DATA_DIR,
                   checks: Iterable[AbstractCheck] = CHECKS) -> list[Problem]:
    """Run the shape pass and every meaning check; return all problems (errors and warnings).

    Problems come in file order of the checks, shape problems first. A file that cannot be
    read or parsed gives one problem and the checks that need it are skipped.
    """
    d = Path(data_dir)
    try:
        kb, problems = read_knowledge(d)
    except InputError as exc:  # unreadable or malformed YAML: nothing more to check
        return list(exc.problems)
    ctx = LintContext(kb=kb, raw=_read_raw(d), catalog=Catalog(kb), files=dict(kb.files))
    problems = list(problems)
    for check in checks:
        try:
            problems.extend(check.run(ctx))
        except (TypeError, AttributeError, KeyError, ValueError) as exc:
            # a meaning check met a shape the shape pass let through: say so, never a traceback
            problems.append(Problem(f"check {type(check).__name__} could not run on these "
                                    f"files ({type(exc).__name__}: {exc}); fix the shape "
                                    "problems above first", file=str(d)))
    problems += lint_data_files(d, ctx.catalog)
    return problems


#: data files beyond the knowledge graph that ``kb lint`` checks too
DATA_FILES = ("parameters.yaml", "observations.yaml", "anchors.yaml")


def lint_data_files(d: Path, catalog: Catalog) -> list[Problem]:
    """The curated parameters (values, units, provenance) and the observation files
    (spec format, names resolved in this folder's knowledge) of the folder ``d``."""
    from ..compile.parameters import load_parameters
    from ..experiments.parse import load_observations

    problems: list[Problem] = []
    params = d / "parameters.yaml"
    if params.is_file():
        try:
            load_parameters(params)
        except InputError as exc:
            problems += exc.problems
    else:
        problems.append(Problem("missing: the model needs the curated kinetic parameters",
                                file=str(params)))
    for name in DATA_FILES[1:]:
        path = d / name
        if path.is_file():
            problems += load_observations(str(path), catalog=catalog)[1]
    return problems
