"""Imposition: A5 booklets and DL roll-folds onto A4 landscape, built from real WeasyPrint PDFs."""

from __future__ import annotations

import re
from io import BytesIO

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader
from weasyprint import HTML

from leaflets.render.impose import DL_INSIDE, DL_OUTSIDE, booklet_sheets, compose_dl, impose_booklet, page_boxes_mm

PT_PER_MM = 72 / 25.4
DL_LABELS = ["FRONT", "CA", "CB", "CC", "CD", "BACK"]  # front, content 1-4, the contact panel (the flap)
DL_COLOURS = ["#ff0000", "#00ff00", "#0000ff", "#ffff00", "#00ffff", "#ff00ff"]
META = "<title>Milia</title><meta name=author content='Skin Team'><meta name=description content='About milia'>"


def render(html: str) -> bytes:
    return HTML(string=html).write_pdf()


def booklet_pdf(n: int, bleed: bool = False) -> bytes:
    """``n`` A5 pages labelled P1..Pn; the first and the last carry a link."""
    pages = "".join(f"<div style='page-break-after:always'>P{i}</div>" for i in range(2, n))
    pages = (f"<div style='page-break-after:always'>P1 <a href='tel:+441214960001'>call</a> <a href='#end'>end</a>"
             f"</div>{pages}")
    pages += f"<div id=end style='margin-left:60mm'>P{n} <a href='https://example.org/p{n}'>web</a></div>"
    style = f"@page {{ size: 148mm 210mm; margin: 10mm; {'bleed: 3mm' if bleed else ''} }} div {{ font-size: 40pt }}"
    return render(f"<html lang=en-GB><head>{META}<style>{style}</style></head><body>{pages}</body></html>")


def dl_pdf(bleed_mm: float = 0, wide_flap: bool = False, leak: bool = False) -> bytes:
    """Six coloured panels; content 3 and the contact panel are 97 mm flaps unless ``wide_flap`` makes
    content 3 100 mm."""
    css = [f"@page {{ margin: 10mm; bleed: {bleed_mm}mm }} div {{ font-size: 30pt }}"]
    body = []
    for i, (label, colour) in enumerate(zip(DL_LABELS, DL_COLOURS, strict=True)):
        width = 97 if i == 5 or (i == 3 and not wide_flap) else 100
        css.append(f"@page p{i} {{ size: {width}mm 210mm; background: {colour} }} .p{i} {{ page: p{i} }}")
        extra = ""
        if leak and i == 3:  # a black bar and text sticking 45 mm out to the left of the panel
            extra = "<p style='margin-left:-55mm;width:50mm;height:60mm;background:#000;color:#fff'>LEAK</p>"
        body.append(f"<div class=p{i}>{label}{extra}</div>")
    return render(f"<html lang=en-GB><head>{META}<style>{''.join(css)}</style></head>"
                  f"<body>{''.join(body)}</body></html>")


def labels_by_x(pdf: bytes, page: int) -> list[tuple[float, str]]:
    """(x in mm of its first letter, word) for each word pdfium sees on a page."""
    text = pdfium.PdfDocument(pdf)[page].get_textpage()
    return [(text.get_charbox(word.start())[0] / PT_PER_MM, word.group())
            for word in re.finditer(r"\S+", text.get_text_range())]


def text_between(pdf: bytes, page: int, x0: float, x1: float, origin: float = 0.0) -> str:
    """The text pdfium finds between x0 and x1 mm (from ``origin``), lines joined."""
    text = pdfium.PdfDocument(pdf)[page].get_textpage()
    found = text.get_text_bounded((origin + x0) * PT_PER_MM, 0, (origin + x1) * PT_PER_MM, 10_000)
    return "".join(found.split())


def size_mm(box) -> tuple[float, float]:
    return float(box.width) / PT_PER_MM, float(box.height) / PT_PER_MM


PX_PER_MM = 4  # so every slot edge and every 0.5 mm offset in these tests falls on a whole pixel


