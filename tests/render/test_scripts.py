"""Scripts and fonts: the Urdu leaflet right to left, the Polish one with its letters, and the
character coverage check that keeps every glyph in the project's own fonts.

Text is read with pdfium (pypdf garbles text after a font switch). One build per language, for
one branch, in the formats needed, shared by the module.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from leaflets.gate.rules.coverage import drawn_text, missing_characters
from leaflets.render.fonts import faces, font_stack_css
from leaflets.render.impose import booklet_sheets, dl_slots

from tests.helpers.pdf import PT_PER_MM
from tests.helpers.project import build_ok, copy_project, run
from tests.helpers.shared import shared_folder

ARABIC = re.compile(r"[\u0600-\u06ff]")
ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")  # letters, not the marks above or below them
PHONE = "01782 922300"  # Stoke-on-Trent


def build(root: Path, out: Path, *args: str) -> Path:
    build_ok(out, "milia", "--branch", "stoke-on-trent", "-j1", "--today", "2026-11-30", *args, root=root)
    return out / "stoke-on-trent"


@pytest.fixture(scope="module")
def urdu(translated_build) -> Path:
    """The shipped Urdu milia at Stoke-on-Trent (A5 and its booklet among them): the run's shared build."""
    return translated_build


@pytest.fixture(scope="module")
def polish(translated_build) -> Path:
    return translated_build


# Entries marked not applicable in a copy of the project, so that the Urdu text fits the two A4
# pages and the DL sheet (the real translation is built as A5, large print and web page only).
SHORTENED = ("sections[0].body[1].p", "sections[0].body[2].p", "sections[0].body[3].p", "sections[1].body[1].p",
             "sections[2].body[1].p", "sections[7].body[0].p",
             "sections[6].body[0].p", "sections[7].body[2].p", "sections[8].body[0].bullets[2]",
             "sections[8].body[0].bullets[3]")


@pytest.fixture(scope="module")
def urdu_sheets(tmp_path_factory) -> Path:
    return shared_folder(tmp_path_factory, "ur-sheets", make_urdu_sheets) / "out/stoke-on-trent"


def make_urdu_sheets(folder: Path) -> None:
    root = copy_project(folder / "project", translations=True)
    record = root / "locale/ur/milia.yaml"
    record.write_text("".join(line for line in record.read_text("utf-8").splitlines(keepends=True)
                              if not line.startswith("formats:")), "utf-8")
    po = polib.pofile(str(root / "locale/ur/milia.po"))
    for entry in po:
        if entry.msgctxt in SHORTENED:
            entry.tcomment = "not-applicable: shortened for a layout test"
    po.save()
    build(root, folder / "out", "--lang", "ur", "--format", "a4", "--format", "dl")


def page_text(path: Path, index: int) -> str:
    return pdfium.PdfDocument(path)[index].get_textpage().get_text_range()


def chars(path: Path, index: int) -> list[tuple[str, float, float, float, float]]:
    """(character, left, bottom, right, top) in points for every character of a page."""
    textpage = pdfium.PdfDocument(path)[index].get_textpage()
    return [(textpage.get_text_range(i, 1), *textpage.get_charbox(i)) for i in range(textpage.count_chars())]


def lines(boxes: list[tuple[str, float, float, float, float]]) -> dict[int, list[tuple]]:
    """Characters grouped by their text line (baseline rounded to 2 pt)."""
    grouped: dict[int, list[tuple]] = {}
    for box in boxes:
        if box[0].strip():
            grouped.setdefault(round(box[2] / 2), []).append(box)
    return grouped


def _plain(name: str) -> str:
    """A font name without punctuation, case and "Regular": 'IBM-Plex-Sans-Arabic' and
    'IBMPlexSansArabic-Regular' are both 'ibmplexsansarabic'."""
    return re.sub(r"[^a-z0-9]", "", name.lower()).removesuffix("regular")


