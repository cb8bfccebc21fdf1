"""Compare the ODE model, cytonet's compiled logical model and the published Ryll 2011
hepatocyte IL-6 logical model on the shared findings their common nodes allow, and check the
Cohen 2015 invasion model's published mutant phenotypes; writes docs/ryll2011_comparison.md.

    PYTHONPATH=src python bench/logical_ryll.py [--out docs/ryll2011_comparison.md]

Reads ../shared/benchmarks/logical and ../shared/observations/literature.yaml at run time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _status(card, oid):
    try:
        return card.result(oid).status
    except KeyError:
        return "-"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "ryll2011_comparison.md")
    ap.add_argument("--observations", type=Path,
                    default=SHARED / "observations" / "literature.yaml")
    args = ap.parse_args(argv)
    bench = SHARED / "benchmarks" / "logical"
    if not bench.is_dir() or not args.observations.is_file():
        print(f"needs {bench} and {args.observations}", file=sys.stderr)
        return 2

    from cytonet.experiments.parse import load_observations
    from cytonet.logical.cohen import cohen_mutants
    from cytonet.logical.external import MAPPING_DIR, load_mapping
    from cytonet.logical.run import get_model, readout_node
    from cytonet.logical.validate import validate_logical
    from cytonet.validation.run import validate_observations

    t0 = time.perf_counter()
    ryll = load_mapping(MAPPING_DIR / "ryll2011.yaml", benchmarks=SHARED / "benchmarks")
    observations, problems = load_observations(str(args.observations))
    if problems:
        print("\n".join(str(p) for p in problems), file=sys.stderr)
        return 2
    keep, skipped = [], []
    for obs in observations:
        why = ryll.expressible(obs)
        (keep if why is None else skipped).append((obs, why))
    ryll_card = validate_observations([o for o, _ in keep], simulate=ryll.simulate)
    logical = validate_logical([o for o, _ in keep])
    ode = validate_observations([o for o, _ in keep])
    cohen = cohen_mutants(bench)
    elapsed = time.perf_counter() - t0

    cyt = get_model()
    lines = [
        "# Ryll 2011 hepatocyte IL-6 logical model vs cytonet (ODE and logical)",
        "",
        f"Produced by `bench/logical_ryll.py` ({elapsed:.0f} s); do not edit by hand. Ryll et al., "
        "Mol BioSyst 7:3253 (2011), doi:10.1039/C1MB05261F, BBM model 019 "
        f"({len(ryll.model.rules)} nodes, {len(ryll.model.inputs)} inputs), read from "
        "`../shared/benchmarks/logical/bbm019_IL-6-SIGNALING` through cytonet's own bnet "
        "and SBML-qual loaders: the two files give "
        + ("identical rules." if not ryll.sbml_differences else
           f"different rules for {', '.join(ryll.sbml_differences)}.")
        + " Node mapping with reasons: `src/cytonet/data/logical_mappings/ryll2011.yaml`. "
        "Both logical models are run with the same experiment semantics (docs/logical.md): "
        "the cells rest in the least active most-permissive attractor of the unstimulated "
        "model, then MaBoSS (2,000 trajectories) from that state; Ryll's nodes all switch at "
        "12 /h since the model publishes no time scale.",
        "",
        f"{len(keep)} of {len(observations)} shared findings ({args.observations.name}) can be "
        "expressed on Ryll's nodes; the rest need a context, stimulus, condition, perturbation "
        "or readout the model does not have (counts below).",
        "",
        "| finding | readout | ODE | cytonet logical | Ryll 2011 | Ryll vs cytonet logical |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    rows = []
    for obs, _ in keep:
        o, c, r = _status(ode, obs.id), _status(logical.card, obs.id), _status(ryll_card, obs.id)
        same = "agree" if c == r else "**differ**"
        rows.append((obs, o, c, r))
        lines.append(f"| {obs.id} | {obs.readout} | {o} | {c} | {r} | {same} |")
    agree_cr = sum(c == r for _, _, c, r in rows)
    agree_or = sum(o == r for _, o, _, r in rows)
    n = len(rows)
    lines += ["", f"Ryll vs cytonet logical: {agree_cr} of {n} agree; Ryll vs ODE: {agree_or} of "
              f"{n}; Ryll passes {sum(r == 'PASS' for *_, r in rows)} of {n}, cytonet logical "
              f"{sum(c == 'PASS' for *_, c, _ in rows)}, ODE {sum(o == 'PASS' for _, o, _, _ in rows)}.",
              "", "## Where they differ, and why", "",
              "Each difference with both models' measured figures and the rules of the readout's "
              "node in each model (the structural reason).", ""]
    for obs, o, c, r in rows:
        if c == r and o == r:
            continue
        rn = ryll.readout_node(obs.readout)
        cn = readout_node(cyt, obs.readout)
        lines += [f"### {obs.id} (ODE {o}, cytonet logical {c}, Ryll {r})", "",
                  f"- claim: {obs.claim}",
                  f"- Ryll: {ryll_card.result(obs.id).detail}",
                  f"- cytonet logical: {logical.card.result(obs.id).detail}",
                  f"- ODE: {ode.result(obs.id).detail}",
                  f"- Ryll rule: `{rn} = {ryll.model.rules[rn].expr}`",
                  f"- cytonet rule: `{cn} = {cyt.rules[cn].expr}` (realizes "
                  f"{', '.join(cyt.rules[cn].interactions) or 'no edge directly'})", ""]
    reasons: dict[str, int] = {}
    for _obs, why in skipped:
        key = why.split(":")[0] if why.startswith("quantitative") else why
        reasons[key] = reasons.get(key, 0) + 1
    lines += ["## Findings Ryll's model cannot express", "",
              "| reason | findings |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1])]
    lines += ["", "## Cohen 2015 invasion model: published mutant phenotypes", "",
              "Cohen et al., PLoS Comput Biol 11:e1004571 (2015): BBM 065 bnet (mpbn "
              "most-permissive attractors with ECM microenvironment and DNA damage ON) and the "
              "PROFILE MaBoSS version (`Cohen.bnd`/`.cfg` run by cmaboss as published, "
              "mutations as ON/OFF nodes). A loader and simulator check.", "",
              "| mutant | published | attractors | metastatic | apoptotic | agrees | MaBoSS P(metastasis) | MaBoSS P(apoptosis) |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for row in cohen:
        lines.append(f"| {row['mutant']} | {row['published']} | {row['attractors']} | "
                     f"{row['metastatic_attractors']} | {row['apoptotic_attractors']} | "
                     f"{'yes' if row['agrees'] else '**no**'} | {row['maboss_metastasis']:.2f} | "
                     f"{row['maboss_apoptosis']:.2f} |")
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(f".{args.out.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, args.out)
    print(f"wrote {args.out} ({n} shared findings on Ryll's nodes; {agree_cr} agree with the "
          f"compiled logical model) in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