def raster(pdf: bytes, page: int) -> Image.Image:
    return pdfium.PdfDocument(pdf)[page].render(scale=PX_PER_MM * 25.4 / 72).to_pil().convert("RGB")


def assemble(pdf: bytes, size: tuple[int, int], slots) -> Image.Image:
    """What a sheet must look like: each reading-order page rendered on its own, pasted into its slot.

    ``slots`` holds (page index, x of the page's left edge on the sheet in mm, slot x0, slot x1 in mm).
    """
    sheet = Image.new("RGB", size, "white")
    for index, left, x0, x1 in slots:
        page = raster(pdf, index)
        offset = round(left * PX_PER_MM)
        crop = page.crop((round(x0 * PX_PER_MM) - offset, 0, round(x1 * PX_PER_MM) - offset, page.height))
        sheet.paste(crop, (round(x0 * PX_PER_MM), round((sheet.height - page.height) / 2)))
    return sheet


def assert_same_pixels(actual: Image.Image, expected: Image.Image) -> None:
    """Equal up to anti-aliasing: a tiny mean difference and almost no strongly different pixel.

    The outermost pixels are left out: pdfium rounds the sheet's width up, so its last column is partial.
    """
    assert actual.size == expected.size
    inner = (2, 2, actual.width - 2, actual.height - 2)
    difference = ImageChops.difference(actual.crop(inner), expected.crop(inner)).convert("L")
    histogram = difference.histogram()
    total = sum(histogram)
    mean = sum(level * count for level, count in enumerate(histogram)) / total
    strong = sum(histogram[128:]) / total
    assert mean < 0.5 and strong < 0.003, (mean, strong)


@pytest.fixture(scope="module")
def dl() -> bytes:
    return dl_pdf()


# --- booklet ---------------------------------------------------------------------------


def test_booklet_sheets():
    assert booklet_sheets(4) == [((4, 1), (2, 3))]
    assert booklet_sheets(8) == [((8, 1), (2, 7)), ((6, 3), (4, 5))]
    assert booklet_sheets(12) == [((12, 1), (2, 11)), ((10, 3), (4, 9)), ((8, 5), (6, 7))]
    for bad in (0, 6, -4):
        with pytest.raises(ValueError):
            booklet_sheets(bad)


def links(pdf: bytes) -> list[list[tuple[str, tuple[float, ...]]]]:
    """Per page: (target, rectangle in points, normalised) of each link annotation."""
    found = []
    for page in PdfReader(BytesIO(pdf)).pages:
        entries = []
        for annotation in page.get("/Annots", ()):
            annotation = annotation.get_object()
            x0, y0, x1, y1 = (float(v) for v in annotation["/Rect"])
            box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            target = str(annotation["/A"]["/URI"]) if "/A" in annotation else f"#{annotation['/Dest']}"
            entries.append((target, tuple(round(v, 3) for v in box)))
        found.append(entries)
    return found


@pytest.mark.pdf
@pytest.mark.parametrize("n", [8, 12])
def test_impose_booklet_order_size_text_links_and_pixels(n):
    source = booklet_pdf(n)
    imposed = impose_booklet(source)
    out = PdfReader(BytesIO(imposed))
    expected = [pair for sheet in booklet_sheets(n) for pair in sheet]
    assert len(out.pages) == len(expected) == n // 2
    half = 297 / 2
    source_text = ["".join(pdfium.PdfDocument(source)[i].get_textpage().get_text_range().split()) for i in range(n)]
    source_links = [[link for link in page if not link[0].startswith("#")] for page in links(source)]
    assert sum(len(page) for page in links(source)) == 3, "the source has an internal link too"
    sheet_links = links(imposed)  # the internal link is left out: its target is not in the sheets file
    for index, (page, (left, right)) in enumerate(zip(out.pages, expected, strict=True)):
        width, height = size_mm(page.mediabox)
        assert abs(width - 297) < 0.5 and abs(height - 210) < 0.5
        # the same text, each page in its own half
        assert text_between(imposed, index, 0, half) == source_text[left - 1]
        assert text_between(imposed, index, half, 297) == source_text[right - 1]
        # links moved with their page: the left page's right edge sits on the fold
        moved = [(uri, tuple(round(v + (half - 148) * PT_PER_MM * (k % 2 == 0), 3) for k, v in enumerate(box)))
                 for uri, box in source_links[left - 1]]
        moved += [(uri, tuple(round(v + half * PT_PER_MM * (k % 2 == 0), 3) for k, v in enumerate(box)))
                  for uri, box in source_links[right - 1]]
        assert [(u, pytest.approx(b, abs=0.01)) for u, b in sorted(moved)] == sorted(sheet_links[index])
        # and the same pixels as the reading-order pages rendered into their slots
        slots = [(left - 1, half - 148, 0, half), (right - 1, half, half, 297)]
        actual = raster(imposed, index)
        assert_same_pixels(actual, assemble(source, actual.size, slots))
    assert sum(len(page) for page in sheet_links) == 2
    assert out.pages[0]["/Contents"].get_object().get_data().count(b"re\nW\nn") == 2


