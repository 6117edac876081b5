"""HTML to PDF with WeasyPrint: the only module that imports it.

The pool may read only files inside the project and the font package.
Anything else (another local file, the network, any other scheme) stops the
render with an error naming the address. Every file is resolved through its
symlinks before it is read, must be a regular file of bounded size, and every
image (file or ``data:`` URI) is checked for its pixel count, completeness and
SVG complexity before WeasyPrint sees it (``project/files.py``). After layout,
text that runs off the page is found so the build can name the section.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import mimetypes
import multiprocessing
import multiprocessing.util
import os
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint import HTML
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from leaflets.errors import BuildFailed
from leaflets.project.files import MAX_FILE_BYTES, UnsafeFile, image_problem, is_svg, read_regular_file, resolve_inside
from leaflets.render import compat

TOLERANCE_PX = 1.0  # rounding in the layout engine
RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff")


class ForbiddenResource(FatalURLFetchingError):
    """A document asked for something outside the project."""


class ProjectFetcher(URLFetcher):
    """Serves ``data:`` URLs and files under the allowed folders; refuses the rest.

    Every refusal is also recorded, because WeasyPrint swallows exceptions
    while drawing SVG images: the build checks ``refused`` after each stage.
    Every file served is recorded in ``reads``, so the build can tell when
    any file a render used (a logo anywhere in the project, a stylesheet
    reached through ``@import``) changes.
    """

    def __init__(self, allowed: list[Path]) -> None:
        super().__init__(timeout=1, allowed_protocols={"file", "data"}, allow_redirects=False)
        self.allowed = [folder.resolve() for folder in allowed]
        self.refused: list[str] = []
        #: every file served, resolved, in the order first read (for the change detector)
        self.reads: list[Path] = []

    def refuse(self, message: str) -> ForbiddenResource:
        self.refused.append(message)
        return ForbiddenResource(message)

    def fetch(self, url: str, headers: dict | None = None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            response = super().fetch(url, headers)
            data = response.read()
            problem = image_problem(data, response.content_type)
            if problem:
                raise self.refuse(f"an embedded data: image {problem}")
            return URLFetcherResponse(response.url, data, {"Content-Type": response.headers["Content-Type"] or ""})
        if scheme == "file":
            parts = urlsplit(url)
            path = Path(unquote(parts.path))
            root = next((a for a in self.allowed if path.is_relative_to(a)), None)
            if parts.netloc not in ("", "localhost") or root is None:
                raise self.refuse(f"refused to read {path}: only files inside the project may be used")
            shown = path.relative_to(root) if root == self.allowed[0] else path  # the project's files: relative
            try:
                resolved = resolve_inside(path, root)  # follows every symlink: a link out is refused
                data = read_regular_file(resolved, MAX_FILE_BYTES)
            except UnsafeFile as error:
                raise self.refuse(f"refused to read {shown}: it {error}") from None
            mime_type = mimetypes.guess_type(resolved.name)[0]
            if is_svg(data) and mime_type != "image/svg+xml" and resolved.suffix.lower() in RASTER_SUFFIXES:
                raise self.refuse(f"image {shown} is an SVG image with a raster name; rename it to .svg")
            problem = image_problem(data, mime_type)
            if problem:
                raise self.refuse(f"image {shown} {problem}")
            if resolved not in self.reads:
                self.reads.append(resolved)
            return URLFetcherResponse(
                resolved.as_uri(), data, {"Content-Type": mime_type or "application/octet-stream"}
            )
        raise self.refuse(f"refused to fetch {url[:200]}: leaflets never use the network or other schemes")


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class LaidOut:
    """A laid-out document: its page count and anchors, and its PDF on demand."""

    def __init__(self, document, identifier: bytes, fetcher: ProjectFetcher, what: str) -> None:
        self._document = document
        self._identifier = identifier
        self._fetcher = fetcher
        self._what = what
        self.pages = len(document.pages)
        #: the element ids (anchors) on each page, to tell which section overflowed
        self.anchors: list[list[str]] = [list(page.anchors) for page in document.pages]

    @property
    def reads(self) -> list[Path]:
        """Every project (or font) file the renderer has read so far, resolved: layout reads
        stylesheets, fonts and images; ``pdf()`` may read more."""
        return list(self._fetcher.reads)

    def escaping_text(self) -> tuple[int, str | None, str] | None:
        """The first text that runs outside its page's content area after layout (a word too
        long for any line in a box that cannot wrap), as (page number, enclosing section id,
        the text); None when all text is inside. Text in the page margins (running footers)
        is checked against the page itself."""
        def walk(box, anchor, left, right):
            element_id = box.element.get("id") if getattr(box, "element", None) is not None else None
            if element_id and (element_id.startswith("section-") or element_id == "faq"):
                anchor = element_id
            if (
                isinstance(box, boxes.TextBox)
                and box.text.strip()
                and (box.position_x < left - TOLERANCE_PX or box.position_x + box.width > right + TOLERANCE_PX)
            ):
                return anchor, box.text.strip()
            style = getattr(box, "style", None)
            if style is not None and (style["overflow"] != "visible" or style["transform"]):
                return None  # clipped on purpose, or turned (the draft mark): positions are not final
            for child in getattr(box, "children", ()):
                found = walk(child, anchor, left, right)
                if found:
                    return found
            return None

        for number, page in enumerate(self._document.pages, 1):
            page_box = compat.page_box(page)
            content_left = page_box.content_box_x()
            for child in page_box.children:
                if isinstance(child, boxes.MarginBox):
                    found = walk(child, None, 0, page_box.margin_width())
                else:
                    found = walk(child, None, content_left, content_left + page_box.width)
                if found:
                    return number, found[0], found[1]
        return None

    def section_lines(self, first_page: int = 0, end_page: int | None = None) -> dict[str, list[float]]:
        """Lines of text per section (its id: ``section-N`` or ``faq``) on pages ``first_page`` to
        ``end_page`` (0-based, end excluded): for each, [lines, millimetres of those lines]. For
        the message when content outgrows its format (only then: it walks every box)."""
        found: dict[str, list[float]] = {}

        def walk(box, anchor: str | None) -> None:
            element = getattr(box, "element", None)
            element_id = element.get("id") if element is not None else None
            if element_id and (element_id.startswith("section-") or element_id == "faq"):
                anchor = element_id
            if isinstance(box, boxes.LineBox):
                if anchor is not None and any(isinstance(c, boxes.TextBox) and c.text.strip()
                                              for c in box.descendants()):
                    entry = found.setdefault(anchor, [0, 0.0])
                    entry[0] += 1
                    entry[1] += box.height * 25.4 / 96
                return
            for child in getattr(box, "children", ()):
                walk(child, anchor)

        for page in self._document.pages[first_page:end_page]:
            walk(compat.page_box(page), None)
        return found

    def room_overflow_mm(self) -> float:
        """How far what is in the room for the "For you" box (templates/partials/room.html) runs
        past the room's bottom, in millimetres (0 when it fits, or when there is no room). A
        personalised print has the rack copy's pages only if its box stays inside its room."""
        worst = 0.0
        for page in self._document.pages:
            for room in _boxes_with_id(compat.page_box(page), "room"):
                bottom = room.content_box_y() + room.height
                for child in getattr(room, "children", ()):
                    worst = max(worst, child.border_box_y() + child.border_height() - bottom)  # margins may collapse
        return max(0.0, worst) * 25.4 / 96

    def pdf(self, duplex: str | None = None) -> bytes:
        """The tagged PDF (PDF/UA-1); with ``duplex`` ("DuplexFlipLongEdge" or
        "DuplexFlipShortEdge"), print settings for the viewer's print dialog: duplex that way, no
        scaling to fit, one copy (/ViewerPreferences, written by WeasyPrint's finisher hook)."""

        def print_settings(document, pdf) -> None:
            assert duplex is not None  # only passed with one
            preferences = pdf.catalog.get("ViewerPreferences")  # PDF/UA's DisplayDocTitle is kept
            if preferences is None:
                preferences = type(pdf.catalog)()  # a pydyf Dictionary, like the catalogue
            preferences.update(viewer_preferences(duplex))
            pdf.catalog["ViewerPreferences"] = preferences

        with _checked(self._fetcher, self._what):
            return self._document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=self._identifier,
                                            finisher=print_settings if duplex else None)


