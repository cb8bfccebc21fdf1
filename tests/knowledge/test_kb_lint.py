"""Lint: the shipped data is clean; each rule catches a small, deliberately broken copy."""

from __future__ import annotations

import pytest

from cytonet.errors import Problem
from cytonet.knowledge import DATA_DIR
from cytonet.knowledge.lint import CHECKS, lint_knowledge


def _lint(data, severity: str | None = "error") -> list[str]:
    return [str(p) for p in lint_knowledge(data.dir)
            if severity is None or p.severity == severity]


def _has(messages: list[str], expected: str) -> None:
    """``expected`` is one of the messages, or the start of one (lists of close matches vary)."""
    assert any(m.startswith(expected) for m in messages), "expected\n  " + expected + "\namong\n  " + "\n  ".join(messages)


# --------------------------------------------------------------------------- shipped data
def test_shipped_data_has_no_errors():
    problems = lint_knowledge()
    errors = [str(p) for p in problems if p.severity == "error"]
    assert errors == []


def test_shipped_data_has_no_warnings():
    assert [str(p) for p in lint_knowledge() if p.severity != "error"] == []


def test_package_files_print_relative_to_the_package():
    p = Problem("expected '+' or '-', got 'activates'", file=str(DATA_DIR / "interactions.yaml"),
                line=42, item="I0042", field="sign")
    assert str(p) == "data/interactions.yaml:42: I0042: field 'sign': expected '+' or '-', got 'activates'"


def test_every_check_has_a_name_and_doc():
    names = [c.name for c in CHECKS]
    assert len(set(names)) == len(names) and all(names)
    assert all(type(c).__doc__ for c in CHECKS)


# --------------------------------------------------------------------------- shape pass
def test_shape_problem_is_reported_with_file_line_item_field(data):
    line = data.edit("interactions", "sign: +", "sign: activates", after="id: IL6R-binds-IL6ST")
    _has(_lint(data), data.where("interactions", line)
         + "IL6R-binds-IL6ST: field 'sign': expected '+' or '-', got 'activates'")


def test_malformed_yaml_is_one_problem_not_a_crash(data):
    data.edit("drugs", "- name: ruxolitinib", "- name: [ruxolitinib")
    msgs = _lint(data)
    assert len(msgs) == 1 and msgs[0].startswith(str(data.path("drugs"))) and "malformed YAML" in msgs[0]


def test_promoter_role_must_be_known_and_on_a_transcribes_edge(data):
    line = data.edit("interactions", "promoter: joint", "promoter: together",
                     after="id: ATF4-transcribes-LIF")
    _has(_lint(data), data.where("interactions", line)
         + "ATF4-transcribes-LIF: field 'promoter': expected one of 'joint', 'enhancer', got "
           "'together'")
    line = data.edit("interactions", "  sign: +", "  promoter: joint\n  sign: +",
                     after="id: IL6R-binds-IL6ST")
    _has(_lint(data), data.where("interactions", line)
         + "IL6R-binds-IL6ST: field 'promoter': a promoter role describes a '+' transcribes "
           "edge, not a '+' 'binds' edge")


# --------------------------------------------------------------------------- unknown names
def test_unknown_interaction_target(data):
    line = data.edit("interactions", "target: IL6R", "target: IL6RX", after="id: IL6-binds-IL6R")
    _has(_lint(data), data.where("interactions", line)
         + "IL6-binds-IL6R: field 'target': unknown entity 'IL6RX'; did you mean IL6R")


def test_alias_instead_of_symbol_in_interaction(data):
    line = data.edit("interactions", "source: IL6R", "source: gp80", after="id: IL6R-binds-IL6ST")
    _has(_lint(data), data.where("interactions", line)
         + "IL6R-binds-IL6ST: field 'source': 'gp80' is an alias; write the symbol 'IL6R'")


