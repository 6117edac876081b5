"""One job: a variant's HTML laid out, checked against its page budget, made into PDF bytes.

A job carries HTML and a few facts, never the data model, so a worker never
imports pydantic or Jinja2; this module writes no files.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from leaflets.errors import BuildFailed
from leaflets.formats import FORMATS, Format, OutputKind

if TYPE_CHECKING:
    from leaflets.render.engine import LaidOut  # WeasyPrint is imported only when something is built

_USER_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")
PADDING_MARKER = "<!-- leaflets:padding -->"
MARKS_MARKER = "<!-- leaflets:marks -->"  # a proof: printer's marks on a slug (templates/base.html)
MAX_PAGES = 60  # any format, large print included


def pad(html: str, blank_page: str, pages: int) -> str:
    """``html`` with ``pages`` blank pages where the padding partial put its marker."""
    if pages and PADDING_MARKER not in html:
        raise BuildFailed("the template has no padding marker: include partials/padding.html before the back cover")
    return html.replace(PADDING_MARKER, blank_page * pages, 1)


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


#: blank pages last added per (format, leaflet title), in this process: the guess for the next branch
_PADDING_GUESS: dict[tuple[str, str], int] = {}
#: blank pages last added per format, for any leaflet: the guess for a leaflet not seen yet
_FORMAT_GUESS: dict[str, int] = {}


def lay_out_padded(job: Job, fmt: Format) -> LaidOut:
    """Lay the job out with its padding in one pass when the guess is right, two when it is not.

    Padding (blank pages before the back cover) depends on the page count, so
    it used to take a layout to learn it and a second to add it. The guess is
    what the same leaflet needed in the same format for the branch before
    (branches differ only in a few lines), else what the last leaflet in
    that format needed (leaflets of one kind run to similar lengths), else
    none. Each blank page adds exactly one
    page (the fallback checks it), so a render with ``k`` blank pages and
    ``P`` pages had ``P - k`` pages of content; the guess was right when
    ``P`` is that count padded. Then the bytes are those of the two-pass way.
    """
    from leaflets.render.engine import lay_out  # WeasyPrint is imported only when something is built

    base, allowed = Path(job.base), [Path(a) for a in job.allowed]
    key = (job.format, job.title)
    guess = _PADDING_GUESS.get(key, _FORMAT_GUESS.get(job.format, 0)) if fmt.multiple > 1 else 0
    html = pad(job.html, job.blank_page, guess) if guess else job.html  # unpadded HTML kept as it is
    document = lay_out(html, base, allowed, job.name)
    content = document.pages - guess
    check_budget(fmt, content, document.anchors, job, document)
    wanted = fmt.padded(content)
    if wanted != document.pages:  # no guess, or a wrong one: lay out again with the right padding
        blank = wanted - content  # no blank page: the HTML as it is (marker kept), as in the one-pass way
        document = lay_out(pad(job.html, job.blank_page, blank) if blank else job.html, base, allowed, job.name)
        if document.pages != wanted:
            raise BuildFailed(f"{job.name}: padding to {wanted} pages gave {document.pages}; a layout bug")
    _PADDING_GUESS[key] = _FORMAT_GUESS[job.format] = wanted - content
    return document


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


def make_pdfs(job: Job) -> list[RenderedFile]:
    """Lay out a job, check its page budget and make its PDF bytes (no files written)."""
    fmt = FORMATS[job.format]
    if fmt.layout == "web":  # the HTML is the output: fonts and logo are already inside it
        return [RenderedFile(job.paths[0], job.html.encode("utf-8"), 0, None, job.embedded, kind="web")]
    with _content_epoch(job.epoch):
        return _pdf_files(job, fmt)


@contextmanager
def _content_epoch(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set to the content's date while a PDF is made (fontTools stamps it into
    font subsets), unless the user set one; put back as it was afterwards, so that nothing else
    in this process (a release's zip timestamps, when the PDF was made in the build's own
    process) sees it."""
    if _USER_EPOCH is not None:
        yield
        return
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def _pdf_files(job: Job, fmt: Format) -> list[RenderedFile]:
    if job.note is not None:  # a personalised print: its box must fit the room the leaflet has
        from leaflets.render.foryou import lay_out_personal

        document = lay_out_personal(job, fmt)
    else:
        document = lay_out_padded(job, fmt)
    check_text_inside(document.escaping_text(), job)
    desk = not job.bleed_mm  # print settings for the desk's printer; a print shop sets its own
    duplex = fmt.duplex if desk and fmt.layout != "dl" else None
    pdf, pages = document.pdf(duplex), document.pages
    if fmt.layout == "dl":
        from leaflets.render.impose import compose_dl

        pdf, pages = compose_dl(pdf, job.bleed_mm, job.right_to_left, fmt.duplex if desk else None), 2
    if MARKS_MARKER in job.html:  # crop marks (and DL fold marks) outside the bleed: render/marks.py
        from leaflets.render.marks import add_marks, dl_folds_mm

        pdf = add_marks(pdf, job.bleed_mm, dl_folds_mm(job.right_to_left) if fmt.layout == "dl" else ())
    root = Path(job.base).resolve()
    # Project files only: the fonts (which may lie in a .venv inside the project) are in every
    # variant's fingerprint, and what a worker's shared font configuration fetches depends on what
    # it rendered before (an Urdu leaflet's font), so listing them would make the manifest vary.
    fonts = [Path(folder).resolve() for folder in job.allowed[1:]]
    reads = tuple(sorted(str(p.relative_to(root)) for p in document.reads
                         if p.is_relative_to(root) and not any(p.is_relative_to(f) for f in fonts)))
    lines = tuple((heading_of(anchor, job.headings, job.title), int(count))
                  for anchor, (count, _) in document.section_lines().items()) if fmt.max_pages else ()
    files = [RenderedFile(job.paths[0], pdf, pages, None, reads, sections=lines)]
    if len(job.paths) > 1:
        from leaflets.render.impose import impose_booklet

        imposed = impose_booklet(pdf, job.right_to_left, fmt.companion_duplex)
        files.append(RenderedFile(job.paths[1], imposed, pages // 2, job.paths[0], reads, kind="imposed"))
    if job.thumbnail:  # re-rendered exactly when the PDF is
        from leaflets.render.thumbs import thumbnail_png

        files.append(RenderedFile(job.thumbnail, thumbnail_png(pdf), 1, job.paths[0], reads, kind="thumbnail"))
    return files
