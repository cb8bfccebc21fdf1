"""The exported SBML for other tools: units, MIRIAM and SBO terms, names, its resting start,
and a COMBINE archive (SBML + SED-ML) that a second simulator runs to cytonet's numbers."""

from __future__ import annotations

import re
import zipfile

import numpy as np
import pytest

import cytonet
from cytonet.cli import main
from cytonet.compile.sbml import SBO_REACTION, unit_warnings, validate_sbml

IL11_README = "examples/il11_invasion.yaml"
IL11_READOUTS = ("phenotype:invasion", "phospho:STAT3", "active:MTOR", "mRNA:MMP9")


@pytest.fixture(scope="module")
def baseline(model):
    from cytonet.experiments.combine import baseline_sbml
    return baseline_sbml(model)


@pytest.fixture(scope="module")
def doc(baseline):
    import libsbml
    return libsbml.readSBMLFromString(baseline)


def test_no_unit_warnings_in_either_sbml(model, baseline):
    # the document cytonet simulates and the exported one share every definition
    assert unit_warnings(model.sbml) == []
    assert unit_warnings(baseline) == []
    assert validate_sbml(baseline) == []


def test_unit_check_is_live(model):
    """A wrong unit on one rate constant is found (so zero warnings above mean something)."""
    bad = model.sbml.replace('id="kdeg_ligand_medium" value="5.348e-06" units="u_per_s"',
                             'id="kdeg_ligand_medium" value="5.348e-06" units="u_nM"')
    assert bad != model.sbml
    # libsbml compares each rate law with the first one, which now has the wrong unit
    assert len(unit_warnings(bad)) > 100


def test_model_units_are_nM_and_seconds(doc):
    import libsbml
    m = doc.getModel()
    assert (m.getSubstanceUnits(), m.getVolumeUnits(), m.getTimeUnits()) == ("pmol", "mL", "second")
    ud = m.getUnitDefinition("u_per_nM_s")  # a bimolecular rate constant
    assert libsbml.UnitDefinition.printUnits(ud, True) == \
        "(1e-09 mole)^-1, (1 litre)^1, (1 second)^-1"
    assert m.getParameter("kon_IL6_IL6R").getUnits() == "u_per_nM_s"
    assert m.getParameter("glucose_mM").getUnits() == "u_mM"


def _uris(sbase) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for i in range(sbase.getNumCVTerms()):
        cv = sbase.getCVTerm(i)
        out.setdefault(cv.getBiologicalQualifierType(), []).extend(
            cv.getResourceURI(j) for j in range(cv.getNumResources()))
    return out


def test_every_species_of_a_uniprot_entity_is_annotated(doc, model):
    import libsbml
    entities = model.catalog.kb.entities
    m = doc.getModel()
    checked = 0
    for s in model.network.species.values():
        ids = [entities[c.entity].uniprot for c in s.components
               if c.entity in entities and entities[c.entity].uniprot]
        if not ids:
            continue
        uris = _uris(m.getSpecies(s.id))
        mrna = any(c.is_mrna for c in s.components)
        qual = (libsbml.BQB_ENCODES if mrna else libsbml.BQB_IS if len(s.components) == 1
                else libsbml.BQB_HAS_PART)
        for u in ids:
            assert f"http://identifiers.org/uniprot:{u}" in uris.get(qual, []), (s.id, uris)
        checked += 1
    assert checked > 100  # most of the 139 species hold a curated protein
    # a complex lists its parts; a single protein carries its HGNC symbol too
    hexamer = _uris(m.getSpecies("IL6_IL6R_gp2"))[libsbml.BQB_HAS_PART]
    assert {"http://identifiers.org/uniprot:P05231", "http://identifiers.org/uniprot:P08887",
            "http://identifiers.org/uniprot:P40189",
            "http://identifiers.org/uniprot:P23458"} <= set(hexamer)
    assert "http://identifiers.org/hgnc.symbol:STAT3" in _uris(m.getSpecies("STAT3_c"))[
        libsbml.BQB_IS]


def test_sbo_terms_on_reactions_species_and_constants(doc, model):
    m = doc.getModel()
    for rx in model.network.reactions:
        r = m.getReaction(rx.id)
        assert r.isSetSBOTerm(), rx.id
        assert r.getSBOTerm() in set(SBO_REACTION.values())
        assert all(r.getReactant(i).getSBOTerm() == 10 for i in range(r.getNumReactants()))
    assert m.getReaction("tx_MMP9").getSBOTerm() == 183     # transcription
    assert m.getReaction("tl_MMP9").getSBOTerm() == 184     # translation
    assert m.getReaction("phos_STAT3").getSBOTerm() == 216  # phosphorylation
    assert m.getReaction("import_STAT3").getSBOTerm() == 185
    assert m.getSpecies("IL6_IL6R").getSBOTerm() == 297     # complex
    assert m.getSpecies("SOCS3_mRNA").getSBOTerm() == 278   # mRNA
    assert m.getSpecies("STAT3_c").getSBOTerm() == 252      # protein
    assert m.getParameter("kon_IL6_IL6R").getSBOTerm() == 153
    assert m.getParameter("koff_IL6_IL6R").getSBOTerm() == 156