def test_unknown_interaction_context(data):
    line = data.edit("interactions", "  sign: +", "  context: [lung_cancr]\n  sign: +",
                     after="id: IL6R-binds-IL6ST")
    msgs = _lint(data)
    assert any(m.startswith(data.where("interactions", line) + "IL6R-binds-IL6ST: field 'context': "
                            "unknown context 'lung_cancr'") for m in msgs), msgs


def test_unknown_drug_target(data):
    line = data.edit("drugs", "{target: JAK2, ic50: 100 nM", "{target: JAK9, ic50: 100 nM")
    _has(_lint(data), data.where("drugs", line)
         + "ruxolitinib: field 'targets': target 'JAK9': unknown entity 'JAK9'; did you mean JAK")


def test_unknown_part_of_a_complex_drug_target(data):
    line = data.edit("drugs", "target: IL6:sIL6R", "target: IL6:sIL6Q")
    _has(_lint(data), data.where("drugs", line)
         + "sgp130Fc: field 'targets': target 'IL6:sIL6Q': unknown entity 'sIL6Q'; did you mean "
         "sIL6R")


def test_unknown_context_expression_symbol(data):
    line = data.edit("contexts", "ESR1: {level: 0.1", "ESR9: {level: 0.1", after="id: hepatocyte")
    _has(_lint(data), data.where("contexts", line)
         + "hepatocyte: field 'expression.ESR9': unknown entity 'ESR9'; did you mean ESR1")


def test_unknown_phenotype_driver_entity(data):
    line = data.edit("phenotypes", "readout: phospho:ERK,", "readout: phospho:ERKK,")
    _has(_lint(data), data.where("phenotypes", line)
         + "proliferation: field 'readout': readout 'phospho:ERKK': unknown entity 'ERKK'; did you "
         "mean MAPK1")


def test_unknown_phenotype_driver_kind(data):
    line = data.edit("phenotypes", "readout: phospho:ERK,", "readout: phosho:ERK,")
    _has(_lint(data), data.where("phenotypes", line)
         + "proliferation: field 'readout': readout 'phosho:ERK': expected KIND:ENTITY with KIND "
         "one of phospho, active, nuclear, mRNA, protein, secreted, phenotype, free")


def test_phenotype_must_be_a_phenotype_entity(data):
    line = data.edit("phenotypes", "- id: emt", "- id: emtx")
    msgs = _lint(data)
    _has(msgs, data.where("phenotypes", line) + "emtx: field 'id': phenotype 'emtx' must be an "
         "entity of kind 'phenotype' in entities.yaml; found no entity")
    _has(msgs, f"{data.path('phenotypes')}: emt: spec phenotype 'emt' is missing")


# --------------------------------------------------------------------------- duplicates
def test_duplicate_interaction_id(data):
    first = data.line_of("interactions", "- id: IL6-binds-IL6R")
    line = data.edit("interactions", "- id: IL6R-binds-IL6ST", "- id: IL6-binds-IL6R")
    _has(_lint(data), data.where("interactions", line)
         + f"IL6-binds-IL6R: field 'id': duplicate id (first defined on line {first})")


@pytest.mark.parametrize("name, old, new, item, key", [
    ("drugs", "- name: tofacitinib", "- name: ruxolitinib", "ruxolitinib", "name"),
    ("contexts", "- id: endometrium", "- id: hepatocyte", "hepatocyte", "id"),
    ("phenotypes", "- id: survival", "- id: proliferation", "proliferation", "id"),
])
def test_duplicate_ids_in_other_files(data, name, old, new, item, key):
    first = data.line_of(name, new)
    line = data.edit(name, old, new)
    _has(_lint(data), data.where(name, line)
         + f"{item}: field '{key}': duplicate {key} (first defined on line {first})")


def test_duplicate_entity_symbol(data):
    first = data.line_of("entities", "- {symbol: JAK2,")
    line = data.edit("entities", "- {symbol: JAK3,", "- {symbol: JAK2,")
    _has(_lint(data), data.where("entities", line)
         + f"JAK2: field 'symbol': duplicate symbol (first defined on line {first})")


