"""``check`` as a library call: ``check(CheckRequest) -> CheckResult``, the gate's report.

Load and validate the data, plan the variants of the selection, make each variant's HTML
(``render.html``: Jinja2 only, never WeasyPrint, so ``check`` starts at once) and hand it to
the gate, which checks the data, the content and what the pages show on one scale. Nothing
is written. The command line prints the report and exits 2 when ``failed``.

``rendered_pages`` is also what a release merge (``commands.merge``) hands the gate: the gate
never renders, its caller does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from leaflets.gate.checks import Report, check_library
from leaflets.gate.rules.translations import failure
from leaflets.project.folder import find_project
from leaflets.project.load import Library, load_library
from leaflets.project.plan import Variant, plan_variants
from leaflets.render.html import leaflet_html


@dataclass(frozen=True)
class CheckRequest:
    """What to check: everything ``leaflets check`` accepts."""

    root: Path | None = None
    leaflets: tuple[str, ...] = ()  # empty: all, including leaflets no branch offers
    branches: tuple[str, ...] = ()  # empty: all
    strict: bool = False  # warnings fail too, as a release refuses them (for CI)
    today: dt.date | None = None  # default: today (it decides overdue reviews)

    @property
    def day(self) -> dt.date:
        return self.today or dt.date.today()


@dataclass
class CheckResult:
    library: Library
    report: Report
    failed: bool  # errors, or with ``strict`` warnings too: ``leaflets check`` exits 2

    @property
    def errors(self) -> int:
        return self.report.count("error")

    @property
    def warnings(self) -> int:
        return self.report.count("warning")


def check(request: CheckRequest) -> CheckResult:
    """The gate's report on the selection, as of ``request.day``. Raises ``UserError`` (exit 2)
    for data that does not load, an unknown leaflet or branch, or a template that does not render."""
    library = load_library(find_project(request.root))
    day = request.day
    variants = plan_variants(library, request.leaflets, request.branches)
    report = check_library(library, day, leaflets=request.leaflets, branches=request.branches,
                           rendered=rendered_pages(library, variants, day))
    failed = bool(report.count("error") or (request.strict and report.count("warning")))
    return CheckResult(library, report, failed)


def rendered_pages(library: Library, variants: list[Variant], today: dt.date) -> dict[Variant, str]:
    """Each variant's HTML, for the gate's checks on what the pages show (alt text, characters in
    the fonts). An incomplete translation is never rendered: the gate fails that variant alone."""
    return {variant: leaflet_html(library, variant, today) for variant in variants
            if failure(library, variant) is None}
