"""Put finished pages onto A4 landscape sheets: an A5 booklet, or a DL roll-fold.

Pure pypdf, so imposing never re-renders: the pages printed are the pages that
were proofed. Every placed page is clipped to its slot, so a wide element or a
bleed never paints onto its neighbour. pypdf's ``merge_transformed_page``
clips the merged content to the source page's box named by the configuration
value ``page_merge_box`` (``/CropBox`` by default, pypdf <= 3.4 used
``/TrimBox``); we set the source page's /CropBox to the slot and pin that
value while merging, so the clip does not depend on global settings.
"""

from __future__ import annotations

import hashlib
from io import BytesIO

from pypdf import PageObject, PdfReader, PdfWriter, Transformation, apply_configuration
from pypdf.generic import ArrayObject, ByteStringObject, NameObject, RectangleObject, TextStringObject

__all__ = ["booklet_sheets", "impose_booklet", "compose_dl", "page_boxes_mm"]

PT_PER_MM = 72 / 25.4
SHEET_MM = (297.0, 210.0)  # A4 landscape, the sheet everything is printed on
A5_MM = (148.0, 210.0)
TOLERANCE_PT = 0.5 * PT_PER_MM
# DL roll-fold slots, left to right: (x0 mm, x1 mm, index of the panel page).
# Panel pages arrive as [front, content 1, content 2, content 3, content 4, back].
DL_OUTSIDE = ((0.0, 97.0, 2), (97.0, 197.0, 5), (197.0, 297.0, 0))
DL_INSIDE = ((0.0, 100.0, 1), (100.0, 200.0, 3), (200.0, 297.0, 4))

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in points