# --------------------------------------------------------------------------- evidence
def test_interaction_without_evidence(data):
    line = data.edit("interactions", "  evidence:\n  - ref: S_boulanger2003\n    text: The IL-6:IL-6R "
                     "complex recruits two gp130 chains into the signalling hexamer.\n",
                     "  evidence: []\n")
    _has(_lint(data), data.where("interactions", line)
         + "IL6R-binds-IL6ST: field 'evidence': interaction without evidence; add at least one "
         "{ref: key in sources.yaml, text: paraphrase}")


def test_evidence_ref_not_in_sources(data):
    line = data.edit("interactions", "ref: S_gearing1992", "ref: S_gearing1993",
                     after="id: LIFR-binds-IL6ST")
    _has(_lint(data), data.where("interactions", line)
         + "LIFR-binds-IL6ST: field 'evidence': evidence ref 'S_gearing1993' is not in "
         "sources.yaml; did you mean S_gearing1992")


def test_drug_and_context_refs_are_checked(data):
    dline = data.edit("drugs", "ref: S_hirai2010", "ref: S_nobody")
    cline = data.edit("contexts", "ref: S_duluc2007, note: \"monocytes",
                      "ref: S_nobody, note: \"monocytes")
    msgs = _lint(data)
    _has(msgs, data.where("drugs", dline) + "MK2206: field 'targets': evidence ref 'S_nobody' is "
         "not in sources.yaml")
    _has(msgs, data.where("contexts", cline) + "macrophage: field 'provenance': evidence ref "
         "'S_nobody' is not in sources.yaml")


def test_malformed_doi(data):
    line = data.edit("sources", "doi: 10.18632/oncotarget.3017", "doi: 10.186/oncotarget.3017")
    _has(_lint(data), data.where("sources", line) + "source S_wu2015: field 'doi': malformed DOI "
         "'10.186/oncotarget.3017'; expected 10.NNNN/suffix (no 'doi:' or URL prefix)")


def test_malformed_pmid(data):
    line = data.edit("sources", "pmid: 25726527", "pmid: PMC25726527")
    _has(_lint(data), data.where("sources", line) + "source S_wu2015: field 'pmid': malformed PMID "
         "'PMC25726527'; expected digits only")


def test_source_without_identifier(data):
    data.edit("sources", "  doi: 10.1126/science.1542794\n  pmid: 1542794\n", "",
              after="S_gearing1992:")
    line = data.line_of("sources", "S_gearing1992:")
    _has(_lint(data), data.where("sources", line)
         + "source S_gearing1992: source with neither 'doi' nor 'pmid'")


# --------------------------------------------------------------------------- source records
def test_source_without_check_note_fails_lint(data):
    data.edit("sources", "  check: \"PMC4414199", "  note: \"PMC4414199", after="S_wu2015:")
    line = data.line_of("sources", "S_wu2015:")
    msgs = _lint(data)
    _has(msgs, data.where("sources", line) + "source S_wu2015: field 'check': source without a "
         "'check' note; say which record was seen (PubMed, PMC, DOI or publisher page), when, and "
         "what matched or was corrected, or what was searched and not found")
    # the renamed key is also reported, on its own line
    _has(msgs, data.where("sources", line + 8) + "source S_wu2015: field 'note': unknown key")


def test_source_without_year_and_journal(data):
    data.edit("sources", "  year: 2015\n  journal: \"Oncotarget\"\n", "", after="S_wu2015:")
    line = data.line_of("sources", "S_wu2015:")
    msgs = _lint(data)
    _has(msgs, data.where("sources", line) + "source S_wu2015: field 'year': source without "
         "'year'; give the year of publication as an integer")
    _has(msgs, data.where("sources", line) + "source S_wu2015: field 'journal': source without "
         "'journal'; give the journal abbreviation")


