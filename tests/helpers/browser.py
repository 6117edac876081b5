"""A real Chromium for the catalogue and web page tests, driven by Playwright.

The browser is the machine's own (Debian's ``chromium``), never a download:
``LEAFLETS_CHROMIUM`` names it, else it is looked up on PATH. ``.ci/run``
installs it with apt-get when it is missing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-default-apps",
        "--disable-extensions", "--disable-features=MediaRouter,OptimizationHints,Translate"]


def chromium_path() -> str:
    """The Chromium to use; fails (never skips) with the fix when there is none."""
    named = os.environ.get("LEAFLETS_CHROMIUM")
    found = named or next((shutil.which(name) for name in CANDIDATES if shutil.which(name)), None)
    if not found or not Path(found).is_file():
        raise AssertionError(
            f"no Chromium found ({'LEAFLETS_CHROMIUM=' + named if named else 'chromium on PATH'}): "
            "install it with `sudo apt-get install chromium` or set LEAFLETS_CHROMIUM to its path"
        )
    return found


class Requests:
    """Every request the pages make; anything that is not a local file or inline data is blocked."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def outside(self) -> list[str]:
        return [url for url in self.seen if not url.startswith(("file://", "data:", "about:"))]

    def attach(self, context) -> None:
        context.on("request", lambda request: self.seen.append(request.url))

        def block(route) -> None:
            url = route.request.url
            if url.startswith(("file://", "data:")):
                route.continue_()
            else:
                self.seen.append(url)
                route.abort()

        context.route("**/*", block)


def serious(axe_response: dict) -> list[str]:
    """axe-core violations of serious or critical impact, one line each."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in axe_response["violations"] if v.get("impact") in ("serious", "critical")
    ]
