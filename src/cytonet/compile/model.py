"""The cytonet mechanistic model, built from the knowledge base and mechanism templates.

Reads top to bottom like the biology: receptors and ligands, JAK activation, STAT3 and
its SOCS3 feedback, STAT5 for IL-7, SHP2-RAS-MEK-ERK, PI3K-AKT-mTOR, IKK-NF-kB, hypoxia,
glucose / N-glycosylation / ER stress / PERK, hormone and p53 input, gene expression
and secretion, phenotypes. Every reaction names the curated interactions it realizes;
every parameter comes from ``data/parameters.yaml`` with its provenance.

Units: concentrations nM in their compartment, time s; reaction rates are amounts per
second (concentration x compartment volume), so that ligand depletion in the medium and
secretion into it follow from the volumes.

Context, knockdown, knockout, overexpression and small-molecule drugs act through
per-entity parameters that the experiment runner sets (``expr_X`` multiplies the
synthesis of X; ``act_X`` is the fraction of X's catalytic activity left by inhibitors).
Neutralizing antibodies and ligand traps are boundary species in the medium that bind
their targets (``drug_NAME``, concentration = dose) through their binding sites (valency x
dose), each drug and target with its own kon and koff from ``data/drugs.yaml``.
"""

from __future__ import annotations

__all__ = ["build_network", "PERTURBABLE", "GENES", "DRUG_ACTIVITY_TARGETS", "CONDITION_PARAMETERS",
           "STIMULUS_SPECIES", "DOSE_SPECIES", "ALPHA_RECEPTOR_ROUTES"]

from ..knowledge.records import SPEC_CONDITIONS, Knowledge
from ..units import parse_quantity
from .network import Component, Network, Rule
from .parameters import ParameterSet

# stimulus symbol -> medium species
STIMULUS_SPECIES = {"IL6": "IL6_m", "LIF": "LIF_m", "IL11": "IL11_m", "IL7": "IL7_m",
                    "IL1B": "IL1B_m", "sIL6R": "sIL6R_m"}
# stimulus symbol -> the bolus added at t = 0; it mixes into the medium species in seconds
# (k_mix_medium), so "add a dose to the conditioned medium" is a value to set, which SBML
# and PEtab conditions can express at any parameters
DOSE_SPECIES = {sym: f"{sym}_dose" for sym in STIMULUS_SPECIES}
# spec condition -> model parameter (value in the spec's unit)
CONDITION_PARAMETERS = {"glucose": "glucose_mM", "oxygen": "oxygen_pct", "mannose": "mannose_mM",
                        "estradiol": "estradiol_nM"}
# entities whose catalytic activity drugs can lower through act_X
DRUG_ACTIVITY_TARGETS = ("JAK1", "JAK2", "JAK3", "TYK2", "PIK3CA", "AKT1", "MTOR", "MAP2K1",
                         "STAT3", "IKBKB", "EIF2AK3")
# cytokine routes on gp130: (ligand, alpha receptor, interactions realized)
ALPHA_RECEPTOR_ROUTES = (
    ("IL6", "IL6R", ("IL6-binds-IL6R", "IL6R-binds-IL6ST")),
    ("LIF", "LIFR", ("LIF-binds-LIFR", "LIFR-binds-IL6ST")),
    ("IL11", "IL11RA", ("IL11-binds-IL11RA", "IL11RA-binds-IL6ST")),
)
# sequestering drugs (drugs.yaml name -> id in the model) and what their targets are here
SEQUESTERING_DRUGS = {"tocilizumab": "tocilizumab", "sgp130Fc": "sgp130Fc",
                      "anti-LIF": "antiLIF", "anti-IL11": "antiIL11"}
DRUG_TARGET_SPECIES = {"IL6R": "IL6R", "sIL6R": "sIL6R_m", "IL6:sIL6R": "IL6_sIL6R_m",
                       "LIF": "LIF_m", "IL11": "IL11_m"}
# cytokines whose signalling unit is the 2:2:2 hexamer with two gp130 (LIF: one gp130)
HEXAMER_LIGANDS = ("IL6", "IL11")
# entities with a synthesis multiplier expr_X (context level x perturbation)
PERTURBABLE = ("IL6R", "LIFR", "IL11RA", "IL6ST", "IL7R", "IL2RG", "IL1R1", "JAK1", "JAK2",
               "JAK3", "TYK2", "STAT3", "STAT5A", "PTPN11", "KRAS", "MAP2K1", "MAPK1", "PIK3CA",
               "AKT1", "MTOR", "IKBKB", "RELA", "NFKBIA", "HIF1A", "EPAS1", "EGLN1", "TP53",
               "ESR1", "EIF2AK3", "ATF4", "SOCS3", "MMP9", "MMP12", "VEGFA", "BCL2", "MCL1",
               "CCND1", "MYC", "LIF", "IL6", "PRKAA1", "MDM2", "ID1")
# genes with explicit mRNA: gene -> (transcription-factor inputs, translation under mTORC1?)
GENES = {
    "SOCS3": ((("STAT3", "STAT3-transcribes-SOCS3"),), False),
    "MMP9": ((("STAT3", "STAT3-transcribes-MMP9"), ("RELA", "RELA-transcribes-MMP9")), False),
    "MMP12": ((("RELA", "RELA-transcribes-MMP12"),), False),
    "VEGFA": ((("STAT3", "STAT3-transcribes-VEGFA"), ("HIF1A", "HIF1A-transcribes-VEGFA"),
               ("EPAS1", "EPAS1-transcribes-VEGFA")), False),
    "BCL2": ((("STAT3", "STAT3-transcribes-BCL2"), ("STAT5A", "STAT5A-transcribes-BCL2")),
             "MTOR-translates-BCL2"),
    "MCL1": ((("STAT3", "STAT3-transcribes-MCL1"),), "MTOR-translates-MCL1"),
    "CCND1": ((("STAT3", "STAT3-transcribes-CCND1"), ("STAT5A", "STAT5A-transcribes-CCND1")),
              "MTOR-translates-CCND1"),
    "MYC": ((("STAT3", "STAT3-transcribes-MYC"),), "MTOR-translates-MYC"),
    "LIF": ((("STAT3", "STAT3-transcribes-LIF"), ("RELA", "RELA-transcribes-LIF"),
             ("EPAS1", "EPAS1-transcribes-LIF"), ("ESR1", "ESR1-transcribes-LIF")), False),
    "IL6": ((("RELA", "RELA-transcribes-IL6"),), False),
    "NFKBIA": ((("RELA", "RELA-transcribes-NFKBIA"),), False),
    # the p53 / MDM2 loop (Wu 1993) and LIF's brake on p53: STAT3 -> ID1 -> MDM2 (Yu 2014)
    "MDM2": ((("TP53", "TP53-transcribes-MDM2"), ("ID1", "ID1-activates-MDM2")), False),
    "ID1": ((("STAT3", "STAT3-transcribes-ID1"),), False),
}
SECRETED = {"LIF": "LIF-secretes-LIF", "IL6": "IL6-secretes-IL6", "VEGFA": "VEGFA-secretes-VEGFA",
            "MMP9": "MMP9-secretes-MMP9", "MMP12": "MMP12-secretes-MMP12"}
