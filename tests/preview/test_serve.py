"""``leaflets serve`` in a real Chromium (Playwright; see tests/helpers/browser.py).

One server for the module, started as a user would (``leaflets serve``, a
subprocess) on a port the system chooses (--port 0), against a private copy of the project, with its
own temporary folder and an access token. The tests edit the copy's YAML
and watch the open page follow.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.helpers.browser import ARGS, chromium_path
from tests.helpers.project import copy_project
from tests.helpers.servers import port_from_log, stop

# One server and one browser for the module, and the tests edit its project in turn: all on one xdist worker.
pytestmark = pytest.mark.xdist_group("serve")

LEAFLETS = str(Path(sys.executable).with_name("leaflets"))
TOKEN = "test-token-0123456789abcdef"
MILIA = "data/leaflets/milia.yaml"
HEADING = "What are milia?"


def wait_until_up(log: Path, process: subprocess.Popen, seconds: float = 90) -> int:
    """The port the server took, once it answers there."""
    port = port_from_log(log, process, "serving the preview at", seconds)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
            return port
        except urllib.error.HTTPError:
            return port  # it answers (and refuses: no token)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"leaflets serve did not answer in time:\n{log.read_text()}")


def snapshot(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under ``folder`` (but ``skip``), with its checksum."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if any(relative == s or relative.startswith(s + "/") for s in skip):
            continue
        found[relative] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
    return found


class Server:
    def __init__(self, project: Path, tmp: Path, log: Path, port: int, process: subprocess.Popen) -> None:
        self.project, self.tmp, self.log, self.port, self.process = project, tmp, log, port, process
        self.base = f"http://127.0.0.1:{port}"

    @property
    def private(self) -> Path:
        """The server's own temporary folder (the build and the workers' scratch)."""
        folders = [p for p in self.tmp.iterdir() if p.name.startswith("leaflets-serve-")]
        assert len(folders) == 1, folders
        return folders[0]

    def wait_in_log(self, since: int, *lines: str, seconds: float = 30) -> None:
        """Wait until the server's log has ``lines`` in this order after its first ``since`` characters."""
        deadline = time.monotonic() + seconds
        while True:
            text, at = self.log.read_text()[since:], 0
            for line in lines:
                at = text.find(line, at)
                if at < 0:
                    break
            if at >= 0:
                return
            assert time.monotonic() < deadline, f"not {lines!r} in the log in time:\n{text}"
            time.sleep(0.1)

    def edit(self, old: str, new: str) -> None:
        path = self.project / MILIA
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    project = copy_project(root / "project")
    tmp = root / "tmp"
    tmp.mkdir()
    log = root / "server.log"
    with open(log, "wb") as stream:
        process = subprocess.Popen(
            [LEAFLETS, "--root", str(project), "serve", "milia", "--branch", "stoke-on-trent", "--format", "a4",
             "--format", "large-print", "--port", "0", "--token", TOKEN, "-j", "1"],
            stdout=stream, stderr=subprocess.STDOUT, env={**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"})
    try:
        port = wait_until_up(log, process)
        yield Server(project, tmp, log, port, process)
    finally:
        stop(process)
    assert process.returncode == 0, log.read_text()
    assert list(tmp.iterdir()) == [], "the private build folder was not removed on exit"


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), headless=True, args=ARGS)
        context = instance.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{server.base}/?token={TOKEN}")  # once: the server sets its cookie
        page.close()
        try:
            yield context
        finally:
            context.close()
            instance.close()


@pytest.fixture
def page(browser, server):
    page = browser.new_page()
    page.goto(f"{server.base}/leaflet/milia?branch=stoke-on-trent&format=a4")
    yield page
    page.close()


def shown_sha(page) -> str:
    return page.locator("#pages").get_attribute("data-sha")


@pytest.mark.pdf
@pytest.mark.browser
def test_the_page_shows_the_pages_as_images_and_the_gate_status(page, server):
    images = page.locator("#pages img")
    expect(images).to_have_count(3)  # milia's A4 is three pages (docs/print-formats.md: A4 is 2 to 4)
    for i in range(3):
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 500")
    expect(page.locator("#status-label")).to_have_text("DRAFT: not for patient use")
    expect(page.locator(".findings")).to_contain_text("warning: data/leaflets/milia.yaml: milia: draft:")
    href = page.locator("#pdf-link").get_attribute("href")
    response = page.request.get(server.base + href)
    assert response.status == 200 and response.body().startswith(b"%PDF")
    page.select_option("select[name=format]", "large-print")
    page.wait_for_url("**format=large-print**")
    assert page.locator("#pages img").count() >= 3


