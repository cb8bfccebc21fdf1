"""`cytonet petab llh`, `cytonet petab lint` and `cytonet fit` from the command line."""

from __future__ import annotations

import re

import pytest

from cytonet.cli import main


@pytest.mark.benchmarks
def test_petab_llh_prints_llh_chi2_and_counts(boehm_yaml, capsys):
    assert main(["petab", "llh", str(boehm_yaml)]) == 0
    out = capsys.readouterr().out
    llh = float(re.search(r"^llh: (\S+)$", out, re.M).group(1))
    chi2 = float(re.search(r"^chi2: (\S+)$", out, re.M).group(1))
    assert llh == pytest.approx(-138.22199693517703, abs=1e-3)
    assert chi2 == pytest.approx(47.98, abs=0.01)
    assert "data points: 48" in out and "estimated parameters: 9" in out


def test_petab_llh_bad_input_exits_2_without_traceback(boehm_copy, capsys):
    meas = boehm_copy.parent / "measurementData_Boehm_JProteomeRes2014.tsv"
    meas.write_text(meas.read_text().replace("pSTAT5B_rel\t", "pSTAT5Q\t", 1))
    assert main(["petab", "llh", str(boehm_copy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cytonet: error: ")
    assert "measurementData_Boehm_JProteomeRes2014.tsv" in err and "field 'observableId'" in err
    assert "Traceback" not in err


def test_petab_lint_lists_problems(boehm_copy, capsys):
    obs = boehm_copy.parent / "observables_Boehm_JProteomeRes2014.tsv"
    obs.write_text(obs.read_text().replace("\tlin\t", "\tlog2\t", 1))
    assert main(["petab", "lint", str(boehm_copy), "--no-libpetab"]) == 2
    out = capsys.readouterr().out
    assert "field 'observableTransformation'" in out and "1 error(s)" in out


def test_fit_missing_problem_exits_2(tmp_path, capsys):
    assert main(["fit", str(tmp_path / "absent.yaml"), "--out", str(tmp_path / "o")]) == 2
    assert "PEtab problem file not found" in capsys.readouterr().err
