"""HTML to PDF with WeasyPrint: the only module that imports it.

The pool may read only files inside the project and the font package.
Anything else (another local file, the network, any other scheme) stops the
render with an error naming the address.
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from ..errors import BuildFailed


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
        self.reads: set[Path] = set()

    def refuse(self, message: str) -> ForbiddenResource:
        self.refused.append(message)
        return ForbiddenResource(message)

    def fetch(self, url: str, headers: dict | None = None):  # type: ignore[override]
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve()  # follows symlinks: a link out is refused
            if parts.netloc in ("", "localhost") and any(path.is_relative_to(a) for a in self.allowed):
                if not path.is_file():
                    raise self.refuse(f"file not found: {path}")
                self.reads.add(path)
                return super().fetch(path.as_uri(), headers)
            raise self.refuse(f"refused to read {path}: only files inside the project may be used")
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
        self.reads = fetcher.reads  #: every file the layout read (the PDF writing may add fonts)
        #: the element ids (anchors) on each page, to tell which section overflowed
        self.anchors: list[list[str]] = [list(page.anchors) for page in document.pages]

    def pdf(self) -> bytes:
        with _checked(self._fetcher, self._what):
            return self._document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=self._identifier)


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
        document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher).render()
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
