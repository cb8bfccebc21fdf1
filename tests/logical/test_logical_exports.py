"""bnet, SBML-qual and MaBoSS exports of the compiled model."""

from __future__ import annotations

import libsbml
import pytest
from logical_helpers import engines

from cytonet.logical import compile_logical
from cytonet.logical.io import load_bnet, load_sbml_qual, same_rules


def test_sbml_qual_has_no_libsbml_errors_and_round_trips(tmp_path):
    m = compile_logical()
    text = m.to_sbml_qual()
    doc = libsbml.readSBMLFromString(text)
    assert doc.getNumErrors() == 0
    assert doc.checkConsistency() == 0, [doc.getError(i).getMessage()
                                         for i in range(doc.getNumErrors())]
    path = tmp_path / "cytonet.sbml"
    path.write_text(text)
    assert same_rules(m, load_sbml_qual(path)) == []


def test_bnet_round_trips_through_mpbn(tmp_path):
    engines()
    import mpbn

    m = compile_logical()
    path = tmp_path / "cytonet.bnet"
    path.write_text(m.to_bnet())
    assert same_rules(m, load_bnet(path)) == []
    bn = mpbn.load(str(path))
    assert set(bn) == set(m.rules)
    back = tmp_path / "back.bnet"
    back.write_text("\n".join(f"{n}, {bn[n]}" for n in bn) + "\n")
    assert same_rules(m, load_bnet(back)) == []


def test_maboss_files_load_in_cmaboss():
    engines()
    from cytonet.logical.run import _cmaboss

    m = compile_logical()
    bnd, cfg = m.to_maboss(sample_count=50, max_time=1)
    sim = _cmaboss(len(m.rules)).MaBoSSSim(network_str=bnd, config_str=cfg)
    assert set(sim.get_nodes()) == set(m.rules)


def test_sbml_qual_loads_in_aeon_with_the_same_rules(tmp_path):
    aeon = pytest.importorskip("biodivine_aeon", reason="biodivine_aeon not installed "
                               "(extra 'logical')")
    m = compile_logical()
    path = tmp_path / "cytonet.sbml"
    path.write_text(m.to_sbml_qual())
    bn = aeon.BooleanNetwork.from_file(str(path))
    assert sorted(bn.variable_names()) == sorted(m.rules)
    back = tmp_path / "aeon.bnet"
    back.write_text(bn.to_bnet())
    assert same_rules(m, load_bnet(back)) == []
