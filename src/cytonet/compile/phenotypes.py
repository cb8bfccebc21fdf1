"""Phenotype scores in [0, 1] from their curated drivers (SBML assignment + rate rules)."""

from __future__ import annotations

__all__ = ["add_phenotypes", "parse_driver_readout"]

from ..knowledge.load import Catalog
from ..knowledge.records import Knowledge
from .network import Network, Parameter, Provenance, Rule
from .readouts import readout_formula


def parse_driver_readout(readout: str, catalog: Catalog) -> tuple[str, str]:
    kind, _, name = readout.partition(":")
    return kind, catalog.model_symbol(catalog.resolve_entity(name))


def add_phenotypes(net: Network, kb: Knowledge, params) -> None:
    catalog = Catalog(kb)
    net.parameters["n_phenotype_hill"] = params.parameter("n_phenotype_hill")
    for ph in kb.phenotypes.values():
        activity, brake = {}, {}
        for i, drv in enumerate(ph.drivers):
            kind, ent = parse_driver_readout(drv.readout, catalog)
            x = f"drv_{ph.id}_{i}"
            raw = f"drvraw_{ph.id}_{i}"
            net.rules.append(Rule(raw, readout_formula(net, kind, ent), "assignment", "nM",
                                  f"{drv.readout}"))
            # solver noise around an absent driver (-1e-20) raised to a non-integer Hill
            # coefficient is NaN, which stops CVODE: the driver level is never below 0
            net.rules.append(Rule(x, f"0.5 * ({raw} + abs({raw}))", "assignment", "nM",
                                  f"{drv.readout}, floored at 0"))
            k = f"K_{ph.id}_{i}"
            net.parameters[k] = Parameter(k, drv.K_nM, "nM", Provenance(
                "assumed", drv.evidence.ref,
                f"half-{'saturating' if drv.effect == 'drives' else 'braking'} level of "
                f"{drv.readout} for {ph.id}"))
            n = "n_phenotype_hill"
            # a driver's activity, and a brake on the whole score: 1 at x = 0, 1/2 at x = K
            activity[i] = f"({x}^{n} / ({x}^{n} + {k}^{n}))"
            brake[i] = f"({k}^{n} / ({x}^{n} + {k}^{n}))"
        # score = product over groups of the weighted sum of driver activities in the group,
        # times the brakes (Phenotype.combination, which the logical readout reads too)
        groups, brakes = ph.combination()
        target = " * ".join(
            [f"({' + '.join(activity[i] if w is None else f'{w} * {activity[i]}' for i, w in g)})"
             for g in groups] + [brake[i] for i in brakes])
        tgt = f"target_{ph.id}"
        net.rules.append(Rule(tgt, target, "assignment", "dimensionless", f"{ph.id} target score"))
        tau = f"tau_{ph.id}"
        net.parameters[tau] = Parameter(tau, ph.tau_s, "s", Provenance(
            "assumed", None, "time a phenotype takes to follow its drivers (hours)"))
        pid = f"phenotype_{ph.id}"
        net.parameters[pid] = Parameter(pid, 0.0, "dimensionless", Provenance(
            "derived", None, "state of the phenotype score"), constant=False)
        net.rules.append(Rule(pid, f"({tgt} - {pid}) / {tau}", "rate", "dimensionless / s",
                              f"{ph.id} score relaxes to its target"))
