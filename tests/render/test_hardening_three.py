"""Hardening, round three (issue 25): the doors added last round under attack. The preview server
(odd paths, forged log lines, terminal escapes, a Host that only starts like loopback), translations
(numbers and links that drift, duplicate and malformed PO entries, writes through links), merges of
shard manifests, a leftover release swap folder, personalised prints written over project files,
unreadable brand colours, and inputs that are only plausible (appointments in year 1, quotes in a
website, scripts in a logo). Cases that fit a copy of the project and one command are in
tests/bad_inputs/; these need a server, links, several commands or a look at files afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.project import REPO, copy_project, run
from tests.helpers.servers import port_from_log, stop, wait_listening

# --- the preview server: odd paths, log lines, Host ------------------------------------------


def raw_request(port: int, path: bytes, host: bytes | None = None) -> int:
    """One GET with the path exactly as given (no client library would send a raw control
    character): the status code answered."""
    host = host or f"127.0.0.1:{port}".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """``leaflets serve`` for one variant on a free loopback port, its log in a file; stopped after."""
    root = tmp_path_factory.mktemp("preview")
    project = copy_project(root / "project")
    log = root / "server.log"
    env = {**os.environ, "TMPDIR": str(root), "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "leaflets", "--root", str(project), "serve", "milia", "--branch",
             "stoke-on-trent", "--format", "a4", "--port", "0", "-j", "1"],
            stdout=stream, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    try:
        port = port_from_log(log, process, "serving the preview at", seconds=120)  # --port 0: no race for a port
        wait_listening(port, process)
        yield port, log
    finally:
        stop(process)


def log_lines_after(log: Path, start: int) -> list[str]:
    time.sleep(0.3)  # the log line is written once the response is sent
    return log.read_bytes()[start:].decode("utf-8").splitlines()


ODD_PATHS = [b"/files/%00", b"/files/a%00b.html", b"/files/%00/../index.html", b"/leaflet/%00",
             b"/page/%00/1.png", b"/files/\x00", b"/files/%0a", b"/files/%ff%fe"]


@pytest.mark.xdist_group("preview-server")  # its module fixture is made once, on one worker
@pytest.mark.parametrize("path", ODD_PATHS, ids=[repr(p)[2:-1] for p in ODD_PATHS])
def test_an_odd_path_gets_a_4xx_and_one_log_line(preview, path):
    port, log = preview
    start = len(log.read_bytes())
    status = raw_request(port, path)
    assert 400 <= status < 500, status
    lines = log_lines_after(log, start)
    assert len(lines) == 1, lines
    if b"\x00" not in path:  # a raw NUL is refused by the HTTP parser itself, with its own one line
        assert lines[0].startswith("GET /") and lines[0].endswith(f" {status}"), lines
    assert "Traceback" not in log.read_text(errors="replace")


@pytest.mark.xdist_group("preview-server")  # its module fixture is made once, on one worker
def test_a_path_cannot_forge_a_log_line_or_reach_the_terminal(preview):
    port, log = preview
    start = len(log.read_bytes())
    forged = b"/files/x%0aPOST%20/leaflet/milia/personal%20200%0d%1b[2J%1b]0;owned%07%c2%85%e2%80%a8"
    status = raw_request(port, forged)
    assert 400 <= status < 500, status
    written = log.read_bytes()[start:]
    lines = log_lines_after(log, start)
    assert len(lines) == 1 and lines[0].startswith("GET /files/x"), lines
    assert not any(line.startswith("POST") for line in lines), lines
    for byte in (b"\x1b", b"\x07", b"\r", "\u0085".encode(), "\u2028".encode()):
        assert byte not in written, (byte, written)
    assert "\\n" in lines[0] and "\\x1b" in lines[0], lines  # shown, escaped, so the attempt can be seen


@pytest.mark.parametrize("host", [b"127.0.0.1:{port}.evil.example", b"127.0.0.1.evil.example:{port}",
                                  b"127.0.0.1:{port}:evil", b"localhost:{port}@evil.example", b"evil.example"])
@pytest.mark.xdist_group("preview-server")  # its module fixture is made once, on one worker
def test_a_host_that_only_starts_like_loopback_is_refused(preview, host):
    port, _ = preview
    assert raw_request(port, b"/", host.replace(b"{port}", str(port).encode())) == 403


@pytest.mark.xdist_group("preview-server")  # its module fixture is made once, on one worker
def test_loopback_hosts_are_still_served(preview):
    port, _ = preview
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "127.0.0.1"):
        assert raw_request(port, b"/", host.encode()) == 200, host


# --- translations: numbers and links that drift, glosses dropped, PO files msgfmt refuses -----


@pytest.mark.parametrize("english, translated, lang", [
    ("Keep it dry for 2 days.", "Utrzymuj suchą przez 2 tygodnie.", "pl"),  # 2 weeks for 2 days
    ("Healing takes 3 to 6 weeks.", "Gojenie trwa 3–6 miesięcy.", "pl"),
    ("Babies under 3 months old", "Niemowlęta poniżej 3 lat", "pl"),  # an age
    ("Up to 1 in 4 people (25%) get it.", "Do 1 na 4 osoby (35%) to ma.", "pl"),
    ("A temperature of 38C or higher", "Gorączka 39°C lub wyższa", "pl"),
    ("Use 0.5 ml of cream.", "Użyj 0,5 mg kremu.", "pl"),  # a dose: ml to mg
    ("Call 01782 922300.", "Zadzwoń pod 01782 922330.", "pl"),
    ("Go to 111.nhs.uk.", "Wejdź na 111.nhs.uk.evil.example.", "pl"),
    ("Keep it dry for 2 days.", "اسے 2 ہفتے خشک رکھیں۔", "ur"),
    ("Call 999.", "۱۱۲ پر فون کریں۔", "ur"),
    ("Call 999.", "Rufen Sie 112 an.", "de"),  # a language without unit words: numbers still checked
])
def test_a_number_unit_or_address_that_drifts_is_seen(english, translated, lang):
    from leaflets.gate.rules.fidelity import facts

    assert facts(english, "en") != facts(translated, lang)


@pytest.mark.parametrize("english, translated, lang", [
    ("Keep it dry for 2 days.", "Utrzymuj suchą przez 2 dni.", "pl"),
    ("Healing takes 3 to 6 weeks.", "Gojenie trwa od 3 do 6 tygodni.", "pl"),
    ("Up to 1 in 4 people (25%) get it; 10,000 a year.", "Do 1 na 4 osoby (25 %) to ma; 10 000 rocznie.", "pl"),
    ("A temperature of 38C or higher", "Gorączka 38°C lub wyższa", "pl"),
    ("Use 0.5 ml of cream.", "Użyj 0,5 ml kremu.", "pl"),
    ("Go to https://www.nhs.uk/conditions/milia/.", "Wejdź na nhs.uk/conditions/milia.", "pl"),
    ("Keep it dry for 2 days.", "اسے ۲ دن خشک رکھیں۔", "ur"),
    ("Call 999 or NHS 111.", "999 (ایمرجنسی نمبر) یا NHS 111 پر فون کریں۔", "ur"),
])
def test_the_same_numbers_written_the_language_s_way_pass(english, translated, lang):
    from leaflets.gate.rules.fidelity import facts

    assert facts(english, "en") == facts(translated, lang)


def test_the_shipped_translations_keep_every_number_and_link():
    result = run("--root", REPO, "check", "milia", "--json")
    assert "Traceback" not in result.output
    assert "changes a number or an address" not in result.output, result.output


def test_a_dropped_gloss_is_a_warning_naming_the_line(tmp_path):
    project = copy_project(tmp_path / "project", translations=True)
    shipped = run("--root", project, "check", "milia")
    assert "the note asks to explain" not in shipped.output, shipped.output  # the shipped translations explain
    po = project / "locale/pl/shared.po"
    text = po.read_text(encoding="utf-8")
    glossed = "Natychmiast zadzwoń pod numer alarmowy 999 albo"
    assert text.count(glossed) == 1
    text = text.replace(glossed, "Natychmiast zadzwoń pod 999 albo")
    po.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "Natychmiast zadzwoń pod 999 albo" in row)
    result = run("--root", project, "check", "milia")
    assert "Traceback" not in result.output
    warning = [row for row in result.output.splitlines() if f"locale/pl/shared.po:{line}:" in row
               and "explain 999 each time" in row]
    assert len(warning) == 1 and warning[0].startswith("warning"), result.output
    assert result.output.count("the note asks to explain") == 1, result.output


def test_a_duplicate_entry_names_the_lines_of_both(tmp_path):
    project = copy_project(tmp_path / "project", translations=True)
    po = project / "locale/pl/labels.po"
    text = po.read_text(encoding="utf-8")
    first = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("msgctxt"))
    entry = text.splitlines()[first - 1: first + 2]
    text += "\n" + "\n".join(entry) + "\n"
    po.write_text(text, encoding="utf-8")
    second = len(text.splitlines()) - 2
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "web", "--lang", "pl",
                 "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert f"locale/pl/labels.po:{second}:" in result.output, result.output
    assert f"(the first is at locale/pl/labels.po:{first})" in result.output, result.output


MALFORMED = {  # a slip in a PO file, as (text found once, what it becomes)
    "unclosed": ('msgstr "Prosaki"', 'msgstr "Prosaki'),
    "quote inside": ('msgstr "Prosaki"', 'msgstr "Pro"saki"'),
    "unknown escape": ('msgstr "Prosaki"', 'msgstr "Pro\\qsaki"'),
    "stray text": ('msgstr "Prosaki"', 'msgstr "Prosaki"\nProsaki'),
    "msgstr missing": ('msgstr "Prosaki"\n', ""),
    "msgstr first": ('msgid "Milia"\nmsgstr "Prosaki"', 'msgstr "Prosaki"\nmsgid "Milia"'),
    "two msgctxt": ('msgctxt "title"\n', 'msgctxt "title"\nmsgctxt "heading"\n'),
    "a string alone": ('msgctxt "title"\n', '"title"\nmsgctxt "title"\n'),
    "unclosed obsolete": ('msgctxt "title"\n', '#~ msgid "old"\n#~ msgstr "stary\n\nmsgctxt "title"\n'),
    "duplicate": ('msgctxt "title"\n', 'msgctxt "title"\nmsgid "Milia"\nmsgstr "X"\n\nmsgctxt "title"\n'),
}


@pytest.mark.parametrize("slip", sorted(MALFORMED))
def test_what_msgfmt_refuses_is_refused_and_what_it_accepts_is_read(slip, tmp_path):
    """The strict check agrees with GNU msgfmt, on the shipped files and on each slip."""
    import shutil

    from leaflets.project.posyntax import po_syntax_problems

    msgfmt = shutil.which("msgfmt")
    shipped = sorted((REPO / "locale").rglob("*.po"))
    assert shipped
    for path in shipped:
        assert po_syntax_problems(path.read_text(encoding="utf-8")) == [], path
    text = (REPO / "locale/pl/milia.po").read_text(encoding="utf-8")
    find, replace = MALFORMED[slip]
    assert text.count(find) >= 1
    broken = tmp_path / "broken.po"
    broken.write_text(text.replace(find, replace, 1), encoding="utf-8")
    assert po_syntax_problems(broken.read_text(encoding="utf-8")), slip
    if msgfmt:  # Debian's gettext, in CI; the verdicts must agree
        done = subprocess.run([msgfmt, "-o", os.devnull, str(broken)], capture_output=True, text=True)
        assert done.returncode != 0, slip


# --- personalise -o over a file the project reads ---------------------------------------------


def _a_file_of(project: Path, folder: str) -> Path:
    """A real file of that project folder, found by reading the folder (the out/ folder is built first)."""
    if folder == "out":
        (project / "out").mkdir(exist_ok=True)
        (project / "out/manifest.json").write_text("{}\n")
    files = sorted(p for p in (project / folder).rglob("*") if p.is_file())
    assert files, folder
    return files[0]


@pytest.mark.parametrize("folder", ["data", "templates", "styles", "assets", "locale", "out"])
def test_personalise_will_not_write_over_a_project_file(tmp_path, folder):
    project = copy_project(tmp_path / "project")
    target = _a_file_of(project, folder)
    before = target.read_bytes()
    result = run("--root", project, "personalise", "milia", "--branch", "stoke-on-trent", "--format", "a4",
                 "--name", "Sam Example", "-o", target)
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    relative = target.relative_to(project).as_posix()
    assert f"refusing to write over {relative}" in result.output, result.output
    assert target.read_bytes() == before


def test_personalise_will_not_write_through_a_link_into_the_project(tmp_path):
    project = copy_project(tmp_path / "project")
    leaflet = next(iter(sorted((project / "data/leaflets").glob("*.yaml"))))
    before = leaflet.read_bytes()
    link = tmp_path / "sam.pdf"
    link.symlink_to(leaflet)
    result = run("--root", project, "personalise", "milia", "--branch", "stoke-on-trent", "--format", "a4",
                 "--name", "Sam Example", "-o", link)
    assert result.exit_code == 2, result.output
    assert f"refusing to write over {leaflet.relative_to(project).as_posix()}" in result.output, result.output
    assert leaflet.read_bytes() == before and link.is_symlink()


# --- merge-manifests: damaged shards, and shards that add files -------------------------------


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> tuple[Path, list[Path]]:
    """The project and two shard build folders of milia A4 (built once; each test works on a copy)."""
    root = tmp_path_factory.mktemp("shards")
    project = copy_project(root / "project")
    folders = [root / "s1", root / "s2"]
    for k, folder in enumerate(folders, 1):
        result = run("--root", project, "build", "milia", "--format", "a4", "--shard", f"{k}/2", "--out", folder)
        assert result.exit_code == 0, result.output
    return project, folders


def _copies(shards, tmp_path: Path) -> tuple[Path, list[Path]]:
    import shutil

    project, folders = shards
    copies = [tmp_path / folder.name for folder in folders]
    for folder, copy in zip(folders, copies, strict=True):
        shutil.copytree(folder, copy)
    return project, copies


def _release_ready(project: Path, copy: Path) -> Path:
    """A copy of the project a release accepts: the milia leaflet approved, the clinic names confirmed."""
    import shutil

    shutil.copytree(project, copy)
    leaflet = copy / "data/leaflets/milia.yaml"
    text = leaflet.read_text()
    for old, new in (("status: draft", "status: approved"), ("approved: null", "approved: 2026-05-01"),
                     ("approver: null", "approver: {name: Dr Test Person, role: Consultant Dermatologist}")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    leaflet.write_text(text)
    for branch in (copy / "data/branches").glob("*.yaml"):
        branch.write_text(branch.read_text().replace("clinic_placeholder: true", "clinic_placeholder: false"))
    return copy


def _merge(project: Path, copies: list[Path], out: Path, *extra: str):
    return run("--root", project, "merge-manifests", *copies, "--out", out, *extra)


def _manifest(folder: Path) -> dict:
    import json

    return json.loads((folder / "manifest.json").read_text())


def _save(folder: Path, manifest: dict) -> None:
    import json

    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))


DAMAGE = {
    "truncated": lambda text: text[: len(text) // 2],
    "empty": lambda text: "",
    "not json": lambda text: "outputs: []",
    "outputs not a list": lambda text: '{"outputs": {"a": 1}}',
    "no outputs": lambda text: '{"tool": {}}',
    "an unknown key": lambda text: text.replace('"sha256":', '"shadow": "x",\n      "sha256":', 1),
    "a missing key": lambda text: text.replace('"pages":', '"pagez":', 1),
    "not UTF-8": lambda text: "\udcff",
}


@pytest.mark.xdist_group("shards")  # its module fixture is made once, on one worker
@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("release", [False, True], ids=["merge", "release"])
def test_a_damaged_shard_manifest_is_an_error_naming_it(shards, tmp_path, damage, release):
    project, copies = _copies(shards, tmp_path)
    manifest = copies[1] / "manifest.json"
    text = manifest.read_text()
    if damage == "not UTF-8":
        manifest.write_bytes(b"\xff\xfe{")
    else:
        damaged = DAMAGE[damage](text)
        assert damaged != text
        manifest.write_text(damaged)
    out = tmp_path / "merged"
    result = _merge(project, copies, out, *(["--release"] if release else []))
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert f"{manifest}:" in result.output, result.output
    assert not (out / "manifest.json").exists() and not (out / "release").exists()


@pytest.mark.xdist_group("shards")  # its module fixture is made once, on one worker
def test_a_missing_shard_manifest_is_an_error_naming_it(shards, tmp_path):
    project, copies = _copies(shards, tmp_path)
    (copies[0] / "manifest.json").unlink()
    result = _merge(project, copies, tmp_path / "merged")
    assert result.exit_code == 2 and f"{copies[0] / 'manifest.json'}: not found" in result.output, result.output


def _forge(folder: Path, path: str, data: bytes) -> None:
    """Add a file to a shard, with a manifest entry copied from a real one and a matching checksum."""
    import hashlib

    manifest = _manifest(folder)
    entries = manifest["outputs"]
    (folder / path).parent.mkdir(parents=True, exist_ok=True)
    (folder / path).write_bytes(data)
    entries.append({**entries[0], "path": path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    _save(folder, manifest)


@pytest.mark.parametrize("path", ["{branch}/extra.html", "{branch}/milia-a4 copy.pdf", "extra.html",
                                  "{other}/milia-a4.pdf", "{branch}/thumbs/milia-dl.png", "{branch}/milia-zz.pdf"])
@pytest.mark.xdist_group("shards")  # its module fixture is made once, on one worker
@pytest.mark.parametrize("release", [False, True], ids=["merge", "release"])
def test_a_shard_cannot_add_a_file_its_variants_do_not_build(shards, tmp_path, path, release):
    project, copies = _copies(shards, tmp_path)
    entries = [(copy, entry) for copy in copies for entry in _manifest(copy)["outputs"]]
    assert entries
    folder, first = entries[0]
    other = next(entry["branch"] for _, entry in entries if entry["branch"] != first["branch"])
    path = path.format(branch=first["branch"], other=other)
    for copy in copies:  # another variant's real file: dropped where it is, so no checksum clash hides the case
        manifest = _manifest(copy)
        manifest["outputs"] = [e for e in manifest["outputs"] if e["path"] != path]
        _save(copy, manifest)
    _forge(folder, path, b"<script>alert(1)</script>")
    if path.endswith("-zz.pdf"):  # an entry naming a format that does not exist, with its file
        manifest = _manifest(folder)
        manifest["outputs"][-1]["format"] = "zz"
        _save(folder, manifest)
    out = tmp_path / "merged"
    project_ready = _release_ready(project, tmp_path / "project") if release else project
    result = _merge(project_ready, copies, out, *(["--release", "--today", "2026-06-01"] if release else []))
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert f"lists {path}, which is not a file of the variant it names" in result.output, result.output
    assert not (out / "release").exists()
    for written in out.rglob("*") if out.exists() else []:
        assert not written.is_file() or b"<script>" not in written.read_bytes(), written


@pytest.mark.xdist_group("shards")  # its module fixture is made once, on one worker
def test_clean_shards_still_merge(shards, tmp_path):
    project, copies = _copies(shards, tmp_path)
    out = tmp_path / "merged"
    result = _merge(project, copies, out)
    assert result.exit_code == 0, result.output
    listed = {e["path"] for e in _manifest(out)["outputs"]}
    assert listed == {e["path"] for c in copies for e in _manifest(c)["outputs"]} and listed


# --- a leftover release swap folder ---------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """An output folder of one variant (built once), whose release each test writes again."""
    out = tmp_path_factory.mktemp("built") / "out"
    result = run("--root", REPO, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "--lang", "en-GB",
                 "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.xdist_group("release-swap")  # its module fixture is made once, on one worker
@pytest.mark.parametrize("leftover", ["link to a folder", "link to a file", "dangling link", "file", "folder"])
def test_a_leftover_release_swap_is_cleared_without_following_it(built, tmp_path, leftover):
    """The release is swapped in through out/.release-old: whatever an interrupted run (or anyone)
    left there is cleared, a link removed and never followed. (Through the library API: whether a
    release is allowed is the gate's business, tested elsewhere.)"""
    import shutil

    from leaflets.publish.files import read_manifest
    from leaflets.publish.release import write_release

    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    outputs = read_manifest(out)
    assert outputs
    write_release(out, outputs)  # a release already there: the new one swaps it out
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the tool's")
    swap = out / ".release-old"
    if leftover == "link to a folder":
        swap.symlink_to(outside, target_is_directory=True)
    elif leftover == "link to a file":
        swap.symlink_to(outside / "keep.txt")
    elif leftover == "dangling link":
        swap.symlink_to(tmp_path / "nowhere")
    elif leftover == "file":
        swap.write_text("left over")
    else:
        (swap / "old").mkdir(parents=True)
        (swap / "old/release.json").write_text("{}")
    (out / "release/SHA256SUMS").unlink()  # so the release is seen to be written again
    written = write_release(out, outputs)
    assert "release/SHA256SUMS" in written
    assert not swap.exists() and not swap.is_symlink()
    assert (outside / "keep.txt").read_text() == "not the tool's"  # a link is removed, never followed
    assert (out / "release/SHA256SUMS").is_file()


@pytest.mark.xdist_group("release-swap")
def test_a_swap_folder_that_cannot_be_cleared_is_a_message(built, tmp_path, monkeypatch):
    """A leftover swap folder that cannot be removed stops the release with what to do, and leaves
    nothing half-written."""
    import shutil

    from leaflets.errors import UserError
    from leaflets.publish import release
    from leaflets.publish.files import read_manifest

    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    outputs = read_manifest(out)
    swap = out / release.SWAP
    (swap / "locked").mkdir(parents=True)
    remove = shutil.rmtree

    def refuse(path, *args, **kwargs):
        if Path(path) == swap:
            raise PermissionError(13, "Permission denied")
        remove(path, *args, **kwargs)

    monkeypatch.setattr(release.shutil, "rmtree", refuse)
    with pytest.raises(UserError, match=r"cannot clear .*\.release-old, left by an earlier release \(Permission "
                                        r"denied\): remove it"):
        release.write_release(out, outputs)
    assert (swap / "locked").is_dir()
    assert not (out / "release").exists() and not list(out.glob(".release-staging-*"))


# --- translate writes and deletes only inside the project ------------------------------------


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("linked", ["locale/de", "locale/pl", "locale/pl/labels.po", "locale/pl/milia.yaml"])
def test_translate_update_will_not_write_through_a_link(tmp_path, linked):
    import shutil

    project = copy_project(tmp_path / "project", translations=True)
    lang = linked.split("/")[1]
    outside = tmp_path / "outside" / Path(linked).name
    outside.parent.mkdir()
    source = project / linked
    if source.is_dir():
        shutil.copytree(source, outside)
        shutil.rmtree(source)
    elif source.exists():
        shutil.copyfile(source, outside)
        source.unlink()
    else:
        outside.mkdir()
    (outside / "keep.txt").write_text("mine") if outside.is_dir() else None
    source.symlink_to(outside, target_is_directory=outside.is_dir())
    before = _snapshot(outside.parent)
    inside = _snapshot(project / "locale")
    result = run("--root", project, "translate", "update", lang, "milia")
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert f"{linked}" in result.output and "leading outside the project folder" in result.output, result.output
    assert _snapshot(outside.parent) == before, "translate wrote outside the project"
    assert _snapshot(project / "locale") == inside, "translate wrote part of its files before refusing"


def test_translate_extract_will_not_write_or_delete_through_a_linked_templates_folder(tmp_path):
    import shutil

    project = copy_project(tmp_path / "project")
    outside = tmp_path / "outside"
    shutil.copytree(project / "locale/templates", outside)
    (outside / "someone-else.pot").write_text("# not the project's\n")
    (outside / "milia.pot").write_text("# stale\n")
    shutil.rmtree(project / "locale/templates")
    (project / "locale/templates").symlink_to(outside, target_is_directory=True)
    before = _snapshot(outside)
    result = run("--root", project, "translate", "extract")
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert "locale/templates" in result.output and "leading outside the project folder" in result.output
    assert _snapshot(outside) == before


def test_translate_extract_will_not_write_through_one_linked_template(tmp_path):
    project = copy_project(tmp_path / "project")
    outside = tmp_path / "elsewhere.pot"
    outside.write_text("# someone else's file\n")
    templates = sorted((project / "locale/templates").glob("*.pot"))
    assert templates
    last = templates[-1]
    last.unlink()
    last.symlink_to(outside)
    before = _snapshot(project / "locale")
    result = run("--root", project, "translate", "extract")
    assert result.exit_code == 2, result.output
    assert f"locale/templates/{last.name}" in result.output, result.output
    assert outside.read_text() == "# someone else's file\n"
    assert _snapshot(project / "locale") == before


# --- brand colours --------------------------------------------------------------------------


def test_a_colour_between_3_and_4_5_to_1_is_a_warning_printed_last_and_alone(tmp_path):
    project = copy_project(tmp_path / "project")
    branch = project / "data/branches/stoke-on-trent.yaml"
    text = branch.read_text()
    primary = next(line.split('"')[1] for line in text.splitlines() if line.strip().startswith("primary:"))
    branch.write_text(text.replace(f'primary: "{primary}"', 'primary: "#888888"'))  # 3.54:1 on white
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4",
                 "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    lines = result.stderr.rstrip("\n").splitlines()
    colour = [n for n, line in enumerate(lines) if "contrast 3.54:1 for primary colour on white" in line]
    assert len(colour) == 1, result.stderr  # once, not repeated per variant
    others = [n for n, line in enumerate(lines) if line.startswith("warning") and "contrast" in line]
    assert others == [n for n in range(len(lines) - len(others), len(lines))], result.stderr  # the last lines
    assert lines[others[0] - 1] == "", result.stderr  # after a blank line: alone
    assert "the nearest primary colour of the same hue that passes is #767676" in lines[colour[0]]


def test_the_nearest_passing_colour_keeps_the_hue_and_passes():
    import colorsys

    from leaflets.gate.rules.contrast import contrast_ratio, nearest_passing

    for colour, against in (("#ffd700", "#ffffff"), ("#9fc5e8", "#ffffff"), ("#333333", "#111111"),
                            ("#5b2a6e", "#000000"), ("#e6f0f5", "#1d4f6e")):
        found = nearest_passing(colour, against)
        assert found is not None and contrast_ratio(found, against) >= 4.5, (colour, found)
        hue = colorsys.rgb_to_hls(*(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)))[0]
        new_hue = colorsys.rgb_to_hls(*(int(found[i:i + 2], 16) / 255 for i in (1, 3, 5)))[0]
        assert abs(hue - new_hue) < 0.02 or min(hue, new_hue) == 0, (colour, found)