def viewer_preferences(duplex: str) -> dict[str, object]:
    """The print settings a desk PDF carries, as PDF names and numbers (pydyf writes a string
    starting with / as a name)."""
    return {"Duplex": f"/{duplex}", "PrintScaling": "/None", "NumCopies": 1}


def _boxes_with_id(box, element_id: str):
    """The laid-out boxes of the element with ``element_id`` (one per page or column it is on)."""
    element = getattr(box, "element", None)
    if element is not None and element.get("id") == element_id and getattr(box, "element_tag", "") != "":
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from _boxes_with_id(child, element_id)


@contextmanager
def _checked(fetcher: ProjectFetcher, what: str):
    """Turn refused resources and WeasyPrint's logged failures into a failed build."""
    warnings = _Warnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(warnings)
    try:
        yield
    except FatalURLFetchingError as error:
        cause = error.__cause__ or error
        raise BuildFailed(f"{what}: {cause}") from None
    finally:
        logger.removeHandler(warnings)
    if fetcher.refused:
        raise BuildFailed(f"{what}: {fetcher.refused[0]}")
    problems = [m for m in warnings.messages if "Failed to" in m or "Error" in m]
    if problems:
        raise BuildFailed(f"{what}: {problems[0]}")


def lay_out(html: str, base: Path, allowed: list[Path], what: str) -> LaidOut:
    """Lay out ``html`` (URLs relative to ``base``), reading only files under ``allowed``."""
    fetcher = ProjectFetcher(allowed)
    with _checked(fetcher, what):
        document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=shared_font_config())
    return LaidOut(document, document_identifier(html, allowed), fetcher, what)