@pytest.mark.pdf
@pytest.mark.slow
@pytest.mark.browser
def test_editing_a_heading_changes_the_image(page, server):
    before_sha = shown_sha(page)
    before_image = page.locator("#pages img").first.screenshot()
    server.edit(f"heading: {HEADING}", "heading: What milia look like")
    expect(page.locator("#pages")).not_to_have_attribute("data-sha", before_sha, timeout=5000)
    for i in range(page.locator("#pages img").count()):
        expect(page.locator("#pages img").nth(i)).to_have_js_property("complete", True)
    assert page.locator("#pages img").first.screenshot() != before_image
    href = page.locator("#pdf-link").get_attribute("href")
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(page.request.get(server.base + href).body())).pages[0].extract_text()
    assert "What milia look like" in text and HEADING not in text


@pytest.mark.pdf
@pytest.mark.browser
def test_a_broken_edit_shows_a_banner_and_keeps_the_images_until_fixed(page, server):
    good_sha = shown_sha(page)
    server.edit("  - heading:", "  - headng:")  # the first section's heading key misspelt
    banner = page.locator(".banner pre")
    expect(banner).to_contain_text(f"{MILIA}:", timeout=5000)
    text = banner.inner_text()
    assert any(line.startswith(f"error: {MILIA}:") and ":" in line for line in text.splitlines()), text
    line_of_key = next(i for i, line in enumerate((server.project / MILIA).read_text().splitlines(), 1)
                       if "headng:" in line)
    assert f"{MILIA}:{line_of_key}:" in text
    assert shown_sha(page) == good_sha
    expect(page.locator("#pages img")).to_have_count(3)
    keep = os.environ.get("LEAFLETS_SCREENSHOTS")  # the README's shot comes from here
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(keep) / "serve-preview.png"))
    log = server.log.read_text()
    assert f"{MILIA}:{line_of_key}:" in log  # the terminal shows it too
    server.edit("  - headng:", "  - heading:")
    expect(page.locator(".banner")).to_have_count(0, timeout=5000)
    assert shown_sha(page) == good_sha  # the same content again: the same PDF


@pytest.mark.pdf
@pytest.mark.slow
@pytest.mark.browser
def test_a_leaflet_that_outgrows_its_pages_keeps_its_last_good_images(page, server):
    good_sha = shown_sha(page)
    marker = "  - heading: When to get advice\n"
    words = " ".join(["Words that will not fit on the four pages of an A4 leaflet at all."] * 5)
    too_long = "  - heading: Too long\n    body:\n" + f"      - p: {words}\n" * 40  # 40: a section's most; 6 pages
    server.edit(marker, too_long + marker)
    banner = page.locator(".banner pre")
    expect(banner).to_contain_text("failed: ", timeout=8000)
    expect(banner).to_contain_text("milia / stoke-on-trent / a4")
    assert shown_sha(page) == good_sha
    expect(page.locator("#pages img")).to_have_count(3)
    assert page.request.get(server.base + page.locator("#pdf-link").get_attribute("href")).body().startswith(b"%PDF")
    page.reload()  # a fresh page shows them too
    assert shown_sha(page) == good_sha
    expect(page.locator(".banner")).to_have_count(1)
    since = len(server.log.read_text())
    server.edit(too_long + marker, marker)
    # The large print of the long content may still be building: it goes first, then A4, then large print again.
    expect(page.locator(".banner")).to_have_count(0, timeout=20000)
    server.wait_in_log(since, "built milia / stoke-on-trent / a4", "built milia / stoke-on-trent / large-print")


@pytest.mark.pdf
@pytest.mark.browser
def test_axe_finds_no_violations(page, server):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    assert axe.run(page).response["violations"] == []
    page.goto(f"{server.base}/")
    assert axe.run(page).response["violations"] == []


NAME = "Ada Quill-Testpatient"
NOTE = "Keep the area dry for 24 hours. <b>literal</b> {{ 7*7 }}"


@pytest.mark.pdf
@pytest.mark.browser
def test_a_personalised_print_holds_the_note_and_nothing_is_written(page, server):
    from pypdf import PdfReader

    private = server.private
    scratch = f"{private.name}/tmp"  # the workers' temporary font files, removed on exit
    project_before, tmp_before = snapshot(server.project), snapshot(server.tmp, skip=(scratch,))
    page.goto(f"{server.base}/leaflet/milia?branch=stoke-on-trent&format=large-print")  # its box grows with any note
    page.fill("#p-name", NAME)
    page.fill("#p-note", NOTE)
    page.fill("#p-appointment", f"{dt.date.today() + dt.timedelta(days=7)}T14:30")  # the preview's today is real
    page.fill("#p-practitioner", "Dr Example")
    with page.expect_response(lambda r: r.url.endswith("/leaflet/milia/personal")) as info:
        page.click("#personal button[type=submit]")
    response = info.value
    assert response.status == 200, response.text()
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-type"] == "application/pdf"
    assert NAME not in response.headers.get("content-disposition", "")
    # The body as the page's script receives it (Chromium keeps no copy of a no-store response for Playwright):
    # the same form, posted again by the page itself.
    body = bytes(page.evaluate("""async () => {
        const form = document.getElementById("personal");
        const response = await fetch(form.action, {method: "POST", body: new URLSearchParams(new FormData(form))});
        return Array.from(new Uint8Array(await response.arrayBuffer()));
    }"""))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert NAME in text
    assert "Keep the area dry for 24 hours. <b>literal</b> {{ 7*7 }}" in " ".join(text.split())
    assert "DRAFT" in text  # the draft keeps its mark
    assert snapshot(server.project) == project_before
    assert snapshot(server.tmp, skip=(scratch,)) == tmp_before
    for path in server.tmp.rglob("*"):
        if path.is_file():
            assert NAME.encode() not in path.read_bytes(), path
    log = server.log.read_text()
    assert "POST /leaflet/milia/personal 200" in log
    assert NAME not in log and "Keep the area dry" not in log


