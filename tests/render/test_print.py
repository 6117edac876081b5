"""Print flaws a print professional would find, measured in the PDFs.

The DRAFT mark inside the trim on every format, no page without text but the
notes page, a booklet cover with page numbers in its contents and none of its
own, printer's marks outside the bleed, and large print at 16 pt or more.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from pypdf.generic import ContentStream

from leaflets.render.impose import DL_INSIDE, DL_OUTSIDE
from leaflets.render.marks import MARK_GAP_MM, SLUG_MM

from tests.helpers.pdf import PT_PER_MM, box_mm, open_pdf, page_texts
from tests.helpers.project import build_ok
from tests.helpers.shared import shared_folder

pytestmark = pytest.mark.pdf

DRAFT = "DRAFT - not for patient use"
MARK_FRAME_MM = 4.0  # the mark's border and padding around its text


def draft_mark_boxes(path: Path) -> list[list[tuple[float, float, float, float]]]:
    """Per page, the bounding box (mm) of each DRAFT mark's text."""
    document = pypdfium2.PdfDocument(path)
    pages = []
    for page in document:
        textpage = page.get_textpage()
        content = textpage.get_text_range()
        boxes = []
        for start in (m.start() for m in re.finditer(re.escape("DRAFT"), content)):
            chars = [textpage.get_charbox(start + k) for k in range(len(DRAFT)) if content[start + k].strip()]
            boxes.append((min(c[0] for c in chars) / PT_PER_MM, min(c[1] for c in chars) / PT_PER_MM,
                          max(c[2] for c in chars) / PT_PER_MM, max(c[3] for c in chars) / PT_PER_MM))
        pages.append(boxes)
    return pages


def slots_mm(path: str, index: int) -> list[tuple[float, float]]:
    """Where a mark may sit across the page: a DL sheet's panels, a booklet sheet's halves, or the page."""
    if path.endswith("-dl.pdf"):
        return [(x0, x1) for x0, x1, _ in (DL_OUTSIDE if index == 0 else DL_INSIDE)]
    if path.endswith("-a5-print.pdf"):
        return [(0.0, 148.5), (148.5, 297.0)]
    return []


@pytest.mark.slow
def test_draft_mark_is_wholly_inside_the_trim_on_every_format(default_build):
    out, manifest = default_build
    seen_formats = set()
    for item in manifest["outputs"]:
        if not item["path"].endswith(".pdf") or item["lang"] != "en-GB":
            continue  # web pages and thumbnails have no trim box; a translation's mark is in its language
        path = out / item["path"]
        reader = open_pdf(path)
        marks = draft_mark_boxes(path)
        assert marks, item["path"]
        for index, boxes in enumerate(marks):
            trim = box_mm(reader.pages[index].trimbox)
            slots = slots_mm(item["path"], index) or [(trim[0], trim[2])]
            assert len(boxes) == len(slots), (item["path"], index, boxes)
            for (x0, y0, x1, y1), (left, right) in zip(sorted(boxes), slots, strict=True):
                assert left + MARK_FRAME_MM <= x0 and x1 <= right - MARK_FRAME_MM, (item["path"], index, x0, x1)
                assert trim[1] + MARK_FRAME_MM <= y0 and y1 <= trim[3] - MARK_FRAME_MM, (item["path"], index, y0, y1)
        seen_formats.add("a5-print" if item["path"].endswith("-a5-print.pdf") else item["format"])
    assert seen_formats == {"a4", "a5", "a5-print", "dl", "large-print"}


RUNNING = re.compile(r"Reference [A-Z]+-\d+, Version [\d.]+|Page \d+ of \d+|" + re.escape(DRAFT))


def test_no_page_is_blank_but_the_notes_page(default_build):
    out, manifest = default_build
    # Thumbnails are PNGs; the imposed file is checked through its reading-order pages.
    checked = [item for item in manifest["outputs"] if item["format"] in ("a4", "a5", "large-print")
               and item["path"].endswith(".pdf") and not item["path"].endswith("-a5-print.pdf")]
    assert {item["format"] for item in checked} == {"a4", "a5", "large-print"}
    for item in checked:
        pages = page_texts(out / item["path"])  # pdfium: every page of some 30 PDFs, read in well under a second
        assert pages, item["path"]
        for index, page in enumerate(pages):
            words = RUNNING.sub("", " ".join(page.split())).split()
            assert words, f"{item['path']} page {index + 1} has no text of its own"
            if "Notes and questions for your appointment" in " ".join(words) and "Page " not in page:
                assert "Questions? Call us on" in " ".join(words)  # a padding notes page: the phone number


def test_booklet_has_no_blank_spread_and_a_useful_notes_page(default_build):
    out, _ = default_build
    reader = open_pdf(out / "stoke-on-trent/milia-a5.pdf")
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    notes = [i for i, content in enumerate(pages) if "Notes and questions for your appointment" in content]
    assert notes, "the booklet keeps room for notes (and for the For you box)"
    assert all(i < len(pages) - 1 for i in notes), "notes come before the back cover"
    padding = [i for i in notes if "Page " not in pages[i]]  # pages of notes only, with no page number
    assert all("Questions? Call us on 01782 922300" in pages[i] for i in padding)