def test_names_are_readable_and_unique(doc, model):
    m = doc.getModel()
    species = [m.getSpecies(i) for i in range(m.getNumSpecies())]
    names = [s.getName() for s in species]
    assert len(set(names)) == len(names)
    assert m.getSpecies("IL6_IL6R").getName() == "IL6 + IL6R"
    assert m.getSpecies("STAT3_c").getName() == "STAT3 in cytoplasm"
    assert m.getSpecies("STAT3_n").getName() == "STAT3 in nucleus"
    assert m.getSpecies("tocilizumab_IL6R").getName() == "tocilizumab + IL6R"
    # composition, not ids: only the two nascent SOCS3 transcripts keep an id to tell apart
    assert [s.getId() for s in species if s.getName().endswith(f"({s.getId()})")] == \
        ["SOCS3_pre1", "SOCS3_pre2"]
    rnames = [m.getReaction(i).getName() for i in range(m.getNumReactions())]
    assert len(set(rnames)) == len(rnames) == len(model.network.reactions)
    assert m.getReaction("bind_IL6_IL6R").getName() == "binding: IL6_m + IL6R -> IL6_IL6R"
    assert not any(re.fullmatch(r"degrade(_\d+)?", n) for n in rnames)


def test_exported_sbml_starts_at_rest(baseline):
    """24 h in a bare libRoadRunner without stimulus: every species within 1e-3 relative."""
    import roadrunner
    rr = roadrunner.RoadRunner(baseline)
    x0 = np.array(rr.model.getFloatingSpeciesConcentrations())
    rr.simulate(0, 86400, 25)
    x1 = np.array(rr.model.getFloatingSpeciesConcentrations())
    ids = list(rr.model.getFloatingSpeciesIds())
    # a species absent at rest (e.g. an unadded ligand) drifts only if it rises above the
    # simulator's own solver-noise floor (SteadyStateSettings.noise_floor); below it is the
    # integrator's round-off (values of 1e-39..1e-35 have been seen), not a departure
    from cytonet.simulate.steady import SteadyStateSettings
    floor = SteadyStateSettings().noise_floor
    drift = {ids[i]: float(abs(x1[i] - x0[i]) / abs(x0[i]) if x0[i] else abs(x1[i]))
             for i in range(len(ids)) if abs(x1[i] - x0[i]) > max(1e-3 * abs(x0[i]), floor)}
    assert drift == {}
    assert (x0 > 0).sum() > 80  # a real resting state, not an empty model


def test_cytonet_simulates_the_exported_sbml_alike(baseline, model):
    """The baseline SBML differs from the simulated one only in its start values."""
    import roadrunner
    ours = roadrunner.RoadRunner(model.sbml)
    theirs = roadrunner.RoadRunner(baseline)
    assert list(ours.model.getFloatingSpeciesIds()) == list(theirs.model.getFloatingSpeciesIds())
    assert list(ours.model.getGlobalParameterIds()) == list(theirs.model.getGlobalParameterIds())
    assert ours.model.getNumReactions() == theirs.model.getNumReactions()


# ------------------------------------------------------------------ COMBINE / SED-ML

@pytest.fixture(scope="module")
def il11_omex(tmp_path_factory, model):
    pytest.importorskip("libsedml", reason="python-libsedml (extra 'interop') not installed")
    pytest.importorskip("libcombine", reason="python-libcombine (extra 'interop') not installed")
    path = tmp_path_factory.mktemp("omex") / "il11.omex"
    assert main(["model", "export", "--omex", str(path), "--experiments", IL11_README,
                 "--readouts", *IL11_READOUTS, "--until", "24 h", "--points", "49"]) == 0
    return path


def test_omex_holds_sbml_sedml_and_manifest(il11_omex):
    import libsedml
    with zipfile.ZipFile(il11_omex) as z:
        names = set(z.namelist())
        assert {"manifest.xml", "model.xml", "simulation.sedml"} <= names
        manifest = z.read("manifest.xml").decode()
        sedml = z.read("simulation.sedml").decode()
    assert "combine.specifications/sed-ml" in manifest and "combine.specifications/sbml" in manifest
    doc = libsedml.readSedMLFromString(sedml)
    assert doc.getNumErrors(libsedml.LIBSEDML_SEV_ERROR) == 0
    assert {doc.getModel(i).getId() for i in range(doc.getNumModels())} == \
        {"cells_test", "model_test", "cells_control", "model_control"}
    rt = doc.getTask("experiment_test")
    assert not rt.getResetModel()
    # the knockdown is a model change on the SBML's own id; the stimulus a change at phase 1
    targets = [c.getTarget() for c in doc.getModel("model_test").getListOfChanges()]
    assert any("expr_IL11RA" in t for t in targets)
    assert not any("expr_IL11RA" in c.getTarget()
                   for c in doc.getModel("model_control").getListOfChanges())
    changed = {c.getTarget() for c in rt.getListOfTaskChanges()}
    assert any("glucose_mM" in t for t in changed) and any("k_mix_medium" in t for t in changed)
    assert doc.getNumDataGenerators() == 2 * (1 + len(IL11_READOUTS))


