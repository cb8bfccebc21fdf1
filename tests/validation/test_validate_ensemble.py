"""validate --ensemble: every observation judged on every member by the same judge."""

from __future__ import annotations

import json

import numpy as np

OBS = """\
- id: il6-pstat3-up
  claim: IL-6 raises pSTAT3.
  source: {doi: 10.1042/BJ20030407}
  readout: phospho:STAT3
  at: 30 min
  test: {cell: hepatocyte, stimuli: {IL6: 20 ng/mL}}
  control: {cell: hepatocyte}
  expect: increase
  fold: 2
- id: il6-pstat3-up-absurd
  claim: An effect no member reaches (a control on the fractions).
  source: {doi: 10.1042/BJ20030407}
  readout: phospho:STAT3
  at: 30 min
  test: {cell: hepatocyte, stimuli: {IL6: 20 ng/mL}}
  control: {cell: hepatocyte}
  expect: increase
  fold: 1000
"""


def test_fractions_per_observation_and_member_pass_rates(tmp_path):
    from cytonet.experiments.parse import load_observations
    from cytonet.experiments.runner import get_simulator
    from cytonet.validation.ensemble import validate_ensemble

    f = tmp_path / "obs.yaml"
    f.write_text(OBS, encoding="utf-8")
    obs, problems = load_observations(str(f))
    assert not problems
    model = get_simulator().model
    theta = model.interface.jitter(4, 0.2, seed=2)
    theta[3, :] = np.nan  # a member that cannot run: counts as not passing, listed
    ens = validate_ensemble(obs, model, theta, description="test", workers=1)
    assert ens.fractions["il6-pstat3-up"] == 0.75
    assert ens.fractions["il6-pstat3-up-absurd"] == 0.0
    assert list(ens.member_pass_rates) == [0.5, 0.5, 0.5, 0.0]
    assert list(ens.failed_members) == ["member-3"]
    assert "steady state" in ens.failed_members["member-3"]


def test_cli_json_carries_ensemble_fractions(tmp_path, capsys):
    from cytonet.cli import main

    f = tmp_path / "obs.yaml"
    f.write_text(OBS, encoding="utf-8")
    rc = main(["validate", "--observations", str(f), "--json", "--ensemble", "2",
               "--jitter", "0.1", "--workers", "1"])
    doc = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert doc["ensemble"]["members"] == 2
    frac = {r["id"]: r["ensemble_fraction"] for r in doc["results"]}
    assert frac == {"il6-pstat3-up": 1.0, "il6-pstat3-up-absurd": 0.0}


def test_report_shows_a_robustness_bar(tmp_path, capsys):
    from cytonet.cli import main

    f = tmp_path / "obs.yaml"
    f.write_text(OBS, encoding="utf-8")
    rc = main(["report", "--out", str(tmp_path / "r"), "--observations", str(f),
               "--ensemble", "2", "--workers", "1"])
    assert rc == 0
    err = capsys.readouterr().err
    assert "cytonet report: ensemble members 2/2 (" in err
    assert "cytonet report: ensemble of 2 members done in " in err
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="robust"') == 2 and "100 % of members" in html
    doc = json.loads((tmp_path / "r" / "scorecard.json").read_text(encoding="utf-8"))
    assert doc["ensemble"]["members"] == 2


def test_drivers_are_the_parameters_that_move_the_margin():
    from cytonet.validation.ensemble import ensemble_drivers

    rng = np.random.default_rng(0)
    n, k, n_noise = 100, 30, 200
    theta = np.exp(0.3 * rng.standard_normal((n, k)))
    ids = [f"p{j}" for j in range(k)]
    theta[:, 5] = 1.0  # a fixed parameter never counts
    margin = 2 * np.log(theta[:, 3]) - np.log(theta[:, 7]) + 0.05 * rng.standard_normal(n)
    noise = rng.standard_normal((n, n_noise))
    M = np.column_stack([margin, margin + 10, margin, noise])
    M[0, 2] = -np.inf  # a failed member ranks lowest, it is not dropped
    P = M > 0
    names = ["a", "all-pass", "with-failure"] + [f"noise{i}" for i in range(n_noise)]
    out = ensemble_drivers(theta, ids, M, names, P, top=3)
    assert [p for p, _ in out["a"]] == ["p3", "p7"]
    (_, rho3), (_, rho7) = out["a"]
    assert rho3 > 0.8 and -0.6 < rho7 < -0.3
    assert "all-pass" not in out  # every member passes: no driver to look for
    assert [p for p, _ in out["with-failure"]] == ["p3", "p7"]
    # margins unrelated to any parameter: the Bonferroni correction keeps the share of
    # observations with a reported (false) driver near alpha = 0.05, not near 1
    false = sum(bool(out[f"noise{i}"]) for i in range(n_noise))
    assert false / n_noise <= 0.1


def test_cli_drivers_in_json_and_refused_without_an_ensemble(tmp_path, capsys):
    from cytonet.cli import main

    f = tmp_path / "obs.yaml"
    f.write_text(OBS, encoding="utf-8")
    rc = main(["validate", "--observations", str(f), "--json", "--ensemble", "4",
               "--jitter", "0.3", "--drivers", "2", "--workers", "1"])
    doc = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert set(doc["ensemble"]["drivers"]) <= {"il6-pstat3-up", "il6-pstat3-up-absurd"}
    assert all(r["ensemble_drivers"] == [] or r["id"] == "il6-pstat3-up"
               for r in doc["results"])
    assert main(["validate", "--observations", str(f), "--drivers", "2"]) == 2
    assert "--drivers needs --ensemble N" in capsys.readouterr().err
