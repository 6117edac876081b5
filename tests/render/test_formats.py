"""Print formats and profiles, measured in millimetres on the real PDFs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leaflets.render.impose import booklet_sheets

from tests.helpers.pdf import box_mm, open_pdf, positioned_text, size_mm, text
from tests.helpers.project import REPO, build_ok, run
from tests.helpers.shared import shared_folder

pytestmark = pytest.mark.pdf

# finished (trim) page size of each file kind, in mm
SIZES = {
    "milia-a4": (210, 297),
    "milia-a5": (148, 210),
    "milia-a5-print": (297, 210),
    "milia-dl": (297, 210),
    "milia-large-print": (210, 297),
}


@pytest.fixture(scope="session")
def print_shop_build(tmp_path_factory) -> Path:
    return shared_folder(tmp_path_factory, "print-shop", lambda out: build_ok(out, "milia", "--branch",
                                                                              "stoke-on-trent", "--for", "print-shop",
                                                                              "--lang", "en-GB"))


def close(actual: tuple[float, ...], expected: tuple[float, ...], tolerance: float = 0.5) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


@pytest.mark.parametrize("name, size", sorted(SIZES.items()))
def test_office_page_sizes(default_build, name, size):
    out, _ = default_build
    reader = open_pdf(out / f"stoke-on-trent/{name}.pdf")
    assert reader.pages
    for page in reader.pages:
        assert close(size_mm(page.mediabox), size), (name, size_mm(page.mediabox))


def test_page_counts_and_budgets(default_build):
    out, manifest = default_build
    printed = [item for item in manifest["outputs"] if item["kind"] in ("pdf", "imposed")]  # not thumbnails, web
    assert {item["format"] for item in printed} == {"a4", "a5", "dl", "large-print"}
    for item in printed:
        pages = item["pages"]
        if item["path"].endswith("-a5-print.pdf"):
            assert pages in (2, 4, 6)
        elif item["format"] == "a4":
            assert 2 <= pages <= 4  # one or two duplex sheets (docs/print-formats.md)
        elif item["format"] == "a5":
            assert pages in (4, 8, 12), item
        elif item["format"] == "dl":
            assert pages == 2, item
        assert len(open_pdf(out / item["path"]).pages) == pages


def test_manifest_links_the_imposed_file_to_its_reading_order_file(default_build):
    _, manifest = default_build
    by_path = {o["path"]: o for o in manifest["outputs"]}
    companion = by_path["stoke-on-trent/milia-a5-print.pdf"]
    assert companion["companion_of"] == "stoke-on-trent/milia-a5.pdf"
    assert companion["format"] == "a5"
    assert by_path["stoke-on-trent/milia-a5.pdf"]["companion_of"] is None
    assert {o["format"] for o in manifest["outputs"]} == {"a4", "a5", "dl", "large-print", "web"}
    assert companion["kind"] == "imposed" and by_path["stoke-on-trent/milia-a5.pdf"]["kind"] == "pdf"


def page_label(runs) -> int | None:
    for content, *_ in runs:
        if content.startswith("Page ") and " of " in content:
            return int(content.split()[1])
    return None


def test_a5_booklet_sheets_carry_the_right_pages(default_build):
    out, _ = default_build
    booklet = open_pdf(out / "stoke-on-trent/milia-a5.pdf")
    n = len(booklet.pages)
    assert n % 4 == 0
    # the cover and the notes pages (padding, just before the back cover) carry no page number
    labels = [page_label(positioned_text(p)) for p in booklet.pages]
    assert labels[0] is None and labels[1] == 2 and labels[-1] == n
    blanks = [i + 1 for i, label in enumerate(labels) if label is None and i > 0]
    assert blanks == list(range(n - len(blanks), n)), blanks
    assert "Contact us" in booklet.pages[-1].extract_text()

    sheets = open_pdf(out / "stoke-on-trent/milia-a5-print.pdf")
    expected = [side for sheet in booklet_sheets(n) for side in sheet]
    assert len(sheets.pages) == len(expected)
    for page, (left, right) in zip(sheets.pages, expected, strict=True):
        runs = positioned_text(page)
        found_left = page_label([r for r in runs if r[1] < 148.5])
        found_right = page_label([r for r in runs if r[1] >= 148.5])
        assert found_left == (left if left not in blanks and left != 1 else None)
        assert found_right == (right if right not in blanks and right != 1 else None)


def panel_of(x: float, edges: tuple[float, ...]) -> int:
    return next(i for i, edge in enumerate(edges[1:]) if x < edge)


def test_dl_panels_are_where_the_fold_puts_them(default_build):
    out, _ = default_build
    reader = open_pdf(out / "stoke-on-trent/milia-dl.pdf")
    outside, inside = reader.pages
    runs = positioned_text(outside)
    xs = {content: x for content, x, _, _ in runs}
    outside_edges = (0, 97, 197, 297)
    assert panel_of(xs["Milia"], outside_edges) == 2, "front cover is the right-hand outside panel"
    # the contact panel, with the room for the "For you" box, is the fold-in flap: inside the folded leaflet
    assert panel_of(xs["Contact us"], outside_edges) == 0, "the contact panel is the fold-in flap"
    room = [x for content, x, _, _ in runs if content.startswith("Notes and questions")]
    assert room and all(panel_of(x, outside_edges) == 0 for x in room[:1]), room
    back = [content for content, x, _, _ in runs if 97 <= x < 197]
    assert back and "Contact us" not in back and "Milia" not in back
    inside_runs = positioned_text(inside)
    inside_edges = (0, 100, 200, 297)
    assert {panel_of(x, inside_edges) for content, x, _, _ in inside_runs if "DRAFT" not in content} == {0, 1, 2}
    inside_xs = {content: x for content, x, _, _ in inside_runs}
    assert panel_of(inside_xs["Looking after your skin"], inside_edges) == 0, "content starts on the inside left panel"


def test_large_print_text_is_never_under_16_pt(default_build):
    out, _ = default_build
    reader = open_pdf(out / "stoke-on-trent/milia-large-print.pdf")
    sizes = [size for page in reader.pages for _, _, _, size in positioned_text(page)]
    assert sizes and min(sizes) >= 16, min(sizes)
    body = [size for page in reader.pages for content, _, _, size in positioned_text(page) if "Each bump" in content]
    assert body and body[0] == pytest.approx(18, abs=0.1)
    assert "Page 1 of" in text(reader)


@pytest.mark.parametrize("name, size", sorted((k, v) for k, v in SIZES.items() if k != "milia-a5-print"))
def test_print_shop_bleed_and_trim(print_shop_build, name, size):
    reader = open_pdf(print_shop_build / f"stoke-on-trent/{name}-print-shop.pdf")
    assert reader.pages
    for page in reader.pages:
        media = box_mm(page.mediabox)
        trim = box_mm(page.trimbox)
        assert close((trim[2] - trim[0], trim[3] - trim[1]), size), trim
        for edge in (trim[0] - media[0], trim[1] - media[1], media[2] - trim[2], media[3] - trim[3]):
            assert edge == pytest.approx(3, abs=0.05)
        runs = positioned_text(page)
        assert runs, (name, "a page without text")
        for content, x, y, _ in runs:
            if "DRAFT" in content:
                continue  # the draft mark is drawn across the page on purpose
            assert trim[0] + 5 <= x <= trim[2] - 5 and trim[1] + 5 <= y <= trim[3] - 5, (name, content, x, y)


def test_print_shop_writes_no_imposed_file_and_says_print_shop(print_shop_build):
    files = sorted(p.name for p in (print_shop_build / "stoke-on-trent").iterdir())
    assert not any(name.endswith("-a5-print.pdf") for name in files)
    manifest = json.loads((print_shop_build / "manifest.json").read_text())
    assert {o["profile"] for o in manifest["outputs"]} == {"print-shop"}
    for output in manifest["outputs"]:
        assert b"GTS_PDFX" not in (print_shop_build / output["path"]).read_bytes(), "never labelled PDF/X"


def test_marks_need_the_print_shop_profile():
    result = run("--root", REPO, "build", "milia", "--marks")
    assert result.exit_code == 2
    assert "--marks" in result.stderr and "--for print-shop" in result.stderr


def test_low_resolution_raster_logo_is_warned_about(project: Path, tmp_path: Path):
    from PIL import Image

    Image.new("RGB", (120, 40), "#1d4f6e").save(project / "assets/logos/small.png")
    path = project / "data/branches/stoke-on-trent.yaml"
    path.write_text(path.read_text().replace("assets/logos/stoke-on-trent.svg", "assets/logos/small.png"))
    out = tmp_path / "out"
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4",
                 "--for", "print-shop", "--out", out)
    assert result.exit_code == 0, result.output
    assert "small.png is 40 px high, printed 16 mm high: 64 ppi, below the 300 ppi" in result.stderr


def test_dl_overflow_names_the_section(project: Path, tmp_path: Path):
    path = project / "data/leaflets/milia.yaml"
    content = path.read_text()
    marker = "  - heading: When to get advice\n"
    assert marker in content
    extra = (
        "  - heading: A very long extra section\n    body:\n"
        + "      - p: More words that will not fit on the panels of a folded leaflet, however it is folded.\n" * 40
    )
    path.write_text(content.replace(marker, extra + marker, 1))
    out = tmp_path / "out"
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "dl", "--out", out)
    assert result.exit_code == 1
    assert "milia / stoke-on-trent / dl: the content needs" in result.stderr
    assert "panels but the format allows 6" in result.stderr
    assert "section 'A very long extra section' does not fit" in result.stderr
    assert not (out / "stoke-on-trent/milia-dl.pdf").exists()


def test_a4_contact_block_and_record_stay_together(default_build):
    """The A4's last page fills its columns in turn: the contact block and the record under it
    (publisher, reference, sources) end the content together, in one column, never split."""
    out, manifest = default_build
    a4s = [o["path"] for o in manifest["outputs"] if o["format"] == "a4" and o["kind"] == "pdf"]
    assert len(a4s) >= 5
    for path in a4s:
        last = open_pdf(out / path).pages[-1]
        runs = positioned_text(last)
        contact = next(r for r in runs if r[0].startswith("Contact us"))
        record = next(r for r in runs if r[0].startswith("Published by"))
        half = float(last.mediabox.width) / 72 * 25.4 / 2
        assert (contact[1] < half) == (record[1] < half), f"{path}: the record is in the other column"
        assert 0 < contact[2] - record[2] < 80, f"{path}: the record is not just under the contact block"
