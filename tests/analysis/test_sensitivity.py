"""Global sensitivity (analysis.sensitivity and `cytonet sensitivity`) on tiny problems."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cytonet.analysis import sensitivity as sens
from cytonet.cli import main
from cytonet.errors import InputError
from cytonet.experiments.types import Experiment

# kon_IL11_IL11RA: IL-11 binding its receptor, upstream of IL-11 pSTAT3 in lung cancer.
# kon_IL7_IL7R / kdeg_IL7R: the IL-7 receptor, which sees no ligand here (cannot matter).
DRIVER, INERT = "kon_IL11_IL11RA", ("kon_IL7_IL7R", "kdeg_IL7R")


def test_morris_ranks_the_il11_receptor_above_the_idle_il7_pathway(model, il11_lung):
    t = sens.sensitivity(model, il11_lung, "phospho:STAT3", method="morris",
                         parameters=[DRIVER, *INERT], samples=4, workers=1)
    assert list(t["parameter"])[0] == DRIVER
    assert t["rank"].tolist() == [1, 2, 3]
    by = t.set_index("parameter")
    assert by.loc[DRIVER, "mu_star"] > 0
    for p in INERT:
        assert by.loc[p, "mu_star"] < 1e-4 * by.loc[DRIVER, "mu_star"]
    assert {"mu_star_conf", "mu", "sigma", "provenance", "prior", "low", "high"} <= set(t)
    # the sampled interval is the prior's central 95 %, around the nominal value
    assert (by["low"] < by["nominal"]).all() and (by["nominal"] < by["high"]).all()
    a = t.attrs
    assert a["n_members"] == 4 * 4 and a["blocks_used"] == 4 and a["failures"] == []
    assert a["at_s"] == 3600.0  # phospho default read time
    assert "phospho:STAT3 at 1 h in lung_cancer" in a["quantity"]


def test_sobol_on_a_log_ratio(model, il11_lung):
    exps = {"test": il11_lung, "control": Experiment(cell="lung_cancer")}
    t = sens.sensitivity(model, exps, "phospho:STAT3", method="sobol",
                         parameters=f"{DRIVER},{INERT[0]}", samples=8, workers=1)
    assert t.attrs["ratio"] and t.attrs["quantity"].startswith("log2(test / control)")
    by = t.set_index("parameter")
    assert t["parameter"].iloc[0] == DRIVER
    assert by.loc[DRIVER, "ST"] > 0.5
    assert abs(by.loc[INERT[0], "ST"]) < 1e-3
    assert t.attrs["n_members"] == 8 * (2 + 2)


def test_failed_members_drop_their_trajectory_and_are_reported(model, il11_lung,
                                                                monkeypatch):
    real = sens.readout_values

    def one_fails(model, exps, readout, at, theta, **kw):
        mv = real(model, exps, readout, at, theta, **kw)
        mv.values[5, 0] = np.nan  # trajectory 1 (members 4..7 of 3 parameters + 1)
        mv.reasons[(5, 0)] = "STEADY_STATE_FAILED: injected"
        return mv

    monkeypatch.setattr(sens, "readout_values", one_fails)
    t = sens.sensitivity(model, il11_lung, "phospho:STAT3", parameters=[DRIVER, *INERT],
                         samples=3, workers=1)
    a = t.attrs
    assert a["blocks"] == 3 and a["blocks_used"] == 2
    assert a["failures"] == [{"stage": "morris", "member": 5,
                              "where": "trajectory 1, member 1",
                              "reason": "test: STEADY_STATE_FAILED: injected"}]
    assert any(n.startswith("1 of 3 trajectories dropped") for n in a["notes"])
    assert t["parameter"].iloc[0] == DRIVER


def test_top_n_screens_every_parameter_locally(model, il11_lung):
    # the prior's central 50 %: wider, some members of slow-turnover parameters reach no
    # steady state (a model-robustness limit recorded in the failures, not what this checks)
    t = sens.sensitivity(model, il11_lung, "phospho:STAT3", parameters="top:6", samples=8,
                         coverage=0.5)
    analysed = t[t["analysed"]]
    assert len(analysed) == 6 and len(t) == len(model.interface.theta_ids)
    # the analysed ones are those whose local screen failed (ranked first: their effect is
    # unknown) and then the largest local effects
    local = t["local_effect"].abs()
    assert t.loc[local.isna(), "analysed"].all()
    known = t["analysed"] & local.notna()
    assert known.sum() >= 1
    assert local[known].min() >= local[~t["analysed"]].max()
    assert t.set_index("parameter").loc["kon_IL7_IL7R", "local_effect"] == pytest.approx(
        0.0, abs=1e-9)


@pytest.mark.parametrize("kw, message", [
    ({"method": "fast"}, "unknown method 'fast'; expected one of morris, sobol"),
    ({"method": "sobol", "samples": 12}, "sobol needs a power of 2 base points, got 12"),
    ({"parameters": ["kon_IL11_IL11R"]}, "unknown kinetic parameter 'kon_IL11_IL11R'; did "
                                          "you mean kon_IL11_IL11RA"),
    ({"parameters": "top:x"}, "expected top:N with N a whole number >= 1, got 'top:x'"),
    ({"coverage": 1.0}, "expected a prior coverage in (0, 1), got 1.0"),
])
def test_bad_arguments_say_what_was_expected(model, il11_lung, kw, message):
    with pytest.raises(InputError) as exc:
        sens.sensitivity(model, il11_lung, "phospho:STAT3", **kw)
    assert message in str(exc.value)


def test_unknown_readout_and_ambiguous_experiments(model, il11_lung):
    with pytest.raises(InputError, match="the model has no mRNA form of STAT3"):
        sens.sensitivity(model, il11_lung, "mRNA:STAT3")
    three = {"a": il11_lung, "b": il11_lung, "c": il11_lung}
    with pytest.raises(InputError, match=r"the file holds 3 experiments \(a, b, c\); expected "
                                         "one experiment, or two named 'test' and 'control'"):
        sens.sensitivity(model, three, "phospho:STAT3")


def test_cli_writes_table_plot_and_failures(question_file, tmp_path, capsys):
    out = tmp_path / "sens"
    rc = main(["sensitivity", str(question_file), "--readout", "phospho:STAT3",
               "--parameters", DRIVER, *INERT, "--samples", "2", "--top", "2",
               "--workers", "1", "--out", str(out)])
    assert rc == 0
    text = capsys.readouterr().out
    assert "morris sensitivity of phospho:STAT3 at 1 h in lung_cancer, IL11" in text
    assert DRIVER in text and "wrote" in text
    table = pd.read_csv(out / "sensitivity.csv")
    assert table["parameter"].iloc[0] == DRIVER
    assert (out / "sensitivity.png").stat().st_size > 1000
    assert list(pd.read_csv(out / "failures.csv").columns) == ["stage", "member", "where",
                                                               "reason"]
    assert not list(out.glob(".*.tmp"))  # written atomically


def test_cli_unknown_readout_is_a_located_error(question_file, tmp_path, capsys):
    rc = main(["sensitivity", str(question_file), "--readout", "phenotype:teleport",
               "--out", str(tmp_path / "x")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "--readout: unknown phenotype 'teleport'" in err
    assert not (tmp_path / "x" / "sensitivity.csv").exists()