def document_identifier(html: str, allowed: list[Path]) -> bytes:
    """The PDF's /ID: a hash of the HTML with the allowed folders' locations taken out.

    The HTML names the font files by absolute path (inside the virtual
    environment), so hashing it as it is would make the bytes depend on the
    checkout folder; the same content gives the same identifier anywhere.
    """
    portable = html
    folders = [(index, folder.resolve().as_uri()) for index, folder in enumerate(allowed)]
    for index, uri in sorted(folders, key=lambda item: len(item[1]), reverse=True):  # nested folders: longest first
        portable = portable.replace(uri, f"folder{index}:")
    return hashlib.sha256(portable.encode()).hexdigest()[:32].encode()


def engine_version() -> str:
    """The WeasyPrint version this worker renders with."""
    return str(weasyprint.__version__)


# --- one font configuration per process, and nothing left behind ----------------------

_font_config: FontConfiguration | None = None
_font_config_pid = 0  # the process that made it: a forked child must not use or delete its parent's


def shared_font_config():
    """The process's one WeasyPrint ``FontConfiguration``, made on first use.

    WeasyPrint makes a new one per render when none is given: each costs about
    0.28 MB that is never given back, and each copies the @font-face files
    into its own ``weasyprint-*`` folder in the system temp folder, removed
    only when Python collects it. One per process loads the fonts once. Its
    folder goes when the process ends normally (``atexit``, or multiprocessing's
    exit hook in a worker), when a worker is stopped with SIGTERM, or when
    ``release_resources()`` is called.
    """
    global _font_config, _font_config_pid
    if _font_config is not None and _font_config_pid != os.getpid():  # inherited through fork
        compat.forget_font_folder(_font_config)  # the parent's folder: this copy must not delete it
        _font_config = None
    if _font_config is None:
        _font_config, _font_config_pid = FontConfiguration(), os.getpid()
        if multiprocessing.parent_process() is None:
            atexit.register(release_resources)
        else:  # a worker ends with os._exit, which skips atexit, and is stopped with SIGTERM
            multiprocessing.util.Finalize(None, release_resources, exitpriority=100)
            if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
                signal.signal(signal.SIGTERM, _release_and_die)
    return _font_config


def release_resources() -> None:
    """Delete what WeasyPrint keeps on disk for this process (its temp font folder).

    A worker process must call this before it exits; it is safe to call more
    than once, and the next render simply starts a new font configuration.
    """
    global _font_config
    config, _font_config = _font_config, None
    if config is None:
        return
    if _font_config_pid != os.getpid():  # a forked child's inherited copy: the folder is its parent's
        compat.forget_font_folder(config)
        return
    # WeasyPrint removes the folder only when the configuration is collected.
    folder = compat.font_folder(config)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        compat.forget_font_folder(config)


def _release_and_die(signum, frame) -> None:
    """SIGTERM in a worker: clean up, then die of the signal as before (the exit code stays -15)."""
    release_resources()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
