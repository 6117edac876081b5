"""``leaflets desk`` in this process: its shelves (release zips, working build), the practice
password, who gets in, and the "For you" form's answers, through the ASGI app with a stand-in
desk whose render is instant. The real server, its warm pool and Chromium are in
test_desk_browser.py."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path
from urllib.parse import urlencode

import anyio
import pytest
from click.testing import CliRunner

from leaflets.cli import main
from leaflets.desk.app import create_app, field_problems
from leaflets.desk.password import hash_password, read_stored, set_password, verify
from leaflets.desk.server import DeskOptions, access, host_names
from leaflets.desk.shelf import shelves
from leaflets.errors import UserError
from leaflets.publish.files import Output, sha256, write_manifest
from leaflets.publish.release import write_release
from leaflets.serving.guard import Policy

from tests.helpers.project import REPO
from tests.helpers.servers import asgi_request

HOST = "127.0.0.1:8010"
NAME = "Zebedee Quartermain"


def built_folder(out: Path) -> Path:
    """A build folder with one listed PDF and one file the manifest does not list."""
    data = b"%PDF-1.7 stand-in leaflet"
    (out / "stoke-on-trent").mkdir(parents=True)
    (out / "stoke-on-trent" / "milia-a4.pdf").write_bytes(data)
    (out / "stoke-on-trent" / "secret.txt").write_text("not listed")
    output = Output(leaflet="milia", branch="stoke-on-trent", format="a4", lang="en-GB", profile="office",
                    companion_of=None, path="stoke-on-trent/milia-a4.pdf", sha256=sha256(data), pages=2,
                    bytes=len(data), fingerprint="f" * 64, content_version="MIL-01 v1.0")
    write_manifest(out, [output])
    return out


def test_the_release_comes_first_and_only_listed_files_are_served(tmp_path):
    out = built_folder(tmp_path / "out")
    assert list(shelves(out)) == ["build"]
    write_release(out, shelves(out)["build"].outputs)
    found = shelves(out)
    assert list(found) == ["release", "build"]
    for shelf in found.values():
        assert shelf.read("stoke-on-trent/milia-a4.pdf").startswith(b"%PDF")
        for path in ("stoke-on-trent/secret.txt", "manifest.json", "../out/manifest.json", "release/SHA256SUMS", ""):
            assert shelf.read(path) is None, path
    (out / "stoke-on-trent" / "milia-a4.pdf").write_bytes(b"%PDF-1.7 changed since it was listed")
    assert found["build"].read("stoke-on-trent/milia-a4.pdf") is None
    assert found["release"].read("stoke-on-trent/milia-a4.pdf").startswith(b"%PDF")  # from its zip


def test_a_folder_with_nothing_built_is_refused(tmp_path):
    with pytest.raises(UserError, match="no leaflets here"):
        shelves(tmp_path)


def test_the_password_is_kept_hashed_and_salted(tmp_path):
    path = tmp_path / "config" / "leaflets" / "desk-password"
    set_password(path, "correct horse battery")
    stored = read_stored(path)
    assert stored and stored.startswith("scrypt$") and "correct horse" not in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert verify("correct horse battery", stored)
    assert not verify("correct horse batterz", stored)
    assert hash_password("same words here") != hash_password("same words here")  # salted
    with pytest.raises(UserError, match="too short"):
        set_password(path, "short")


def test_an_open_address_needs_a_password_or_a_token(tmp_path):
    missing = tmp_path / "none"
    assert access(DeskOptions(root=None, password_file=missing)) == (None, None)  # 127.0.0.1
    with pytest.raises(UserError, match="--set-password"):
        access(DeskOptions(root=None, host="0.0.0.0", password_file=missing))
    stored = tmp_path / "desk-password"
    set_password(stored, "correct horse battery")
    token, password = access(DeskOptions(root=None, host="0.0.0.0", password_file=stored))
    assert token and len(token) >= 16 and password == read_stored(stored)
    with pytest.raises(UserError, match="at least 16"):
        access(DeskOptions(root=None, host="0.0.0.0", token="short"))
    # Behind a reverse proxy on this PC (127.0.0.1, reached under a name): the same rules.
    with pytest.raises(UserError, match="as leaflets.clinic.lan"):
        access(DeskOptions(root=None, names=("leaflets.clinic.lan",), password_file=missing))
    assert access(DeskOptions(root=None, names=("leaflets.clinic.lan",), password_file=stored))[1] is not None
    assert "leaflets.clinic.lan" in host_names(DeskOptions(root=None, names=("Leaflets.Clinic.LAN",)))
    assert host_names(DeskOptions(root=None)) is None


def test_refusals_are_put_beside_their_fields_in_plain_words():
    problems = field_problems(
        "name: 81 characters; at most 80 are allowed, cut 1\n"
        "note: a control character (U+0007) at character 3; delete it\n"
        'hydrafacial / stoke-on-trent / a5: the "For you" box does not fit this A5 booklet\'s notes page: cut 20\n'
        "something else")
    assert problems["name"] == ["81 characters; at most 80 are allowed, cut 1"]
    assert problems["note"][0] == "A control character (U+0007) at character 3; delete it"
    assert problems["note"][1].startswith('The "For you" box does not fit')
    assert problems[""] == ["something else"]


class StandInDesk:
    """What the app asks of a desk; renders at once, and records what it was asked."""

    timeout = 5.0
    library = None

    def __init__(self) -> None:
        self.asked: list[tuple] = []
        self.released: list[bool] = []  # whether each print was asked for from the release shelf
        self.refusal: str | None = None  # what personal() refuses with, when set

    def first_shelf(self) -> str:
        return "build"

    def shelf(self, kind):
        return None

    def formats_of(self, kind, leaflet, branch, lang):
        return ["a4", "a5", "large-print"] if leaflet == "hydrafacial" else []

    def now(self) -> dt.datetime:
        return dt.datetime(2026, 12, 4, 9, 0)

    def today(self) -> dt.date:
        return dt.date(2026, 12, 4)

    def personal(self, leaflet, branch, fmt, note, imposed, lang, released=False):
        self.released.append(released)
        if self.refusal:
            raise UserError(self.refusal)
        self.asked.append((leaflet, branch, fmt, lang, note.name, note.appointment, imposed))
        return b"%PDF-1.7 stand-in", f"{leaflet}-{fmt}-for-you.pdf"


async def request(app, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None):
    return await asgi_request(app, method, path, body, HOST, headers)


NEXT_WEEK = (dt.date.today() + dt.timedelta(days=7)).isoformat()  # an appointment in the past is refused


def form(**fields: str) -> bytes:
    base = {"leaflet": "hydrafacial", "branch": "stoke-on-trent", "shelf": "build", "format": "a4", "lang": "en-GB",
            "name": NAME, "note": "Keep it dry.", "appointment_date": NEXT_WEEK, "appointment_time": "14:30",
            "practitioner": "Dr Jo Bloggs"}
    return urlencode({**base, **fields}).encode()


@pytest.fixture
def desk_app():
    desk, lines = StandInDesk(), []
    return desk, lines, create_app(desk, Policy(token=None, loopback=True, name="desk server"), lines.append)


def test_make_pdf_answers_inline_with_no_store_and_logs_nothing_typed(desk_app):
    desk, lines, app = desk_app
    status, headers, body = anyio.run(request, app, "POST", "/for-you", form())
    assert status == 200 and body.startswith(b"%PDF")
    assert headers["cache-control"] == "no-store" and headers["content-type"] == "application/pdf"
    assert headers["content-disposition"] == 'inline; filename="hydrafacial-a4-for-you.pdf"'
    assert desk.asked == [("hydrafacial", "stoke-on-trent", "a4", "en-GB", NAME,
                           dt.datetime.fromisoformat(f"{NEXT_WEEK} 14:30"), False)]
    assert lines == ["POST /for-you 200"]


def test_a_print_from_the_release_shelf_is_asked_for_as_released_and_its_refusal_shown(desk_app):
    """From the release shelf (or with no shelf named, when the release comes first) the copy is a
    released one: the desk asks for it so (refused unless the text is approved now, tested in
    tests/commands/test_personalise.py) and shows the refusal above the form."""
    desk, _lines, app = desk_app
    desk.first_shelf = lambda: "release"
    for shelf, released in (("release", True), ("build", False), ("", True), ("elsewhere", True)):
        assert anyio.run(request, app, "POST", "/for-you", form(shelf=shelf))[0] == 200
        assert desk.released[-1] is released, shelf
    desk.refusal = ("This leaflet's text as it is now is not approved (Changed since approval: not for patient "
                    "use): a personalised copy ...\n"
                    "Print the released copy and write the note on it, or ask a clinician to approve the change.")
    status, _headers, body = anyio.run(request, app, "POST", "/for-you", form(shelf="release"))
    text = " ".join(body.decode().split())
    assert status == 400 and "as it is now is not approved" in text
    assert "Print the released copy and write the note on it" in text
    assert ">Keep it dry.</textarea>" in text  # what was typed is kept


def test_the_a5_booklet_ready_to_fold_is_a_choice_of_format(desk_app):
    desk, _lines, app = desk_app
    assert anyio.run(request, app, "POST", "/for-you", form(format="a5:imposed"))[0] == 200
    assert desk.asked[-1][2] == "a5" and desk.asked[-1][-1] is True
    status, _h, body = anyio.run(request, app, "POST", "/for-you", form(format="a4:imposed"))
    assert status == 400 and b"Choose one of the formats in the list." in body
    assert b'<option value="a5:imposed">A5 booklet, ready to fold (on A4 paper)</option>' in body
    assert len(desk.asked) == 1


def test_a_past_appointment_and_a_half_one_are_refused_beside_the_field(desk_app):
    desk, lines, app = desk_app
    for fields, words in (({"appointment_date": "2026-12-03"}, b"has passed"),
                          ({"appointment_time": ""}, b"as well as its date")):
        status, headers, body = anyio.run(request, app, "POST", "/for-you", form(**fields))
        assert status == 400 and headers["cache-control"] == "no-store"
        assert b'id="appointment-problem" class="problem">' in body and words in body
        assert b'aria-invalid="true"' in body
    assert desk.asked == []
    assert all(NAME not in line for line in lines)


def test_the_form_again_keeps_what_was_typed_and_says_what_to_fix(desk_app):
    _desk, _lines, app = desk_app
    status, _headers, body = anyio.run(request, app, "POST", "/for-you", form(name="x" * 81, format="dl"))
    text = body.decode()
    assert status == 400
    assert "81 characters; at most 80 are allowed" in text and "Choose one of the formats in the list." in text
    assert 'value="Keep it dry."' not in text and ">Keep it dry.</textarea>" in text


def test_a_foreign_host_and_a_cross_site_post_are_refused(desk_app):
    desk, _lines, app = desk_app
    status, _h, body = anyio.run(request, app, "GET", "/", b"", {"host": "evil.example:8010"})
    assert status == 403 and b"answers only on its own address" in body
    for headers in ({"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}):
        status, _h, body = anyio.run(request, app, "POST", "/for-you", form(), headers)
        assert status == 403 and b"another site" in body
    assert desk.asked == []


def test_a_body_too_large_is_refused(desk_app):
    _desk, _lines, app = desk_app
    status, _h, body = anyio.run(request, app, "POST", "/for-you", form(note="x" * 9000))
    assert status == 413


def test_on_the_network_the_host_must_be_named_and_the_password_signs_in(tmp_path):
    stored = tmp_path / "desk-password"
    set_password(stored, "correct horse battery")
    desk = StandInDesk()
    policy = Policy(token="t" * 32, loopback=False, name="desk server",
                    hosts=frozenset({"leaflets.clinic.lan"}), login="/login",
                    open_paths=frozenset({"/static/desk.css"}))
    app = create_app(desk, policy, lambda line: None, read_stored(stored))
    lan = {"host": "leaflets.clinic.lan", "origin": "http://leaflets.clinic.lan"}
    assert anyio.run(request, app, "GET", "/", b"", {"host": "rebound.example"})[0] == 403
    status, headers, _ = anyio.run(request, app, "GET", "/build/", b"", lan)
    assert status == 303 and headers["location"] == "/login"
    assert anyio.run(request, app, "POST", "/for-you", form(), lan)[0] == 401
    assert anyio.run(request, app, "GET", "/login", b"", lan)[0] == 200
    assert anyio.run(request, app, "GET", "/static/desk.css", b"", lan)[0] == 200  # the sign-in page's style
    status, _h, body = anyio.run(request, app, "POST", "/login", b"password=wrong+words+here", lan)
    assert status == 401 and b"not the desk password" in body
    status, headers, _ = anyio.run(request, app, "POST", "/login", b"password=correct+horse+battery", lan)
    assert status == 303 and headers["set-cookie"].startswith("leaflets_token=" + "t" * 32)
    assert "httponly" in headers["set-cookie"].lower() and "samesite=strict" in headers["set-cookie"].lower()
    cookie = {**lan, "cookie": "leaflets_token=" + "t" * 32}
    status, headers, _ = anyio.run(request, app, "POST", "/for-you", form(), cookie)
    assert status == 200 and headers["content-type"] == "application/pdf"



def test_the_stand_in_clinic_is_named_as_its_pdfs_name_it_with_no_logo():
    """Wolverhampton's clinic name is a stand-in: the catalogue and the web page say "Clinic name
    to be confirmed", as its PDFs do, and the web page shows no logo (the PDFs have none)."""
    from leaflets.gate.gate import judge
    from leaflets.project.folder import find_project
    from leaflets.project.load import load_library
    from leaflets.project.plan import Variant
    from leaflets.publish.catalogue import render
    from leaflets.render.web import web_html

    library = load_library(find_project(REPO))
    branch = library.branches["wolverhampton"]
    assert branch.clinic_placeholder
    today = dt.date(2026, 12, 4)
    variant = Variant("wolverhampton", "milia", "web", "en-GB", "office")
    html, _reads = web_html(library, variant, today)
    assert "Clinic name to be confirmed" in html and branch.clinic not in html
    assert 'class="logo"' not in html
    output = Output(leaflet="milia", branch="wolverhampton", format="web", lang="en-GB", profile="office",
                    companion_of=None, path="wolverhampton/milia.html", sha256="0" * 64, pages=0, bytes=100,
                    fingerprint="f" * 64, content_version="MIL-01 v1.0", kind="web")
    page = render(library, judge(library, [variant], today), [output], Path("/nonexistent")).decode()
    assert "Clinic name to be confirmed, Wolverhampton" in page and branch.clinic not in page


