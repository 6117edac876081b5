"""A job laid out with its padding: the blank pages a booklet or duplex sheet needs before its
back cover, in one layout pass when the guess of how many is right.

WeasyPrint (render/engine.py) is imported when a job is laid out, not with
this module: render/foryou.py imports it, and the desk names foryou's
failure (``NOTE_DOES_NOT_FIT``) without ever rendering in its own process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from leaflets.errors import BuildFailed
from leaflets.formats import Format
from leaflets.render.job import Job, check_budget

if TYPE_CHECKING:
    from leaflets.render.engine import LaidOut

PADDING_MARKER = "<!-- leaflets:padding -->"


def pad(html: str, blank_page: str, pages: int) -> str:
    """``html`` with ``pages`` blank pages where the padding partial put its marker."""
    if pages and PADDING_MARKER not in html:
        raise BuildFailed("the template has no padding marker: include partials/padding.html before the back cover")
    return html.replace(PADDING_MARKER, blank_page * pages, 1)


@dataclass
class PaddingGuesses:
    """The blank pages last added, in this process: per (format, leaflet title), the guess for
    the next branch; per format, the guess for a leaflet not seen yet."""

    by_leaflet: dict[tuple[str, str], int] = field(default_factory=dict)
    by_format: dict[str, int] = field(default_factory=dict)

    def guess(self, fmt: str, title: str) -> int:
        return self.by_leaflet.get((fmt, title), self.by_format.get(fmt, 0))

    def remember(self, fmt: str, title: str, blank: int) -> None:
        self.by_leaflet[(fmt, title)] = self.by_format[fmt] = blank

    def forget(self) -> None:
        self.by_leaflet.clear()
        self.by_format.clear()


#: the guesses of this process (a worker keeps them from job to job)
GUESSES = PaddingGuesses()


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
    from leaflets.render import engine  # noqa: PLC0415 -- WeasyPrint: 0.4-0.8 s, only when a job is laid out

    base, allowed = Path(job.base), [Path(a) for a in job.allowed]
    guess = GUESSES.guess(job.format, job.title) if fmt.multiple > 1 else 0
    html = pad(job.html, job.blank_page, guess) if guess else job.html  # unpadded HTML kept as it is
    document = engine.lay_out(html, base, allowed, job.name)
    content = document.pages - guess
    check_budget(fmt, content, document.anchors, job, document)
    wanted = fmt.padded(content)
    if wanted != document.pages:  # no guess, or a wrong one: lay out again with the right padding
        blank = wanted - content  # no blank page: the HTML as it is (marker kept), as in the one-pass way
        document = engine.lay_out(pad(job.html, job.blank_page, blank) if blank else job.html, base, allowed,
                                  job.name)
        if document.pages != wanted:
            raise BuildFailed(f"{job.name}: padding to {wanted} pages gave {document.pages}; a layout bug")
    GUESSES.remember(job.format, job.title, wanted - content)
    return document
