"""Load the curated knowledge files: pass one checks shape, pass two (lint) checks meaning."""

from __future__ import annotations

__all__ = ["DATA_DIR", "load_knowledge", "read_knowledge", "Catalog", "default_catalog",
           "data_dir", "use_data_dir"]

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from .._yaml import LineDict, line_of, load_yaml
from ..errors import KnowledgeError, Problem
from ..limits import is_finite_number, quote
from ..units import parse_quantity, to_molar_nM, to_seconds
from .names import NameIndex
from .records import (
    DRUG_MECHANISMS,
    ENTITY_KINDS,
    KINETIC_QUANTITIES,
    MECHANISMS,
    SPEC_CONDITIONS,
    SPEC_STIMULI,
    Context,
    Driver,
    Drug,
    DrugTarget,
    Entity,
    Evidence,
    Interaction,
    Knowledge,
    Phenotype,
    Source,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FILES = ("sources", "entities", "interactions", "drugs", "contexts", "phenotypes")


class _Collector:
    """Collects shape problems for one file."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, msg: str, obj: Any = None, item: str | None = None, fld: str | None = None):
        self.problems.append(Problem(msg, file=self.file, line=line_of(obj, fld) if obj is not None
                                     else None, item=item, field=fld))

    def require(self, obj: LineDict, key: str, item: str | None, types=(str,), allowed=None):
        if key not in obj or obj[key] is None or obj[key] == "":
            self.add("missing required field", obj, item, key)
            return None
        val = obj[key]
        if not isinstance(val, types):
            want = " or ".join(t.__name__ for t in types)
            self.add(f"expected {want}, got {type(val).__name__} {val!r}", obj, item, key)
            return None
        if allowed is not None and val not in allowed:
            self.add(f"expected one of {', '.join(map(repr, allowed))}, got {val!r}", obj, item, key)
            return None
        return val

    def unknown_keys(self, obj: LineDict, allowed: set[str], item: str | None):
        for k in obj:
            if k not in allowed:
                self.add(f"unknown key; expected one of {', '.join(sorted(allowed))}", obj, item, str(k))


def _items(path: Path, col: _Collector, id_key: str, allowed: set[str]):
    """Yield (mapping, id or None, item label) for each item of a list file; non-mappings and
    unknown keys are collected as problems."""
    for i, obj in enumerate(_as_list(load_yaml(path), col)):
        if not isinstance(obj, dict):
            col.add(f"item {i + 1}: expected a mapping")
            continue
        ident = col.require(obj, id_key, None)
        item = ident or f"item {i + 1}"
        col.unknown_keys(obj, allowed, item)
        yield obj, ident, item


def _as_list(data: Any, col: _Collector) -> list:
    if isinstance(data, list):
        return data
    col.add(f"expected a list of items at top level, got {type(data).__name__}")
    return []


def _evidence(obj: Any, col: _Collector, item: str, fld: str, sources: dict[str, Source]):
    if not isinstance(obj, dict):
        col.add("evidence must be a mapping {ref, text}", None, item, fld)
        return None
    ref = col.require(obj, "ref", item)
    text = col.require(obj, "text", item)
    if ref is None or text is None:
        return None
    return Evidence(ref=ref, text=text, source=sources.get(ref))


#: keys a source may have; `check` is required by lint (``source-record``), the others are
#: validated here when present
SOURCE_FIELDS = ("doi", "pmid", "seed", "title", "authors", "year", "journal", "verified", "check")
SOURCE_TEXT_FIELDS = ("title", "authors", "journal", "check")
#: publication years accepted for a source (the oldest cited paper is from the 1980s)
SOURCE_YEARS = (1900, date.today().year + 1)


def _source_shape(val: LineDict, key: str, col: _Collector) -> dict[str, Any]:
    """The typed fields of one source; ill-typed ones are reported and left out."""
    item = f"source {key}"
    out: dict[str, Any] = {}
    for fld in SOURCE_TEXT_FIELDS:
        v = val.get(fld)
        if v is None:
            continue
        if not isinstance(v, str) or not v.strip():
            col.add(f"expected a non-empty text, got {v!r}", val, item, fld)
            continue
        out[fld] = v
    year = val.get("year")
    if year is not None:
        lo, hi = SOURCE_YEARS
        if not isinstance(year, int) or isinstance(year, bool):
            col.add(f"expected the year as an integer, got {year!r}", val, item, "year")
        elif not lo <= year <= hi:
            col.add(f"year {year} is outside {lo}-{hi}", val, item, "year")
        else:
            out["year"] = year
    verified = val.get("verified", True)
    if not isinstance(verified, bool):
        col.add(f"expected true or false, got {verified!r}", val, item, "verified")
        verified = False
    out["verified"] = verified
    return out


def _read_sources(path: Path, col: _Collector) -> dict[str, Source]:
    data = load_yaml(path)
    out: dict[str, Source] = {}
    if not isinstance(data, dict):
        col.add("expected a mapping of source keys")
        return out
    for key, val in data.items():
        if not isinstance(val, dict):
            col.add("expected a mapping", data, f"source {key}")
            continue
        col.unknown_keys(val, set(SOURCE_FIELDS), f"source {key}")
        f = _source_shape(val, str(key), col)
        out[str(key)] = Source(key=str(key), doi=str(val["doi"]) if val.get("doi") else None,
                               pmid=str(val["pmid"]) if val.get("pmid") else None,
                               seed=val.get("seed"), title=f.get("title", ""),
                               verified=f["verified"], line=line_of(val),
                               authors=f.get("authors", ""), year=f.get("year"),
                               journal=f.get("journal", ""), check=f.get("check", ""))
    return out



#: drug mechanisms simulated as binding (the drug is a species that sequesters its target)
SEQUESTERING_MECHANISMS = ("neutralizing antibody", "ligand trap")
#: roles of a transcription factor at a promoter beside the default (alone), records.Interaction
PROMOTER_ROLES = ("joint", "enhancer")
#: per-target binding fields of a sequestering drug (see :class:`DrugTarget`)
KINETIC_FIELDS = ("kon_per_M_s", "koff_per_s", "measured", "kinetics_note")
#: koff must equal kon x Kd within this relative tolerance (rounding of stored values)
KINETICS_RTOL = 0.02


def _positive_number(t: LineDict, key: str, col: _Collector, item: str, what: str):
    val = t.get(key)
    if not is_finite_number(val) or not val > 0:
        col.add(f"expected {what}, got {quote(val)}", t, item, key)
        return None
    return float(val)


def _drug_valency(obj: LineDict, col: _Collector, item: str, mech: str | None) -> int | None:
    """Binding sites per molecule: required for sequestering drugs, refused for inhibitors."""
    if mech is None:
        return None
    if mech not in SEQUESTERING_MECHANISMS:
        if "valency" in obj:
            col.add(f"'valency' applies to neutralizing antibodies and ligand traps only, not to "
                    f"an inhibitor ({mech})", obj, item, "valency")
        return None
    if "valency" not in obj:
        col.add("missing required field; give the binding sites per molecule (2 for an IgG "
                "or a dimeric Fc fusion)", obj, item, "valency")
        return None
    val = obj["valency"]
    if isinstance(val, bool) or not isinstance(val, int) or val < 1:
        col.add(f"expected the number of binding sites per molecule as a positive integer, "
                f"got {val!r}", obj, item, "valency")
        return None
    return val


def _target_kinetics(t: LineDict, col: _Collector, item: str, mech: str,
                     kd_nM: float | None) -> dict[str, Any]:
    """The binding kinetics of one target of a sequestering drug (DrugTarget fields).

    kon is required; koff, when given, must equal kon x Kd (it is derived otherwise);
    ``measured`` names what the source measured; without a measured kon the
    ``kinetics_note`` must say where it comes from."""
    given = [k for k in KINETIC_FIELDS if k in t]
    if mech not in SEQUESTERING_MECHANISMS:
        for k in given:
            col.add(f"binding kinetics apply to neutralizing antibodies and ligand traps only, "
                    f"not to an inhibitor ({mech}), which acts through 'ic50'", t, item, k)
        return {}
    if kd_nM is None:
        col.add("a sequestering drug's target needs 'kd' with a unit: its binding is "
                "simulated from kon and Kd", t, item, "kd" if "kd" in t else "target")
    if "kon_per_M_s" not in t:
        col.add("missing required field; give the association rate per binding site in /M/s "
                "(e.g. 1.0e6), and say in 'kinetics_note' where it comes from", t, item,
                "kon_per_M_s")
        kon = None
    else:
        kon = _positive_number(t, "kon_per_M_s", col, item,
                               "a positive association rate in /M/s (e.g. 1.0e6)")
    koff = None
    if "koff_per_s" in t:
        koff = _positive_number(t, "koff_per_s", col, item,
                                "a positive dissociation rate in /s (e.g. 2.5e-3)")
    measured = t.get("measured", [])
    if not isinstance(measured, list) or not all(m in KINETIC_QUANTITIES for m in measured):
        col.add(f"expected a list drawn from {', '.join(map(repr, KINETIC_QUANTITIES))} "
                f"(what the source measured), got {measured!r}", t, item, "measured")
        measured = []
    note = t.get("kinetics_note", "")
    if not isinstance(note, str):
        col.add(f"expected a text, got {note!r}", t, item, "kinetics_note")
        note = ""
    if "kon" not in measured and not note.strip():
        col.add("kon is not measured: say in 'kinetics_note' where it comes from (assumed, "
                "with the reason)", t, item, "kinetics_note" if "kinetics_note" in t
                else "kon_per_M_s")
    if kon is not None and kd_nM is not None:
        expected = kon * kd_nM * 1e-9
        if koff is None:
            koff = expected
        elif abs(koff - expected) > KINETICS_RTOL * expected:
            col.add(f"koff_per_s {koff:g} /s is not kon x Kd = {kon:g} /M/s x {kd_nM:g} nM = "
                    f"{expected:.3g} /s (tolerance {KINETICS_RTOL:.0%}); correct koff, kon or "
                    f"kd so that koff = kon x Kd", t, item, "koff_per_s")
    return {"kon_per_M_s": kon, "koff_per_s": koff, "measured": tuple(measured),
            "kinetics_note": note}


def read_knowledge(data_dir: str | Path = DATA_DIR) -> tuple[Knowledge, list[Problem]]:
    """Read the files (shape pass) and return the knowledge and every shape problem found."""
    d = Path(data_dir)
    problems: list[Problem] = []
    files = {name: str(d / f"{name}.yaml") for name in FILES}

    col = _Collector(files["sources"])
    sources = _read_sources(d / "sources.yaml", col)
    problems += col.problems

    # entities
    col = _Collector(files["entities"])
    entities: dict[str, Entity] = {}
    seen: dict[str, int | None] = {}
    for obj, sym, item in _items(d / "entities.yaml", col, "symbol",
                                 {"symbol", "name", "kind", "uniprot", "aliases", "mw_kda",
                                  "lumped_into", "form_of"}):
        name = col.require(obj, "name", item)
        kind = col.require(obj, "kind", item, allowed=ENTITY_KINDS)
        aliases = obj.get("aliases", []) or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            col.add("expected a list of strings", obj, item, "aliases")
            aliases = []
        mw = obj.get("mw_kda")
        if mw is not None and (not is_finite_number(mw) or mw <= 0):
            col.add(f"expected a finite positive number (kDa), got {quote(mw)}", obj, item,
                    "mw_kda")
            mw = None
        if sym is None or name is None or kind is None:
            continue
        if sym in seen:
            col.add(f"duplicate symbol (first defined on line {seen[sym]})", obj, item, "symbol")
            continue
        seen[sym] = line_of(obj)
        entities[sym] = Entity(symbol=sym, name=name, kind=kind, uniprot=obj.get("uniprot"),
                               aliases=tuple(aliases), mw_kda=float(mw) if mw else None,
                               lumped_into=obj.get("lumped_into"), form_of=obj.get("form_of"),
                               line=line_of(obj))
    problems += col.problems

    # interactions
    col = _Collector(files["interactions"])
    interactions: list[Interaction] = []
    for obj, iid, item in _items(d / "interactions.yaml", col, "id",
                                    {"id", "source", "target", "sign", "mechanism", "evidence",
                               "context", "note", "promoter"}):
        src = col.require(obj, "source", item)
        tgt = col.require(obj, "target", item)
        sign = obj.get("sign")
        if sign not in ("+", "-"):
            col.add(f"expected '+' or '-', got {sign!r}", obj, item, "sign")
        mech = col.require(obj, "mechanism", item, allowed=MECHANISMS)
        ev_raw = obj.get("evidence")
        evs = []
        if ev_raw is None:
            ev_raw = []
        if not isinstance(ev_raw, list):
            col.add("expected a list of evidence items", obj, item, "evidence")
            ev_raw = []
        for e in ev_raw:
            ev = _evidence(e, col, item, "evidence", sources)
            if ev:
                evs.append(ev)
        ctx = obj.get("context") or []
        if isinstance(ctx, str):
            ctx = [ctx]
        if not isinstance(ctx, list) or not all(isinstance(c, str) for c in ctx):
            col.add(f"expected a context id or a list of them, got {quote(ctx)}", obj, item,
                    "context")
            ctx = []
        promoter = obj.get("promoter")
        if promoter is not None:
            if promoter not in PROMOTER_ROLES:
                col.add(f"expected one of {', '.join(map(repr, PROMOTER_ROLES))}, got "
                        f"{quote(promoter)}", obj, item, "promoter")
                promoter = None
            elif mech != "transcribes" or sign != "+":
                col.add(f"a promoter role describes a '+' transcribes edge, not a {sign!r} "
                        f"{mech!r} edge", obj, item, "promoter")
                promoter = None
        if None in (iid, src, tgt, mech) or sign not in ("+", "-"):
            continue
        interactions.append(Interaction(id=iid, source=src, target=tgt, sign=sign, mechanism=mech,
                                        evidence=tuple(evs), context=tuple(ctx), line=line_of(obj),
                                        promoter=promoter))
    problems += col.problems

    # drugs
    col = _Collector(files["drugs"])
    drugs: dict[str, Drug] = {}
    for obj, name, item in _items(d / "drugs.yaml", col, "name",
                                    {"name", "aliases", "mechanism", "targets", "mw_kda",
                                     "valency"}):
        mech = col.require(obj, "mechanism", item, allowed=DRUG_MECHANISMS)
        sequestering = mech in SEQUESTERING_MECHANISMS
        valency = _drug_valency(obj, col, item, mech)
        mw = obj.get("mw_kda")
        if mw is not None and (not is_finite_number(mw) or mw <= 0):
            col.add(f"expected a finite positive number (kDa), got {quote(mw)}", obj, item,
                    "mw_kda")
            mw = None
        d_aliases = obj.get("aliases") or []
        if not isinstance(d_aliases, list) or not all(
                isinstance(a, (str, int)) and not isinstance(a, bool) for a in d_aliases):
            col.add("expected a list of strings", obj, item, "aliases")
            d_aliases = []
        d_aliases = [str(a) for a in d_aliases]
        raw_targets = obj.get("targets") or []
        if not isinstance(raw_targets, list):
            col.add(f"expected a list of targets, got {quote(raw_targets)}", obj, item,
                    "targets")
            raw_targets = []
        targets = []
        for t in raw_targets:
            if not isinstance(t, dict):
                col.add("target must be a mapping", obj, item, "targets")
                continue
            col.unknown_keys(t, {"target", "ic50", "kd", "ref", "note", *KINETIC_FIELDS}, item)
            tgt = col.require(t, "target", item)
            ref = col.require(t, "ref", item)
            ic50 = kd = None
            for key in ("ic50", "kd"):
                if key in t:
                    try:
                        q = parse_quantity(t[key], kind="concentration", where=Problem(
                            "", file=col.file, line=line_of(t, key), item=item, field=key))
                        val = to_molar_nM(q)
                    except KnowledgeError:
                        raise
                    except Exception as exc:  # UnitError -> collected
                        col.problems.extend(getattr(exc, "problems", [Problem(str(exc))]))
                        continue
                    if val <= 0:
                        col.add("potency must be positive", t, item, key)
                    if key == "ic50":
                        ic50 = val
                    else:
                        kd = val
            if ic50 is None and kd is None:
                col.add("each target needs a potency: 'ic50' or 'kd' with a unit", t, item,
                        "targets")
            kin = _target_kinetics(t, col, item, mech, kd) if mech else {}
            if tgt and ref:
                targets.append(DrugTarget(target=tgt, ic50_nM=ic50, kd_nM=kd, ref=ref,
                                          note=str(t.get("note", "")), source=sources.get(ref),
                                          **kin))
        if not targets:
            col.add("a drug needs at least one target", obj, item, "targets")
        if name and mech:
            drugs[name] = Drug(name=name, mechanism=mech, targets=tuple(targets),
                               aliases=tuple(d_aliases),
                               mw_kda=float(mw) if mw else None, line=line_of(obj),
                               valency=valency if sequestering else None)
    problems += col.problems

    # contexts
    col = _Collector(files["contexts"])
    contexts: dict[str, Context] = {}
    for obj, cid, item in _items(d / "contexts.yaml", col, "id",
                                    {"id", "description", "receptors", "expression", "provenance"}):
        receptors = obj.get("receptors") or {}
        if not isinstance(receptors, dict):
            col.add("expected a mapping receptor -> '+', '-' or '+ (low)'", obj, item, "receptors")
            receptors = {}
        for r, v in receptors.items():
            if not isinstance(v, str) or v not in ("+", "-", "+ (low)"):
                col.add(f"receptor {r}: expected '+', '-' or '+ (low)', got {v!r}", receptors,
                        item, str(r))
        expression: dict[str, float] = {}
        expr_prov: dict[str, Evidence] = {}
        raw_expr = obj.get("expression") or {}
        if not isinstance(raw_expr, dict):
            col.add(f"expected a mapping entity -> {{level, ref, note}}, got {quote(raw_expr)}",
                    obj, item, "expression")
            raw_expr = {}
        for sym, spec in raw_expr.items():
            if not isinstance(spec, dict) or "level" not in spec:
                col.add("expected {level, ref, note}", obj.get("expression"), item, f"expression.{sym}")
                continue
            lvl = spec["level"]
            if not is_finite_number(lvl) or lvl < 0:
                col.add(f"expected a finite level >= 0, got {quote(lvl)}", spec, item,
                        f"expression.{sym}")
                continue
            if not spec.get("ref"):
                col.add("expression level without provenance (ref)", spec, item,
                        f"expression.{sym}")
            expression[str(sym)] = float(lvl)
            expr_prov[str(sym)] = Evidence(ref=str(spec.get("ref")), text=str(spec.get("note", "")),
                                           source=sources.get(str(spec.get("ref"))))
        prov = obj.get("provenance") or {}
        if not isinstance(prov, dict):
            col.add(f"expected {{ref, note}}, got {quote(prov)}", obj, item, "provenance")
            prov = {}
        if cid:
            contexts[cid] = Context(
                id=cid, description=str(obj.get("description", "")),
                receptors={str(k): str(v) for k, v in receptors.items()},
                expression=expression, expression_provenance=expr_prov,
                provenance=Evidence(ref=str(prov.get("ref")), text=str(prov.get("note", "")),
                                    source=sources.get(str(prov.get("ref")))),
                line=line_of(obj))
    problems += col.problems

    # phenotypes
    col = _Collector(files["phenotypes"])
    phenotypes: dict[str, Phenotype] = {}
    for obj, pid, item in _items(d / "phenotypes.yaml", col, "id",
                                    {"id", "combine", "tau", "drivers"}):
        comb = col.require(obj, "combine", item, allowed=("any", "all", "groups"))
        tau = None
        try:
            tau = to_seconds(parse_quantity(obj.get("tau"), kind="time", where=Problem(
                "", file=col.file, line=line_of(obj, "tau"), item=item, field="tau")))
        except Exception as exc:
            col.problems.extend(getattr(exc, "problems", [Problem(str(exc))]))
        drivers = []
        raw_drivers = obj.get("drivers") or []
        if not isinstance(raw_drivers, list):
            col.add(f"expected a list of drivers, got {quote(raw_drivers)}", obj, item, "drivers")
            raw_drivers = []
        for drv in raw_drivers:
            if not isinstance(drv, dict):
                col.add("driver must be a mapping", obj, item, "drivers")
                continue
            col.unknown_keys(drv, {"readout", "weight", "K", "ref", "text", "group", "effect"},
                             item)
            effect = col.require(drv, "effect", item, allowed=("drives", "restrains")) \
                if "effect" in drv else "drives"
            ro = col.require(drv, "readout", item)
            try:
                K = to_molar_nM(parse_quantity(drv.get("K"), kind="concentration", where=Problem(
                    "", file=col.file, line=line_of(drv, "K"), item=item, field="K")))
            except Exception as exc:
                col.problems.extend(getattr(exc, "problems", [Problem(str(exc))]))
                continue
            w = drv.get("weight", 1.0)
            if not is_finite_number(w):
                col.add(f"expected a finite number, got {quote(w)}", drv, item, "weight")
                continue
            if not drv.get("ref") or not drv.get("text"):
                col.add("driver without evidence (ref and text)", drv, item, "drivers")
            if ro:
                drivers.append(Driver(readout=ro, K_nM=K, weight=float(w), evidence=Evidence(
                    ref=str(drv.get("ref")), text=str(drv.get("text", "")),
                    source=sources.get(str(drv.get("ref")))), group=str(drv.get("group", "")),
                    effect=effect or "drives"))
        if pid and comb and tau:
            phenotypes[pid] = Phenotype(id=pid, combine=comb, tau_s=tau, drivers=tuple(drivers),
                                        line=line_of(obj))
    problems += col.problems

    kb = Knowledge(entities=entities, interactions=interactions, drugs=drugs, contexts=contexts,
                   phenotypes=phenotypes, sources=sources, files=files)
    return kb, problems


class Catalog:
    """Name resolution for entities, drugs, contexts, stimuli and conditions."""

    def __init__(self, kb: Knowledge):
        self.kb = kb
        self.entities = NameIndex("entity")
        self.clashes: list[tuple[str, str, str]] = []
        # spec aliases that name a group resolve to the group's model pool (lumped_into)
        for e in kb.entities.values():
            for name, other in self.entities.add(e.symbol, e.aliases):
                self.clashes.append((name, e.symbol, other))
        self.drugs = NameIndex("drug")
        for dr in kb.drugs.values():
            for name, other in self.drugs.add(dr.name, dr.aliases):
                self.clashes.append((name, dr.name, other))
        self.contexts = NameIndex("context")
        for c in kb.contexts:
            self.contexts.add(c, [c.replace("_", " ")])
        self.stimuli = NameIndex("stimulus")
        for s in SPEC_STIMULI:
            self.stimuli.add(s, kb.entities[s].aliases if s in kb.entities else ())
        self.conditions = NameIndex("condition")
        for c in SPEC_CONDITIONS:
            self.conditions.add(c, kb.entities[c].aliases if c in kb.entities else ())
        self.phenotypes = NameIndex("phenotype")
        for p in kb.phenotypes:
            ent = kb.entities.get(p)
            self.phenotypes.add(p, ent.aliases if ent else ())

    def resolve_entity(self, name: str, where: Problem | None = None) -> str:
        return self.entities.resolve(name, where=where)

    def model_symbol(self, symbol: str) -> str:
        """The pool that represents ``symbol`` in the model (MAPK3 -> MAPK1)."""
        e = self.kb.entities.get(symbol)
        return e.lumped_into if e and e.lumped_into else symbol


@lru_cache(maxsize=4)
def _load(data_dir: str) -> Knowledge:
    kb, problems = read_knowledge(data_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise KnowledgeError(errors)
    return kb


_ACTIVE_DIR: list[Path] = [DATA_DIR]


def data_dir() -> Path:
    """The knowledge folder in use: the package's data unless :func:`use_data_dir` chose one."""
    return _ACTIVE_DIR[0]


def use_data_dir(path: str | Path | None) -> Path:
    """Make ``path`` (None: the package's data) the knowledge folder of this process: the
    default of :func:`load_knowledge`, :func:`default_catalog`, the curated parameters and
    the default observations; forked workers inherit it. Returns the folder."""
    d = DATA_DIR if path is None else Path(path).resolve()
    _ACTIVE_DIR[0] = d
    return d


def load_knowledge(data_dir: str | Path | None = None) -> Knowledge:
    """Load the knowledge base; KnowledgeError lists every shape problem (file:line: item: field)."""
    return _load(str(Path(data_dir if data_dir is not None else _ACTIVE_DIR[0]).resolve()))


@lru_cache(maxsize=4)
def _catalog(data_dir: str) -> Catalog:
    return Catalog(load_knowledge(data_dir))


def default_catalog(data_dir: str | Path | None = None) -> Catalog:
    return _catalog(str(Path(data_dir if data_dir is not None else _ACTIVE_DIR[0]).resolve()))