def test_booklet_cover_lists_page_numbers_and_has_none_itself(default_build):
    out, _ = default_build
    reader = open_pdf(out / "stoke-on-trent/milia-a5.pdf")
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Page 1 of" not in cover
    listed = re.findall(r"(What are milia\?|When to get advice)[ .]*(\d)", cover)
    assert len(listed) == 2, cover
    for heading, number in listed:
        page = reader.pages[int(number) - 1].extract_text()
        assert heading in " ".join(page.split()), (heading, number)
    assert "Page 2 of 8" in reader.pages[1].extract_text()


def test_large_print_text_is_16_pt_or_more(default_build):
    out, manifest = default_build
    checked = 0
    for item in manifest["outputs"]:
        if item["format"] != "large-print":
            continue
        for page in pypdfium2.PdfDocument(out / item["path"]):
            textpage = page.get_textpage()
            content = textpage.get_text_range()
            for i, char in enumerate(content):
                if char.strip():
                    size = pdfium_c.FPDFText_GetFontSize(textpage.raw, i)
                    assert size >= 16, (item["path"], char, size)
                    checked += 1
    assert checked > 1000


@pytest.fixture(scope="module")
def proofs(tmp_path_factory) -> Path:
    out = shared_folder(tmp_path_factory, "proofs", lambda folder: build_ok(
        folder, "milia", "--branch", "wolverhampton", "--format", "dl", "--format", "a4", "--for", "print-shop",
        "--marks", "--lang", "en-GB"))
    return out / "wolverhampton"


def mark_lines(page) -> list[tuple[tuple[float, float], tuple[float, float], bool]]:
    """The lines drawn in the last graphics group (the marks): (start, end, dashed), in mm."""
    operations = ContentStream(page.get_contents(), page.pdf).operations
    start = max(i for i, (_, op) in enumerate(operations) if op == b"q")
    lines, point, dashed = [], None, False
    for operands, op in operations[start:]:
        if op == b"d":
            dashed = bool(operands[0])
        elif op == b"m":
            point = tuple(float(v) / PT_PER_MM for v in operands)
        elif op == b"l":
            lines.append((point, tuple(float(v) / PT_PER_MM for v in operands), dashed))
    return lines


@pytest.mark.parametrize("name", ["milia-dl-print-shop-proof.pdf", "milia-a4-print-shop-proof.pdf"])
def test_crop_marks_lie_outside_the_bleed_on_a_slug(proofs, name):
    reader = open_pdf(proofs / name)
    assert reader.pages
    for index, page in enumerate(reader.pages):
        bleed, media, trim = box_mm(page.bleedbox), box_mm(page.mediabox), box_mm(page.trimbox)
        assert abs((trim[0] - bleed[0]) - 3.0) < 0.01  # the 3 mm bleed is kept
        assert abs((bleed[0] - media[0]) - SLUG_MM) < 0.01  # and a slug around it
        lines = mark_lines(page)
        crops = [line for line in lines if not line[2]]
        assert len(crops) == 8, (name, index, crops)
        for start, end, _ in lines:
            for x, y in (start, end):
                outside = (x <= bleed[0] - MARK_GAP_MM + 0.01 or x >= bleed[2] + MARK_GAP_MM - 0.01
                           or y <= bleed[1] - MARK_GAP_MM + 0.01 or y >= bleed[3] + MARK_GAP_MM - 0.01)
                assert outside, (name, index, x, y, bleed)
                assert media[0] <= x <= media[2] and media[1] <= y <= media[3]
        # each crop mark lines up with a trim edge
        for start, end, _ in crops:
            on_edge = any(abs(start[0] - v) < 0.01 and abs(end[0] - v) < 0.01 for v in (trim[0], trim[2])) or any(
                abs(start[1] - v) < 0.01 and abs(end[1] - v) < 0.01 for v in (trim[1], trim[3]))
            assert on_edge, (start, end, trim)


def test_dl_proof_has_fold_marks_at_the_folds(proofs):
    reader = open_pdf(proofs / "milia-dl-print-shop-proof.pdf")
    for index, slots in enumerate((DL_OUTSIDE, DL_INSIDE)):
        page = reader.pages[index]
        trim = box_mm(page.trimbox)
        folds = sorted({round(start[0] - trim[0], 2) for start, _, dashed in mark_lines(page) if dashed})
        assert folds == [x1 for _, x1, _ in slots[:-1]], (index, folds)


def test_office_files_have_no_marks_and_no_slug(default_build):
    out, _ = default_build
    page = open_pdf(out / "wolverhampton/milia-dl.pdf").pages[0]
    assert box_mm(page.mediabox) == pytest.approx((0, 0, 297, 210), abs=0.01)
