"""A PNG of a PDF's first page for the staff catalogue, drawn with pypdfium2.

Reproducible: the same PDF bytes and library versions give the same PNG
bytes (Pillow writes no time or text chunks unless asked). Drawn at twice
the width the catalogue shows it, so it stays sharp on high-density screens.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium

SHOWN_WIDTH_PX = 150  # CSS pixels in the catalogue (templates/catalogue/)
DENSITY = 2  # drawn for 2x screens


def thumbnail_png(pdf: bytes, width_px: int = SHOWN_WIDTH_PX * DENSITY) -> bytes:
    """Page 1 of ``pdf``, ``width_px`` wide, as PNG bytes."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=width_px / page.get_width(), draw_annots=False).to_pil().convert("RGB")
    finally:
        document.close()
    buffer = io.BytesIO()
    image.quantize(colors=128, dither=0).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
