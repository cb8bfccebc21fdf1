"""`cytonet kb ...` through cytonet.cli.main."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from cytonet.cli import main


def test_lint_clean(capsys):
    assert main(["kb", "lint"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "0 errors, 0 warnings"


def test_lint_reports_every_problem_and_exits_1(data, capsys):
    l1 = data.edit("interactions", "target: IL6R", "target: IL6RX", after="id: IL6-binds-IL6R")
    l2 = data.edit("sources", "pmid: 25726527", "pmid: PMC25726527")
    l3 = data.edit("interactions", "sign: '-'", "sign: '+'", after="id: SOCS3-inhibits-IL6ST")
    assert main(["kb", "lint", "--data-dir", str(data.dir)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(o.startswith(data.where("interactions", l1) + "IL6-binds-IL6R: field 'target': "
                            "unknown entity 'IL6RX'") for o in out), out
    assert data.where("sources", l2) + ("source S_wu2015: field 'pmid': malformed PMID 'PMC25726527'; "
                                        "expected digits only") in out
    assert any(o.startswith(data.where("interactions", l3)) and o.endswith("(warning)")
               for o in out), out
    assert out[-1] == "2 errors, 1 warning"


def test_show(capsys):
    assert main(["kb", "show", "gp130"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("IL6ST — interleukin 6 cytokine family signal transducer (receptor, "
                          "UniProt P40189)")
    assert "IL11RA-binds-IL6ST: IL11RA -(binds)-> IL6ST" in out
    # the IL-11 seed is known only from a news item, so its identifier is flagged
    assert "doi:10.1038/s41420-026-03163-2 (identifier not verified) — " in out


def test_show_json(capsys):
    assert main(["kb", "show", "IL-6", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["symbol"] == "IL6"


def test_show_unknown_name_exits_2(capsys):
    assert main(["kb", "show", "gp13"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "cytonet: error: unknown entity 'gp13'; did you mean IL6ST?"
    assert "Traceback" not in err


def test_explain_prints_paths_with_evidence(capsys):
    assert main(["kb", "explain", "IL11", "MMP12"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2 paths from IL11 to MMP12 (at most 8 edges):"
    assert out[1] == ("1. [+] IL11 -(binds)-> IL11RA -(binds)-> IL6ST -(activates)-> PIK3CA "
                      "-(phosphorylates)-> AKT1 -(activates)-> RELA -(transcribes)-> MMP12")
    assert ("     IL11-binds-IL11RA: doi:10.1038/s41420-026-03163-2 (identifier not verified) — "
            "IL11 binds its receptor "
            "IL11RA in lung cancer cells.") in out


def test_explain_condition_phrase_says_it_inverts(capsys):
    assert main(["kb", "explain", "hypoxia", "LIF"]) == 0
    out = capsys.readouterr().out
    assert "'hypoxia' is read as low oxygen" in out and "inverted" in out
    assert "[+] hypoxia (low oxygen) -(activates)-> EGLN1 -(degrades)-| EPAS1" in out


def test_explain_max_length_and_unknown(capsys):
    assert main(["kb", "explain", "IL11", "MMP12", "--max-length", "3"]) == 0
    assert capsys.readouterr().out.startswith("no path from IL11 to MMP12 within 3 edges")
    assert main(["kb", "explain", "IL11", "MMP99"]) == 2
    assert "cytonet: error: target: unknown entity 'MMP99'; did you mean" in capsys.readouterr().err


def test_explain_json(capsys):
    assert main(["kb", "explain", "IL7", "STAT5", "--json"]) == 0
    paths = json.loads(capsys.readouterr().out)
    assert paths[0]["target"] == "STAT5A" and paths[0]["sign"] == "+"


def test_export(tmp_path, capsys):
    out = tmp_path / "kb.graphml"
    assert main(["kb", "export", "--format", "graphml", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}"
    assert nx.read_graphml(out).has_edge("IL11", "IL11RA")
    assert main(["kb", "export", "--out", str(tmp_path / "kb.sif"), "--no-drugs"]) == 0
    assert "ruxolitinib" not in (tmp_path / "kb.sif").read_text()
    qual = tmp_path / "kb.qual.xml"
    assert main(["kb", "export", "--format", "sbml-qual", "--out", str(qual)]) == 0
    assert 'qual:sign="negative"' in qual.read_text()


def test_export_cx2(tmp_path, capsys):
    pytest.importorskip("ndex2", reason="the CX2 export needs ndex2 (pip install ndex2)")
    out = tmp_path / "kb.cx2"
    assert main(["kb", "export", "--format", "cx2", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data[0] == {"CXVersion": "2.0", "hasFragments": False}
    edges = next(a["edges"] for a in data if "edges" in a)
    assert {e["v"]["interaction"] for e in edges} >= {"+_binds", "-_inhibits"}


def test_summary(kb, capsys):
    assert main(["kb", "summary"]) == 0
    out = capsys.readouterr().out
    assert f"interactions: {len(kb.interactions)} (" in out
    assert "contexts: 6 (generic, hepatocyte, lung_cancer, endometrium, lymphocyte, macrophage)" in out
    assert main(["kb", "summary", "--json"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert sum(js["sources"].values()) == len(kb.sources)
    assert js["entities"]["phenotype"] == 7
