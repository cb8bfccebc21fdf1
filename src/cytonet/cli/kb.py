"""`cytonet kb`: lint, show, explain, export and summarise the curated knowledge base."""

from __future__ import annotations

__all__ = ["register"]

import argparse
import json
from collections import Counter

from ..knowledge.export import FORMATS, export_graph
from ..knowledge.lint import lint_knowledge
from ..knowledge.load import DATA_DIR, load_knowledge
from ..knowledge.query import CONDITION_PHRASES, explain, show_entity


def register(subparsers) -> None:
    p = subparsers.add_parser("kb", help="curated knowledge base: lint, show, explain, export",
                              description=__doc__)
    sub = p.add_subparsers(dest="kb_command", metavar="SUBCOMMAND")
    sub.required = True

    def add(name, func, help):
        sp = sub.add_parser(name, help=help, description=help)
        sp.add_argument("--data-dir", default=str(DATA_DIR),
                        help="folder with the knowledge YAML files (default: the shipped data)")
        sp.set_defaults(func=func)
        return sp

    add("lint", _lint, "check the knowledge files; exit 1 on any error")
    sp = add("show", _show, "an entity: aliases, interactions with evidence, drugs, phenotypes")
    sp.add_argument("name", metavar="NAME", help="symbol, alias or spelling variant (gp130, IL-6)")
    sp.add_argument("--json", action="store_true", help="print JSON")
    sp = add("explain", _explain, "every signed path from SOURCE to TARGET, with evidence")
    sp.add_argument("source", metavar="SOURCE",
                    help="entity, or a condition phrase: " + ", ".join(CONDITION_PHRASES))
    sp.add_argument("target", metavar="TARGET", help="entity the paths end at")
    sp.add_argument("--max-length", type=int, default=8, metavar="N",
                    help="longest path, in edges (default 8)")
    sp.add_argument("--json", action="store_true", help="print JSON")
    sp = add("export", _export, "write the knowledge graph for Cytoscape / NDEx / networkx / "
                                "logical-model tools")
    sp.add_argument("--format", choices=FORMATS, default=None,
                    help="graphml (Cytoscape, yEd), cx2 (NDEx, Cytoscape; needs ndex2), sif, "
                         "json (networkx node-link) or sbml-qual (the signed structure); "
                         "default: from the --out suffix (.graphml .cx2 .sif .json .sbml)")
    sp.add_argument("--out", required=True, metavar="FILE",
                    help="output file (.graphml, .cx2, .sif, .json or .sbml)")
    sp.add_argument("--no-drugs", action="store_true", help="leave drug -> target edges out")
    sp = add("summary", _summary, "counts of entities, interactions, drugs, contexts, sources")
    sp.add_argument("--json", action="store_true", help="print JSON")


# --------------------------------------------------------------------------- commands
def _lint(args: argparse.Namespace) -> int:
    problems = lint_knowledge(args.data_dir)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    for p in problems:
        print(str(p) if p.severity == "error" else f"{p} ({p.severity})")
    print(f"{len(errors)} error{'s' * (len(errors) != 1)}, "
          f"{len(warnings)} warning{'s' * (len(warnings) != 1)}")
    return 1 if errors else 0


def _evidence_line(ev: dict) -> str:
    ident = (f"doi:{ev['doi']}" if ev.get("doi") else f"PMID:{ev['pmid']}" if ev.get("pmid")
             else ev["ref"])
    flag = " (identifier not verified)" if ev.get("verified") is False else ""
    return f"{ident}{flag} — {ev['text']}"


def _knowledge(args: argparse.Namespace):
    """The knowledge of --data-dir; a custom folder is linted first (errors stop here)."""
    from pathlib import Path

    from ..errors import KnowledgeError

    if Path(args.data_dir).resolve() != DATA_DIR.resolve():
        errors = [p for p in lint_knowledge(args.data_dir) if p.severity == "error"]
        if errors:
            raise KnowledgeError(errors)
    return load_knowledge(args.data_dir)