def test_absent_species_are_what_the_cells_cannot_make(model):
    """Before the stimulus the cells hold no IL-11 or anything made from it; with the
    mixing on, the bolus reaches the medium and the receptor, and absent ones remain."""
    from cytonet.experiments.combine import absent_species
    from cytonet.experiments.plan import prestimulus_values, stimulated_values

    (_, exp), _ = load_il11()
    pre = prestimulus_values(model, exp)
    absent = set(absent_species(model, {**pre, "k_mix_medium": 0.0}))
    assert {"IL11_m", "IL11_IL11RA", "IL11_IL11RA_gp2_act", "IL7_m", "STAT5_p"} <= absent
    # what the cells hold, or make from what they hold, is not absent
    assert not absent & {"IL11RA", "STAT3_c", "STAT3_p", "SOCS3_mRNA", "IL6R"}
    # the same cells with the IL-11 bolus mixing in: the IL-11 arm is reachable
    dose = model.interface.dose_species["IL11"]
    mixing = set(absent_species(model, {**pre, dose: stimulated_values(model, exp)[dose],
                                         "k_mix_medium": 1.0}))
    assert not mixing & {"IL11_m", "IL11_IL11RA", "IL11_IL11RA_gp2_act"}
    assert {"IL7_m", "STAT5_p"} <= mixing
    # the shared simulator is left as it was: cytonet.run gives the same numbers after
    times = np.linspace(0.0, 3600.0, 3)
    before = cytonet.run(exp, readouts=["phospho:STAT3"], times=times)["value"].to_numpy()
    absent_species(model, {**pre, "k_mix_medium": 0.0})
    after = cytonet.run(exp, readouts=["phospho:STAT3"], times=times)["value"].to_numpy()
    np.testing.assert_array_equal(before, after)


def load_il11():
    from cytonet.cli.simulate import load_experiments
    return load_experiments(IL11_README)


def test_omex_holds_absent_species_at_zero_through_their_ids(il11_omex, model):
    """Each phase starts with the species the cells cannot make at 0 (rounding residue
    would otherwise reach the stimulus, where libRoadRunner scales a scalar absolute
    tolerance by the start value); targets address the SBML's own ids."""
    import libsedml
    with zipfile.ZipFile(il11_omex) as z:
        doc = libsedml.readSedMLFromString(z.read("simulation.sedml").decode())
    rt = doc.getTask("experiment_test")
    zeros = {}
    for c in rt.getListOfTaskChanges():
        (sid,) = re.findall(r"@id='([^']+)'", c.getTarget())
        if libsedml.formulaToString(c.getMath()) == "0":
            zeros[sid] = c.getTarget()
    assert {"IL11_m", "IL11_IL11RA", "IL11_IL11RA_gp", "IL7_m", "STAT5_p"} <= set(zeros)
    assert all(sid in model.network.species for sid in zeros)
    assert "IL11RA" not in zeros and "IL11_dose" not in zeros  # held / the bolus


@pytest.mark.slow
def test_omex_runs_in_tellurium_like_cytonet(il11_omex):
    """The README's IL-11 question, run by Tellurium's own SED-ML runner from the archive,
    matches ``cytonet.run`` within 1e-4 relative on every readout: at each time point
    ``|theirs - ours| <= 1e-4 * max(|ours|, 1e-2 * scale)``, ``scale`` the readout's largest
    value over the time course (the floor only matters for values below 1 % of it)."""
    te = pytest.importorskip("tellurium", reason="tellurium (extra 'interop') not installed")
    from cytonet.cli.simulate import load_experiments

    res = te.executeCombineArchive(str(il11_omex), createOutputs=False, saveOutputs=False)
    (result,) = res.values()
    out = result["dataGenerators"]
    n = 49
    times = np.linspace(0.0, 86400.0, n)
    for name, exp in load_experiments(IL11_README):
        t = np.ravel(out[f"time_{name}"])
        phases = len(t) // n
        assert len(t) == phases * n and phases > 30  # 40 days of pre-equilibration first
        np.testing.assert_allclose(t[-n:] - t[-n], times)
        df = cytonet.run(exp, readouts=list(IL11_READOUTS), times=times)
        for k, ro in enumerate(IL11_READOUTS):
            ours = df[df["readout"] == ro]["value"].to_numpy()
            theirs = np.ravel(out[f"ro{k}_{name}"])[-n:]
            scale = np.abs(ours).max()
            assert scale > 0 and np.all(np.isfinite(theirs))
            rel = np.abs(theirs - ours) / np.maximum(np.abs(ours), 1e-2 * scale)
            assert rel.max() <= 1e-4, (name, ro, float(rel.max()), times[rel.argmax()])
        # the stimulus did something: pSTAT3 rises after IL-11
        p = np.ravel(out[f"ro1_{name}"])[-n:]
        assert p.max() > 1.5 * p[0]
