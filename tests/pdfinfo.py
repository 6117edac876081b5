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
    """(text, x mm, y mm, font size pt) for every text run on a page, in page coordinates."""
    runs: list[tuple[str, float, float, float]] = []

    def visit(content, cm, tm, font, size):
        if not content.strip():
            return
        a = tm[0] * cm[0] + tm[1] * cm[2]
        b = tm[0] * cm[1] + tm[1] * cm[3]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        runs.append((content.strip(), x / PT_PER_MM, y / PT_PER_MM, size * (a * a + b * b) ** 0.5))

    page.extract_text(visitor_text=visit)
    return runs


def box_mm(box) -> tuple[float, float, float, float]:
    return tuple(float(v) / PT_PER_MM for v in (box.left, box.bottom, box.right, box.top))
