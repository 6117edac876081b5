"""Printer's marks for a proof: crop marks (and fold marks on a DL sheet) on a slug.

WeasyPrint's ``marks: crop`` draws inside the bleed, over the artwork (on the
DL's coloured cover, for instance). Here each page's MediaBox grows by a slug
around the BleedBox, and the marks are drawn only in that slug: every mark
starts outside the bleed, lines up with a trim edge (or a fold) and stops short
of the sheet edge. The TrimBox and BleedBox are unchanged, so the page is
still the same page to a print shop; pure pypdf, nothing is re-rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, FloatObject, RectangleObject

from leaflets.render import compat
from leaflets.render.impose import PT_PER_MM, dl_slots

__all__ = ["SLUG_MM", "MARK_GAP_MM", "add_marks", "dl_folds_mm"]

SLUG_MM = 10.0  # room for the marks outside the bleed, on every edge
MARK_GAP_MM = 1.0  # marks start this far outside the bleed, so they never touch it
MARK_LENGTH_MM = 6.0
LINE_PT = 0.25  # a hairline, as print shops draw them


def dl_folds_mm(right_to_left: bool = False) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Fold positions from the trim's left edge, for the outside and the inside of a DL sheet."""
    outside, inside = dl_slots(right_to_left)
    return tuple(x1 for _, x1, _ in outside[:-1]), tuple(x1 for _, x1, _ in inside[:-1])


def _line(x0: float, y0: float, x1: float, y1: float) -> list[tuple[list, bytes]]:
    return [([FloatObject(x0), FloatObject(y0)], b"m"), ([FloatObject(x1), FloatObject(y1)], b"l"), ([], b"S")]


def add_marks(pdf: bytes, bleed_mm: float, folds_mm: Sequence[Sequence[float]] = ()) -> bytes:
    """``pdf`` with a slug and crop marks on every page; ``folds_mm[i]`` adds fold marks to page i."""
    reader = PdfReader(BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    slug, gap, length = SLUG_MM * PT_PER_MM, MARK_GAP_MM * PT_PER_MM, MARK_LENGTH_MM * PT_PER_MM
    for index, page in enumerate(writer.pages):
        trim = page.trimbox if "/TrimBox" in page else page.mediabox
        tx0, ty0, tx1, ty1 = (float(v) for v in (trim.left, trim.bottom, trim.right, trim.top))
        b = bleed_mm * PT_PER_MM
        bx0, by0, bx1, by1 = tx0 - b, ty0 - b, tx1 + b, ty1 + b
        page.bleedbox = RectangleObject((bx0, by0, bx1, by1))
        page.trimbox = RectangleObject((tx0, ty0, tx1, ty1))
        media = RectangleObject((bx0 - slug, by0 - slug, bx1 + slug, by1 + slug))
        page.mediabox = media
        if "/CropBox" in page:
            page.cropbox = media
        ops: list[tuple[list, bytes]] = [([], b"q"), ([FloatObject(LINE_PT)], b"w"),
                                         ([FloatObject(0), FloatObject(0), FloatObject(0)], b"RG")]
        for x in (tx0, tx1):  # vertical marks above and below each trim corner
            ops += _line(x, by1 + gap, x, by1 + gap + length) + _line(x, by0 - gap, x, by0 - gap - length)
        for y in (ty0, ty1):  # horizontal marks left and right of each trim corner
            ops += _line(bx0 - gap, y, bx0 - gap - length, y) + _line(bx1 + gap, y, bx1 + gap + length, y)
        folds = folds_mm[index] if index < len(folds_mm) else ()
        if folds:
            # dashed: a fold, not a cut
            ops += [([ArrayObject([FloatObject(2), FloatObject(1.5)]), FloatObject(0)], b"d")]
            for fold in folds:
                x = tx0 + fold * PT_PER_MM
                ops += _line(x, by1 + gap, x, by1 + gap + length) + _line(x, by0 - gap, x, by0 - gap - length)
        ops.append(([], b"Q"))
        contents = page.get_contents()
        if contents is None:
            continue
        contents.operations = [([], b"q"), *contents.operations, ([], b"Q"), *ops]
        page.replace_contents(contents)
    if "/ID" in reader.trailer:  # keep the input's identifier, so the bytes stay reproducible
        identifier = reader.trailer["/ID"]
        assert isinstance(identifier, ArrayObject)  # the PDF specification: an array of two strings
        compat.set_identifier(writer, identifier)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