def test_with_data_that_does_not_load_the_desk_still_serves_the_built_catalogue(tmp_path):
    from leaflets.desk.state import Desk

    from tests.helpers.project import copy_project

    project = copy_project(tmp_path / "project")
    milia = project / "data" / "leaflets" / "milia.yaml"
    milia.write_text(milia.read_text("utf-8").replace("title: Milia", "title: [Milia", 1), "utf-8")
    out = built_folder(tmp_path / "out")
    (out / "index.html").write_text("<!DOCTYPE html><title>Patient leaflets</title><p>the built catalogue</p>")
    lines: list[str] = []
    desk = Desk(project, out, say=lines.append)
    try:
        desk._warm()  # what the background thread does: here the data fails to load
        assert desk.library is None and "milia.yaml" in "\n".join(lines)
        app = create_app(desk, Policy(token=None, loopback=True, name="desk server"), lambda line: None)
        status, headers, body = anyio.run(request, app, "GET", "/build/")
        assert status == 200 and b"the built catalogue" in body
        status, _h, body = anyio.run(request, app, "POST", "/for-you", form(leaflet="milia"))
        assert status == 400 and b"milia.yaml" in body  # the reason, beside the form
    finally:
        desk.close()
    assert not desk.folder.exists()


def test_the_release_is_shown_first_with_a_switch_to_the_working_build(tmp_path):
    from leaflets.desk.state import Desk

    out = built_folder(tmp_path / "out")
    write_release(out, shelves(out)["build"].outputs)
    desk = Desk(REPO, out)
    try:
        desk.load()
        app = create_app(desk, Policy(token=None, loopback=True, name="desk server"), lambda line: None)
        status, headers, _ = anyio.run(request, app, "GET", "/")
        assert status == 303 and headers["location"] == "/release/"
        status, headers, body = anyio.run(request, app, "GET", "/release/")
        page = body.decode()
        assert status == 200 and "Released leaflets" in page and 'href="/build/">Show the working build' in page
        assert "form-action 'self'" in headers["content-security-policy"]
        assert 'href="stoke-on-trent/milia-a4.pdf"' in page
        # a stand-in release of the shipped draft: its text is not approved now, so no For you there
        assert 'action="/for-you"' not in page and "Its text as it is now is not approved" in page
        status, headers, body = anyio.run(request, app, "GET", "/release/stoke-on-trent/milia-a4.pdf")
        assert status == 200 and body.startswith(b"%PDF") and headers["content-disposition"].startswith("inline")
        assert anyio.run(request, app, "GET", "/release/stoke-on-trent/secret.txt")[0] == 404
        status, _h, body = anyio.run(request, app, "GET", "/build/")
        assert status == 200 and b"Working build (not released" in body and b'action="/for-you"' in body
    finally:
        desk.close()


