"""Room on the page (docs/print-formats.md): every print format's page model, legible type, breaks
that read well, print settings inside the PDF, and a "For you" box that fits every leaflet,
branch, language and format without changing its pages."""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import math
from collections import Counter
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium
import pytest
from pypdf import PdfReader

from leaflets.commands.personalise import PersonalNote, personal_job, personal_variant
from leaflets.formats import FORMATS
from leaflets.project.folder import find_project
from leaflets.project.load import load_library
from leaflets.project.plan import plan_variants
from leaflets.render.engine import lay_out
from leaflets.render.foryou import lay_out_personal
from leaflets.render.job import check_text_inside
from leaflets.render.layout import lay_out_padded
from leaflets.render.pdfs import make_pdfs
from leaflets.render.prepare import prepare

from tests.helpers.project import REPO, build_ok, copy_project, run
from tests.helpers.shared import SHARED_DAY

PRINTED = ("a4", "a5", "dl", "large-print")
LANGS = ("en-GB", "pl", "ur")


def with_formats(formats, langs=LANGS) -> list:
    """(format, lang) pairs: every translation is built in every format, the DL included."""
    return [pytest.param(fmt, lang, id=f"{lang}-{fmt}") for fmt in formats for lang in langs]
TODAY = dt.date.fromisoformat(SHARED_DAY)  # the day the shared builds are made for
#: a practitioner's note of exactly 300 characters, the least every format has room for
NOTE = ("Apply the cream twice a day for two weeks, then once a day. Keep the treated area out of the sun and use "
        "sunscreen of SPF 30 or more. Do not pick at any crusts; they fall off in about a week. Call us if the "
        "skin becomes red, hot, swollen or painful, or if you have a temperature. Bring this leaflet with you")[:300]


def details(note: str = NOTE) -> PersonalNote:
    return PersonalNote.from_form(name="Alexandra Wiśniewska", note=note, appointment="2026-12-10T14:30",
                                  practitioner="Dr Jo Bloggs")


@pytest.fixture(scope="module")
def milia(tmp_path_factory, default_build, translated_build) -> Path:
    """Milia at one branch in every print format, in English, Polish and Urdu (the rack copies), with
    the branch's catalogue: links to the run's shared builds (English: ``default_build``; Polish and
    Urdu: ``translated_build``), so that nothing is built again for this module."""
    folder = tmp_path_factory.mktemp("room")
    english = default_build[0] / "stoke-on-trent"
    files = [english / "index.html", *english.glob("milia-*.pdf"), *translated_build.glob("milia-*.pdf")]
    for file in files:
        (folder / file.name).symlink_to(file)
    assert {pdf_name(fmt, lang) for fmt in PRINTED for lang in LANGS} <= {file.name for file in files}
    return folder


@pytest.fixture(scope="module")
def library():
    return load_library(find_project(REPO))


def pdf_name(fmt: str, lang: str) -> str:
    return f"milia-{fmt}{'' if lang == 'en-GB' else '.' + lang}.pdf"


def printed_sizes(path: Path) -> Counter:
    """Points as printed of every letter and digit: the font size times the scale of the
    character's matrix (the text matrix and every CTM around it, forms included)."""
    sizes: Counter = Counter()
    pdf = pypdfium2.PdfDocument(path)
    matrix = pdfium.FS_MATRIX()
    for page in pdf:
        textpage = page.get_textpage()
        for index in range(textpage.count_chars()):
            if not chr(pdfium.FPDFText_GetUnicode(textpage, index)).isalnum():
                continue
            pdfium.FPDFText_GetMatrix(textpage, index, ctypes.byref(matrix))
            scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
            sizes[round(pdfium.FPDFText_GetFontSize(textpage, index) * scale, 1)] += 1
    return sizes


def places(path: Path, *needles: str) -> list[tuple[int, int]]:
    """(page, column or panel) where each text starts: the A4's two columns, the DL sheet's three
    panels, one place per A5 page; found with pypdfium2's character boxes."""
    pdf = pypdfium2.PdfDocument(path)
    found = []
    for needle in needles:
        for number, page in enumerate(pdf):
            textpage = page.get_textpage()
            whole = textpage.get_text_range()
            start = " ".join(whole.split()).find(needle)
            if start < 0:
                continue
            index = whole.find(needle.split()[0])
            while index >= 0 and " ".join(whole[index:].split())[:len(needle)] != needle:
                index = whole.find(needle.split()[0], index + 1)
            left = textpage.get_charbox(index)[0]
            width = page.get_width()
            slots = 3 if width > page.get_height() else (2 if width > 500 else 1)
            found.append((number, int(left / (width / slots))))
            break
        else:
            raise AssertionError(f"{needle!r} not found in {path.name}")
    return found


