"""A job made into its files' bytes (no files written): the PDF in reading order, the imposed
companion, the catalogue's thumbnail; or a web page's HTML as it is.

Runs where the job runs: in a worker (render/workers.py imports this module
in the job, and the fork server preloads it: render/warm.py), or in the
build's process for a personalised print. It imports pypdf (render/impose.py,
render/marks.py) and pypdfium2 (render/thumbs.py); WeasyPrint is imported
when the first job is laid out (render/layout.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from leaflets.formats import FORMATS, Format
from leaflets.render.foryou import lay_out_personal
from leaflets.render.impose import compose_dl, impose_booklet
from leaflets.render.job import Job, RenderedFile, check_text_inside, heading_of
from leaflets.render.layout import lay_out_padded
from leaflets.render.marks import add_marks, dl_folds_mm
from leaflets.render.thumbs import thumbnail_png

USER_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")  # set by the user: left as it is
MARKS_MARKER = "<!-- leaflets:marks -->"  # a proof: printer's marks on a slug (templates/base.html)


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
    if USER_EPOCH is not None:
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
    # a personalised print: its box must fit the room the leaflet has
    document = lay_out_personal(job, fmt) if job.note is not None else lay_out_padded(job, fmt)
    check_text_inside(document.escaping_text(), job)
    desk = not job.bleed_mm  # print settings for the desk's printer; a print shop sets its own
    duplex = fmt.duplex if desk and fmt.layout != "dl" else None
    pdf, pages = document.pdf(duplex), document.pages
    if fmt.layout == "dl":
        pdf, pages = compose_dl(pdf, job.bleed_mm, job.right_to_left, fmt.duplex if desk else None), 2
    if MARKS_MARKER in job.html:  # crop marks (and DL fold marks) outside the bleed: render/marks.py
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
        imposed = impose_booklet(pdf, job.right_to_left, fmt.companion_duplex)
        files.append(RenderedFile(job.paths[1], imposed, pages // 2, job.paths[0], reads, kind="imposed"))
    if job.thumbnail:  # re-rendered exactly when the PDF is
        files.append(RenderedFile(job.thumbnail, thumbnail_png(pdf), 1, job.paths[0], reads, kind="thumbnail"))
    return files
