"""cytonet report --analysis DIR: an analysis folder's figure, main table and summary."""

from __future__ import annotations

import pytest


def test_analysis_section_takes_the_folders_main_table(tmp_path):
    from cytonet.cli.report import analysis_sections

    d = tmp_path / "screen"
    d.mkdir()
    (d / "effects.csv").write_text("member,effect\nm0,1\n", encoding="utf-8")
    (d / "failures.csv").write_text("member,reason\n", encoding="utf-8")
    (d / "screen.csv").write_text("rank,perturbation\n1,knockdown IL11RA\n", encoding="utf-8")
    (d / "screen.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (d / "summary.txt").write_text("top hit: knockdown IL11RA", encoding="utf-8")
    [(title, text, png, table)] = analysis_sections([d])
    assert title == "Analysis: screen" and text == "top hit: knockdown IL11RA"
    assert png.startswith("data:image/png;base64,")
    assert "knockdown IL11RA" in table and "effect" not in table


def test_analysis_folder_must_exist(tmp_path):
    from cytonet.cli.report import analysis_sections
    from cytonet.errors import InputError

    with pytest.raises(InputError, match="--analysis: not a folder"):
        analysis_sections([tmp_path / "nope"])
