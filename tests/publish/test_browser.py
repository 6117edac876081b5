"""The staff catalogue and the web leaflets in a real Chromium (Playwright; see tests/helpers/browser.py).

One default build for the run (conftest.default_build, shared by the xdist workers); one browser for this module.
Screenshots at 1280 and 390 px are written to a temporary folder, or to
LEAFLETS_SCREENSHOTS if set (the README's shots in docs/ come from there).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.helpers.browser import ARGS, Requests, chromium_path, serious

# One browser for the module, whose requests the last test reads: all on one xdist worker, in order.
pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.pdf, pytest.mark.browser]


@pytest.fixture(scope="module")
def browser(default_build, tmp_path_factory):
    """A persistent Chromium context with a fresh profile, recording every request."""
    requests = Requests()
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=chromium_path(), headless=True,
            args=ARGS, viewport={"width": 1280, "height": 900}, service_workers="block",
        )
        requests.attach(context)
        context.requests = requests
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser, default_build):
    page = browser.new_page()
    out, _ = default_build
    page.goto((out / "index.html").as_uri())
    page.evaluate("localStorage.clear(); sessionStorage.clear()")  # the remembered branch, and the search Back restores
    page.reload()
    yield page
    page.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def screenshot(page, shots: Path, name: str, full_page: bool = False) -> Path:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    keep = os.environ.get("LEAFLETS_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(keep) / path.name)
    return path


def visible_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("li.card:visible h3").all_inner_texts()]


def test_milk_spots_finds_the_milia_leaflet(page):
    assert "HydraFacial" in visible_titles(page)
    page.fill("#search", "milk spots")
    assert visible_titles(page) == ["Milia", "Milia"]  # one per branch
    assert page.locator("#result-count").inner_text() == "2 leaflets shown"
    page.fill("#search", "milk spotz")
    assert visible_titles(page) == []
    assert page.locator("#no-match").is_visible()


def test_choosing_wolverhampton_hides_stoke_only_leaflets_and_survives_a_reload(page):
    page.select_option("#branch", "wolverhampton")
    titles = visible_titles(page)
    assert "Milia" in titles and "Microdermabrasion" in titles
    assert "HydraFacial" not in titles and "Fractional skin resurfacing" not in titles
    assert not page.locator("#branch-stoke-on-trent").is_visible()
    page.reload()
    assert page.locator("#branch").input_value() == "wolverhampton"
    assert "HydraFacial" not in visible_titles(page)
    assert page.evaluate("localStorage.getItem('leaflets-catalogue-branch')") == "wolverhampton"


def test_format_and_language_filters(page):
    page.select_option("#format", "large-print")
    buttons = page.locator("li.card:visible a.button:visible")
    assert buttons.count() == 7 and set(buttons.all_inner_texts()) == {"Large print (DRAFT)"}
    options = page.locator("#language option").all_inner_texts()
    assert options == ["All languages", "English"]
    page.select_option("#language", "en-GB")
    assert len(visible_titles(page)) == 7


def focus_order(page, presses: int) -> list[str]:
    order = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        order.append(page.evaluate("""() => { const e = document.activeElement;
            return e.tagName + '#' + (e.id || '') + ' ' + (e.getAttribute('href') || ''); }"""))
    return order


def test_tab_reaches_every_control_in_order(page):
    expected = page.evaluate("""() => Array.from(document.querySelectorAll(
            'a[href], input, select, button, [tabindex]:not([tabindex="-1"])'))
        .filter(e => e.getClientRects().length > 0 || e.classList.contains('skip-link'))
        .map(e => e.tagName + '#' + (e.id || '') + ' ' + (e.getAttribute('href') || ''))""")
    assert expected[:5] == ["A# #leaflets", "INPUT#search ", "SELECT#branch ", "SELECT#format ", "SELECT#language "]
    assert len(expected) > 40  # every format button of every leaflet, and the print-shop files
    assert focus_order(page, len(expected)) == expected
    # The focused element is visibly marked (an outline), not only by the browser's default.
    page.keyboard.press("Shift+Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_each_format_button_opens_the_file_the_manifest_lists(page, default_build):
    out, manifest = default_build
    listed = {(out / o["path"]).as_uri(): o for o in manifest["outputs"] if o["kind"] != "thumbnail"}
    links = page.evaluate("""() => Array.from(document.querySelectorAll('li.file a')).map(a => ({
        href: a.href, format: a.closest('li.file').dataset.format,
        branch: a.closest('section.branch').dataset.branch, shop: !!a.closest('section.print-shop'),
        text: a.innerText }))""")
    assert links, "the catalogue shows no file button"
    seen = {}
    for link in links:
        output = listed.get(link["href"])
        assert output is not None, f"{link} opens a file the manifest does not list"
        assert (output["format"], output["branch"]) == (link["format"], link["branch"]), link
        # Reception's A5 button gives the imposed booklet; the A5 pages in reading order are for a print shop.
        reading_order_a5 = (output["kind"], output["format"]) == ("pdf", "a5")
        assert link["shop"] == (reading_order_a5 or output["profile"] != "office"), link
        seen[link["href"]] = link
    assert set(seen) == set(listed), "a listed file has no button"
    # Following a button opens that file: the web page of milia at Wolverhampton.
    page.select_option("#branch", "wolverhampton")
    page.fill("#search", "milk spots")
    page.locator("li.card:visible a.button", has_text="Web page").click()
    assert page.url == (out / "wolverhampton/milia.html").as_uri()
    assert page.title().startswith("Milia:")


def test_the_thirty_second_task_and_screenshots(page, default_build, shots):
    """Pick the branch, type what the patient said, find the large-print button; shots for the README."""
    out, _ = default_build
    page.select_option("#branch", "stoke-on-trent")
    page.fill("#search", "milk spots")
    button = page.locator("li.card:visible a.button", has_text="Large print")
    assert button.count() == 1
    assert button.evaluate("a => a.href") == (out / "stoke-on-trent/milia-large-print.pdf").as_uri()
    how = page.locator("li.card:visible li.file[data-format='large-print'] .how").inner_text()
    assert "actual size" in how
    screenshot(page, shots, "catalogue-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, shots, "catalogue-390", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "sideways scrolling at 390 px"
    page.set_viewport_size({"width": 1280, "height": 900})
    assert (shots / "catalogue-1280.png").stat().st_size > 10_000


@pytest.mark.parametrize("width", [390, 640])  # 640: 1280 px at 200% zoom
def test_no_sideways_scrolling_on_a_tablet_or_at_200_percent(page, default_build, width):
    out, manifest = default_build
    page.set_viewport_size({"width": width, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    pages = [o for o in manifest["outputs"] if o["kind"] == "web"]
    assert pages, "the build holds no web page"
    for output in pages:
        page.goto((out / output["path"]).as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width, output["path"]


def test_axe_finds_no_serious_problem_in_the_catalogue(page, default_build):
    from axe_playwright_python.sync_playwright import Axe

    out, _ = default_build
    axe = Axe()
    assert serious(axe.run(page).response) == []
    page.select_option("#branch", "wolverhampton")  # the other brand colour
    page.fill("#search", "milia")
    assert serious(axe.run(page).response) == []
    page.goto((out / "stoke-on-trent/index.html").as_uri())
    assert serious(axe.run(page).response) == []


def test_axe_finds_no_serious_problem_in_any_web_leaflet(browser, default_build, shots):
    from axe_playwright_python.sync_playwright import Axe

    out, manifest = default_build
    axe = Axe()
    page = browser.new_page()
    pages = [o for o in manifest["outputs"] if o["kind"] == "web"]
    assert len(pages) == 7
    for output in pages:
        page.goto((out / output["path"]).as_uri())
        assert page.evaluate("document.scripts.length") == 0
        assert page.locator("main").count() == 1 and page.locator("h1").count() == 1
        assert serious(axe.run(page).response) == [], output["path"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto((out / "stoke-on-trent/milia.html").as_uri())
    screenshot(page, shots, "web-leaflet-390")
    page.close()


@pytest.fixture(scope="module")
def translated_web(translated_build) -> Path:
    """The shipped Polish and Urdu milia web pages (the default build fixture is English only): the
    run's shared translated build."""
    return translated_build


