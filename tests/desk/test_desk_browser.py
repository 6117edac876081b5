"""``leaflets desk`` in a real Chromium (Playwright; see tests/helpers/browser.py), as reception uses it.

One desk for the module, started as a user would (a subprocess, ``leaflets desk``) on a free
port, serving a small build of a private copy of the project (two leaflets at one branch, A4,
A5, large print and web, English and the Polish milia), with its own temporary folder. Screenshots of
the flow go to a temporary folder, or to LEAFLETS_SCREENSHOTS if set (docs/desk-*.png come from
there).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect, sync_playwright

from tests.helpers.browser import ARGS, chromium_path, serious
from tests.helpers.project import build_ok, copy_project
from tests.helpers.servers import port_from_log, stop

# One desk server and one browser for the module: all on one xdist worker.
pytestmark = [pytest.mark.xdist_group("desk-browser"), pytest.mark.browser, pytest.mark.pdf]

LEAFLETS = str(Path(sys.executable).with_name("leaflets"))
BRANCH = "stoke-on-trent"
NAME = "Zebedee Quartermain"  # looked for everywhere afterwards: it must be in the PDF and nowhere else
NOTE = "Keep the area dry for two days."
LEAFLET = "fractional-resurfacing"  # its A4 back page has room for a "For you" box
CARD = f"li.card:has(h3#{BRANCH}--{LEAFLET}--en-gb)"
LONGEST_NOTE = ("Keep the area clean and dry. " * 21)[:599] + "."  # 600 characters: the most the desk takes


class Desk:
    def __init__(self, root: Path, project: Path, out: Path, tmp: Path, log: Path, port: int) -> None:
        self.root, self.project, self.out, self.tmp, self.log = root, project, out, tmp, log
        self.base = f"http://127.0.0.1:{port}"
        self.port = port


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    root = tmp_path_factory.mktemp("desk")
    project = copy_project(root / "project", translations=True)
    formats = [x for f in ("a4", "a5", "large-print", "web") for x in ("--format", f)]
    out = build_ok(root / "out", "milia", LEAFLET, "--branch", BRANCH, *formats, "--lang", "en-GB",
                   "--lang", "pl", "-j1", root=project)
    tmp = root / "tmp"
    tmp.mkdir()
    log = root / "desk.log"
    started = time.monotonic()
    with open(log, "wb") as stream:
        process = subprocess.Popen(
            [LEAFLETS, "--root", str(project), "desk", "--out", str(out), "--port", "0", "-j", "1"],
            stdout=stream, stderr=subprocess.STDOUT, env={**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"})
    try:
        port = port_from_log(log, process, "the desk is at", seconds=20)
        while True:
            assert process.poll() is None, log.read_text()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() - started < 20, "the desk did not answer within 20 s"
                time.sleep(0.1)
        answered = time.monotonic() - started
        assert answered < 10, f"the desk took {answered:.1f} s to answer"  # no build at start
        yield Desk(root, project, out, tmp, log, port)
    finally:
        stop(process)
    assert process.returncode == 0, log.read_text()
    assert list(tmp.iterdir()) == [], "the desk's private folder was not removed on exit"


@pytest.fixture(scope="module")
def browser(desk, tmp_path_factory):
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), headless=True, args=ARGS)
        context = instance.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                       timezone_id="Europe/London")
        try:
            yield context
        finally:
            context.close()
            instance.close()


@pytest.fixture
def page(browser, desk):
    page = browser.new_page()
    page.goto(desk.base + "/")
    page.evaluate("sessionStorage.clear()")
    page.reload()
    yield page
    page.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("desk-screenshots")


def screenshot(page, shots: Path, name: str, full_page: bool = False) -> None:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    keep = os.environ.get("LEAFLETS_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(keep) / path.name)


def visible_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("li.card:visible h3").all_inner_texts()]


def next_week() -> str:
    return time.strftime("%Y-%m-%d", time.localtime(time.time() + 7 * 86400))


class Answers:
    """What the desk sent for each POST of the form, as it sent it (Chromium's PDF viewer takes
    the body of a PDF it shows; this keeps a copy, in memory, before it gets there)."""

    def __init__(self, page) -> None:
        self.seen: list[tuple[int, dict[str, str], bytes]] = []
        page.route("**/for-you", self.handle)

    def handle(self, route) -> None:
        response = route.fetch()
        self.seen.append((response.status, response.headers, response.body()))
        route.fulfill(response=response)


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_search_finds_what_reception_types_and_sets_the_filters(page):
    expect(page.locator(".shelf")).to_contain_text("Working build")
    assert page.url.endswith("/build/")
    page.fill("#search", "acne")
    assert "Fractional skin resurfacing" in visible_titles(page)
    page.fill("#search", "polish")
    assert page.locator("#language").input_value() == "pl"
    titles = visible_titles(page)
    assert len(titles) == 1 and "(Milia)" in titles[0]  # the English title beside the Polish one
    card = page.locator("li.card:visible")
    assert card.locator(".lang").inner_text() == "Polski (Polish)"
    thumb = card.locator("img.thumb")
    assert thumb.get_attribute("src").endswith("thumbs/milia-a4.pl.png")  # A4's page is the thumbnail
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 100")  # served by the desk
    page.fill("#search", "")
    assert page.locator("#language").input_value() == ""  # the name went, so did its choice
    page.fill("#search", "large print milk spots")
    assert page.locator("#format").input_value() == "large-print"
    assert visible_titles(page) == ["Milia", "Prosaki (Milia)"]  # staff find a translation by its English words
    options = page.locator("#language option").all_inner_texts()
    assert options == ["All languages", "English", "Polski (Polish)"]


def test_back_restores_the_search_and_the_filters(page):
    page.fill("#search", "polish")
    page.locator("li.card:visible a.button", has_text="Web page").click()
    assert page.url.endswith("/milia.pl.html")
    page.go_back()
    expect(page.locator("#search")).to_have_value("polish")
    assert page.locator("#language").input_value() == "pl"
    assert len(visible_titles(page)) == 1


def test_for_you_makes_the_pdf_in_memory_and_nothing_is_kept(page, desk, shots):
    page.fill("#search", "resurfacing")
    card = page.locator(CARD)
    screenshot(page, shots, "desk-catalogue-1280")
    card.locator("summary", has_text="For you").click()
    card.get_by_label("Patient's name").fill(NAME)
    card.get_by_label("Note").fill(NOTE)
    card.get_by_label("Date").fill(next_week())
    card.get_by_label("Time").fill("14:30")
    card.get_by_label("Practitioner").fill("Dr Jo Bloggs")
    formats = card.get_by_label("Format").locator("option").all_inner_texts()
    assert formats == ["A4 (duplex)", "A5 booklet", "A5 booklet, ready to fold (on A4 paper)", "Large print"]
    assert card.get_by_label("Language").input_value() == "en-GB"
    screenshot(page, shots, "desk-for-you-1280")
    answers = Answers(page)
    with page.expect_response(lambda r: r.url.endswith("/for-you")):
        card.get_by_role("button", name="Make PDF").click()
    [(status, headers, data)] = answers.seen
    assert status == 200, data[:200]
    assert headers["content-type"] == "application/pdf" and headers["cache-control"] == "no-store"
    assert headers["content-disposition"].startswith("inline;") and NAME not in headers["content-disposition"]
    assert NAME in pdf_text(data)
    # Nothing of it anywhere on disk: the project, the build folder, the desk's temporary folder; nor its log.
    needle = NAME.encode()
    for folder in (desk.project, desk.out, desk.tmp):
        for path in folder.rglob("*"):
            if path.is_file():
                assert needle not in path.read_bytes(), path
    log = desk.log.read_text()
    assert "POST /for-you 200" in log and NAME not in log and NOTE not in log
    # Back from the PDF: the form is empty for the next patient; the search is as it was.
    page.go_back()
    expect(page.locator("#search")).to_have_value("resurfacing")
    expect(page.locator(CARD).get_by_label("Patient's name")).to_have_value("")
    assert page.locator(CARD).get_by_label("Note").input_value() == ""


def test_a_past_appointment_and_a_note_too_long_are_answered_beside_the_field(page, shots):
    page.fill("#search", "milia")
    card = page.locator(f"li.card:has(h3#{BRANCH}--milia--en-gb)")
    card.locator("summary", has_text="For you").click()
    card.get_by_label("Patient's name").fill(NAME)
    card.get_by_label("Date").fill("2020-01-06")
    card.get_by_label("Time").fill("09:00")
    card.get_by_label("Date").evaluate("e => e.removeAttribute('min')")  # the server checks too
    card.get_by_role("button", name="Make PDF").click()
    expect(page.locator("#appointment-problem")).to_have_text("That date and time has passed: give the next "
                                                             "appointment.")
    assert page.get_by_label("Patient's name").input_value() == NAME  # kept, to correct and send again
    # A note at the full 600 characters overflows the room milia's A4 keeps for the box (about 380
    # fit): large print, which grows with the box, is offered, and one click makes it.
    page.get_by_label("Date").fill(next_week())
    page.get_by_label("Note").fill(LONGEST_NOTE)
    page.get_by_role("button", name="Make PDF").click()
    expect(page.locator("#note-problem")).to_contain_text('The "For you" box does not fit')
    expect(page.locator("#note-problem")).to_contain_text("the note has 600 characters")
    screenshot(page, shots, "desk-problem-1280")
    offer = page.get_by_role("button", name="Make it in Large print instead")
    answers = Answers(page)
    with page.expect_response(lambda r: r.url.endswith("/for-you")):
        offer.click()
    [(status, headers, data)] = answers.seen
    assert status == 200 and headers["content-disposition"].startswith('inline; filename="milia-large-print')
    assert NAME in pdf_text(data)


def test_foreign_host_and_cross_site_post_are_refused(desk, page):
    request = urllib.request.Request(desk.base + "/build/", headers={"Host": "rebound.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    # A page of another site posts the form to the desk: refused before anything is read.
    page.goto("data:text/html,<form method=post action='" + desk.base + "/for-you'>"
              "<input name=name value=Someone><input name=leaflet value=milia><button>go</button></form>")
    with page.expect_response(lambda r: r.url.endswith("/for-you")) as answer:
        page.click("button")
    assert answer.value.status == 403 and "another site" in answer.value.text()


def test_keyboard_only(page):
    """Find the leaflet, open For you, fill every field and make the PDF with the keyboard alone."""
    def focused() -> str:
        return page.evaluate("document.activeElement.getAttribute('name') || document.activeElement.innerText")

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    assert focused() == "search"
    page.keyboard.type("resurfacing")
    summary = page.locator(CARD).locator("summary")
    for _ in range(40):
        page.keyboard.press("Tab")
        if summary.evaluate("e => e === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached For you")
    page.keyboard.press("Enter")
    card = page.locator(CARD)
    assert card.locator("details").get_attribute("open") is not None
    # 3 March next year: the same typed day-month-year or month-day-year (the field's order is the browser's)
    year = time.localtime().tm_year + 1
    steps = [("name", NAME), ("note", NOTE), ("appointment_date", f"0303{year}"),
             ("appointment_time", "0230P"), ("practitioner", "Dr Jo Bloggs"), ("format", ""), ("lang", "")]
    for name, text in steps:
        if focused() != name:
            page.keyboard.press("Tab")
        assert focused() == name
        if text:
            page.keyboard.type(text)
        for _ in range(3):  # a date's day, month and year (a time's hour, minute, am/pm) are a stop each
            page.keyboard.press("Tab")
            if focused() != name:
                break
    assert card.get_by_label("Date").input_value() == f"{year}-03-03"
    assert card.get_by_label("Time").input_value() == "14:30"
    assert focused() == "Make PDF"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    answers = Answers(page)
    with page.expect_response(lambda r: r.url.endswith("/for-you")):
        page.keyboard.press("Enter")
    [(status, _headers, data)] = answers.seen
    assert status == 200
    text = pdf_text(data)
    assert NAME in text and "2:30pm" in text


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_and_layout_with_the_form_open(page, shots, width):
    from axe_playwright_python.sync_playwright import Axe

    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    page.fill("#search", "resurfacing")
    page.locator(CARD).locator("summary").click()
    assert serious(Axe().run(page).response) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    if width == 390:
        page.locator(CARD).scroll_into_view_if_needed()
        screenshot(page, shots, "desk-for-you-390")
    # The page that lists what to correct.
    card = page.locator(CARD)
    card.get_by_label("Date").evaluate("e => e.removeAttribute('min')")
    card.get_by_label("Date").fill("2020-01-06")
    card.get_by_label("Time").fill("09:00")
    card.get_by_role("button", name="Make PDF").click()
    expect(page.locator("#appointment-problem")).to_be_visible()
    assert serious(Axe().run(page).response) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_static_catalogue_says_where_the_form_is(desk):
    static = (desk.out / "index.html").read_text("utf-8")
    assert "leaflets desk" in static and "For you" in static and 'class="for-you"' not in static
