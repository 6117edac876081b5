"""One job: a variant's HTML laid out, checked against its page budget, made into PDF bytes.

A job carries HTML and a few facts, never the data model, so a worker never
imports pydantic or Jinja2; this module writes no files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildFailed
from ..formats import FORMATS, Format

_USER_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")
PADDING_MARKER = "<!-- leaflets:padding -->"


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
    kind: str = "pdf"  # "pdf", "imposed", "thumbnail" or "web" (see build.outputs.Output)


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


def section_at(anchors: list[list[str]], limit: int, headings: tuple[str, ...], title: str) -> str:
    """The heading of the section that runs onto page ``limit`` (0-based)."""
    seen = [a for page in anchors[:limit] for a in page] or [a for page in anchors[limit:] for a in page]
    for anchor in reversed(seen):
        if anchor == "faq":
            return "questions (FAQ)"
        if anchor.startswith("section-"):
            return headings[int(anchor.removeprefix("section-")) - 1]
    return title


def check_budget(fmt: Format, pages: int, anchors: list[list[str]], job: Job) -> None:
    """Fail loudly, naming the section, when the content outgrows the format."""
    if fmt.max_pages is None or fmt.padded(pages) <= fmt.max_pages:
        return
    unit = "panels" if fmt.layout == "dl" else "pages"
    section = section_at(anchors, fmt.content_page_limit, job.headings, job.title)
    raise BuildFailed(
        f"{job.name}: the content needs {pages} {unit} but the format allows {fmt.max_pages}; "
        f"section {section!r} does not fit. Shorten the content or choose another format"
    )


def make_pdfs(job: Job) -> list[RenderedFile]:
    """Lay out a job, check its page budget and make its PDF bytes (no files written)."""
    fmt = FORMATS[job.format]
    if fmt.layout == "web":  # the HTML is the output: fonts and logo are already inside it
        return [RenderedFile(job.paths[0], job.html.encode("utf-8"), 0, None, job.embedded, kind="web")]
    from .engine import lay_out  # WeasyPrint is imported only when something is built

    if _USER_EPOCH is None:
        os.environ["SOURCE_DATE_EPOCH"] = str(job.epoch)  # fontTools stamps this into font subsets
    base, allowed = Path(job.base), [Path(a) for a in job.allowed]
    document = lay_out(job.html, base, allowed, job.name)
    check_budget(fmt, document.pages, document.anchors, job)
    wanted = fmt.padded(document.pages)
    if wanted != document.pages:
        document = lay_out(pad(job.html, job.blank_page, wanted - document.pages), base, allowed, job.name)
        if document.pages != wanted:
            raise BuildFailed(f"{job.name}: padding to {wanted} pages gave {document.pages}; a layout bug")
    pdf, pages = document.pdf(), document.pages
    if fmt.layout == "dl":
        from .impose import compose_dl

        pdf, pages = compose_dl(pdf, job.bleed_mm), 2
    reads = tuple(sorted(str(p.relative_to(base.resolve())) for p in document.reads if p.is_relative_to(base.resolve())))
    files = [RenderedFile(job.paths[0], pdf, pages, None, reads)]
    if len(job.paths) > 1:
        from .impose import impose_booklet

        files.append(RenderedFile(job.paths[1], impose_booklet(pdf), pages // 2, job.paths[0], reads, kind="imposed"))
    if job.thumbnail:  # re-rendered exactly when the PDF is
        from .thumbs import thumbnail_png

        files.append(RenderedFile(job.thumbnail, thumbnail_png(pdf), 1, job.paths[0], reads, kind="thumbnail"))
    return files