def test_translated_web_pages_read_in_their_language_and_direction(browser, translated_web, shots):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    for lang, direction in (("pl", "ltr"), ("ur", "rtl")):
        page.goto((translated_web / f"milia.{lang}.html").as_uri())
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [lang, direction]
        assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == direction
        assert serious(axe.run(page).response) == [], lang
        # The heading starts on the side the language is read from.
        heading = page.locator("main h1").bounding_box()
        main = page.locator("main").bounding_box()
        assert heading and main
        if direction == "rtl":
            assert abs((heading["x"] + heading["width"]) - (main["x"] + main["width"])) < 40, (heading, main)
        else:
            assert abs(heading["x"] - main["x"]) < 40, (heading, main)
        # The phone number keeps its digits in order in right-to-left text.
        phone = page.locator("a[href^='tel:']").first
        assert phone.evaluate("e => getComputedStyle(e).direction") == "ltr"
        assert "01782 922300" in phone.inner_text()
        screenshot(page, shots, f"web-leaflet-{lang}-390")
    page.close()


def test_no_request_leaves_file(browser, default_build):
    """Run last in this module: every page visited above made only file:// and data: requests."""
    out, manifest = default_build
    page = browser.new_page()
    page.goto((out / "index.html").as_uri())
    page.wait_for_load_state("networkidle")
    page.close()
    seen = browser.requests.seen
    assert any(url.endswith(".png") for url in seen), "the thumbnails were not requested: is recording working?"
    assert browser.requests.outside() == []
