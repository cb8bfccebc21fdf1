"""Cohen et al. 2015 invasion model (PLoS Comput Biol 11:e1004571; BBM 065 and the MaBoSS
version in PROFILE) as a loader and simulator check: its published mutant phenotypes.

Published (Cohen 2015, Results): with the ECM microenvironment and DNA damage on, the wild
type can still die (an apoptotic attractor exists); Notch gain of function (NICD) together
with p53 loss, and AKT2 gain together with p53 loss, make every attractor metastatic (the
double mutants of the mouse model); AKT1 gain of function blocks migration and metastasis.
"""

from __future__ import annotations

__all__ = ["MUTANTS", "cohen_mutants"]

from pathlib import Path

from .io import load_bnet

#: (label, fixed nodes, published phenotype, check on the mpbn attractors)
MUTANTS = [
    ("wild type", {}, "an apoptotic attractor exists", "apoptosis_reachable"),
    ("NICD gain, p53 loss", {"NICD": 1, "p53": 0}, "every attractor metastatic", "all_metastatic"),
    ("AKT2 gain, p53 loss", {"AKT2": 1, "p53": 0}, "every attractor metastatic", "all_metastatic"),
    ("AKT1 gain", {"AKT1": 1}, "no metastasis", "no_metastasis"),
]


def cohen_mutants(benchmarks: str | Path) -> list[dict]:
    """Each mutant on the bnet (mpbn attractors with ECM and DNA damage ON) and on the MaBoSS
    version (probability of Metastasis and Apoptosis at the end of its own .cfg run)."""
    import cmaboss
    import mpbn

    root = Path(benchmarks)
    bnet = load_bnet(root / "bbm065_TUMOUR-CELL-INVASION-AND-MIGRATION" / "model.bnet")
    mab = root / "maboss_PROFILE" / "Cohen"
    rows = []
    for label, fx, published, check in MUTANTS:
        fixed = {f"v_{k}": v for k, v in fx.items()}
        fixed.update({"v_ECM": 1, "v_DNAdamage": 1})
        m = bnet.with_fixed(fixed)
        bn = mpbn.MPBooleanNetwork({n: r.expr for n, r in m.rules.items()})
        atts = list(bn.attractors())
        met = [a["v_Metastasis"] for a in atts]
        apo = [a["v_Apoptosis"] for a in atts]
        ok = {"all_metastatic": all(v == 1 for v in met),
              "no_metastasis": all(v == 0 for v in met),
              "apoptosis_reachable": any(v == 1 for v in apo)}[check]
        sim = cmaboss.MaBoSSSim(network=str(mab / "Cohen.bnd"), config=str(mab / "Cohen.cfg"))
        sim.get_nodes()  # validates the network
        for node, val in fx.items():
            sim.mutate(node, "ON" if val else "OFF")
        cfg_text = (mab / "Cohen.cfg").read_text()
        res = sim.run()
        probs, _times, names, *_ = res.get_last_nodes_probtraj()
        last = dict(zip(names, probs[-1], strict=True))
        rows.append({"mutant": label, "published": published, "attractors": len(atts),
                     "metastatic_attractors": sum(v == 1 for v in met),
                     "apoptotic_attractors": sum(v == 1 for v in apo), "agrees": ok,
                     "maboss_metastasis": float(last.get("Metastasis", 0.0)),
                     "maboss_apoptosis": float(last.get("Apoptosis", 0.0)),
                     "maboss_cfg_samples": _sample_count(cfg_text)})
    return rows


def _sample_count(cfg: str) -> int | None:
    for line in cfg.splitlines():
        if line.strip().startswith("sample_count"):
            try:
                return int(line.split("=")[1].strip(" ;"))
            except ValueError:
                return None
    return None
