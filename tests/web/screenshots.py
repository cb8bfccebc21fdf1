"""Screenshots of the report and the explorer at 1400 px, for a reviewer (``make screenshots``).

    python tests/web/screenshots.py --report report/index.html --out report/screenshots

Starts ``cytonet serve`` on a free local port, asks the README's IL-11 / IL11RA knockdown
question in the page, and saves: ``app_experiment.png`` (builder, traces, phenotypes), ``app_logical.png`` (the same
question on the logical model: probabilities, attractors),
``app_network.png`` (the kb explain paths for IL11 -> MMP12 highlighted, an edge's
evidence open), ``app_scorecard.png`` (filtered to failures, the first one open),
``report_top.png`` (totals, failures first, the filter bar), ``report_failures.png`` (the
report filtered to failures) and ``report_network.png``. Each picture is checked: 1400 px
wide and far from blank (many distinct colours); the script exits 1 naming any that is not.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from browser_helpers import launch, playwright_missing

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 1400


def check_picture(path: Path, width: int = WIDTH) -> str | None:
    """Why the screenshot is not a usable picture, or None."""
    import matplotlib.image as mpimg
    import numpy as np

    img = mpimg.imread(path)
    if img.shape[1] != width:
        return f"{path.name}: {img.shape[1]} px wide, expected {width}"
    flat = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    n = len(np.unique(flat[::5], axis=0))
    return None if n > 60 else f"{path.name}: only {n} distinct colours (blank?)"


def start_server() -> tuple[subprocess.Popen, str]:
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get(
        "PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "cytonet", "serve", "--port", str(port)],
                            cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("cytonet serve did not answer within 60 s")


def shoot_app(pg, url: str, out: Path) -> list[Path]:
    pg.goto(url + "/")
    pg.wait_for_selector("body[data-ready='1']", timeout=60_000)
    pg.click("#load-example")
    pg.wait_for_function("document.getElementById('yaml').value.includes('IL11RA')")
    pg.fill("#members", "10")
    pg.click("#run")
    pg.wait_for_function("['done','partial','failed'].includes("
                         "document.getElementById('run-status').dataset.state)", timeout=180_000)
    pg.wait_for_timeout(500)
    shots = [out / "app_experiment.png"]
    pg.screenshot(path=shots[-1], full_page=True)
    pg.select_option("#formalism", "logical")  # the same question on the logical model
    pg.click("#run")
    pg.wait_for_function("['done','partial','failed'].includes("
                         "document.getElementById('run-status').dataset.state)", timeout=180_000)
    pg.wait_for_selector("#attractors table")
    pg.wait_for_timeout(500)
    shots.append(out / "app_logical.png")
    pg.screenshot(path=shots[-1], full_page=True)
    pg.select_option("#formalism", "ode")
    pg.click("#tab-network")
    pg.wait_for_selector("#network .scatterlayer .trace")
    pg.click("#explain-run")
    pg.wait_for_selector("#paths .edge-link")
    pg.locator("#paths .edge-link").first.click()
    pg.wait_for_timeout(300)
    shots.append(out / "app_network.png")
    pg.screenshot(path=shots[-1])
    pg.click("#tab-scorecard")
    pg.wait_for_selector("#scorecard tbody tr", timeout=180_000)
    pg.select_option("#sc-status", "FAIL")
    pg.locator("#scorecard tbody tr:not([hidden])").first.click()
    pg.wait_for_selector("#sc-plot .scatterlayer .trace", timeout=60_000)
    shots.append(out / "app_scorecard.png")
    pg.screenshot(path=shots[-1])
    return shots


def shoot_report(pg, page: Path, out: Path) -> list[Path]:
    pg.goto(page.resolve().as_uri())
    pg.wait_for_load_state("load")
    shots = [out / "report_top.png"]
    pg.screenshot(path=shots[-1], clip={"x": 0, "y": 0, "width": WIDTH, "height": 1800},
                  full_page=True)
    if pg.locator("#f-status").count():
        pg.select_option("#f-status", "FAIL")
        # the first failing card under the (sticky) filter bar
        pg.evaluate("() => { const c = [...document.querySelectorAll('.obs')].find("
                    "(x) => x.style.display !== 'none'); c.scrollIntoView(); "
                    "window.scrollBy(0, -120); }")
        shots.append(out / "report_failures.png")
        pg.screenshot(path=shots[-1])
        pg.select_option("#f-status", "")
    if pg.locator("#network").count():
        pg.locator("#network").scroll_into_view_if_needed()
        box = pg.locator("img.network").bounding_box()
        shots.append(out / "report_network.png")
        pg.screenshot(path=shots[-1], full_page=True, clip={
            "x": 0, "y": box["y"] + pg.evaluate("window.scrollY") - 60, "width": WIDTH,
            "height": box["height"] + 80})
    return shots


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", type=Path, default=ROOT / "report" / "index.html")
    ap.add_argument("--out", type=Path, default=ROOT / "report" / "screenshots")
    ap.add_argument("--no-app", action="store_true", help="only the report")
    args = ap.parse_args(argv)
    why = playwright_missing()
    if why:
        print(f"screenshots: skipped: {why}", file=sys.stderr)
        return 0
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    proc = None
    try:
        with sync_playwright() as p:
            browser = launch(p)
            pg = browser.new_page(viewport={"width": WIDTH, "height": 1000})
            if args.report.is_file():
                shots += shoot_report(pg, args.report, args.out)
            else:
                print(f"screenshots: no report at {args.report} (make report)", file=sys.stderr)
            if not args.no_app:
                proc, url = start_server()
                shots += shoot_app(pg, url, args.out)
            browser.close()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
    bad = [msg for s in shots if (msg := check_picture(s))]
    for s in shots:
        print(f"wrote {s}")
    for msg in bad:
        print(f"screenshots: {msg}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
