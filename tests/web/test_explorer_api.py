"""The explorer's endpoints without a browser: the same located errors and numbers as the CLI,
input limits, errors that leave the server running, the page's assets served locally."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("starlette", reason="cytonet serve needs the 'serve' extra")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")

with warnings.catch_warnings():  # Starlette 1.x prefers httpx2; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient  # noqa: E402

from cytonet.cli import main  # noqa: E402
from cytonet.cli.simulate import load_experiments  # noqa: E402
from cytonet.errors import SimulationError  # noqa: E402
from cytonet.web import service  # noqa: E402
from cytonet.web.app import create_app  # noqa: E402

# Starlette 1.x prefers httpx2 for its TestClient; httpx still works and is what we install
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "il11_invasion.yaml"
FORM = {"experiments": [
    {"name": "test", "cell": "lung_cancer", "stimuli": [["IL11", "20 ng/mL"]],
     "conditions": [["glucose", "0.5 mM"]],
     "perturbations": [{"kind": "knockdown", "target": "IL11RA", "efficiency": "0.8"}]},
    {"name": "control", "cell": "lung_cancer", "stimuli": [["IL11", "20 ng/mL"]],
     "conditions": [["glucose", "0.5 mM"]], "perturbations": []}]}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


def test_page_and_assets_are_served_locally_without_cdn(client):
    page = client.get("/")
    assert page.status_code == 200
    srcs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert srcs and all(s.startswith("/assets/") for s in srcs), srcs
    for s in srcs:
        r = client.get(s)
        assert r.status_code == 200 and len(r.content) > 1000, s
    assert "plotly" in client.get("/assets/plotly.min.js").text[:2000].lower()
    js = client.get("/assets/app.js").text
    assert "http://" not in js and "https://" not in js
    assert client.get("/assets/../service.py").status_code == 404


def test_builder_yaml_is_what_cytonet_simulate_reads(client, tmp_path):
    r = client.post("/api/yaml", json=FORM)
    assert r.status_code == 200, r.text
    text = r.json()["yaml"]
    path = tmp_path / "exp.yaml"
    path.write_text(text)
    assert load_experiments(path) == load_experiments(EXAMPLE)
    assert [e["as_written"] for e in r.json()["experiments"]] == [
        "lung_cancer, IL11 20 ng/mL, glucose 0.5 mM, knockdown IL11RA (0.8)",
        "lung_cancer, IL11 20 ng/mL, glucose 0.5 mM"]


def test_bad_experiment_gives_the_cli_located_error(client, tmp_path, capsys):
    bad = EXAMPLE.read_text().replace("knockdown: IL11RA", "knockdown: IL11RX")
    path = tmp_path / "experiment.yaml"
    path.write_text(bad)
    assert main(["simulate", str(path)]) == 2
    cli_msg = capsys.readouterr().err.strip().removeprefix("cytonet: error: ")
    r = client.post("/api/simulate", json={"yaml": bad})
    assert r.status_code == 422
    web = r.json()["problems"]
    assert len(web) == 1 and "IL11RX" in web[0] and "did you mean IL11RA" in web[0]
    # the same message, line and field; only the file name differs
    assert web[0].split(": ", 1)[1] == cli_msg.split(": ", 1)[1]
    assert web[0].startswith("experiment.yaml:")
    # a perturbation dose without a unit, from the builder
    form = {"experiments": [{"name": "x", "cell": "lung_cancer", "perturbations": [
        {"kind": "drug", "target": "ruxolitinib", "dose": "1"}]}]}
    probs = client.post("/api/yaml", json=form).json()["problems"]
    assert probs and "perturbations[0].dose" in probs[0]


def test_simulation_equals_the_cli(client, tmp_path):
    csv = tmp_path / "cli.csv"
    assert main(["simulate", str(EXAMPLE), "--readouts", "mRNA:MMP12", "phenotype:invasion",
                 "--csv", str(csv)]) == 0
    cli = pd.read_csv(csv)
    ans = client.post("/api/simulate", json={"yaml": EXAMPLE.read_text(),
                                             "readouts": ["mRNA:MMP12", "phenotype:invasion"]})
    assert ans.status_code == 200, ans.text
    body = ans.json()
    assert body["ok"] and not body["problems"]
    for s in body["series"]:
        ref = cli[(cli.experiment == s["experiment"]) & (cli.readout == s["readout"])]
        assert s["unit"] == ref.unit.iloc[0]
        np.testing.assert_allclose(s["time_h"], ref.time_h, rtol=1e-12)
        np.testing.assert_allclose(s["value"], ref.value, rtol=1e-9)
    by = {(s["experiment"], s["readout"]): s["value"][-1] for s in body["series"]}
    assert by[("test", "mRNA:MMP12")] < 0.9 * by[("control", "mRNA:MMP12")]
    ph = body["phenotypes"]
    assert set(ph) == {"test", "control"} and ph["test"]["invasion"] < ph["control"]["invasion"]
    assert ph["control"]["invasion"] == pytest.approx(by[("control", "phenotype:invasion")])


def test_uncertainty_bands_bracket_the_nominal_trace(client):
    ans = client.post("/api/simulate", json={"yaml": EXAMPLE.read_text(),
                                             "readouts": ["mRNA:MMP12"], "members": 8,
                                             "points": 13}).json()
    for s in ans["series"]:
        lo, hi, v = map(np.asarray, (s["q05"], s["q95"], s["value"]))
        assert s["n_members"] >= 6
        assert np.all(lo <= hi) and np.any(hi > lo)
        assert np.all(lo[1:] <= v[1:] * 1.5) and np.all(hi[1:] >= v[1:] / 1.5)


def test_limits_and_errors_leave_the_server_running(client, monkeypatch):
    big = "#" * (service.LIMITS["body_bytes"] + 10)
    r = client.post("/api/simulate", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    r = client.post("/api/simulate", content="{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "not JSON" in r.json()["problems"][0]
    many = "experiments:\n" + "".join(f"  e{i}: {{cell: hepatocyte}}\n" for i in range(20))
    r = client.post("/api/simulate", json={"yaml": many})
    assert r.status_code == 422 and "at most 12 experiments" in r.json()["problems"][0]
    r = client.post("/api/simulate", json={"yaml": EXAMPLE.read_text(), "points": 10**6})
    assert r.status_code == 422 and "points" in r.json()["problems"][0]
    r = client.post("/api/simulate", json={"yaml": EXAMPLE.read_text(), "until": "3 years"})
    assert r.status_code == 422 and "until" in r.json()["problems"][0]

    import cytonet.cli.simulate as cli_simulate

    def broken(*a, **k):
        raise SimulationError("experiment 'test': CVODE failed at t = 1 s (a test)")

    monkeypatch.setattr(cli_simulate, "simulate_frame", broken)
    r = client.post("/api/simulate", json={"yaml": EXAMPLE.read_text()})
    assert r.status_code == 422 and "CVODE failed" in r.json()["problems"][0]

    def crash(*a, **k):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli_simulate, "simulate_frame", crash)
    r = client.post("/api/simulate", json={"yaml": EXAMPLE.read_text()})
    assert r.status_code == 500 and "ZeroDivisionError: a bug" in r.json()["problems"][0]
    monkeypatch.undo()
    assert client.get("/api/health").json() == {"ok": True}
    assert client.post("/api/simulate", json={"yaml": EXAMPLE.read_text()}).json()["ok"]


def test_network_explain_and_evidence(client):
    net = client.get("/api/network").json()
    ids = {n["id"] for n in net["nodes"]}
    assert {"IL11", "IL11RA", "MMP12", "ruxolitinib", "invasion"} <= ids
    edge = next(e for e in net["edges"] if e["id"] == "IL11-binds-IL11RA")
    assert any(link["url"].startswith("https://doi.org/") for ev in edge["evidence"]
               for link in ev["links"])
    ex = client.get("/api/explain", params={"source": "IL-11", "target": "MMP12"}).json()
    assert ex["ok"] and ex["n_paths"] >= 1
    assert ex["paths"][0]["text"].startswith("[+] IL11 -(binds)-> IL11RA")
    edge_ids = {e["id"] for e in net["edges"]}
    assert all(e["id"] in edge_ids for p in ex["paths"] for e in p["edges"])
    bad = client.get("/api/explain", params={"source": "IL11X", "target": "MMP12"})
    assert bad.status_code == 422 and "IL11X" in bad.json()["problems"][0]
    deep = client.get("/api/explain", params={"source": "IL11", "target": "MMP12",
                                              "max_length": "40"})
    assert deep.status_code == 422 and "1 to 8 steps" in deep.json()["problems"][0]


@pytest.mark.slow
def test_scorecard_rows_and_traces(client):
    card = client.get("/api/scorecard").json()
    assert card["total"] == len(card["rows"]) == card["passed"] + card["failed"] + card["errors"]
    fails = [r for r in card["rows"] if r["status"] == "FAIL"]
    assert len(fails) == card["failed"]
    assert {r["system"] for r in card["rows"]} <= set(card["systems"])
    row = card["rows"][0]
    tr = client.get(f"/api/observation/{row['id']}").json()
    assert tr["id"] == row["id"] and tr["traces"] and tr["unit"] in ("nM", "score")
    assert client.get("/api/observation/no-such-thing").status_code == 422


def test_logical_view_runs_the_same_experiments_as_the_cli(client, tmp_path):
    """The switch to the logical model: the page's run equals `cytonet logical simulate`
    (same MaBoSS seed and trajectories), as probabilities, with the attractors."""
    pytest.importorskip("mpbn", reason="the logical view needs the 'logical' extra")
    pytest.importorskip("cmaboss", reason="the logical view needs the 'logical' extra")
    csv = tmp_path / "logical.csv"
    assert main(["logical", "simulate", str(EXAMPLE), "--readouts", "mRNA:MMP12",
                 "phospho:STAT3", "--points", "13", "--trajectories", "500",
                 "--csv", str(csv)]) == 0
    cli = pd.read_csv(csv)
    r = client.post("/api/simulate", json={
        "yaml": EXAMPLE.read_text(), "readouts": ["mRNA:MMP12", "phospho:STAT3", "mRNA:IL11"],
        "points": 13, "formalism": "logical", "trajectories": 500})
    body = r.json()
    assert body["formalism"] == "logical"
    # an entity the logical model has no node for is named; the rest still runs
    assert len(body["problems"]) == 1 and "mRNA:IL11" in body["problems"][0]
    assert {(s["experiment"], s["readout"]) for s in body["series"]} == {
        (e, ro) for e in ("test", "control") for ro in ("mRNA:MMP12", "phospho:STAT3")}
    for s in body["series"]:
        assert s["unit"] == "P(ON)"
        v = np.asarray(s["value"])
        assert np.all((v >= 0) & (v <= 1))
        ref = cli[(cli.experiment == s["experiment"]) & (cli.readout == s["readout"])]
        assert s["node"] == ref.node.iloc[0]
        np.testing.assert_allclose(np.interp(ref.time_h, s["time_h"], s["value"]),
                                   ref.value, atol=1e-12)
    # the knockdown delays IL-11's STAT3 activation in the logical model as well
    by = {(s["experiment"], s["readout"]): np.asarray(s["value"]) for s in body["series"]}
    t = np.asarray(body["series"][0]["time_h"])
    early = (t > 0) & (t <= 2)
    assert by["test", "phospho:STAT3"][early].mean() < 0.5 * by["control", "phospho:STAT3"][early].mean()
    assert set(body["attractors"]) == {"test", "control"}
    assert all(a["reachable"] is not None for atts in body["attractors"].values() for a in atts)
    assert any(a["reachable"] for a in body["attractors"]["control"])
    assert {"invasion", "proliferation"} <= set(body["phenotypes"]["control"])
    bad = client.post("/api/simulate", json={"yaml": EXAMPLE.read_text(), "formalism": "petri"})
    assert bad.status_code == 422 and "formalism" in bad.json()["problems"][0]
    few = client.post("/api/simulate", json={"yaml": EXAMPLE.read_text(),
                                             "formalism": "logical", "trajectories": 5})
    assert few.status_code == 422 and "trajectories" in few.json()["problems"][0]


def test_logical_verdicts_beside_the_ode_ones(tmp_path):
    """The scorecard's logical column: the same verdicts as `validate --formalism both`."""
    pytest.importorskip("mpbn", reason="the logical view needs the 'logical' extra")
    pytest.importorskip("cmaboss", reason="the logical view needs the 'logical' extra")
    import yaml as pyyaml

    from cytonet.cli.validate import default_observations_file
    from cytonet.logical.validate import compare, validate_logical
    from cytonet.validation.run import validate_file

    items = pyyaml.safe_load(default_observations_file().read_text())
    keep = [o for o in items if o["id"] in ("il6-pstat3-induction", "il6-socs3-mrna-rapid",
                                            "il6-pstat3-transient-kinetics")]
    path = tmp_path / "three.yaml"
    path.write_text(pyyaml.safe_dump(keep, sort_keys=False))
    got = service.logical_verdicts([path])
    assert got["ok"] and set(got["verdicts"]) == {o["id"] for o in keep}
    ref = compare(validate_file([str(path)]), validate_logical([str(path)]))
    assert {r["id"]: r["logical"] for r in ref.rows} == {
        i: v["status"] for i, v in got["verdicts"].items()}
    assert got["summary"] == ref.summary() and got["compared"] == len(ref.compared)
    assert service.logical_verdicts([path]) == got  # cached