def booklet_sheets(n: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(front, back) page pairs per sheet, 1-based, for duplex flip-on-short-edge."""
    if n <= 0 or n % 4:
        raise ValueError(f"a booklet needs a positive multiple of 4 pages, not {n}")
    return [((n - 2 * s, 2 * s + 1), (2 * s + 2, n - 2 * s - 1)) for s in range(n // 4)]


def page_boxes_mm(page: PageObject) -> dict[str, tuple[float, float, float, float]]:
    """MediaBox, TrimBox and BleedBox in millimetres (pypdf's defaults when absent)."""
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for name, box in (("MediaBox", page.mediabox), ("TrimBox", page.trimbox), ("BleedBox", page.bleedbox)):
        x0, y0, x1, y1 = (float(v) / PT_PER_MM for v in box)
        boxes[name] = (x0, y0, x1, y1)
    return boxes


def impose_booklet(pdf: bytes) -> bytes:
    """A5 pages in reading order -> A4 landscape sheets, front then back, ready to fold."""
    reader = PdfReader(BytesIO(pdf))
    n = len(reader.pages)
    sheets = booklet_sheets(n)  # raises for a bad page count
    half = SHEET_MM[0] / 2 * PT_PER_MM
    height = SHEET_MM[1] * PT_PER_MM
    writer = _new_writer(reader)
    for sides in sheets:
        for left, right in sides:
            sheet = writer.add_page(PageObject.create_blank_page(width=2 * half, height=height))
            for number, (x0, x1) in ((left, (0.0, half)), (right, (half, 2 * half))):
                source = reader.pages[number - 1]
                tx0, ty0, tx1, ty1 = _trim(source)
                if max(tx1 - tx0 - A5_MM[0] * PT_PER_MM, ty1 - ty0 - A5_MM[1] * PT_PER_MM) > TOLERANCE_PT:
                    raise ValueError(f"page {number} is larger than A5 (148 x 210 mm)")
                # Inner edge on the fold (the sheet's centre line), so the spine is true.
                dx = (half - (tx1 - tx0) if x0 == 0 else half) - tx0
                dy = (height - (ty1 - ty0)) / 2 - ty0
                _place(sheet, source, dx, dy, (x0, 0.0, x1, height))
            sheet.compress_content_streams()
    return _finish(writer, pdf, "booklet")


def compose_dl(pdf: bytes, bleed_mm: float = 0.0) -> bytes:
    """Six DL panel pages -> two A4 landscape pages (outside, inside) of a roll-fold."""
    if bleed_mm < 0:
        raise ValueError(f"bleed must not be negative, got {bleed_mm} mm")
    reader = PdfReader(BytesIO(pdf))
    if len(reader.pages) != 6:
        raise ValueError(
            f"a DL roll-fold needs exactly 6 panel pages "
            f"(front, content 1-4, back), got {len(reader.pages)}"
        )
    b = bleed_mm * PT_PER_MM
    width, height = (v * PT_PER_MM for v in SHEET_MM)
    writer = _new_writer(reader)
    for slots in (DL_OUTSIDE, DL_INSIDE):
        sheet = writer.add_page(PageObject.create_blank_page(width=width + 2 * b, height=height + 2 * b))
        trim = RectangleObject((b, b, b + width, b + height))
        sheet.trimbox = trim
        sheet.bleedbox = sheet.mediabox
        for i, (x0_mm, x1_mm, index) in enumerate(slots):
            source = reader.pages[index]
            x0, x1 = b + x0_mm * PT_PER_MM, b + x1_mm * PT_PER_MM
            tx0, ty0, tx1, ty1 = _trim(source)
            dx = x0 + (x1 - x0 - (tx1 - tx0)) / 2 - tx0
            dy = b + (height - (ty1 - ty0)) / 2 - ty0
            # Backgrounds may run into the bleed only across the sheet's outer edges.
            clip = (0.0 if i == 0 else x0, 0.0, width + 2 * b if i == len(slots) - 1 else x1, height + 2 * b)
            _place(sheet, source, dx, dy, clip)
        sheet.compress_content_streams()
    return _finish(writer, pdf, f"dl-{bleed_mm}")


def _trim(page: PageObject) -> Rect:
    """The page's finished size: its /TrimBox if it has one, else its /MediaBox."""
    if page.rotation % 360:
        raise ValueError("rotated pages are not supported")
    box = page.trimbox if "/TrimBox" in page else page.mediabox
    return float(box.left), float(box.bottom), float(box.right), float(box.top)


def _place(sheet: PageObject, source: PageObject, dx: float, dy: float, clip: Rect) -> None:
    """Merge ``source`` moved by (dx, dy), clipped to ``clip`` (sheet coordinates).

    The clip is the slot met with the source's own MediaBox (what was visible
    in the original), expressed in source coordinates as its /CropBox.
    """
    media = source.mediabox
    x0 = max(clip[0] - dx, float(media.left))
    y0 = max(clip[1] - dy, float(media.bottom))
    x1 = min(clip[2] - dx, float(media.right))
    y1 = min(clip[3] - dy, float(media.top))
    source.cropbox = RectangleObject((x0, y0, max(x0, x1), max(y0, y1)))
    with apply_configuration(page_merge_box="cropbox"):
        sheet.merge_transformed_page(source, Transformation().translate(dx, dy))


def _new_writer(reader: PdfReader) -> PdfWriter:
    """A writer carrying the input's title, author, subject and language."""
    writer = PdfWriter()
    meta = reader.metadata or {}
    info = {key: str(meta[key]) for key in ("/Title", "/Author", "/Subject") if meta.get(key)}
    if info:
        writer.add_metadata(info)
    lang = reader.root_object.get("/Lang")
    if lang:
        writer.root_object[NameObject("/Lang")] = TextStringObject(str(lang))
    return writer


def _finish(writer: PdfWriter, pdf: bytes, kind: str) -> bytes:
    """Serialise with a file identifier derived from the input, so bytes are reproducible."""
    digest = hashlib.sha256(kind.encode() + b"\0" + pdf).digest()[:16]
    # pypdf writes no /ID unless asked; it has no public setter, so use its attribute.
    writer._ID = ArrayObject((ByteStringObject(digest), ByteStringObject(digest)))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