# --- the page model -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_translation_is_built_in_every_print_format_within_its_page_model(milia, lang):
    for fmt in PRINTED:
        reader = PdfReader(milia / pdf_name(fmt, lang))
        pages = len(reader.pages)
        if fmt == "a4":
            assert 2 <= pages <= 4, pages  # one or two duplex sheets
        elif fmt == "a5":
            assert pages in (4, 8, 12), pages
            assert len(PdfReader(milia / pdf_name("a5-print", lang)).pages) == pages // 2
        elif fmt == "dl":
            assert pages == 2  # one sheet, two sides
        assert reader.trailer["/Root"]["/Lang"] == lang


def test_no_translation_or_leaflet_leaves_out_a_format():
    # Every translation in every format the English has (the DL's short version included); a
    # formats: list stays possible for a writer who asks for it, but none ships.
    records = sorted((REPO / "locale").glob("*/*.yaml")) + sorted((REPO / "data" / "leaflets").glob("*.yaml"))
    assert len(records) >= 8
    restricting = [r for r in records if any(line.lstrip().startswith("formats:")
                                             for line in r.read_text().splitlines())]
    assert restricting == []


def test_the_dl_is_a_short_version_that_says_so_and_the_a4_is_the_full_one(milia):
    dl = " ".join(PdfReader(milia / "milia-dl.pdf").pages[1].extract_text().split()
                  + PdfReader(milia / "milia-dl.pdf").pages[0].extract_text().split())
    a4 = " ".join(" ".join(p.extract_text() for p in PdfReader(milia / "milia-a4.pdf").pages).split())
    assert "This is a shorter version of this leaflet" in dl
    assert "This is a shorter version" not in a4
    for heading in ("Do milia run in families?", "How are milia diagnosed?"):  # marked full_version_only
        assert heading in a4 and heading not in dl
    for safety in ("When to get advice", "Do not squeeze or pick milia", "For a baby", "pregnant"):
        assert safety in dl and safety in a4


# --- legible type -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, lang", with_formats(("a4", "a5", "dl", "a5-print")))
def test_body_text_is_12_pt_and_nothing_is_below_9_pt_as_printed(milia, fmt, lang):
    sizes = printed_sizes(milia / pdf_name(fmt, lang))
    assert sum(sizes.values()) > 500, sizes
    body = sizes.most_common(1)[0][0]
    assert body >= 12.0, (body, sorted(sizes.items()))
    assert min(sizes) >= 9.0, sorted(sizes.items())


@pytest.mark.parametrize("lang", LANGS)
def test_large_print_is_16_pt_or_more_everywhere(milia, lang):
    sizes = printed_sizes(milia / pdf_name("large-print", lang))
    assert sizes and min(sizes) >= 16.0, sorted(sizes.items())


# --- breaks -------------------------------------------------------------------------------------


def opening(text: str) -> str:
    return " ".join(text.split()[:4])


def in_language(library, lang: str):
    if lang == "en-GB":
        return library
    from leaflets.project.translations import translated_library

    return translated_library(library, lang, "milia")


@pytest.mark.parametrize("fmt, lang", with_formats(("a4", "a5", "dl"), ("en-GB", "pl")))
def test_a_warning_marked_keep_with_previous_is_kept_with_the_advice(milia, library, fmt, lang):
    """The retinol warning (keep_with_previous in data/leaflets/milia.yaml) is in the same page,
    column or panel as the end of the retinol advice before it."""
    leaflet = in_language(library, lang).leaflets["milia"]
    pairs = [(section.body[i - 1], block) for section in leaflet.sections
             for i, block in enumerate(section.body) if getattr(block, "keep_with_previous", False)]
    assert pairs
    for advice, warning in pairs:
        advice_text = advice.bullets[-1] if advice.kind == "bullets" else advice.p
        warning_text = warning.bullets[0] if warning.kind == "bullets" else warning.p
        where = places(milia / pdf_name(fmt, lang), opening(advice_text), opening(warning_text))
        assert where[0] == where[1], (advice_text, warning_text, where)


