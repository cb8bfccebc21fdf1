"""A real ``cytonet serve`` process: it answers within seconds, binds to localhost, and 20
concurrent simulation requests all succeed with the CLI's numbers."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cytonet.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "il11_invasion.yaml"
READOUTS = ["mRNA:MMP12", "phenotype:invasion", "phospho:STAT3"]


def test_serve_binds_to_localhost_by_default():
    from cytonet.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8765


@pytest.mark.slow
def test_twenty_concurrent_requests_equal_the_cli(server, tmp_path):
    import httpx

    csv = tmp_path / "cli.csv"
    assert main(["simulate", str(EXAMPLE), "--readouts", *READOUTS, "--csv", str(csv)]) == 0
    cli = pd.read_csv(csv)
    # different questions in flight at once: the example, and its knockdown arm alone
    text = EXAMPLE.read_text()
    test_only = "experiments:\n" + text.split("experiments:\n", 1)[1].split("  control:")[0]
    bodies = [{"yaml": text if i % 2 == 0 else test_only, "readouts": READOUTS}
              for i in range(20)]

    def post(body):
        t0 = time.perf_counter()
        r = httpx.post(server + "/api/simulate", json=body, timeout=300)
        return r, time.perf_counter() - t0

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(post, bodies))
    for (r, _), body in zip(answers, bodies, strict=True):
        assert r.status_code == 200, r.text
        ans = r.json()
        assert ans["ok"], ans["problems"]
        names = {s["experiment"] for s in ans["series"]}
        assert names == ({"test", "control"} if body["yaml"] == text else {"test"})
        assert len(ans["series"]) == len(names) * len(READOUTS)
        for s in ans["series"]:
            ref = cli[(cli.experiment == s["experiment"]) & (cli.readout == s["readout"])]
            np.testing.assert_allclose(s["time_h"], ref.time_h, rtol=1e-12)
            np.testing.assert_allclose(s["value"], ref.value, rtol=1e-9, atol=1e-15)
    slowest = max(t for _, t in answers)
    print(f"20 concurrent requests: slowest answered in {slowest:.1f} s")
