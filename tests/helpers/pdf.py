"""Small readers for what a PDF holds, built on pypdf."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

PT_PER_MM = 72 / 25.4


def size_mm(box) -> tuple[float, float]:
    return float(box.width) / PT_PER_MM, float(box.height) / PT_PER_MM


def text(reader: PdfReader) -> str:
    """All the text, with line breaks and runs of spaces made single spaces."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def link_uris(reader: PdfReader) -> list[str]:
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def font_names(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def open_pdf(path: Path) -> PdfReader:
    return PdfReader(path)


def positioned_text(page) -> list[tuple[str, float, float, float]]:
    """(text, x mm, y mm, font size pt) for every text object on a page, in page coordinates.

    Read with pdfium, as a viewer sees the page: pypdf's text visitor gives
    positions inside a form object (as on imposed sheets) without the form's
    placement. x and y are the first character's origin (on the baseline).
    """
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    stream = page.pdf.stream
    stream.seek(0)
    text = pdfium.PdfDocument(stream.read())[page.page_number].get_textpage()
    runs: list[list] = []
    current = None
    x, y, matrix = ctypes.c_double(), ctypes.c_double(), raw.FS_MATRIX()
    for index in range(text.count_chars()):
        owner = ctypes.cast(raw.FPDFText_GetTextObject(text, index), ctypes.c_void_p).value
        char = chr(raw.FPDFText_GetUnicode(text, index))
        if owner is None or (current is not None and owner == current[0]):
            if current is not None:
                current[1] += char
            continue
        raw.FPDFText_GetCharOrigin(text, index, x, y)
        raw.FPDFText_GetMatrix(text, index, matrix)  # the size in text space, scaled as drawn
        size = raw.FPDFText_GetFontSize(text, index) * (matrix.a * matrix.a + matrix.b * matrix.b) ** 0.5
        current = [owner, char, x.value / PT_PER_MM, y.value / PT_PER_MM, size]
        runs.append(current)
    return [(content.strip(), x, y, size) for _, content, x, y, size in runs if content.strip()]


def box_mm(box) -> tuple[float, float, float, float]:
    return tuple(float(v) / PT_PER_MM for v in (box.left, box.bottom, box.right, box.top))


def page_texts(path: Path) -> list[str]:
    """The text of each page as a viewer extracts it (pdfium): many times quicker than pypdf's
    text visitor, for tests that read every page of every PDF of a build."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