@pytest.mark.parametrize("fmt, lang", with_formats(("a4", "a5", "dl"), ("en-GB", "pl")))
def test_the_baby_box_is_never_split(milia, library, fmt, lang):
    snippet = in_language(library, lang).advice["baby-skin"]
    box = next(block.callout for block in snippet.body if block.kind == "callout")
    spots = places(milia / pdf_name(fmt, lang), box.title, opening(box.bullets[-1]))
    assert spots[0] == spots[1], spots


def fragments(document, class_or_id: str) -> Counter:
    """How many pieces (pages, columns) each element with this class or id was laid out in."""
    pieces: Counter = Counter()

    def walk(box, column: int) -> None:
        element = getattr(box, "element", None)
        if element is not None and (element.get("id") == class_or_id
                                    or class_or_id in (element.get("class") or "").split()):
            pieces[id(element)] += 1
            return
        for child in getattr(box, "children", ()):
            walk(child, column)

    for page in document._document.pages:
        columns = [page._page_box]
        for root in columns:  # a multi-column box holds one child box per column piece
            walk(root, 0)
    return pieces


@pytest.mark.parametrize("fmt, lang", with_formats(("a4", "a5", "dl")))
def test_no_box_and_no_room_is_split_across_pages_columns_or_panels(library, fmt, lang):
    variant = plan_variants(library, ["milia"], ["stoke-on-trent"], [fmt], "office", False, [lang])[0]
    job = prepare(library, variant, TODAY)
    document = lay_out(job.html, Path(job.base), [Path(a) for a in job.allowed], job.name)
    for name in ("callout", "room"):
        pieces = fragments(document, name)
        assert pieces and max(pieces.values()) == 1, (name, pieces)


# --- print settings -----------------------------------------------------------------------------


@pytest.mark.parametrize("name, duplex", [
    ("milia-a4.pdf", "/DuplexFlipLongEdge"), ("milia-large-print.pdf", "/DuplexFlipLongEdge"),
    ("milia-dl.pdf", "/DuplexFlipShortEdge"), ("milia-a5-print.pdf", "/DuplexFlipShortEdge"),
    ("milia-a4.ur.pdf", "/DuplexFlipLongEdge"), ("milia-a5-print.pl.pdf", "/DuplexFlipShortEdge"),
])
def test_desk_pdfs_carry_their_print_settings(milia, name, duplex):
    preferences = PdfReader(milia / name).trailer["/Root"]["/ViewerPreferences"]
    assert preferences["/Duplex"] == duplex
    assert preferences["/PrintScaling"] == "/None"
    assert preferences["/NumCopies"] == 1


def test_the_catalogue_s_print_instructions_match_the_settings():
    for fmt in FORMATS.values():
        for words, duplex in ((fmt.printing, fmt.duplex), (fmt.companion_printing, fmt.companion_duplex)):
            if duplex:
                edge = "long" if duplex == "DuplexFlipLongEdge" else "short"
                assert f"flip on {edge} edge" in words and "do not shrink" in words.lower() or \
                    f"flip on {edge} edge" in words and fmt.id == "a5" and words == fmt.printing, (fmt.id, words)


def test_the_catalogue_s_a5_button_gives_the_file_that_folds(milia):
    page = (milia / "index.html").read_text()
    desk, shop = page.split('<section class="print-shop"', 1)
    button = desk.split('href="milia-a5-print.pdf">', 1)[1]
    assert button.startswith("A5 booklet")
    assert "Print on A4, double-sided, flip on short edge, actual size (do not shrink), then fold in half." \
        in button.split("</li>", 1)[0]
    assert 'href="milia-a5.pdf"' not in desk and 'href="milia-a5.pdf"' in shop


# --- the "For you" box --------------------------------------------------------------------------


def all_variants(library) -> list:
    return [v for v in plan_variants(library, [], [], list(PRINTED), "office", False, [])]


def rack_pages(default_build, translated_build) -> dict[tuple[str, str, str, str], int]:
    """(leaflet, branch, format, lang) -> the laid-out pages of the rack copy, for every office PDF of
    the run's shared builds (built for ``TODAY``, through the gate): the PDF's pages, except the DL's
    six panels, imposed on the two sides of its sheet."""
    manifests = [default_build[1], json.loads((translated_build.parent / "manifest.json").read_text())]
    pages = {}
    for manifest in manifests:
        for entry in manifest["outputs"]:
            if entry["kind"] == "pdf" and entry["profile"] == "office" and entry["companion_of"] is None:
                fmt = FORMATS[entry["format"]]
                laid_out = fmt.max_pages if fmt.layout == "dl" else entry["pages"]
                pages[entry["leaflet"], entry["branch"], entry["format"], entry["lang"]] = laid_out
    return pages


