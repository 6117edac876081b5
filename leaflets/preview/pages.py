"""A PDF's pages as PNG images, for the preview page: no PDF viewer needed, and a refresh
only swaps images. Cached in memory by the PDF's checksum, so an unchanged leaflet is never
drawn twice and the last good images survive a broken edit."""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from pathlib import Path

SCALE = 1.5  # 108 dpi: sharp at the size the page shows them
CACHE_SIZE = 96  # pages


class PageImages:
    def __init__(self, scale: float = SCALE, size: int = CACHE_SIZE) -> None:
        self.scale, self.size = scale, size
        self._cache: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._lock = threading.Lock()  # pdfium is not thread-safe; one drawing at a time

    def png(self, pdf: Path, sha: str, index: int) -> bytes | None:
        """Page ``index`` (from 0) of the PDF whose checksum is ``sha``; None if there is no such page."""
        key = (sha, index)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            import pypdfium2 as pdfium  # noqa: PLC0415  17 ms (-X importtime) off `serve` until a page is drawn

            document = pdfium.PdfDocument(pdf.read_bytes())
            try:
                if not 0 <= index < len(document):
                    return None
                image = document[index].render(scale=self.scale).to_pil()
            finally:
                document.close()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=False, compress_level=3)
            self._cache[key] = data = buffer.getvalue()
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
            return data