# --- plausible-looking inputs: appointments --------------------------------------------------


@pytest.mark.parametrize("appointment, message", [
    ("0001-01-01 10:00", "appointment: the year 1 cannot be right; check the date"),
    ("9999-12-31 10:00", "appointment: the year 9999 cannot be right; check the date"),
    ("2026-11-21 09:30", "appointment: 2026-11-21 is in the past (today is 2026-11-22); give the date of the next "
                         "appointment"),
    ("2025-11-23 09:30", "is in the past"),
    ("2029-01-01 09:30", "appointment: 2029-01-01 is more than two years ahead; check the year"),
])
def test_an_appointment_in_year_1_9999_or_the_past_is_refused(tmp_path, appointment, message):
    out = tmp_path / "sam.pdf"
    result = run("--root", REPO, "personalise", "milia", "--branch", "stoke-on-trent", "--format", "large-print",
                 "--name", "Sam Example", "--appointment", appointment, "--today", "2026-11-22", "-o", out)
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert message in result.output, result.output
    assert not out.exists()


def test_an_appointment_today_or_within_two_years_is_taken():
    import datetime as dt

    from leaflets.project.note import PersonalNote

    today = dt.date(2026, 11, 22)
    for typed in ("2026-11-22 08:00", "2028-11-20 17:00"):
        assert PersonalNote.from_form(appointment=typed, today=today).appointment is not None


# --- one definition of the characters nothing may print (issue 24) ---------------------------


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u202a",
                                  "\u202e", "\u2066", "\u2069", "\ufffe", "\ufdd0"])
def test_the_data_the_note_and_the_log_refuse_the_same_characters(char):
    from pydantic import TypeAdapter, ValidationError

    from leaflets.errors import UserError
    from leaflets.project.characters import escaped
    from leaflets.project.model import ShortText
    from leaflets.project.note import PersonalNote

    with pytest.raises(ValidationError):
        TypeAdapter(ShortText).validate_python(f"Mil{char}ia")
    with pytest.raises(UserError):
        PersonalNote(name=f"Sa{char}m")
    assert char not in escaped(f"GET /files/{char} 404")
