"""Finding and driving a headless Chromium for the browser tests (report and explorer).

The browser is the system's (Debian's ``chromium``); Playwright's Python package drives
that executable, never a browser of its own (``playwright install`` is not used).
"""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which(
    "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
NO_CHROMIUM = ("needs a headless Chromium (apt-get install chromium); the HTML itself is "
               "checked without a browser")


def playwright_missing() -> str | None:
    """Why Playwright cannot drive the browser here, or None when it can."""
    if CHROMIUM is None:
        return NO_CHROMIUM
    try:
        import playwright.sync_api  # noqa: F401
    except ModuleNotFoundError:
        return "needs Playwright's Python package (pip install playwright; no browser download)"
    return None


def launch(playwright):
    """The system Chromium under Playwright, headless, without background network traffic."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
