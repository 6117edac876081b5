"""One job: a variant's HTML and the few facts a worker needs to render it, what it gives back,
and the checks on its layout (page budget, text inside the page).

A job carries HTML and a few facts, never the data model, so a worker never
imports pydantic or Jinja2. This module imports nothing heavy: the build's
process imports it to make jobs; the rendering itself is in render/layout.py
(padding), render/foryou.py (a personalised print) and render/pdfs.py (the
PDF bytes), which import it and never the other way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from leaflets.errors import BuildFailed
from leaflets.formats import Format, OutputKind

if TYPE_CHECKING:
    from leaflets.render.engine import LaidOut  # WeasyPrint is imported only when something is built

MAX_PAGES = 60  # any format, large print included


@dataclass(frozen=True)
class RenderedFile:
    path: str
    data: bytes
    pages: int
    companion_of: str | None
    reads: tuple[str, ...] = ()  # project files the render read, relative to the project
    kind: OutputKind = "pdf"
    sections: tuple[tuple[str, int], ...] = ()  # (heading, lines) of a printed leaflet: to tell what grew


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to render one variant: no data model, just HTML and facts."""

    name: str
    html: str
    blank_page: str
    format: str
    bleed_mm: float
    paths: tuple[str, ...]  # the reading-order file, then the imposed companion if any
    headings: tuple[str, ...]  # section headings, to name the one that does not fit
    title: str
    epoch: int  # the content date, for reproducible font subsets
    base: str
    allowed: tuple[str, ...]
    thumbnail: str | None = None  # where the PNG of page 1 goes, for the staff catalogue
    embedded: tuple[str, ...] = ()  # a web page: the project files its HTML holds (logo), relative
    note: str | None = None  # a personalised print: the note as typed, to tell how much of it fits (render/foryou.py)
    previous: tuple[tuple[str, int], ...] = ()  # (heading, lines) at the last good build, from the manifest

    @property
    def right_to_left(self) -> bool:
        """The page's direction as the template set it on <html>: a right-to-left booklet is bound
        on the right, and its DL sheet mirrored."""
        start = self.html.find("<html")
        return start >= 0 and 'dir="rtl"' in self.html[start:self.html.find(">", start)]


class OverBudget(BuildFailed):
    """The content needs more pages than the format allows."""


def section_at(anchors: list[list[str]], limit: int, headings: tuple[str, ...], title: str) -> str:
    """The heading of the section that runs onto page ``limit`` (0-based)."""
    seen = [a for page in anchors[:limit] for a in page] or [a for page in anchors[limit:] for a in page]
    for anchor in reversed(seen):
        if anchor == "faq":
            return "questions (FAQ)"
        if anchor.startswith("section-"):
            return headings[int(anchor.removeprefix("section-")) - 1]
    return title


def heading_of(anchor: str, headings: tuple[str, ...], title: str) -> str:
    """The heading a section's id (``section-N`` or ``faq``) stands for."""
    if anchor == "faq":
        return "questions (FAQ)"
    number = int(anchor.removeprefix("section-"))
    return headings[number - 1] if 0 < number <= len(headings) else title


def check_budget(fmt: Format, pages: int, anchors: list[list[str]], job: Job, document: LaidOut | None = None) -> None:
    """Fail loudly when the content outgrows the format: how much is too much (lines and
    millimetres, measured in the layout), the format's budget, the largest section and the one
    that does not fit, and what can be done."""
    if pages > MAX_PAGES:  # large print has no budget, but no leaflet needs more than this
        raise BuildFailed(f"{job.name}: the content needs {pages} pages; at most {MAX_PAGES} are allowed. "
                          "Shorten the content or split it into several leaflets")
    if fmt.max_pages is None or fmt.padded(pages) <= fmt.max_pages:
        return
    unit = "panels" if fmt.layout == "dl" else "pages"
    limit = fmt.content_page_limit
    assert limit is not None  # set whenever max_pages is, and max_pages is set here (returned above)
    section = section_at(anchors, limit, job.headings, job.title)
    budget = f"the format allows {fmt.max_pages} {unit}" + (f" ({fmt.budget})" if fmt.budget else "")
    excess = largest = ""
    if document is not None:
        beyond = document.section_lines(limit, pages - fmt.back_pages if fmt.back_pages else None)
        lines, mm = sum(int(v[0]) for v in beyond.values()), sum(v[1] for v in beyond.values())
        if lines:
            excess = f"; about {lines} lines ({mm:.0f} mm) too many"
        every = {heading_of(a, job.headings, job.title): int(v[0]) for a, v in document.section_lines().items()}
        before = dict(job.previous)
        grown = max(((h, n - before[h]) for h, n in every.items() if h in before), key=lambda i: i[1], default=None)
        if grown and grown[1] > 0:  # what changed since the last build that fitted
            largest = f"; section {grown[0]!r} grew by {grown[1]} lines since the last good build"
        elif every:
            heading, count = max(every.items(), key=lambda item: item[1])
            largest = f"; the largest section is {heading!r} ({count} lines)"
    options = "shorten the content"
    if fmt.short_version:
        options += ", mark a section a clinician agrees is not needed for safety `full_version_only: true`"
    options += ", or choose another format"
    raise OverBudget(
        f"{job.name}: the content needs {pages} {unit} but {budget}{excess}; "
        f"section {section!r} does not fit{largest}. To fix: {options}"
    )


def check_text_inside(escaping: tuple[int, str | None, str] | None, job: Job) -> None:
    """Text that runs off the page is a failure naming the section, like content that does not fit."""
    if escaping:
        page, anchor, text = escaping
        section = section_at([[anchor] if anchor else []], 1, job.headings, job.title)
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise BuildFailed(
            f"{job.name}: text runs off page {page} in section {section!r}: {shown!r} cannot be broken to fit "
            "its line; shorten it, or keep overflow-wrap: anywhere in the stylesheet"
        )