def project_font_names() -> set[str]:
    """The names of every font file the project ships with (from their name tables)."""
    names = set()
    for face in faces():
        with TTFont(face.path, lazy=True) as font:
            names.add(_plain(font["name"].getDebugName(6)))
    return names


def embedded_fonts(path: Path) -> set[str]:
    """The fonts a PDF uses, without the subset prefix (ABCDEF+): the pages' /Font resources and
    those of the form objects they draw (an imposed sheet draws each page as a form)."""
    names: set[str] = set()

    def walk(resources) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            names.add(_plain(str(font.get_object()["/BaseFont"]).split("+", 1)[-1]))
        for xobject in (resources.get("/XObject") or {}).values():
            walk(xobject.get_object().get("/Resources"))

    for page in PdfReader(path).pages:
        walk(page.get("/Resources"))
    return names


# --- Urdu: right to left ----------------------------------------------------------------------


@pytest.mark.pdf
def test_urdu_pdf_language_and_direction(urdu):
    reader = PdfReader(urdu / "milia-a5.ur.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "ur"
    assert PdfReader(urdu / "milia-a5-print.ur.pdf").trailer["/Root"]["/Lang"] == "ur"


@pytest.mark.pdf
def test_urdu_text_reads_in_logical_order(urdu):
    text = page_text(urdu / "milia-a5.ur.pdf", 1)
    # The heading and the start of the first paragraph, as written (first letter first).
    assert "ملیا کیا ہیں؟" in text
    assert "ہر دانہ ایک" in text
    assert "زیادہ تر ملیا 1 سے 2" in text  # the numbers in their place in the sentence
    assert "؟ںیہ ایک ایلم" not in text  # not the visual (reversed) order


def text_lines(path: Path, index: int) -> list[tuple[float, float]]:
    """(left, right) in points of each line of Arabic body text on a page, from pdfium's text
    rectangles (a line has several: one per run of one font and direction). Tall rectangles (the
    turned draft mark) and the running footer are left out."""
    textpage = pdfium.PdfDocument(path)[index].get_textpage()
    rects = [textpage.get_rect(i) for i in range(textpage.count_rects())]

    def kept(rect: tuple[float, float, float, float]) -> bool:
        text = textpage.get_text_bounded(*rect)
        in_body = rect[3] - rect[1] < 20 and rect[1] > 30
        return in_body and bool(ARABIC_LETTER.search(text) or not ARABIC.search(text))  # not a lone mark

    rects = sorted(filter(kept, rects), key=lambda r: -(r[1] + r[3]))
    lines: list[list[tuple[float, float, float, float]]] = []
    for rect in rects:
        middle = (rect[1] + rect[3]) / 2
        if lines and abs((lines[-1][0][1] + lines[-1][0][3]) / 2 - middle) < 5:
            lines[-1].append(rect)
        else:
            lines.append([rect])
    return [(min(r[0] for r in line), max(r[2] for r in line)) for line in lines
            if ARABIC.search("".join(textpage.get_text_bounded(*r) for r in line))]


@pytest.mark.pdf
def test_urdu_text_runs_are_right_aligned(urdu):
    """Every line of the body text ends at the right margin; their left ends vary."""
    pdf = urdu / "milia-a5.ur.pdf"
    width = pdfium.PdfDocument(pdf)[1].get_size()[0]
    right_margin = width - 13 * PT_PER_MM  # styles/a5.css: 13 mm either side
    arabic = text_lines(pdf, 1)
    assert len(arabic) > 15
    rights = [right for _, right in arabic]
    lefts = [left for left, _ in arabic]
    edge = sorted(rights)[len(rights) // 2]
    aligned = [r for r in rights if abs(r - edge) < 2]
    assert len(aligned) >= 0.9 * len(rights), sorted(rights)
    assert right_margin - 10 < edge <= right_margin + 1  # at the right margin (less the glyphs' side bearing)
    assert max(lefts) - min(lefts) > 40  # ragged on the left: the last line of each paragraph is short


@pytest.mark.pdf
def test_phone_number_reads_left_to_right(urdu):
    """On the back cover the number is drawn as written: 01782 on the left, 922300 on the right."""
    pdf = urdu / "milia-a5.ur.pdf"
    last = len(pdfium.PdfDocument(pdf)) - 1
    visual = ["".join(b[0] for b in sorted(line, key=lambda b: b[1])) for line in lines(chars(pdf, last)).values()]
    assert any(PHONE.replace(" ", "") in line for line in visual), visual
    assert "01782" in page_text(pdf, last) and "922300" in page_text(pdf, last)


@pytest.mark.pdf
def test_urdu_fonts_are_the_projects(urdu):
    for name in ("milia-a5.ur.pdf", "milia-a5-print.ur.pdf"):
        fonts = embedded_fonts(urdu / name)
        assert fonts <= project_font_names(), fonts
        assert "ibmplexsansarabic" in fonts


@pytest.mark.pdf
def test_urdu_booklet_bound_on_the_right(urdu):
    """The imposed file's first side has the cover (page 1) on the left half and the back cover
    (page 8) on the right: the booklet opens from the right."""
    pdf = pdfium.PdfDocument(urdu / "milia-a5-print.ur.pdf")
    textpage = pdf[0].get_textpage()
    width, height = pdf[0].get_size()
    left = textpage.get_text_bounded(0, 0, width / 2, height)
    right = textpage.get_text_bounded(width / 2, 0, width, height)
    assert "ملیا کیا ہیں؟" in left  # the contents, on the cover
    assert "ہم سے رابطہ" in right and "01782" in right  # the contact details, on the back cover
    assert booklet_sheets(8, right_to_left=True) == [((1, 8), (7, 2)), ((3, 6), (5, 4))]


@pytest.mark.pdf
def test_urdu_a4_columns_run_right_to_left(urdu_sheets):
    pdf = urdu_sheets / "milia-a4.ur.pdf"
    width = pdfium.PdfDocument(pdf)[0].get_size()[0]
    textpage = pdfium.PdfDocument(pdf)[0].get_textpage()
    found = textpage.search("ملیا کیا ہیں").get_next()
    assert found is not None
    left = textpage.get_charbox(found[0])[0]
    assert left > width / 2  # the first section's heading starts the right-hand column
    assert embedded_fonts(pdf) <= project_font_names()


@pytest.mark.pdf
def test_urdu_dl_panels_mirrored(urdu_sheets):
    """Outside of the sheet: front cover on the left, the back cover in the middle, the fold-in flap
    (the contact panel) on the right."""
    pdf = pdfium.PdfDocument(urdu_sheets / "milia-dl.ur.pdf")
    width, height = pdf[0].get_size()
    textpage = pdf[0].get_textpage()
    left = textpage.get_text_bounded(0, 0, 100 * PT_PER_MM, height)
    middle = textpage.get_text_bounded(100 * PT_PER_MM, 0, 200 * PT_PER_MM, height)
    assert "ملیا" in left and "01782" in left  # the front cover: title and phone
    right = textpage.get_text_bounded(200 * PT_PER_MM, 0, width, height)
    assert "ہم سے رابطہ" in right and "ہم سے رابطہ" not in middle  # the contact panel is the flap
    outside, inside = dl_slots(right_to_left=True)
    assert [slot[2] for slot in outside] == [0, 4, 5] and [slot[2] for slot in inside] == [3, 2, 1]


# --- Polish -------------------------------------------------------------------------------------


@pytest.mark.pdf
def test_polish_text_has_its_letters(polish):
    pdf = polish / "milia-a5.pl.pdf"
    text = " ".join(page_text(pdf, i) for i in range(len(pdfium.PdfDocument(pdf))))
    for letter in "ąęłśżźóćń":
        assert letter in text, letter
    assert "Prosaki" in text and "Zadzwoń pod numer alarmowy 999" in text
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "pl"
    assert embedded_fonts(pdf) <= project_font_names()
    assert not any("arabic" in f for f in embedded_fonts(pdf))


# --- The coverage check -------------------------------------------------------------------------


def test_cjk_in_a_branch_name_is_refused(project):
    branch = project / "data/branches/stoke-on-trent.yaml"
    branch.write_text(branch.read_text("utf-8").replace("name: Stoke-on-Trent", "name: Stoke-on-Trent 中"), "utf-8")
    line = branch.read_text("utf-8").splitlines().index("name: Stoke-on-Trent 中") + 1
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4",
                 "--lang", "en-GB", "-j1", "--out", project / "out")
    assert result.exit_code == 2, result.output
    assert f"data/branches/stoke-on-trent.yaml:{line}: name: the character '中' (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D)" \
        in result.output
    assert "Atkinson Hyperlegible" in result.output
    assert result.output.count("U+4E2D") == 1  # once, however many variants print it
    assert not (project / "out/stoke-on-trent/milia-a4.pdf").exists()


def test_hebrew_in_a_translation_names_the_po_line(tmp_path):
    project = copy_project(tmp_path / "project", translations=True)
    po = polib.pofile(str(project / "locale/pl/milia.po"))
    entry = next(e for e in po if e.msgctxt == "title")
    entry.msgstr = "Prosaki שלום"
    po.save()
    result = run("--root", project, "check")
    assert result.exit_code == 2, result.output
    line = next(i for i, text in enumerate((project / "locale/pl/milia.po").read_text("utf-8").splitlines(), 1)
                if "שלום" in text)
    assert f"locale/pl/milia.po:{line}: title: the character 'ש' (U+05E9 HEBREW LETTER SHIN)" in result.output


def test_what_is_not_drawn_is_not_checked():
    # Soft hyphen, left-to-right mark, isolates, zero-width joiners: not drawn.
    assert missing_characters("ab\u00ad\u200e\u200f\u2066c\u2069\u200c\u200d\n", "en-GB") == []
    assert missing_characters("a\u2009b", "en-GB") == ["\u2009"]  # a thin space is drawn: not in the font
    assert missing_characters("بچے ٹھیک ڈاکٹر بڑھے نہیں ۔", "ur") == []
    assert missing_characters("بچے", "en-GB") == ["ب", "چ", "ے"]


def test_drawn_text_includes_stylesheet_strings_but_not_the_head():
    html = ('<html><head><title>中</title><style>@page { @bottom-left { content: "Page " counter(page) "\\5d0 "; } }'
            '</style></head><body><p alt="x">a&amp;b</p></body></html>')
    text = drawn_text(html)
    assert "a&b" in text and "\u05d0" in text and "中" not in text


def test_english_pages_are_unchanged_by_scripts():
    assert font_stack_css("en-GB") == "" and font_stack_css("pl") == ""
    assert "IBM Plex Sans Arabic" in font_stack_css("ur")


@pytest.mark.pdf
def test_formats_a_translation_leaves_out_are_named_by_list_and_build(tmp_path):
    # The shipped pl record is built in every format; a writer may limit it.
    project = copy_project(tmp_path / "project", translations=True)
    record = project / "locale" / "pl" / "milia.yaml"
    shipped = record.read_text()
    assert "formats:" not in shipped and '\nmade_from: "0.3"\n' in shipped
    record.write_text(shipped.replace('\nmade_from: "0.3"\n', '\nmade_from: "0.3"\nformats: [a5, large-print, web]\n'))
    listed = run("--root", project, "list", "milia", "--lang", "pl")
    assert listed.exit_code == 0, listed.output
    assert ("not built: milia in pl as a4, dl (locale/pl/milia.yaml lists the formats it fits: "
            "a5, large-print, web)") in listed.output
    assert "milia in ur" not in listed.output  # only the language asked for
    built = run("--root", project, "build", "milia", "--lang", "pl", "--format", "a4", "--out", tmp_path / "out")
    assert built.exit_code == 2
    assert "nothing to build" in built.output and "not built: milia in pl as a4 (" in built.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))