def _show(args: argparse.Namespace) -> int:
    info = show_entity(_knowledge(args), args.name)
    if args.json:
        print(json.dumps(info, indent=1, ensure_ascii=False))
        return 0
    head = f"{info['symbol']} — {info['name']} ({info['kind']}"
    head += f", UniProt {info['uniprot']})" if info["uniprot"] else ")"
    print(head)
    if info["aliases"]:
        print("aliases: " + ", ".join(info["aliases"]))
    if info["model_symbol"] != info["symbol"]:
        print(f"modelled as part of the {info['model_symbol']} pool")
    for title, key in (("incoming", "incoming"), ("outgoing", "outgoing")):
        print(f"{title} ({len(info[key])}):")
        for it in info[key]:
            arrow = "->" if it["sign"] == "+" else "-|"
            ctx = f"  [only in {', '.join(it['context'])}]" if it["context"] else ""
            print(f"  {it['id']}: {it['source']} -({it['mechanism']}){arrow} {it['target']}{ctx}")
            for ev in it["evidence"]:
                print(f"      {_evidence_line(ev)}")
    if info["drugs"]:
        print("drugs:")
        for d in info["drugs"]:
            pot = (f"IC50 {d['ic50_nM']:g} nM" if d["ic50_nM"] is not None
                   else f"Kd {d['kd_nM']:g} nM")
            print(f"  {d['drug']} ({d['mechanism']}) on {d['target']}, {pot} [{d['ref']}]")
    if info["drives"]:
        print("drives phenotypes:")
        for d in info["drives"]:
            print(f"  {d['phenotype']} via {d['readout']} (weight {d['weight']:g}): "
                  f"{_evidence_line(d['evidence'])}")
    if info["contexts"]:
        print("expression (relative to generic): " + ", ".join(
            f"{c} {v:g}" for c, v in info["contexts"].items()))
    return 0


def _explain(args: argparse.Namespace) -> int:
    kb = _knowledge(args)
    paths = explain(kb, args.source, args.target, max_length=args.max_length)
    if args.json:
        print(json.dumps([p.as_dict() for p in paths], indent=1, ensure_ascii=False))
        return 0
    if not paths:
        print(f"no path from {args.source} to {args.target} within {args.max_length} edges")
        return 0
    first = paths[0]
    if first.source_phrase:
        print(f"note: '{first.source_phrase}' is read as low {first.source}: paths start from "
              f"{first.source} and each path sign is inverted, so [+] means "
              f"{first.source_phrase} raises {first.target}.")
    if first.target_phrase:
        print(f"note: '{first.target_phrase}' is read as low {first.target}: paths end at "
              f"{first.target} and each path sign is inverted, so [+] means the source "
              f"raises {first.target_phrase}.")
    print(f"{len(paths)} path{'s' * (len(paths) != 1)} from {first.source_phrase or first.source} "
          f"to {first.target} (at most {args.max_length} edges):")
    for i, path in enumerate(paths, 1):
        print(f"{i}. {path.render()}")
        for e in path.edges:
            for ev in e.evidence:
                print(f"     {e.id}: {_evidence_line(ev)}")
    return 0


def _export(args: argparse.Namespace) -> int:
    kb = _knowledge(args)
    path = export_graph(kb, args.out, args.format, drugs=not args.no_drugs)
    print(f"wrote {path}")
    return 0


def _summary(args: argparse.Namespace) -> int:
    kb = _knowledge(args)
    verified = sum(s.verified for s in kb.sources.values())
    out = {
        "entities": dict(sorted(Counter(e.kind for e in kb.entities.values()).items())),
        "interactions": dict(sorted(Counter(i.mechanism for i in kb.interactions).items())),
        "drugs": len(kb.drugs), "contexts": len(kb.contexts), "phenotypes": len(kb.phenotypes),
        "sources": {"verified": verified, "unverified": len(kb.sources) - verified},
    }
    if args.json:
        print(json.dumps(out, indent=1))
        return 0
    print(f"entities: {sum(out['entities'].values())} ("
          + ", ".join(f"{k} {v}" for k, v in out["entities"].items()) + ")")
    print(f"interactions: {len(kb.interactions)} ("
          + ", ".join(f"{k} {v}" for k, v in out["interactions"].items()) + ")")
    print(f"drugs: {out['drugs']}")
    print(f"contexts: {out['contexts']} ({', '.join(kb.contexts)})")
    print(f"phenotypes: {out['phenotypes']} ({', '.join(kb.phenotypes)})")
    print(f"sources: {len(kb.sources)} ({verified} verified, {len(kb.sources) - verified} "
          "unverified)")
    return 0