@pytest.mark.parametrize("old, new, fld, message", [
    ("  year: 2015\n", "  year: \"2015\"\n", "year",
     "expected the year as an integer, got '2015'"),
    ("  year: 2015\n", "  year: 1066\n", "year", "year 1066 is outside 1900-"),
    ("  authors: \"Wu L et al.\"\n", "  authors: \"\"\n", "authors",
     "expected a non-empty text, got ''"),
    ("  journal: \"Oncotarget\"\n", "  journal: 42\n", "journal",
     "expected a non-empty text, got 42"),
    ("  verified: true\n", "  verified: yes please\n", "verified",
     "expected true or false, got 'yes please'"),
])
def test_source_field_shapes(data, old, new, fld, message):
    line = data.edit("sources", old, new, after="S_wu2015:")
    _has(_lint(data), data.where("sources", line) + f"source S_wu2015: field '{fld}': {message}")


def test_shipped_sources_name_a_record_or_say_none_was_found(kb):
    for s in kb.sources.values():
        assert s.check and s.authors and s.journal and s.year, s.key
        if s.verified:
            assert "seen" in s.check or "read" in s.check, s.key


# --------------------------------------------------------------------------- names
def test_alias_clash_between_entities(data):
    data.edit("entities", "aliases: [IL-6R, IL6Ra,", "aliases: [GP-130, IL-6R, IL6Ra,")
    line = data.line_of("entities", "- {symbol: IL6ST,")
    msgs = _lint(data)
    _has(msgs, data.where("entities", line)
         + "IL6ST: field 'aliases': alias 'gp130' (normalised 'gp130') also names entity 'IL6R'")
    # the spec's alias no longer resolves either
    assert any("spec name 'gp130' (IL6ST) resolves to no entity" in m for m in msgs), msgs


def test_alias_clash_between_drugs(data):
    data.edit("drugs", "aliases: [GSK1120212, Mekinist]", "aliases: [GSK1120212, Mekinist, U-0126]")
    line = data.line_of("drugs", "aliases: [U-0126, U 0126]")
    msgs = _lint(data)
    assert sum("also names drug 'trametinib'" in m for m in msgs) == 1, msgs
    _has(msgs, data.where("drugs", line)
         + "U0126: field 'aliases': alias 'U0126' (normalised 'u0126') also names drug 'trametinib'")


# --------------------------------------------------------------------------- contexts
def test_missing_spec_context(data):
    line = data.edit("contexts", "- id: macrophage", "- id: macrophages")
    _has(_lint(data), f"{data.path('contexts')}: macrophage: spec context 'macrophage' is missing")
    assert line > 0


def test_context_missing_a_spec_receptor(data):
    line = data.edit("contexts", ", IL2RG: '+ (low)'}", "}")
    _has(_lint(data), data.where("contexts", line)
         + "lung_cancer: field 'receptors': missing spec receptor 'IL2RG' (spec: '+ (low)')")


def test_context_receptor_contradicts_the_spec_table(data):
    line = data.edit("contexts", "IL7R: '+ (low)'", "IL7R: '+'")
    _has(_lint(data), data.where("contexts", line)
         + "lung_cancer: field 'receptors.IL7R': the spec table says '+ (low)', got '+'")


def test_absent_receptor_with_expression(data):
    line = data.edit("contexts", "IL7R: {level: 0,", "IL7R: {level: 0.5,", after="id: hepatocyte")
    _has(_lint(data), data.where("contexts", line)
         + "hepatocyte: field 'expression.IL7R': receptor 'IL7R' is '-' in the receptor table but "
         "its expression level is 0.5")


def test_absent_receptor_left_at_default_level(data):
    data.edit("contexts", "    IL7R: {level: 0, ref: S_heinrich2003, note: \"hepatocytes do not "
              "respond to IL-7 (spec table)\"}\n", "")
    line = data.line_of("contexts", "receptors: {IL6R: '+', LIFR: '+', IL11RA: '+', IL6ST: '+', "
                                    "IL7R: '-'")
    _has(_lint(data), data.where("contexts", line)
         + "hepatocyte: field 'expression.IL7R': receptor 'IL7R' is '-' in the receptor table but "
         "its expression level is 1 (the default; set it to 0)")