# transcription-factor activity seen by promoters: TF -> species (nuclear / active form)
TF_SPECIES = {"STAT3": "STAT3_pd_n", "STAT5A": "STAT5_p_n", "RELA": "NFKB_n", "HIF1A": "HIF1A_c",
              "EPAS1": "EPAS1_c", "TP53": "TP53_active", "ESR1": "ESR1_E2", "ATF4": "ATF4_c",
              "MAPK1": "ERK_p", "ID1": "ID1_c"}


class _Builder:
    def __init__(self, kb: Knowledge, params: ParameterSet):
        self.kb = kb
        self.P = params
        self.n = Network("cytonet")
        self.used: dict[str, None] = {}  # first-use order, so exports are reproducible
        self.extra: dict = {}

    def p(self, name: str) -> str:
        if name not in self.P:
            raise KeyError(f"parameter {name!r} is not in parameters.yaml")
        self.used.setdefault(name)
        return name

    def drug_kinetics(self, sid: str, drug, tgt) -> tuple[str, str]:
        """kon (per nM per s) and koff (per s) of one drug target, from drugs.yaml (one
        source of truth), each with what its source measured or why it is assumed."""
        from .network import Parameter, Provenance
        if tgt.kon_per_M_s is None or tgt.koff_per_s is None:
            raise KeyError(f"drug {drug.name!r}, target {tgt.target!r}: drugs.yaml gives no "
                           f"kon_per_M_s / kd to simulate its binding")
        kon, koff = f"kon_{sid}", f"koff_{sid}"
        meas = set(tgt.measured)
        kd_from = (f"Kd {tgt.kd_nM:g} nM " + ("measured" if "kd" in meas else "not measured")
                   + f" ({tgt.ref})")
        self.extra[kon] = Parameter(
            kon, tgt.kon_per_M_s * 1e-9, "1/(nM*s)",
            Provenance("literature" if "kon" in meas else "assumed",
                       tgt.ref if "kon" in meas else None,
                       f"{drug.name} on {tgt.target}, per binding site: {tgt.kinetics_note}"))
        self.extra[koff] = Parameter(
            koff, tgt.koff_per_s, "1/s",
            Provenance("literature" if "koff" in meas else "derived", tgt.ref,
                       f"{drug.name} on {tgt.target}: " + (
                           "measured" if "koff" in meas else f"koff = kon x Kd; {kd_from}")))
        return kon, koff

    # ---------------------------------------------------------------- templates
    def assign(self, variable, formula, unit, note):
        """An SBML assignment rule (a named, derived quantity)."""
        self.n.rules.append(Rule(variable=variable, formula=formula, kind="assignment", unit=unit,
                                 note=note))

    def rxn(self, rid, reactants, products, rate, realizes, template, modifiers=()):
        self.n.add_reaction(rid, reactants, products, rate, realizes, modifiers, template)

    def bind(self, a, b, ab, kon, koff, vol, realizes, rid=None):
        """a + b <-> ab, mass action; rate in amount/s in compartment volume ``vol``."""
        rid = rid or f"bind_{ab}"
        self.rxn(rid, [a, b], [ab], f"{vol} * ({self.p(kon)} * {a} * {b} - {self.p(koff)} * {ab})",
                 realizes, "bind")

    def convert(self, a, b, rate_expr, vol, realizes, rid, template="convert", modifiers=()):
        """a -> b at first-order rate ``rate_expr`` (per s)."""
        self.rxn(rid, [a], [b], f"{vol} * ({rate_expr}) * {a}", realizes, template, modifiers)

    def degrade(self, a, k, vol, realizes=(), rid=None):
        """a -> (nothing); receptor-bound JAKs are released, not degraded with the receptor."""
        released = []
        sp = self.n.species.get(a)
        if sp is not None and sp.compartment == "cytoplasm" and len(sp.components) > 1:
            released = [c.entity for c in sp.components if c.entity in ("JAK1", "JAK3")
                        for _ in range(c.count)]
        self.rxn(rid or f"deg_{a}", [a], released, f"{vol} * {k} * {a}", realizes, "degrade")

    def synthesize(self, a, rate_expr, vol, realizes=(), rid=None, modifiers=()):
        self.rxn(rid or f"syn_{a}", [], [a], f"{vol} * ({rate_expr})", realizes, "synthesize",
                 modifiers)

    def turnover(self, sid, entity, vol, realizes=()):
        """Constitutive synthesis (scaled by expr_X) and first-order degradation."""
        ks, kd = self.p(f"ksyn_{entity}"), self.p(f"kdeg_{entity}")
        self.synthesize(sid, f"{ks} * expr_{entity}", vol, realizes)
        self.degrade(sid, kd, vol)

    # ---------------------------------------------------------------- model
    def build(self) -> Network:
        n = self.n
        for c, v in (("medium", "V_medium"), ("cytoplasm", "V_cyt"), ("nucleus", "V_nuc")):
            n.compartments[c] = self.p(v)
        self.receptors()
        self.jak_stat3()
        self.il7_stat5()
        self.erk()
        self.pi3k_akt_nfkb()
        self.stress_and_hormones()
        self.gene_expression()
        return n

    # receptors --------------------------------------------------------------
    def receptors(self):
        n, sp = self.n, self.n.add_species
        Vc, Vm = "V_cyt", "V_medium"
        # medium ligands
        for lig in ("IL6", "LIF", "IL11", "IL7", "IL1B", "sIL6R"):
            sp(f"{lig}_m", "medium", [lig])
            self.degrade(f"{lig}_m", self.p("kdeg_ligand_medium"), Vm)
            # IL6_dose -> IL6_m: the added bolus mixing into the medium
            sp(DOSE_SPECIES[lig], "medium", [(lig, 1, ("dose",))])
            self.convert(DOSE_SPECIES[lig], f"{lig}_m", self.p("k_mix_medium"), Vm, (),
                         f"mix_{lig}", template="mix")
        # JAK1 and JAK3 pools; receptor chains; constitutive JAK association
        sp("JAK1", "cytoplasm", ["JAK1"])
        self.turnover("JAK1", "JAK1", Vc)
        sp("JAK3", "cytoplasm", ["JAK3"])
        self.turnover("JAK3", "JAK3", Vc)
        sp("gp130_0", "cytoplasm", ["IL6ST"])
        self.turnover("gp130_0", "IL6ST", Vc)
        sp("gp130", "cytoplasm", ["IL6ST", "JAK1"])
        self.bind("gp130_0", "JAK1", "gp130", "kon_JAK_receptor", "koff_JAK_receptor", Vc,
                  ("IL6ST-binds-JAK1",))
        self.degrade("gp130", self.p("kdeg_IL6ST"), Vc)
        sp("IL7R_0", "cytoplasm", ["IL7R"])
        self.turnover("IL7R_0", "IL7R", Vc)
        sp("IL7R", "cytoplasm", ["IL7R", "JAK1"])
        self.bind("IL7R_0", "JAK1", "IL7R", "kon_JAK_receptor", "koff_JAK_receptor", Vc,
                  ("IL7R-binds-JAK1",))
        self.degrade("IL7R", self.p("kdeg_IL7R"), Vc)
        sp("IL2RG_0", "cytoplasm", ["IL2RG"])
        self.turnover("IL2RG_0", "IL2RG", Vc)
        sp("IL2RG", "cytoplasm", ["IL2RG", "JAK3"])
        self.bind("IL2RG_0", "JAK3", "IL2RG", "kon_JAK_receptor", "koff_JAK_receptor", Vc,
                  ("IL2RG-binds-JAK3",))
        self.degrade("IL2RG", self.p("kdeg_IL2RG"), Vc)

        # gp130 cytokines: L + A <-> L:A ; L:A + gp130 <-> C ; C -> C* (JAK1) ; C* + SOCS3 -> C*S
        sp("SOCS3", "cytoplasm", ["SOCS3"])
        self.active_complexes = []
        routes = [(lig, alpha, real) for lig, alpha, real in ALPHA_RECEPTOR_ROUTES]
        for lig, alpha, real in routes:
            sp(alpha, "cytoplasm", [alpha])
            self.turnover(alpha, alpha, Vc)
            la = f"{lig}_{alpha}"
            sp(la, "cytoplasm", [lig, alpha])
            self.rxn(f"bind_{la}", [f"{lig}_m", alpha], [la],
                     f"{Vc} * ({self.p(f'kon_{lig}_{alpha}')} * {lig}_m * {alpha} - "
                     f"{self.p(f'koff_{lig}_{alpha}')} * {la})", (real[0],), "bind")
            self.degrade(la, self.p("kint_complex"), Vc)
            self.signalling_complex(f"{la}_gp", la, [lig, alpha], real[1],
                                    hexamer=lig in HEXAMER_LIGANDS)
        # trans-signalling: IL6 + sIL6R <-> IL6:sIL6R in the medium, then gp130 on the cell
        sp("IL6_sIL6R_m", "medium", ["IL6", "sIL6R"])
        self.bind("IL6_m", "sIL6R_m", "IL6_sIL6R_m", "kon_IL6_IL6R", "koff_IL6_IL6R", Vm,
                  ("IL6-binds-sIL6R",), rid="bind_IL6_sIL6R")
        self.degrade("IL6_sIL6R_m", self.p("kdeg_ligand_medium"), Vm)
        self.signalling_complex("IL6_sIL6R_gp", "IL6_sIL6R_m", ["IL6", "sIL6R"],
                                "sIL6R-binds-IL6ST", from_medium=True, hexamer=True)
        # drugs that sequester: boundary species in the medium (dose held constant), each
        # with its own kinetics per binding site and its valency (drugs.yaml):
        #   n x drug + T <-> drug:T   (one occupied site; sites bind independently)
        for name, drug in SEQUESTERING_DRUGS.items():
            dsid = f"drug_{drug}"
            sp(dsid, "medium", [], boundary=True)
            rec = self.kb.drugs[name]
            for tgt in rec.targets:
                t = DRUG_TARGET_SPECIES[tgt.target]
                comp = [c for c in n.species[t].components]
                cid = f"{drug}_{t}"
                vol = Vc if n.species[t].compartment == "cytoplasm" else Vm
                sp(cid, n.species[t].compartment, comp)
                kon, koff = self.drug_kinetics(cid, rec, tgt)
                sites = f"{rec.valency} * {dsid}" if rec.valency != 1 else dsid
                self.rxn(f"bind_{cid}", [t], [cid],
                         f"{vol} * ({kon} * {sites} * {t} - {koff} * {cid})",
                         (), "sequester", modifiers=(dsid,))
                if vol == Vc:
                    self.degrade(cid, self.p(f"kdeg_{t}"), Vc)
                else:
                    self.degrade(cid, self.p("kdeg_ligand_medium"), Vm)
        # IL-1beta receptor -> IKK input
        sp("IL1R1", "cytoplasm", ["IL1R1"])
        self.turnover("IL1R1", "IL1R1", Vc)
        sp("IL1B_IL1R1", "cytoplasm", ["IL1B", ("IL1R1", 1, {"active"})])
        self.rxn("bind_IL1B_IL1R1", ["IL1B_m", "IL1R1"], ["IL1B_IL1R1"],
                 f"{Vc} * ({self.p('kon_IL1B_IL1R1')} * IL1B_m * IL1R1 - "
                 f"{self.p('koff_IL1B_IL1R1')} * IL1B_IL1R1)", ("IL1B-binds-IL1R1",), "bind")
        self.degrade("IL1B_IL1R1", self.p("kint_complex"), Vc)

    def signalling_complex(self, cid, partner, ligand_parts, realizes, from_medium=False,
                           hexamer=False):
        """partner + gp130:JAK1 <-> T ; for IL-6 and IL-11 two trimers form the 2:2:2
        signalling hexamer, T + T <-> H (Boulanger et al. 2003); LIF signals from the
        LIF:LIFR:gp130 trimer itself. The signalling unit S -> S* (JAK1 trans-activation),
        S* -> S, S* + SOCS3 -> S*:SOCS3 (degraded, SOCS3 released); all internalized."""
        sp, Vc = self.n.add_species, "V_cyt"
        sp(cid, "cytoplasm", [*ligand_parts, "IL6ST", "JAK1"])
        kon = self.p("kon_gp130_medium" if from_medium else "kon_gp130")
        self.rxn(f"bind_{cid}", [partner, "gp130"], [cid],
                 f"{Vc} * ({kon} * {partner} * gp130 - {self.p('koff_gp130')} * {cid})",
                 (realizes,), "bind")
        self.degrade(cid, self.p("kint_complex"), Vc)
        n = 2 if hexamer else 1
        parts = [(x, n) for x in ligand_parts]
        unit = cid
        if hexamer:
            unit = f"{cid}2"
            sp(unit, "cytoplasm", [*parts, ("IL6ST", 2), ("JAK1", 2)])
            self.rxn(f"hexamer_{cid}", [cid, cid], [unit],
                     f"{Vc} * ({self.p('kon_hexamer')} * {cid}^2 - {self.p('koff_hexamer')} * {unit})",
                     (realizes,), "bind")
            self.degrade(unit, self.p("kint_complex"), Vc)
        act = f"{unit}_act"
        sp(act, "cytoplasm", [*parts, ("IL6ST", n, {"p"}), ("JAK1", n, {"p", "active"})])
        self.convert(unit, act, f"{self.p('kact_JAK_gp130')} * act_JAK1", Vc,
                     ("IL6ST-activates-JAK1",), f"on_{unit}", "activate")
        # receptor JAKs are reversed by basal phosphatases and by SHP2 recruited to pY759
        self.convert(act, unit, f"{self.p('kdeact_JAK')} + {self.p('kdephos_gp130_SHP2')} * SHP2_p",
                     Vc, ("PTPN11-inhibits-IL6ST",), f"off_{unit}", "dephosphorylate")
        self.degrade(act, self.p("kint_complex"), Vc)
        inh = f"{unit}_SOCS3"
        sp(inh, "cytoplasm", [*parts, ("IL6ST", n, {"p"}), ("JAK1", n), "SOCS3"])
        self.rxn(f"socs3_{unit}", [act, "SOCS3"], [inh],
                 f"{Vc} * {self.p('kon_SOCS3_gp130')} * {act} * SOCS3", ("SOCS3-inhibits-IL6ST",),
                 "inhibit")
        # the SOCS box targets the receptor complex for degradation; SOCS3 is released
        self.rxn(f"deg_{inh}", [inh], ["JAK1"] * n + ["SOCS3"],
                 f"{Vc} * {self.p('kdeg_SOCS3_complex')} * {inh}", ("SOCS3-inhibits-IL6ST",),
                 "degrade")
        # activity counted per active gp130:JAK1 (a hexamer carries two)
        self.active_complexes.append(f"{n} * {act}" if n > 1 else act)

    # JAK / STAT3 ---------------------------------------------------------------
    def jak_stat3(self):
        sp, Vc, Vn = self.n.add_species, "V_cyt", "V_nuc"
        gp_act = " + ".join(self.active_complexes)
        self.assign("gp130_active", gp_act, "nM", "active gp130:JAK1 complexes")
        # JAK2 / TYK2 pools activated on active gp130
        for jak in ("JAK2", "TYK2"):
            sp(jak, "cytoplasm", [jak])
            self.turnover(jak, jak, Vc)
            sp(f"{jak}_p", "cytoplasm", [(jak, 1, {"p", "active"})])
            self.convert(jak, f"{jak}_p", f"{self.p('kact_JAK2_TYK2')} * gp130_active", Vc,
                         (f"IL6ST-activates-{jak}",), f"on_{jak}", "phosphorylate")
            self.convert(f"{jak}_p", jak, self.p("kdeact_JAK"), Vc, (), f"off_{jak}",
                         "dephosphorylate")
            self.degrade(f"{jak}_p", self.p(f"kdeg_{jak}"), Vc)
        # STAT3: phosphorylation, dimerisation, nuclear import, dephosphorylation, export
        sp("STAT3_c", "cytoplasm", ["STAT3"])
        self.turnover("STAT3_c", "STAT3", Vc)
        sp("STAT3_p", "cytoplasm", [("STAT3", 1, {"p"})])
        sp("STAT3_pd", "cytoplasm", [("STAT3", 2, {"p"})])
        sp("STAT3_pd_n", "nucleus", [("STAT3", 2, {"p", "active"})])
        sp("STAT3_n", "nucleus", ["STAT3"])
        self.convert("STAT3_c", "STAT3_p",
                     f"({self.p('kphos_STAT3_JAK1')} * act_JAK1 * gp130_active + "
                     f"{self.p('kphos_STAT3_JAK2')} * (act_JAK2 * JAK2_p + act_TYK2 * TYK2_p)) * act_STAT3",
                     Vc, ("JAK1-phosphorylates-STAT3", "JAK2-phosphorylates-STAT3",
                          "TYK2-phosphorylates-STAT3"), "phos_STAT3", "phosphorylate")
        self.convert("STAT3_p", "STAT3_c", self.p("kdephos_STAT3_c"), Vc, (), "dephos_STAT3_c",
                     "dephosphorylate")
        self.rxn("dimer_STAT3", ["STAT3_p", "STAT3_p"], ["STAT3_pd"],
                 f"{Vc} * ({self.p('kdimer_STAT3')} * act_STAT3 * STAT3_p^2 - "
                 f"{self.p('kundimer_STAT3')} * STAT3_pd)", ("STAT3-translocates-STAT3",), "bind")
        self.rxn("import_STAT3", ["STAT3_pd"], ["STAT3_pd_n"],
                 f"{Vc} * {self.p('kimport_STAT3')} * STAT3_pd", ("STAT3-translocates-STAT3",),
                 "translocate")
        self.rxn("dephos_STAT3_n", ["STAT3_pd_n"], ["STAT3_n", "STAT3_n"],
                 f"{Vn} * {self.p('kdephos_STAT3_n')} * STAT3_pd_n", ("STAT3-translocates-STAT3",),
                 "dephosphorylate")
        self.rxn("export_STAT3", ["STAT3_n"], ["STAT3_c"], f"{Vn} * {self.p('kexport_STAT3')} * STAT3_n",
                 ("STAT3-translocates-STAT3",), "translocate")
        self.rxn("import_STAT3_u", ["STAT3_c"], ["STAT3_n"],
                 f"{Vc} * {self.p('kimport_STAT3_u')} * STAT3_c", ("STAT3-translocates-STAT3",),
                 "translocate")
        kd = self.p("kdeg_STAT3")
        for s, v in (("STAT3_p", Vc), ("STAT3_pd", Vc), ("STAT3_pd_n", Vn), ("STAT3_n", Vn)):
            self.degrade(s, kd, v)

    # IL-7 / STAT5 --------------------------------------------------------------
    def il7_stat5(self):
        sp, Vc, Vn = self.n.add_species, "V_cyt", "V_nuc"
        sp("IL7_IL7R", "cytoplasm", ["IL7", "IL7R", "JAK1"])
        self.rxn("bind_IL7_IL7R", ["IL7_m", "IL7R"], ["IL7_IL7R"],
                 f"{Vc} * ({self.p('kon_IL7_IL7R')} * IL7_m * IL7R - {self.p('koff_IL7_IL7R')} * IL7_IL7R)",
                 ("IL7-binds-IL7R",), "bind")
        self.degrade("IL7_IL7R", self.p("kint_complex"), Vc)
        sp("IL7_R", "cytoplasm", ["IL7", "IL7R", "JAK1", "IL2RG", "JAK3"])
        self.bind("IL7_IL7R", "IL2RG", "IL7_R", "kon_gp130", "koff_gp130", Vc,
                  ("IL7R-binds-IL2RG",))
        self.degrade("IL7_R", self.p("kint_complex"), Vc)
        sp("IL7_R_act", "cytoplasm", ["IL7", ("IL7R", 1, {"p"}), ("JAK1", 1, {"p", "active"}),
                                       "IL2RG", ("JAK3", 1, {"p", "active"})])
        self.convert("IL7_R", "IL7_R_act", f"{self.p('kact_JAK_IL7R')} * act_JAK1 * act_JAK3", Vc,
                     ("IL7R-activates-JAK1", "IL2RG-activates-JAK3"), "on_IL7_R", "activate")
        self.convert("IL7_R_act", "IL7_R", self.p("kdeact_JAK"), Vc, (), "off_IL7_R",
                     "dephosphorylate")
        self.degrade("IL7_R_act", self.p("kint_complex"), Vc)
        sp("STAT5_c", "cytoplasm", ["STAT5A"])
        self.turnover("STAT5_c", "STAT5A", Vc)
        sp("STAT5_p", "cytoplasm", [("STAT5A", 1, {"p"})])
        sp("STAT5_p_n", "nucleus", [("STAT5A", 1, {"p", "active"})])
        sp("STAT5_n", "nucleus", ["STAT5A"])
        self.convert("STAT5_c", "STAT5_p",
                     f"{self.p('kphos_STAT5')} * act_JAK1 * act_JAK3 * IL7_R_act", Vc,
                     ("JAK1-phosphorylates-STAT5A", "JAK3-phosphorylates-STAT5A"), "phos_STAT5",
                     "phosphorylate")
        self.convert("STAT5_p", "STAT5_c", self.p("kdephos_STAT3_c"), Vc, (), "dephos_STAT5_c",
                     "dephosphorylate")
        self.rxn("import_STAT5", ["STAT5_p"], ["STAT5_p_n"],
                 f"{Vc} * {self.p('kimport_STAT3')} * STAT5_p", ("STAT5A-translocates-STAT5A",),
                 "translocate")
        self.rxn("dephos_STAT5_n", ["STAT5_p_n"], ["STAT5_n"],
                 f"{Vn} * {self.p('kdephos_STAT3_n')} * STAT5_p_n", ("STAT5A-translocates-STAT5A",),
                 "dephosphorylate")
        self.rxn("export_STAT5", ["STAT5_n"], ["STAT5_c"], f"{Vn} * {self.p('kexport_STAT3')} * STAT5_n",
                 ("STAT5A-translocates-STAT5A",), "translocate")
        for s, v in (("STAT5_p", Vc), ("STAT5_p_n", Vn), ("STAT5_n", Vn)):
            self.degrade(s, self.p("kdeg_STAT5A"), v)

    # SHP2 - RAS - MEK - ERK ----------------------------------------------------
    def two_state(self, base, entity, on_expr, off, realizes, vol="V_cyt", states=("p", "active")):
        """A kinase/adaptor pool with inactive and active forms and turnover."""
        sp = self.n.add_species
        sp(base, "cytoplasm", [entity])
        self.turnover(base, entity, vol)
        act = f"{base}_p"
        sp(act, "cytoplasm", [(entity, 1, set(states))])
        self.convert(base, act, on_expr, vol, realizes, f"on_{base}", "activate")
        self.convert(act, base, off, vol, (), f"off_{base}", "deactivate")
        self.degrade(act, self.p(f"kdeg_{entity}"), vol)
        return act

    def erk(self):
        self.two_state("SHP2", "PTPN11", f"{self.p('kact_SHP2')} * act_JAK1 * gp130_active",
                       self.p("kdeact_SHP2"), ("IL6ST-activates-PTPN11",))
        self.two_state("RAS", "KRAS", f"{self.p('kact_RAS_basal')} + {self.p('kact_RAS')} * SHP2_p",
                       self.p("kdeact_RAS"), ("PTPN11-activates-KRAS",), states=("active",))
        # MEK activated by RAS and, independently, by ER stress (glucose deprivation)
        self.two_state("MEK", "MAP2K1",
                       f"{self.p('kact_MEK')} * RAS_p + {self.p('kact_MEK_stress')} * UP_load",
                       self.p("kdeact_MEK"), ("KRAS-activates-MAP2K1", "ER_stress-activates-MAP2K1"))
        self.two_state("ERK", "MAPK1", f"{self.p('kphos_ERK')} * act_MAP2K1 * MEK_p",
                       self.p("kdephos_ERK"), ("MAP2K1-phosphorylates-MAPK1",))

    # PI3K - AKT - mTOR ; IKK - NF-kB ---------------------------------------------
    def pi3k_akt_nfkb(self):
        sp, Vc, Vn = self.n.add_species, "V_cyt", "V_nuc"
        self.two_state("PI3K", "PIK3CA",
                       f"{self.p('kact_PI3K_basal')} + {self.p('kact_PI3K_gp130')} * act_JAK1 * gp130_active"
                       f" + {self.p('kact_PI3K_IL7R')} * IL7_R_act",
                       self.p("kdeact_PI3K"), ("IL6ST-activates-PIK3CA", "IL7R-activates-PIK3CA"),
                       states=("active",))
        # AKT phosphorylation needs PI3K activity; the allosteric AKT inhibitor (MK-2206) keeps
        # AKT in its PH-in conformation, which also blocks its phosphorylation (Hirai 2010)
        self.two_state("AKT", "AKT1",
                       f"{self.p('kphos_AKT')} * act_PIK3CA * PI3K_p * act_AKT1_allosteric",
                       self.p("kdephos_AKT"), ("PIK3CA-activates-AKT1",))
        # energy stress: AMPK phosphorylates raptor (and TSC2), which switches mTORC1 off
        # (Gwinn 2008); AMPK_p is built with the glucose sensing in stress_and_hormones
        self.two_state("MTOR", "MTOR", f"{self.p('kact_MTOR_basal')} + {self.p('kact_MTOR')} * act_AKT1 * AKT_p",
                       f"{self.p('kdeact_MTOR')} + {self.p('kinh_MTOR_AMPK')} * AMPK_p",
                       ("AKT1-activates-MTOR", "PRKAA1-inhibits-MTOR"), states=("active",))
        self.two_state("IKK", "IKBKB",
                       f"{self.p('kact_IKK_basal')} + {self.p('kact_IKK_AKT')} * act_AKT1 * AKT_p + "
                       f"{self.p('kact_IKK_IL1')} * IL1B_IL1R1",
                       self.p("kdeact_IKK"), ("AKT1-activates-IKBKB", "IL1R1-activates-IKBKB"),
                       states=("active",))
        # NF-kB held by IkBa in the cytoplasm; IKK marks IkBa for degradation
        sp("NFKB_IkB", "cytoplasm", ["RELA", "NFKBIA"])
        sp("NFKB_c", "cytoplasm", ["RELA"])
        sp("NFKB_n", "nucleus", [("RELA", 1, {"active"})])
        sp("IkB", "cytoplasm", ["NFKBIA"])
        self.synthesize("NFKB_IkB", f"{self.p('ksyn_RELA')} * expr_RELA", Vc)
        self.degrade("NFKB_IkB", self.p("kdeg_RELA"), Vc)
        self.degrade("NFKB_c", self.p("kdeg_RELA"), Vc)
        self.degrade("NFKB_n", self.p("kdeg_RELA"), Vn)
        self.degrade("IkB", self.p("kdeg_NFKBIA"), Vc)
        # IkBalpha protein is made from its NF-kB-induced mRNA (gene_expression, tl_NFKBIA):
        # the negative feedback of Hoffmann 2002. IKK marks free IkBalpha for degradation too
        self.rxn("ikk_IkB_free", ["IkB"], [],
                 f"{Vc} * {self.p('kphos_IkB_free')} * act_IKBKB * IKK_p * IkB",
                 ("IKBKB-phosphorylates-NFKBIA",), "phosphorylate-degrade")
        self.bind("NFKB_c", "IkB", "NFKB_IkB", "kon_IkB_NFKB", "koff_IkB_NFKB", Vc,
                  ("NFKBIA-inhibits-RELA",), rid="bind_NFKB_IkB")
        self.rxn("ikk_IkB", ["NFKB_IkB"], ["NFKB_c"],
                 f"{Vc} * {self.p('kphos_IkB')} * act_IKBKB * IKK_p * NFKB_IkB",
                 ("IKBKB-phosphorylates-NFKBIA", "AKT1-activates-RELA"), "phosphorylate-degrade")
        self.rxn("import_NFKB", ["NFKB_c"], ["NFKB_n"], f"{Vc} * {self.p('kimport_NFKB')} * NFKB_c",
                 ("AKT1-activates-RELA",), "translocate")
        self.rxn("export_NFKB", ["NFKB_n", "IkB"], ["NFKB_IkB"],
                 f"{Vn} * {self.p('kexport_NFKB_IkB')} * NFKB_n * IkB", ("NFKBIA-inhibits-RELA",),
                 "translocate")

    # hypoxia ---------------------------------------------------------------------
    def hypoxia(self):
        """HIF-1alpha and HIF-2alpha: shared O2 sensing, two feedbacks that part them.

        PHD2 (EGLN1) hydroxylates HIF-alpha with O2 as co-substrate, which sends it to pVHL
        and the proteasome (Jaakkola 2001). Two feedbacks make HIF-1alpha transient in
        prolonged hypoxia while HIF-2alpha stays up (Holmquist-Mengelbier 2006; Bartoszewski
        2022): HIF-1 induces PHD2 (and PHD3, lumped into EGLN1 here; Berra 2003, Marxsen
        2004, Stiehl 2006), which degrades both alpha subunits (Ginouves 2008); and HIF-alpha
        induces the antisense transcript aHIF, which destabilises HIF1A mRNA only (Uchida
        2004), so HIF-1alpha synthesis falls while HIF-2alpha synthesis does not.
        """
        sp, Vc = self.n.add_species, "V_cyt"
        h1, h2, phd, m1, ahif = "HIF1A_c", "EPAS1_c", "EGLN1_c", "HIF1A_mRNA", "aHIF"
        sp(m1, "cytoplasm", [Component("HIF1A", 1, frozenset(), True)])
        # the antisense RNA is its own entity (not curated in entities.yaml yet), so that
        # mRNA:HIF1A reads the sense transcript only
        sp(ahif, "cytoplasm", [Component("aHIF", 1, frozenset(), True)])
        sp(h1, "cytoplasm", [("HIF1A", 1, {"active"})])
        sp(h2, "cytoplasm", [("EPAS1", 1, {"active"})])
        sp(phd, "cytoplasm", ["EGLN1"])
        # PHD2: 0 -> EGLN1_c (basal + HIF-1 at the EGLN1 HRE);  EGLN1_c -> 0
        K = self.p("K_HIF1A_EGLN1")
        self.synthesize(phd, f"{self.p('ksyn_EGLN1')} * expr_EGLN1 * (1 + {self.p('w_HIF1A_EGLN1')} * "
                             f"{h1}^2 / ({K}^2 + {h1}^2))", Vc, ("HIF1A-transcribes-EGLN1",))
        self.degrade(phd, self.p("kdeg_EGLN1"), Vc)
        # O2-dependent hydroxylation by PHD2, the same for both alpha subunits
        hydroxylation = (f"{self.p('kdeg_HIF_PHD')} * {phd} * oxygen_pct / "
                         f"(oxygen_pct + {self.p('Km_O2_PHD')})")
        # aHIF, the natural antisense HIF1A transcript: 0 -> aHIF (HREs bound by HIF-1alpha
        # or HIF-2alpha) -> 0. Its accumulation over hours is the delay of this feedback.
        Ka, tot = self.p("K_HIF_aHIF"), f"({h1} + {h2})"
        self.synthesize(ahif, f"{self.p('ksyn_aHIF')} * {tot}^2 / ({Ka}^2 + {tot}^2)", Vc,
                        ("HIF1A-inhibits-HIF1A", "EPAS1-inhibits-HIF1A"))
        self.degrade(ahif, self.p("kdeg_aHIF"), Vc)
        # HIF1A mRNA: 0 -> m1 -> 0, its decay sped up by aHIF
        self.synthesize(m1, f"{self.p('ksyn_mRNA_HIF1A')} * expr_HIF1A", Vc, rid="tx_HIF1A")
        self.degrade(m1, f"{self.p('kdeg_mRNA_HIF1A')} * (1 + {self.p('w_aHIF_HIF1A')} * {ahif})",
                     Vc, ("HIF1A-inhibits-HIF1A", "EPAS1-inhibits-HIF1A"))
        # HIF-1alpha: m1 -> m1 + h1;  h1 -> 0 (basal + PHD2)
        self.rxn("tl_HIF1A", [], [h1], f"{Vc} * {self.p('ktl')} * {m1}", (), "translate",
                 modifiers=(m1,))
        self.degrade(h1, f"({self.p('kdeg_HIF_basal')} + {hydroxylation})", Vc,
                     ("oxygen-activates-EGLN1", "EGLN1-degrades-HIF1A"))
        # HIF-2alpha: constitutive synthesis (EPAS1 mRNA has no aHIF loop); h2 -> 0 as h1
        self.synthesize(h2, f"{self.p('ksyn_EPAS1')} * expr_EPAS1", Vc)
        self.degrade(h2, f"({self.p('kdeg_HIF_basal')} + {hydroxylation})", Vc,
                     ("oxygen-activates-EGLN1", "EGLN1-degrades-EPAS1"))

    # glucose / ER stress / PERK, estradiol, p53 -----------------------------------
    def stress_and_hormones(self):
        sp, Vc = self.n.add_species, "V_cyt"
        self.hypoxia()
        # unfolded N-glycoprotein load: rises when glycosylation capacity falls; the
        # capacity saturates steeply (Hill n_glucose_sensing), so that culture glucose of
        # 5-25 mM is no stress and sub-mM glucose is
        fm, Kg, ng = self.p("f_mannose_glyco"), self.p("K_glyco_glucose"), self.p("n_glucose_sensing")
        sugar = f"(glucose_mM + {fm} * mannose_mM)"
        self.assign("glyco_capacity", f"{sugar}^{ng} / ({sugar}^{ng} + {Kg}^{ng})",
                    "dimensionless", "N-glycosylation capacity from glucose and mannose")
        # energy stress: AMPK is progressively activated as extracellular glucose falls
        # (Zhang 2017: aldolase without fructose-1,6-bisphosphate); mannose does not count
        Ke = self.p("K_AMPK_glucose")
        self.assign("glucose_shortage", f"{Ke}^{ng} / (glucose_mM^{ng} + {Ke}^{ng})",
                    "dimensionless", "glucose shortage sensed by the aldolase-AMPK axis")
        self.two_state("AMPK", "PRKAA1",
                       f"{self.p('kact_AMPK_basal')} + {self.p('kact_AMPK_glucose')} * glucose_shortage",
                       self.p("kdeact_AMPK"), ("glucose-inhibits-PRKAA1",))
        sp("UP_load", "cytoplasm", [("ER_stress", 1, {"active"})])
        self.synthesize("UP_load", f"{self.p('k_UP_in')} * (1 - glyco_capacity)", Vc,
                        ("glucose-inhibits-ER_stress", "mannose-inhibits-ER_stress"))
        self.degrade("UP_load", self.p("k_UP_out"), Vc)
        self.two_state("PERK", "EIF2AK3", f"{self.p('kact_PERK')} * UP_load", self.p("kdeact_PERK"),
                       ("ER_stress-activates-EIF2AK3",), states=("p", "active"))
        sp("ATF4_c", "cytoplasm", [("ATF4", 1, {"active"})])
        self.synthesize("ATF4_c", f"expr_ATF4 * ({self.p('ksyn_ATF4')} + {self.p('ksyn_ATF4_PERK')} * "
                                  "act_EIF2AK3 * PERK_p)", Vc, ("EIF2AK3-activates-ATF4",))
        self.degrade("ATF4_c", self.p("kdeg_ATF4"), Vc)
        # p53: constitutive synthesis; degradation mostly by MDM2 (a p53 target gene, Wu
        # 1993). Energy stress: AMPK phosphorylates p53 at Ser15 (Jones 2005), which the
        # model reads as shielding it from MDM2, so p53 rises; Ser15-phosphorylated p53 is
        # what enforces the glucose-dependent G1/S arrest (phospho:TP53 restrains
        # proliferation in phenotypes.yaml). Both forms are transcriptionally active.
        mdm2 = f"{self.p('kdeg_TP53_MDM2')} * MDM2_c"
        sp("TP53_c", "cytoplasm", [("TP53", 1, {"active"})])
        sp("TP53_p", "cytoplasm", [("TP53", 1, {"p", "active"})])
        self.synthesize("TP53_c", f"{self.p('ksyn_TP53')} * expr_TP53", Vc)
        self.convert("TP53_c", "TP53_p", f"{self.p('kphos_TP53_AMPK')} * AMPK_p", Vc,
                     ("PRKAA1-activates-TP53",), "phos_TP53", "phosphorylate")
        self.convert("TP53_p", "TP53_c", self.p("kdephos_TP53"), Vc, (), "dephos_TP53",
                     "dephosphorylate")
        self.degrade("TP53_c", f"({self.p('kdeg_TP53')} + {mdm2})", Vc, ("MDM2-degrades-TP53",))
        self.degrade("TP53_p", f"({self.p('kdeg_TP53')} + {self.p('f_MDM2_TP53_p')} * {mdm2})", Vc,
                     ("MDM2-degrades-TP53", "PRKAA1-activates-TP53"))
        self.assign("TP53_active", "TP53_c + TP53_p", "nM", "transcriptionally active p53")
        sp("ESR1", "cytoplasm", ["ESR1"])
        self.turnover("ESR1", "ESR1", Vc)
        sp("ESR1_E2", "cytoplasm", [("ESR1", 1, {"active"})])
        self.rxn("bind_ESR1_E2", ["ESR1"], ["ESR1_E2"],
                 f"{Vc} * ({self.p('kon_E2_ESR1')} * estradiol_nM * ESR1 - {self.p('koff_E2_ESR1')} * ESR1_E2)",
                 ("estradiol-binds-ESR1",), "bind")
        self.degrade("ESR1_E2", self.p("kdeg_ESR1"), Vc)

    # gene expression -------------------------------------------------------------
    def gene_expression(self):
        sp, Vc, Vn, Vm = self.n.add_species, "V_cyt", "V_nuc", "V_medium"
        for gene, (inputs, mtor) in GENES.items():
            terms = [self.p(f"b_{gene}")]
            realized = []
            for tf, iid in inputs:
                tfs = TF_SPECIES[tf]
                K = self.p(f"K_{tf}_{gene}")
                w = self.p(f"w_{tf}_{gene}")
                terms.append(f"{w} * {tfs}^2 / ({K}^2 + {tfs}^2)")
                realized.append(iid)
            promoter = " + ".join(terms)
            roles = self.kb.promoter_roles(gene)
            alone = {iid for _tf, iid in roles["alone"]}
            listed = {iid for _tf, iid in inputs
                      if self.kb.interaction(iid).mechanism == "transcribes"}
            if alone != listed:
                raise KeyError(f"{gene}: the curated transcription factors acting alone "
                               f"({', '.join(sorted(alone)) or 'none'}) differ from the "
                               f"model's promoter terms ({', '.join(sorted(listed)) or 'none'})")
            if roles["joint"]:
                # inputs that act together (records.Interaction.promoter): one term that
                # needs all of them, e.g. PERK/ATF4 with MEK/ERK at LIF
                tfs = [tf for tf, _iid in roles["joint"]]
                factors = []
                for tf in tfs:
                    K, x = self.p(f"K_{tf}_{gene}"), TF_SPECIES[tf]
                    factors.append(f"({x}^2 / ({K}^2 + {x}^2))")
                promoter += f" + {self.p('w_' + '_'.join(tfs) + '_' + gene)} * " + " * ".join(factors)
                realized += [iid for _tf, iid in roles["joint"]]
            for tf, iid in roles["enhancer"]:
                # an enhancer scales the promoter's output (p53 at LIF, Hu et al. 2007)
                K, x = self.p(f"K_{tf}_{gene}"), TF_SPECIES[tf]
                promoter = (f"({promoter}) * ({self.p(f'e0_{tf}_{gene}')} + "
                            f"{x}^2 / ({K}^2 + {x}^2))")
                realized.append(iid)
            # native promoter x expression level, plus a transgene (overexpression): a
            # constitutive promoter at tg_X times the gene's basal promoter activity
            transcription = (f"(expr_{gene} * ({promoter}) + tg_{gene} * {self.p(f'b_{gene}')})")
            mrna_comp = [Component(gene, 1, frozenset(), True)]
            m = f"{gene}_mRNA"
            sp(m, "cytoplasm", mrna_comp)
            if gene == "SOCS3":
                # realistic delay: nascent transcript -> processed -> exported mRNA
                sp("SOCS3_pre1", "nucleus", mrna_comp)
                sp("SOCS3_pre2", "nucleus", mrna_comp)
                self.synthesize("SOCS3_pre1", f"{self.p('ktx')} * {transcription}", Vn,
                                tuple(realized))
                self.convert("SOCS3_pre1", "SOCS3_pre2", self.p("k_mrna_delay"), Vn, (), "proc1_SOCS3")
                self.rxn("export_SOCS3_mRNA", ["SOCS3_pre2"], [m],
                         f"{Vn} * {self.p('k_mrna_delay')} * SOCS3_pre2", (), "translocate")
                self.degrade("SOCS3_pre1", self.p("kdeg_mRNA_SOCS3"), Vn)
                self.degrade("SOCS3_pre2", self.p("kdeg_mRNA_SOCS3"), Vn)
            else:
                self.synthesize(m, f"{self.p('ktx')} * {transcription}", Vn,
                                tuple(realized), rid=f"tx_{gene}")
            self.degrade(m, self.p(f"kdeg_mRNA_{gene}"), Vc)
            # translation (mTORC1-sensitive for some mRNAs)
            psid = "IkB" if gene == "NFKBIA" else ("SOCS3" if gene == "SOCS3" else f"{gene}_c")
            sp(psid, "cytoplasm", [gene])
            # IkBalpha, the one protein made from its mRNA in bulk, has its own efficiency
            ktl = self.p("ktl_NFKBIA") if gene == "NFKBIA" else self.p("ktl")
            if mtor:
                f = (f"({self.p('phi_cap_independent')} + (1 - {self.p('phi_cap_independent')}) * "
                     f"act_MTOR * MTOR_p / (act_MTOR * MTOR_p + {self.p('K_MTOR_translation')}))")
                self.rxn(f"tl_{gene}", [], [psid], f"{Vc} * {ktl} * {f} * {m}", (mtor,),
                         "translate", modifiers=(m,))
            else:
                self.rxn(f"tl_{gene}", [], [psid], f"{Vc} * {ktl} * {m}", (), "translate",
                         modifiers=(m,))
            if gene not in ("NFKBIA",):
                self.degrade(psid, self.p(f"kdeg_{gene}"), Vc)
            if gene in SECRETED:
                med = f"{gene}_m" if gene in ("LIF", "IL6") else f"{gene}_sec"
                if med not in self.n.species:
                    sp(med, "medium", [gene])
                    self.degrade(med, self.p("kdeg_secreted"), Vm)
                self.rxn(f"secrete_{gene}", [psid], [med], f"{Vc} * {self.p('ksec')} * {psid}",
                         (SECRETED[gene],), "secrete")
                # what a conditioned-medium assay measures: X released since t = 0 (the runner
                # sets it to 0 at t = 0), net of its decay in the medium; no signalling role
                rel = f"{gene}_released"
                sp(rel, "medium", [Component(gene, 1, frozenset({"released"}))])
                self.rxn(f"released_{gene}", [], [rel], f"{Vc} * {self.p('ksec')} * {psid}",
                         (SECRETED[gene],), "secrete", modifiers=(psid,))
                self.degrade(rel, self.p("kdeg_secreted"), Vm)


