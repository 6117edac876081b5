"""Imposition: A5 booklets and DL roll-folds onto A4 landscape, built from real WeasyPrint PDFs."""

from __future__ import annotations

from io import BytesIO

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML

from leaflets.pdf.impose import booklet_sheets, compose_dl, impose_booklet, page_boxes_mm

PT_PER_MM = 72 / 25.4
DL_LABELS = ["FRONT", "CA", "CB", "CC", "CD", "BACK"]  # front, content 1-4, back
DL_COLOURS = ["#ff0000", "#00ff00", "#0000ff", "#ffff00", "#00ffff", "#ff00ff"]
META = "<title>Milia</title><meta name=author content='Skin Team'><meta name=description content='About milia'>"


def render(html: str) -> bytes:
    return HTML(string=html).write_pdf()


def booklet_pdf(n: int, bleed: bool = False) -> bytes:
    pages = "".join(f"<div style='page-break-after:always'>P{i}</div>" for i in range(1, n))
    style = f"@page {{ size: 148mm 210mm; margin: 10mm; {'bleed: 3mm' if bleed else ''} }} div {{ font-size: 40pt }}"
    return render(f"<html lang=en-GB><head>{META}<style>{style}</style></head><body>{pages}<div>P{n}</div></body></html>")


def dl_pdf(bleed_mm: float = 0, wide_flap: bool = False, leak: bool = False) -> bytes:
    """Six coloured panels; content 2 and 4 are 97 mm flaps unless ``wide_flap`` makes content 4 100 mm."""
    css = [f"@page {{ margin: 10mm; bleed: {bleed_mm}mm }} div {{ font-size: 30pt }}"]
    body = []
    for i, (label, colour) in enumerate(zip(DL_LABELS, DL_COLOURS)):
        width = 97 if i == 2 or (i == 4 and not wide_flap) else 100
        css.append(f"@page p{i} {{ size: {width}mm 210mm; background: {colour} }} .p{i} {{ page: p{i} }}")
        extra = ""
        if leak and i == 4:  # a black bar and text sticking 45 mm out to the left of the panel
            extra = "<p style='margin-left:-55mm;width:50mm;height:60mm;background:#000;color:#fff'>LEAK</p>"
        body.append(f"<div class=p{i}>{label}{extra}</div>")
    return render(f"<html lang=en-GB><head>{META}<style>{''.join(css)}</style></head><body>{''.join(body)}</body></html>")