@pytest.mark.pdf
@pytest.mark.browser
def test_the_form_sends_the_language_the_page_shows(page, server):
    """The form posts the page's language to personalise (this project has no translation, so
    another language is refused by name; tests/commands/test_personalise.py renders a Polish one)."""
    page.goto(f"{server.base}/leaflet/milia?branch=stoke-on-trent&format=large-print")
    assert page.locator("#personal input[name=lang]").get_attribute("value") == "en-GB"
    page.fill("#p-name", NAME)
    status, text = page.evaluate("""async () => {
        const form = document.getElementById("personal");
        const data = new URLSearchParams(new FormData(form));
        data.set("lang", "pl");
        const response = await fetch(form.action, {method: "POST", body: data});
        return [response.status, await response.text()];
    }""")
    assert status == 400 and "unknown language 'pl'" in text, (status, text)


@pytest.mark.pdf
@pytest.mark.browser
def test_the_form_is_bounded_and_checked(page, server):
    url = server.base + "/leaflet/milia/personal"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    big = page.request.post(url, data="note=" + "x" * 9000 + "&branch=stoke-on-trent&format=a4", headers=form)
    assert big.status == 413
    bad = page.request.post(url, data="note=%E2%80%AEhidden&branch=stoke-on-trent&format=a4", headers=form)
    assert bad.status == 400 and "note" in bad.text()
    odd = page.request.post(url, data="note=hello&branch=stoke-on-trent&format=poster", headers=form)
    assert odd.status == 400 and "no such" in odd.text()
    assert page.request.post(url, data="{}", headers={"Content-Type": "application/json"}).status == 415
    assert page.request.get(url).status == 405


@pytest.mark.pdf
@pytest.mark.browser
def test_a_cross_site_post_is_refused(browser, server):
    page = browser.new_page()
    hostile = (f'<form method="post" action="{server.base}/leaflet/milia/personal">'
               '<input name="note" value="x"><button>go</button></form>')
    page.route("http://elsewhere.test/**", lambda route: route.fulfill(body=hostile, content_type="text/html"))
    page.goto("http://elsewhere.test/")
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.click("button")
    assert info.value.status == 403
    page.close()


@pytest.mark.pdf
def test_requests_without_the_token_are_refused(server):
    for path in ("/", "/leaflet/milia", "/files/index.html", "/events", "/static/preview.js"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.base + path, timeout=10)
        assert refused.value.code == 401, path
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(server.base + "/", headers={"Cookie": "leaflets_token=wrong"}),
                               timeout=10)
    assert refused.value.code == 401
    good = urllib.request.Request(server.base + "/", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(good, timeout=10) as response:
        assert response.status == 200
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.pdf
@pytest.mark.browser
def test_the_token_is_taken_once_and_kept_in_a_strict_cookie(browser, server):
    page = browser.new_page()
    page.goto(f"{server.base}/leaflet/milia?branch=stoke-on-trent&token={TOKEN}")
    assert "token" not in page.url and "branch=stoke-on-trent" in page.url  # gone from the address and history
    cookie = next(c for c in browser.cookies() if c["name"] == "leaflets_token")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert server.log.read_text().count(TOKEN) == 1  # in the address printed at the start; the log has paths only
    page.close()


@pytest.mark.pdf
@pytest.mark.browser
def test_only_files_of_the_build_are_served(browser, server):
    request = browser.request
    for path in ("/files/../data/leaflets/milia.yaml", "/files/%2e%2e/%2e%2e/etc/passwd", "/files/.leaflets.lock",
                 "/files/manifest.json/../../tmp", "/page/0000/1.png"):
        assert request.get(server.base + path).status == 404, path
    assert request.get(server.base + "/files/manifest.json").status == 200


@pytest.mark.pdf
def test_the_server_never_writes_out(server):
    assert not (server.project / "out").exists()


def test_an_open_address_without_a_token_refuses_to_start(tmp_path):
    copy_project(tmp_path)
    done = subprocess.run([LEAFLETS, "--root", str(tmp_path), "serve", "--host", "0.0.0.0", "--port",
                           "0"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "refusing to listen on 0.0.0.0 without an access token" in done.stderr
    assert "--token" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
