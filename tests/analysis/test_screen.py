"""Target and drug screens (analysis.screen and `cytonet screen`) with a few members."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cytonet.analysis import screen as scr
from cytonet.cli import main
from cytonet.errors import InputError
from cytonet.experiments.parse import load_observations
from cytonet.experiments.types import Experiment, Perturbation, Readout


def test_il11ra_knockdown_lowers_il11_pstat3_in_every_member(model, il11_lung):
    t = scr.screen(model, il11_lung, "phospho:STAT3", targets=["IL11RA", "IL7R"],
                   drugs="none", members=4, workers=1)
    by = t.set_index("perturbation")
    kd = by.loc["knockdown IL11RA (0.8)"]
    assert kd["median_log2"] < -scr.ROBUST_LOG2
    assert kd["q95_log2"] < 0 and kd["robustness"] == 1.0 and kd["n_members"] == 4
    # a knockout removes more than a knockdown; the unstimulated IL-7 receptor does nothing
    assert by.loc["knockout IL11RA", "median_log2"] < kd["median_log2"]
    assert abs(by.loc["knockdown IL7R (0.8)", "median_log2"]) < 1e-6
    assert by.loc["knockdown IL7R (0.8)", "robustness"] == 0.0
    # the two IL7R perturbations (no effect, tied) rank last
    assert set(t["perturbation"].iloc[-2:]) == {"knockdown IL7R (0.8)", "knockout IL7R"}
    assert t["rank"].iloc[0] == 1
    a = t.attrs
    assert a["at_s"] == 3600.0 and a["n_members"] == 4 and a["failures"] == []
    eff = scr.effects_frame(t)
    assert len(eff) == 4 * len(t) and set(eff["member"]) == {f"jitter-{i}" for i in range(4)}


def test_hits_list_the_curated_observations_that_support_them(model, il11_lung):
    t = scr.screen(model, il11_lung, "mRNA:MMP12", targets="IL11RA", drugs="none",
                   members=3, workers=1)
    obs, _ = load_observations(str(scr._observations_path()), catalog=model.catalog)
    expected = sorted(o.id for o in obs if o.readout == Readout("mRNA", "MMP12")
                      and o.expect in ("decrease", "abrogates")
                      and any(p.kind in ("knockdown", "knockout") and p.target == "IL11RA"
                              for p in o.test.perturbations))
    assert expected  # the curated file holds the IL11RA silencing findings
    for r in t.itertuples():
        assert r.median_log2 < 0
        assert sorted(r.supported_by.split(", ")) == expected
        assert r.support == f"supported by: {', '.join(expected)}"


def test_support_matching_by_target_readout_direction_and_context(model):
    ro = Readout("phospho", "STAT3")
    kd = (Perturbation("knockdown", "IL11RA", efficiency=0.8),)
    obs, problems = load_observations([
        {"id": "down-here", "claim": "c", "source": {"doi": "10.1000/x"}, "readout": "phospho:STAT3",
         "at": "1 h", "expect": "decrease",
         "test": {"cell": "lung_cancer", "stimuli": {"IL11": "20 ng/mL"},
                  "perturbations": [{"knockout": "IL11RA"}]},
         "control": {"cell": "lung_cancer", "stimuli": {"IL11": "20 ng/mL"}}},
        {"id": "up-elsewhere", "claim": "c", "source": {"doi": "10.1000/y"},
         "readout": "phospho:STAT3", "at": "1 h", "expect": "increase",
         "test": {"cell": "generic", "perturbations": [{"knockdown": "IL11RA"}]},
         "control": {"cell": "generic"}},
        {"id": "other-readout", "claim": "c", "source": {"doi": "10.1000/z"},
         "readout": "mRNA:SOCS3", "at": "1 h", "expect": "decrease",
         "test": {"cell": "lung_cancer", "perturbations": [{"knockdown": "IL11RA"}]},
         "control": {"cell": "lung_cancer"}},
    ], catalog=model.catalog)
    assert not problems
    sup, con = scr.supporting_observations(model, kd, ro, -1.0, obs, cell="lung_cancer")
    assert sup == ["down-here"] and con == ["up-elsewhere (generic)"]
    sup, con = scr.supporting_observations(model, kd, ro, +1.0, obs, cell="lung_cancer")
    assert sup == ["up-elsewhere (generic)"] and con == ["down-here"]
    drug = (Perturbation("drug", "anti-IL11", dose_nM=5.0),)
    assert scr.supporting_observations(model, drug, ro, -1.0, obs) == ([], [])


def test_drug_doses_are_ten_times_their_potency(model):
    perts = dict((p.target, (p, note)) for p, note in
                 scr.screen_perturbations(model, targets="none", drugs="all"))
    assert set(perts) == set(model.catalog.kb.drugs)
    for name, (p, note) in perts.items():
        d = model.catalog.kb.drugs[name]
        potency = d.targets[0].kd_nM if d.is_sequestering else d.targets[0].ic50_nM
        assert p.kind == "drug" and math.isclose(p.dose_nM, 10 * potency)
        assert note.startswith("10 x Kd" if d.is_sequestering else "10 x IC50")
    genetic = scr.screen_perturbations(model, targets="all", drugs="none")
    assert len(genetic) == 2 * len(model.interface.expression_handles)


@pytest.mark.parametrize("kw, message", [
    ({"targets": ["IL11RAA"]}, "targets: field 'IL11RAA': unknown entity 'IL11RAA'; did you "
                               "mean IL11RA"),
    ({"targets": "IL11"}, "cannot knock down IL11: the model has no synthesis of it "
                          "(perturbable: IL6R"),
    ({"drugs": "ruxolitnib"}, "drugs: field 'ruxolitnib': unknown drug 'ruxolitnib'; did you "
                              "mean ruxolitinib"),
    ({"targets": "none", "drugs": "none"}, "nothing to screen: no target and no drug"),
])
def test_bad_targets_and_drugs_say_what_was_expected(model, il11_lung, kw, message):
    with pytest.raises(InputError) as exc:
        scr.screen(model, il11_lung, "phospho:STAT3", members=1, **kw)
    assert message in str(exc.value)


def test_the_test_experiment_of_a_pair_is_screened(model, il11_lung):
    with pytest.raises(InputError, match="expected one experiment, or one named 'test'"):
        scr.screen(model, {"a": il11_lung, "b": il11_lung}, "phospho:STAT3", members=1)
    exps = {"control": Experiment(cell="lung_cancer"), "test": il11_lung}
    t = scr.screen(model, exps, "phospho:STAT3", targets="IL11RA", drugs="none",
                   members=1, workers=1)
    assert "lung_cancer, IL11" in t.attrs["quantity"]


def test_cli_screen_with_pairs_writes_its_files(question_file, tmp_path, capsys):
    out = tmp_path / "scr"
    rc = main(["screen", str(question_file), "--readout", "phospho:STAT3",
               "--targets", "IL11RA", "--drugs", "anti-IL11", "--pairs", "--members", "2",
               "--workers", "1", "--out", str(out)])
    assert rc == 0
    text = capsys.readouterr().out
    assert "top 3 single perturbations:" in text and "top 2 pairs:" in text
    assert "knockdown IL11RA (0.8)" in text and "robust" in text
    table = pd.read_csv(out / "screen.csv")
    assert set(table["kind"]) == {"knockdown", "knockout", "drug", "pair"}
    # knockdown and knockout of one target are not paired
    assert sorted(table.loc[table["kind"] == "pair", "perturbation"]) == [
        "anti-IL11 5 nM + knockdown IL11RA (0.8)", "knockout IL11RA + anti-IL11 5 nM"]
    assert table.loc[table["kind"] == "pair", "interaction_log2"].notna().all()
    eff = pd.read_csv(out / "effects.csv")
    assert len(eff) == 2 * len(table)
    assert (out / "screen.png").stat().st_size > 1000 and (out / "failures.csv").exists()


def test_cli_unknown_target_is_a_located_error(question_file, tmp_path, capsys):
    rc = main(["screen", str(question_file), "--readout", "phenotype:invasion",
               "--targets", "NOTAGENE", "--out", str(tmp_path / "x")])
    assert rc == 2
    assert "targets: field 'NOTAGENE': unknown entity 'NOTAGENE'" in capsys.readouterr().err