def test_present_receptor_with_zero_expression(data):
    line = data.edit("contexts", "IL11RA: {level: 2,", "IL11RA: {level: 0,", after="id: endometrium")
    _has(_lint(data), data.where("contexts", line)
         + "endometrium: field 'expression.IL11RA': receptor 'IL11RA' is '+' in the receptor table "
         "but its expression level is 0")


# --------------------------------------------------------------------------- spec coverage
def test_spec_drug_missing(data):
    data.edit("drugs", "- name: U0126\n  aliases: [U-0126, U 0126]", "- name: U0127\n  aliases: []")
    _has(_lint(data), f"{data.path('drugs')}: U0126: spec drug 'U0126' is not in the catalog")


def test_spec_drug_target_missing(data):
    data.edit("drugs", "{target: JAK2, ic50: 100 nM", "{target: TYK2, ic50: 100 nM")
    line = data.line_of("drugs", "  targets:")  # ruxolitinib's, the first drug
    _has(_lint(data), data.where("drugs", line) + "ruxolitinib: field 'targets': spec drug "
         "'ruxolitinib' targets 'JAK2' (JAK2); the catalog lists JAK1, TYK2")


def test_spec_alias_missing(data):
    line = data.edit("entities", "aliases: [PERK, PEK]", "aliases: [PEK]")
    assert line
    _has(_lint(data), f"{data.path('entities')}: PERK: spec name 'PERK' (EIF2AK3) resolves to no "
         "entity")


def test_spec_group_alias_needs_one_pool(data):
    line = data.edit("entities", ", lumped_into: MAPK1}", "}")
    _has(_lint(data), data.where("entities", line) + "MAPK3: field 'lumped_into': spec name 'ERK' "
         "groups MAPK1/MAPK3, but 'MAPK3' is not in the model pool 'MAPK1' (set lumped_into)")


def test_spec_condition_must_be_a_condition(data):
    data.edit("entities", "{symbol: mannose, name: D-mannose in the medium (normal 0), kind: condition",
              "{symbol: mannose, name: D-mannose in the medium (normal 0), kind: ligand")
    _has(_lint(data), f"{data.path('entities')}: mannose: spec condition 'mannose' must be an "
         "entity of kind 'condition'")


# --------------------------------------------------------------------------- phenotypes, signs
def test_phenotype_weights_must_sum_to_one(data):
    data.edit("phenotypes", "weight: 0.5, K: 4 nM, ref: S_li2014", "weight: 0.6, K: 4 nM, ref: S_li2014")
    line = data.line_of("phenotypes", "  drivers:")
    _has(_lint(data), data.where("phenotypes", line) + "proliferation: field 'drivers': driver "
         "weights of group 'mitogenic kinases' of a 'combine: groups' phenotype must sum to 1, "
         "got 1.1 (0.5 + 0.6)")


def test_phenotype_weight_must_be_positive(data):
    line = data.edit("phenotypes", "weight: 0.5, K: 4 nM, ref: S_li2014", "weight: -0.5, K: 4 nM, ref: S_li2014")
    _has(_lint(data), data.where("phenotypes", line) + "proliferation: field 'weight': driver "
         "'active:MTOR': weight must be a positive number, got -0.5")


def test_mechanism_sign_mismatch_is_a_warning(data):
    line = data.edit("interactions", "sign: '-'", "sign: '+'", after="id: SOCS3-inhibits-IL6ST")
    msg = (data.where("interactions", line) + "SOCS3-inhibits-IL6ST: field 'sign': mechanism "
           "'inhibits' with sign '+'; expected sign '-'")
    _has(_lint(data, "warning"), msg)
    assert msg not in _lint(data, "error")