@pytest.mark.pdf
def test_booklet_keeps_metadata_language_and_is_deterministic():
    source = booklet_pdf(8)
    first, second = impose_booklet(source), impose_booklet(source)
    assert first == second
    reader = PdfReader(BytesIO(first))
    assert reader.metadata.title == "Milia"
    assert reader.metadata.author == "Skin Team"
    assert reader.metadata.subject == "About milia"
    assert reader.root_object["/Lang"] == "en-GB"


@pytest.mark.pdf
def test_booklet_places_bled_pages_by_their_trim():
    plain = impose_booklet(booklet_pdf(4))
    bled = impose_booklet(booklet_pdf(4, bleed=True))
    for page in (0, 1):
        xs_a = [x for x, word in labels_by_x(plain, page) if word.startswith("P")]
        xs_b = [x for x, word in labels_by_x(bled, page) if word.startswith("P")]
        assert len(xs_a) == len(xs_b) == 2
        assert all(abs(p - q) < 0.1 for p, q in zip(xs_a, xs_b, strict=True))
    # the right-hand page (P1) starts at the spine: its label sits where it did on the A5 page
    x_source = dict((word, x) for x, word in labels_by_x(booklet_pdf(4, bleed=True), 0))["P1"]
    assert abs(dict((word, x) for x, word in labels_by_x(bled, 0))["P1"] - (148.5 + x_source)) < 0.01


@pytest.mark.pdf
def test_booklet_rejects_bad_page_count_and_oversized_pages():
    with pytest.raises(ValueError, match="multiple of 4"):
        impose_booklet(booklet_pdf(6))
    a4 = render("<style>@page { size: A4 }</style>" + "<p style='page-break-after:always'>x</p>" * 3 + "x")
    with pytest.raises(ValueError, match="larger than A5"):
        impose_booklet(a4)


# --- DL roll-fold ----------------------------------------------------------------------


@pytest.mark.pdf
def test_compose_dl_panel_positions_and_pixels(dl):
    composed = compose_dl(dl)
    out = PdfReader(BytesIO(composed))
    assert len(out.pages) == 2
    for page in out.pages:
        width, height = size_mm(page.mediabox)
        assert abs(width - 297) < 0.5 and abs(height - 210) < 0.5
    assert text_between(composed, 0, 0, 97) == "BACK"  # the contact panel, on the fold-in flap
    assert text_between(composed, 0, 97, 197) == "CD"  # content 4 on the back cover
    assert text_between(composed, 0, 197, 297) == "FRONT"
    assert text_between(composed, 1, 0, 100) == "CA"
    assert text_between(composed, 1, 100, 200) == "CB"
    assert text_between(composed, 1, 200, 297) == "CC"
    for sheet, slots in enumerate((DL_OUTSIDE, DL_INSIDE)):
        placed = [(index, x0, x0, x1) for x0, x1, index in slots]
        actual = raster(composed, sheet)
        assert_same_pixels(actual, assemble(dl, actual.size, placed))