@pytest.mark.parametrize("fmt", PRINTED)
def test_every_leaflet_branch_language_and_format_is_personalised_with_a_300_character_note(
        library, default_build, translated_build, fmt):
    """Every combination personalises with a name, appointment, practitioner and a 300-character
    note, on the rack copy's pages (large print may grow): laid out in this process.

    Laid out, not written: the personalised layout is the one ``make_pdfs`` makes (the box must
    stay inside its room, else ``NoteDoesNotFit``; no text may run off a page), and the pages
    compared are the laid-out pages (the DL's six panels, not the two sides of its imposed
    sheet). The rack copy's pages are those of the run's shared builds where they hold it (every
    English variant, Polish and Urdu at Stoke-on-Trent), else it is laid out here too. Writing the
    PDFs is checked by the tests that read them (below, and tests/commands/test_personalise.py)."""
    variants = [v for v in all_variants(library) if v.format == fmt]
    every = {v.leaflet for v in plan_variants(library)}
    assert len(variants) >= 10 and {v.lang for v in variants} >= set(LANGS)
    assert {v.leaflet for v in variants} == every  # every leaflet built, chemical-peel's DL included
    built = rack_pages(default_build, translated_build)
    assert sum(v.lang == "en-GB" for v in variants) == sum(key[2:] == (fmt, "en-GB") for key in built)
    laid_out_here = 0
    for variant in variants:
        job = personal_job(library, personal_variant(library, variant.leaflet, variant.branch, variant.format,
                                                     variant.lang), TODAY, details())
        layout = FORMATS[variant.format]
        personal = lay_out_personal(job, layout)
        check_text_inside(personal.escaping_text(), job)
        pages = built.get((variant.leaflet, variant.branch, variant.format, variant.lang))
        if pages is None:
            rack_job = prepare(library, variant, TODAY)
            rack = lay_out_padded(rack_job, layout)
            check_text_inside(rack.escaping_text(), rack_job)
            pages, laid_out_here = rack.pages, laid_out_here + 1
        if variant.format == "large-print":
            assert personal.pages >= pages, variant.name
        else:
            assert personal.pages == pages, variant.name
    assert laid_out_here < len(variants)  # the shared builds were used


@pytest.mark.parametrize("fmt", ("a4", "dl"))
def test_a_personalised_a4_and_dl_show_the_box_in_the_room(library, fmt, tmp_path):
    job = personal_job(library, personal_variant(library, "milia", "stoke-on-trent", fmt), TODAY, details())
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(make_pdfs(job)[0].data)
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages]
    words = next(page for page in pages if "For you" in page)
    assert "Alexandra Wiśniewska" in words and "Dr Jo Bloggs" in words
    assert "Bring this leaflet" in words  # the end of the 300-character note, not cut off
    # the box took the room's place (a DL sheet side may also hold a notes panel padding the content)
    rack = tmp_path / "rack.pdf"
    rack_job = prepare(library, personal_variant(library, "milia", "stoke-on-trent", fmt), TODAY)
    rack.write_bytes(make_pdfs(rack_job)[0].data)
    notes = "Notes and questions for your appointment"
    on_rack = [" ".join(p.extract_text().split()).count(notes) for p in PdfReader(rack).pages]
    on_personal = [page.count(notes) for page in pages]
    assert sum(on_personal) == sum(on_rack) - 1 and len(on_personal) == len(on_rack), (on_rack, on_personal)


@pytest.mark.parametrize("lang, flap", (("en-GB", 0), ("ur", 2)))
def test_a_personalised_dl_keeps_the_name_inside_the_folded_leaflet(library, lang, flap, tmp_path):
    """The box is on the fold-in flap (the outside sheet's left panel, the right one in Urdu), which
    folds inside: the front and back covers, on show, carry no name."""
    job = personal_job(library, personal_variant(library, "milia", "stoke-on-trent", "dl", lang), TODAY, details())
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(make_pdfs(job)[0].data)
    assert places(pdf, "Alexandra Wiśniewska", "Dr Jo Bloggs") == [(0, flap), (0, flap)]