def labels_by_x(page) -> list[tuple[float, str]]:
    """(x in mm, text) for each non-blank text run, x in the page's default user space."""
    found: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            found.append((x / PT_PER_MM, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def text_between(page, x0: float, x1: float, origin: float = 0.0) -> str:
    return "".join(t for x, t in labels_by_x(page) if x0 <= x - origin < x1)


def size_mm(box) -> tuple[float, float]:
    return float(box.width) / PT_PER_MM, float(box.height) / PT_PER_MM


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


@pytest.mark.parametrize("n", [8, 12])
def test_impose_booklet_order_and_size(n):
    out = PdfReader(BytesIO(impose_booklet(booklet_pdf(n))))
    expected = [pair for sheet in booklet_sheets(n) for pair in sheet]
    assert len(out.pages) == len(expected) == n // 2
    for page, (left, right) in zip(out.pages, expected):
        width, height = size_mm(page.mediabox)
        assert abs(width - 297) < 0.5 and abs(height - 210) < 0.5
        assert text_between(page, 0, 148.5) == f"P{left}"
        assert text_between(page, 148.5, 297) == f"P{right}"
    assert (out.pages[0]["/Contents"].get_object().get_data().count(b"re\nW\nn")) == 2


def test_booklet_keeps_metadata_language_and_is_deterministic():
    source = booklet_pdf(8)
    first, second = impose_booklet(source), impose_booklet(source)
    assert first == second
    reader = PdfReader(BytesIO(first))
    assert reader.metadata.title == "Milia"
    assert reader.metadata.author == "Skin Team"
    assert reader.metadata.subject == "About milia"
    assert reader.root_object["/Lang"] == "en-GB"


def test_booklet_places_bled_pages_by_their_trim():
    plain = PdfReader(BytesIO(impose_booklet(booklet_pdf(4))))
    bled = PdfReader(BytesIO(impose_booklet(booklet_pdf(4, bleed=True))))
    for a, b in zip(plain.pages, bled.pages):
        xs_a = [x for x, _ in labels_by_x(a)]
        xs_b = [x for x, _ in labels_by_x(b)]
        assert len(xs_a) == len(xs_b) == 2
        assert all(abs(p - q) < 0.1 for p, q in zip(xs_a, xs_b))
    # the right-hand page (P1) starts at the spine: its label sits where it did on the A5 page
    (x_source, _), = labels_by_x(PdfReader(BytesIO(booklet_pdf(4, bleed=True))).pages[0])
    assert abs(max(x for x, _ in labels_by_x(bled.pages[0])) - (148.5 + x_source)) < 0.01


def test_booklet_rejects_bad_page_count_and_oversized_pages():
    with pytest.raises(ValueError, match="multiple of 4"):
        impose_booklet(booklet_pdf(6))
    a4 = render("<style>@page { size: A4 }</style>" + "<p style='page-break-after:always'>x</p>" * 3 + "x")
    with pytest.raises(ValueError, match="larger than A5"):
        impose_booklet(a4)


# --- DL roll-fold ----------------------------------------------------------------------


def test_compose_dl_panel_positions(dl):
    out = PdfReader(BytesIO(compose_dl(dl)))
    assert len(out.pages) == 2
    for page in out.pages:
        width, height = size_mm(page.mediabox)
        assert abs(width - 297) < 0.5 and abs(height - 210) < 0.5
    outside, inside = out.pages
    assert text_between(outside, 0, 97) == "CB"
    assert text_between(outside, 97, 197) == "BACK"
    assert text_between(outside, 197, 297) == "FRONT"
    assert text_between(inside, 0, 100) == "CA"
    assert text_between(inside, 100, 200) == "CC"
    assert text_between(inside, 200, 297) == "CD"


def test_compose_dl_with_bleed():
    out = PdfReader(BytesIO(compose_dl(dl_pdf(bleed_mm=3), bleed_mm=3)))
    for page in out.pages:
        boxes = page_boxes_mm(page)
        mx0, my0, mx1, my1 = boxes["MediaBox"]
        tx0, ty0, tx1, ty1 = boxes["TrimBox"]
        assert boxes["BleedBox"] == boxes["MediaBox"]
        assert abs(tx1 - tx0 - 297) < 0.01 and abs(ty1 - ty0 - 210) < 0.01
        for inner, outer in ((tx0, mx0), (ty0, my0), (mx1, tx1), (my1, ty1)):
            assert abs(inner - outer - 3) < 0.01
        assert "/ArtBox" not in page
    outside, inside = out.pages
    assert text_between(outside, 0, 97, origin=3) == "CB"
    assert text_between(outside, 97, 197, origin=3) == "BACK"
    assert text_between(outside, 197, 297, origin=3) == "FRONT"
    assert text_between(inside, 200, 297, origin=3) == "CD"


DPI = 100  # 1 pixel = 0.254 mm: fine enough to tell a fold from a 1.5 mm overhang


def render_page(pdf: bytes, page: int) -> Image.Image:
    """Page ``page`` (1-based) as an RGB image of its MediaBox, drawn by PDFium (a wheel, no system tool)."""
    document = pdfium.PdfDocument(pdf)
    try:
        return document[page - 1].render(scale=DPI / 72, draw_annots=False).to_pil().convert("RGB")
    finally:
        document.close()


def colour_at(image: Image.Image, x_mm: float, y_mm: float) -> str:
    """The colour of the pixel holding the point (x_mm, y_mm), measured from the top left."""
    pixel = image.getpixel((int(x_mm / 25.4 * DPI), int(y_mm / 25.4 * DPI)))
    assert isinstance(pixel, tuple)
    return "#{:02x}{:02x}{:02x}".format(*pixel[:3])


def assert_image_mm(image: Image.Image, width_mm: float, height_mm: float) -> None:
    width, height = (pixels / DPI * 25.4 for pixels in image.size)
    assert abs(width - width_mm) < 0.5 and abs(height - height_mm) < 0.5, (width, height)


def test_compose_dl_clips_each_panel_to_its_slot():
    """Content 4 is a 100 mm page in the 97 mm flap, with a black bar reaching 45 mm into content 3."""
    source = dl_pdf(wide_flap=True, leak=True)
    # The bar is really drawn on the content 4 page (10 mm margin, 55 mm to the left, 50 mm wide):
    # a sheet that failed to clip would show it over content 3.
    panel = render_page(source, 5)
    assert_image_mm(panel, 100, 210)
    assert colour_at(panel, 1, 60) == "#000000"
    out = compose_dl(source)
    inside = PdfReader(BytesIO(out)).pages[1]
    # Text extraction ignores clipping: the leaked word is in the stream but must not be visible.
    assert any(t == "LEAK" and 150 < x < 200 for x, t in labels_by_x(inside))
    image = render_page(out, 2)
    assert_image_mm(image, 297, 210)
    content3, content4 = DL_COLOURS[3], DL_COLOURS[4]
    for x in (160, 175, 190, 199, 199.5):  # the bar and the flap's extra 1.5 mm would land here
        assert colour_at(image, x, 60) == content3, x
    assert colour_at(image, 100.5, 150) == content3  # content 3 starts at its fold
    assert colour_at(image, 200.5, 150) == content4
    assert colour_at(image, 201, 60) == "#000000"  # the bar still shows inside its own panel (to ~205.6 mm)
    assert colour_at(image, 207.5, 60) == content4
    # and the flap is centred: its own 1.5 mm past 297 mm is simply off the sheet
    assert colour_at(image, 296.5, 150) == content4


def test_compose_dl_bleed_reaches_only_outer_edges():
    out = compose_dl(dl_pdf(bleed_mm=3), bleed_mm=3)
    image = render_page(out, 2)  # inside: CA | CC | CD, in the 303 x 216 mm MediaBox
    assert_image_mm(image, 303, 216)
    assert colour_at(image, 0.5, 100) == DL_COLOURS[1]  # left bleed: content 1
    assert colour_at(image, 302.5, 100) == DL_COLOURS[4]  # right bleed: content 4
    assert colour_at(image, 150, 0.5) == DL_COLOURS[3]  # top bleed over content 3
    assert colour_at(image, 150, 215.5) == DL_COLOURS[3]  # bottom bleed over content 3
    assert colour_at(image, 3 + 99.5, 100) == DL_COLOURS[1]
    assert colour_at(image, 3 + 100.5, 100) == DL_COLOURS[3]  # no bleed across the fold
    assert colour_at(image, 3 + 199.5, 100) == DL_COLOURS[3]
    assert colour_at(image, 3 + 200.5, 100) == DL_COLOURS[4]
    outside = render_page(out, 1)  # outside: CB | BACK | FRONT
    assert colour_at(outside, 0.5, 100) == DL_COLOURS[2]  # left bleed: content 2
    assert colour_at(outside, 302.5, 100) == DL_COLOURS[0]  # right bleed: the front
    assert colour_at(outside, 3 + 96.5, 100) == DL_COLOURS[2]
    assert colour_at(outside, 3 + 97.5, 100) == DL_COLOURS[5]  # no bleed across the fold


def test_compose_dl_is_deterministic_and_keeps_metadata(dl):
    first, second = compose_dl(dl), compose_dl(dl)
    assert first == second
    reader = PdfReader(BytesIO(first))
    assert reader.metadata.title == "Milia" and reader.metadata.author == "Skin Team"
    assert reader.root_object["/Lang"] == "en-GB"


def test_compose_dl_rejects_wrong_page_count():
    five = render("<style>@page { size: 100mm 210mm }</style>" + "<p style='page-break-after:always'>x</p>" * 4 + "x")
    with pytest.raises(ValueError, match="exactly 6 panel pages"):
        compose_dl(five)
    with pytest.raises(ValueError):
        compose_dl(dl_pdf(), bleed_mm=-1)
