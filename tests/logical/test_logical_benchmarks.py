"""Published logical models from ../shared/benchmarks: Ryll 2011 (IL-6, hepatocyte) through
the mapping file, Cohen 2015 (invasion) mutant phenotypes."""

from __future__ import annotations

import pytest
from logical_helpers import BENCHMARKS, LITERATURE, LOGICAL, engines, require

pytestmark = pytest.mark.benchmarks


def test_ryll_loads_identically_from_bnet_and_sbml_qual():
    from cytonet.logical.io import load_bnet, load_sbml_qual, same_rules

    folder = require(LOGICAL / "bbm019_IL-6-SIGNALING")
    a, b = load_bnet(folder / "model.bnet"), load_sbml_qual(folder / "model.sbml")
    assert len(a.rules) == 86 and len(a.inputs) == 15  # 71 variables + 15 inputs
    assert same_rules(a, b) == []


def test_ryll_runs_shared_findings_through_the_mapping():
    engines()
    from cytonet.experiments.parse import load_observations
    from cytonet.logical.external import MAPPING_DIR, load_mapping
    from cytonet.validation.run import validate_observations

    require(LOGICAL / "bbm019_IL-6-SIGNALING")
    ryll = load_mapping(MAPPING_DIR / "ryll2011.yaml", benchmarks=BENCHMARKS)
    assert all(reason for reason in ryll.reasons.values())
    obs, problems = load_observations(str(require(LITERATURE)))
    assert not problems
    by_id = {o.id: o for o in obs}
    assert ryll.expressible(by_id["il6-pstat3-induction"]) is None
    assert "context" in ryll.expressible(by_id["lif-stat3-activation"])  # lung cancer cells
    card = validate_observations([by_id["il6-pstat3-induction"],
                                  by_id["drug-tocilizumab-il6-a"]], simulate=ryll.simulate)
    assert [r.status for r in card.results] == ["PASS", "PASS"]


def test_cohen_published_mutant_phenotypes():
    engines()
    from cytonet.logical.cohen import cohen_mutants

    require(LOGICAL / "bbm065_TUMOUR-CELL-INVASION-AND-MIGRATION")
    require(LOGICAL / "maboss_PROFILE" / "Cohen")
    rows = {r["mutant"]: r for r in cohen_mutants(LOGICAL)}
    assert all(r["agrees"] for r in rows.values()), rows
    assert rows["NICD gain, p53 loss"]["maboss_metastasis"] > 0.95
    assert rows["AKT1 gain"]["maboss_metastasis"] < 0.01