def test_content_that_takes_the_room_is_refused_naming_format_and_how_much_to_cut(tmp_path):
    project = copy_project(tmp_path / "project")
    leaflet = project / "data" / "leaflets" / "milia.yaml"
    build_ok(tmp_path / "out", "milia", "--branch", "stoke-on-trent", "--format", "dl", root=project)  # a good build
    extra = " ".join(["Milia are small and harmless and this sentence is here to make the leaflet longer."] * 15)
    leaflet.write_text(leaflet.read_text().replace(
        "  - heading: When to get advice\n    body:\n",
        f"  - heading: When to get advice\n    body:\n      - p: {extra}\n      - p: {extra}\n"))
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "dl",
                 "--out", tmp_path / "out")
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "milia / stoke-on-trent / dl: the content needs" in message
    assert 'contact panel on the flap with room for the "For you" box' in message  # the budget
    assert "lines (" in message and "mm) too many" in message  # how much to cut
    # the section that grew since the last good build, and by how much
    assert "section 'When to get advice' grew by " in message and " lines since the last good build" in message
    grown = int(message.split("grew by ")[1].split()[0])
    assert 20 <= grown <= 80, grown  # two paragraphs of about 1300 characters, at about 38 a line
    assert "full_version_only" in message and "choose another format" in message


def test_without_an_earlier_build_the_overflow_names_the_largest_section(tmp_path):
    project = copy_project(tmp_path / "project")
    leaflet = project / "data" / "leaflets" / "milia.yaml"
    extra = " ".join(["Milia are small and harmless and this sentence is here to make the leaflet longer."] * 15)
    leaflet.write_text(leaflet.read_text().replace(
        "  - heading: When to get advice\n    body:\n",
        f"  - heading: When to get advice\n    body:\n      - p: {extra}\n      - p: {extra}\n"))
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "dl",
                 "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "the largest section is 'When to get advice' (" in " ".join(result.output.split())


def test_a_print_shop_file_built_before_a_content_change_is_not_left_as_current(tmp_path):
    project = copy_project(tmp_path / "project")
    out = tmp_path / "out"
    build_ok(out, "milia", "--branch", "stoke-on-trent", "--format", "a4", "--for", "print-shop", root=project)
    shop = "stoke-on-trent/milia-a4-print-shop.pdf"
    assert shop in [o["path"] for o in json.loads((out / "manifest.json").read_text())["outputs"]]
    assert (out / shop).is_file()
    leaflet = project / "data" / "leaflets" / "milia.yaml"
    leaflet.write_text(leaflet.read_text().replace("Anyone can get milia, at any age.",
                                                   "Anyone can get milia, at any age, at any time."))
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4",
                 "--out", out)
    assert result.exit_code == 0, result.output
    manifest = (out / "manifest.json").read_text()
    assert shop not in manifest and not (out / shop).exists()
    assert (out / ".stale" / shop).is_file()
    assert "milia-a4-print-shop.pdf" not in (out / "stoke-on-trent" / "index.html").read_text()
    assert "out of date" in result.output


# --- tagging ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_dl_sheet_is_tagged_in_its_panels_reading_order(milia, lang):
    """The DL sheet carries the panels' structure: /Lang, /MarkInfo, alt text, and every piece
    of marked content on the sheets referenced from the structure tree (as /MCR in its form)."""
    import re

    reader = PdfReader(milia / pdf_name("dl", lang))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang and bool(root["/MarkInfo"]["/Marked"])
    tree = root["/StructTreeRoot"]
    kinds: Counter = Counter()
    headings: list[str] = []
    alts: list[str] = []

    def walk(element) -> None:
        element = element.get_object()
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            item = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(item, dict) and item.get("/Type") == "/MCR":
                kinds["MCR"] += 1
                assert "/Stm" in item and "/Pg" in item
            elif isinstance(item, dict) and "/S" in item:
                kinds[item["/S"]] += 1
                if item["/S"] in ("/H1", "/H2"):
                    headings.append(item["/S"])
                if "/Alt" in item:
                    alts.append(str(item["/Alt"]))
                walk(kid)

    for kid in tree["/K"]:
        walk(kid)
    marked = sum(len(re.findall(rb"/MCID \d+", form.get_object().get_data()))
                 for page in reader.pages for form in page["/Resources"]["/XObject"].values())
    assert marked > 100 and kinds["MCR"] == marked
    assert headings[0] == "/H1" and headings.count("/H2") >= 4  # the title first: the front cover comes first
    assert any("QR code" in alt for alt in alts) and len(alts) >= 2  # the QR code and the logo