@pytest.mark.pdf
def test_compose_dl_with_bleed():
    composed = compose_dl(dl_pdf(bleed_mm=3), bleed_mm=3)
    out = PdfReader(BytesIO(composed))
    assert len(out.pages) == 2
    for page in out.pages:
        boxes = page_boxes_mm(page)
        mx0, my0, mx1, my1 = boxes["MediaBox"]
        tx0, ty0, tx1, ty1 = boxes["TrimBox"]
        assert boxes["BleedBox"] == boxes["MediaBox"]
        assert abs(tx1 - tx0 - 297) < 0.01 and abs(ty1 - ty0 - 210) < 0.01
        for inner, outer in ((tx0, mx0), (ty0, my0), (mx1, tx1), (my1, ty1)):
            assert abs(inner - outer - 3) < 0.01
        assert "/ArtBox" not in page
    assert text_between(composed, 0, 0, 97, origin=3) == "BACK"
    assert text_between(composed, 0, 97, 197, origin=3) == "CD"
    assert text_between(composed, 0, 197, 297, origin=3) == "FRONT"
    assert text_between(composed, 1, 200, 297, origin=3) == "CC"


def colour_at(image: Image.Image, x_mm: float, y_mm: float) -> str:
    red, green, blue = image.getpixel((int(x_mm * PX_PER_MM), int(y_mm * PX_PER_MM)))
    return f"#{red:02x}{green:02x}{blue:02x}"


@pytest.mark.pdf
def test_compose_dl_clips_each_panel_to_its_slot():
    """Content 3 is a 100 mm page in the 97 mm flap, with a black bar reaching 45 mm into content 2."""
    out = compose_dl(dl_pdf(wide_flap=True, leak=True))
    # Text extraction ignores clipping: the leaked word is in the stream but must not be visible.
    assert any(t == "LEAK" and 150 < x < 200 for x, t in labels_by_x(out, 1))
    image = raster(out, 1)
    content2, content3 = DL_COLOURS[2], DL_COLOURS[3]
    for x in (160, 175, 190, 199, 199.5):  # the bar and the flap's extra 1.5 mm would land here
        assert colour_at(image, x, 60) == content2, x
    assert colour_at(image, 201, 150) == content3
    # and the flap is centred: its own 1.5 mm past 297 mm is simply off the sheet
    assert colour_at(image, 296, 150) == content3


@pytest.mark.pdf
def test_compose_dl_bleed_reaches_only_outer_edges():
    image = raster(compose_dl(dl_pdf(bleed_mm=3), bleed_mm=3), 1)  # inside: CA | CB | CC, 303 x 216 mm
    assert colour_at(image, 0.5, 100) == DL_COLOURS[1]  # left bleed: content 1
    assert colour_at(image, 302, 100) == DL_COLOURS[3]  # right bleed: content 3
    assert colour_at(image, 150, 0.5) == DL_COLOURS[2]  # top bleed over content 2
    assert colour_at(image, 3 + 99, 100) == DL_COLOURS[1]
    assert colour_at(image, 3 + 101, 100) == DL_COLOURS[2]  # no bleed across the fold


@pytest.mark.pdf
def test_compose_dl_is_deterministic_and_keeps_metadata(dl):
    first, second = compose_dl(dl), compose_dl(dl)
    assert first == second
    reader = PdfReader(BytesIO(first))
    assert reader.metadata.title == "Milia" and reader.metadata.author == "Skin Team"
    assert reader.root_object["/Lang"] == "en-GB"


@pytest.mark.pdf
def test_compose_dl_rejects_wrong_page_count():
    five = render("<style>@page { size: 100mm 210mm }</style>" + "<p style='page-break-after:always'>x</p>" * 4 + "x")
    with pytest.raises(ValueError, match="exactly 6 panel pages"):
        compose_dl(five)
    with pytest.raises(ValueError):
        compose_dl(dl_pdf(), bleed_mm=-1)