def build_network(kb: Knowledge, params: ParameterSet) -> Network:
    """Compile the knowledge base and curated parameters into a reaction network."""
    b = _Builder(kb, params)
    net = b.build()
    # perturbation / condition / drug-activity parameters (set per experiment)
    from .network import Parameter, Provenance
    for ent in PERTURBABLE:
        net.parameters[f"expr_{ent}"] = Parameter(
            f"expr_{ent}", 1.0, "dimensionless",
            Provenance("derived", None, "context level x knockdown/knockout/overexpression"))
    for gene in GENES:
        net.parameters[f"tg_{gene}"] = Parameter(
            f"tg_{gene}", 0.0, "dimensionless",
            Provenance("derived", None, "overexpression transgene: constitutive transcription "
                                        "in units of the gene's basal promoter activity"))
    net.parameters["act_AKT1_allosteric"] = Parameter(
        "act_AKT1_allosteric", 1.0, "dimensionless",
        Provenance("derived", None, "fraction of AKT left activatable by allosteric inhibitors"))
    for ent in DRUG_ACTIVITY_TARGETS:
        net.parameters[f"act_{ent}"] = Parameter(
            f"act_{ent}", 1.0, "dimensionless",
            Provenance("derived", None, "fraction of catalytic activity left by inhibitors"))
    for cond, pid in CONDITION_PARAMETERS.items():
        q = parse_quantity(SPEC_CONDITIONS[cond])
        val = q.to("millimolar").magnitude if cond in ("glucose", "mannose") else (
            q.to("nanomolar").magnitude if cond == "estradiol" else q.magnitude)
        net.parameters[pid] = Parameter(pid, float(val), {"glucose": "mM", "mannose": "mM",
                                                          "estradiol": "nM", "oxygen": "%"}[cond],
                                        Provenance("derived", None, "culture condition (spec default)"))
    for pid in b.used:
        net.parameters[pid] = params.parameter(pid)
    net.parameters.update(b.extra)
    from .phenotypes import add_phenotypes
    add_phenotypes(net, kb, params)
    return net