def test_the_command_refuses_an_open_address_without_a_password_and_sets_one(tmp_path):
    from tests.helpers.project import run

    stored = tmp_path / "desk-password"
    result = run("desk", "--host", "0.0.0.0", "--password-file", stored)
    assert result.exit_code == 2 and "--set-password" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["desk", "--set-password", "--password-file", str(stored)],
                                input="correct horse battery\ncorrect horse battery\n")
    assert result.exit_code == 0, result.output
    assert verify("correct horse battery", read_stored(stored)) and "correct horse" not in stored.read_text()
    result = run("desk", "--out", tmp_path / "nothing-built", "--port", "0")
    assert result.exit_code == 2 and "no leaflets here" in result.output


@pytest.mark.pdf
def test_the_release_shelf_shows_its_copies_as_approved_when_the_text_has_moved_on(tmp_path):
    """The release holds the copies approved when it was made. After a writer changes the text (and
    builds), the release shelf still shows them as approved, says its text as it is now is not approved, and
    offers no For you (which would make a copy from the changed text); the working build shows
    the change as CHANGED, with For you."""
    from leaflets.desk.state import Desk

    from tests.helpers.governance import release_ready
    from tests.helpers.project import copy_project, run

    project = copy_project(tmp_path / "project")
    release_ready(project, "milia")
    out = tmp_path / "out"
    one = ("milia", "--branch", "stoke-on-trent", "--format", "a4", "--today", "2026-11-22", "--out", out)
    assert run("--root", project, "build", *one, "--release").exit_code == 0
    desk = Desk(project, out, 1, 30.0, say=lambda message: None)
    try:
        def page(kind: str) -> str:  # read again when a build changed the folder (and the data with it)
            return " ".join(desk.catalogue(kind, "/for-you").decode().split())

        desk.load()

        before = page("release")
        assert "Approved, review due" in before and "(CHANGED)" not in before
        assert 'name="shelf" value="release"' in before

        leaflet = project / "data/leaflets/milia.yaml"
        leaflet.write_text(leaflet.read_text().replace("Anyone can get milia, at any age.",
                                                       "Anyone can get milia, at any age at all."))
        assert run("--root", project, "build", *one).exit_code == 0
        released, working = page("release"), page("build")
        assert "Approved, review due" in released and "(CHANGED)" not in released
        assert ("Its text as it is now is not approved (Changed since approval: not for patient use). The copy "
                "above is the released one" in released)
        assert 'name="shelf" value="release"' not in released  # no For you form on that card
        assert "(CHANGED)" in working and 'name="shelf" value="build"' in working
    finally:
        desk.close()
