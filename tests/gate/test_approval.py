"""Sign-off that binds (issue 20): leaflets approve seals the clinical text; the gate checks the seal.

Every test approves a COPY of the project, with a made-up name: the shipped content stays draft.
The smallest selection: milia, Stoke-on-Trent, A4.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import yaml

from leaflets.commands.approve import approve
from leaflets.project.clinical import clinical_text, leaflet_seal
from leaflets.project.folder import find_project
from leaflets.project.load import load_library

from tests.helpers.pdf import open_pdf, text
from tests.helpers.project import REPO, copy_project, run

NAME, ROLE = "Dr Test Person", "Consultant Dermatologist"
ONE = ("milia", "--branch", "stoke-on-trent", "--format", "a4", "--today", "2026-11-22")
ADVICE_BEFORE = "wash your baby's skin with plain warm water only."
ADVICE_AFTER = "wash your baby's skin with a mild baby cleanser."


def seal(project: Path, leaflet: str = "milia", day: str = "2026-11-01", **options):
    return approve(leaflet, NAME, ROLE, root=project, date=dt.date.fromisoformat(day), **options)


def edit(path: Path, old: str, new: str) -> None:
    content = path.read_text()
    assert old in content, f"{old!r} not in {path}"
    path.write_text(content.replace(old, new))


def flat(pdf: Path) -> str:
    return " ".join(text(open_pdf(pdf)).split())


def pages(pdf: Path) -> list[str]:
    found = [" ".join(page.extract_text().split()) for page in open_pdf(pdf).pages]
    assert found
    return found


def test_shipped_content_is_honestly_draft():
    paths = sorted((REPO / "data/leaflets").glob("*.yaml"))
    assert len(paths) >= 6, paths
    for path in paths:
        record = yaml.safe_load(path.read_text())["record"]
        assert record["status"] == "draft" and record.get("seal") is None, path
    assert not (REPO / "records").exists()


def test_approve_writes_the_record_and_the_approved_text(project: Path):
    done = seal(project)
    assert done.approval.version == "1.0" and done.approval.changes == "first approval"
    assert "Sealed milia version 1.0" in done.lines()[0]
    kept = (project / "records/milia/1.0.txt").read_text()
    assert kept.split("\n---\n", 1)[1] == clinical_text(load_library(find_project(project)), "milia")
    assert ADVICE_BEFORE in kept and f"seal: {done.approval.seal}" in kept
    record = yaml.safe_load((project / "data/leaflets/milia.yaml").read_text())["record"]
    assert record["status"] == "approved" and record["version"] == "1.0" and record["seal"] == done.approval.seal
    assert record["approver"] == {"name": NAME, "role": ROLE} and record["approved"] == dt.date(2026, 11, 1)
    assert record["next_review"] == dt.date(2028, 11, 1)
    assert record["changes"][-1]["note"] == f"Approved by {NAME}, {ROLE}: first approval."
    # comments and layout of the leaflet file stay
    assert (project / "data/leaflets/milia.yaml").read_text().startswith("# yaml-language-server:")


def test_shared_advice_edit_unseals_marks_every_page_and_release_names_the_approver(project: Path, tmp_path: Path):
    seal(project)
    out = tmp_path / "out"
    result = run("--root", project, "build", *ONE, "--release", "--out", out)
    assert result.exit_code == 0, result.output
    assert "approved by Dr Test Person, Consultant Dermatologist, on 1 November 2026" in flat(
        out / "stoke-on-trent/milia-a4.pdf")

    edit(project / "data/advice.yaml", "with plain warm water only", "with a mild baby cleanser")
    result = run("--root", project, "build", *ONE, "--release", "--out", tmp_path / "refused")
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert "changed since approval: version 1.0 was approved by Dr Test Person, Consultant Dermatologist, on " \
           "1 November 2026" in said
    assert 'data/advice.yaml, Shared advice: baby-skin (in section "Looking after your skin"): ' \
           '"plain warm water only." became "a mild baby cleanser."' in said
    assert "milia: leaflets review milia -o milia-review.pdf, then leaflets approve milia --by NAME --role ROLE" in said
    assert not (tmp_path / "refused" / "release").exists()

    check = run("--root", project, "check", "milia")
    assert "data/advice.yaml: Shared advice: baby-skin: this edit changes 1 approved leaflet: milia; it needs " \
           "review" in " ".join(check.output.split())

    result = run("--root", project, "build", *ONE, "--out", out)  # a normal build: marked on every page
    assert result.exit_code == 0, result.output
    for page in pages(out / "stoke-on-trent/milia-a4.pdf"):
        assert "Changed since approval - not for patient use" in page
    assert "approved by" not in flat(out / "stoke-on-trent/milia-a4.pdf")
    catalogue = (out / "stoke-on-trent/index.html").read_text()
    assert "Changed since approval: not for patient use" in catalogue and "(CHANGED)" in catalogue


def test_an_edit_reaching_several_approved_leaflets_names_them_all(project: Path):
    for leaflet in ("milia", "chemical-peel", "hydrafacial"):
        seal(project, leaflet)
    edit(project / "data/advice.yaml", "Use a sunscreen every day", "Use a sunscreen every single day")
    check = " ".join(run("--root", project, "check").output.split())  # sunscreen: in all three
    assert "data/advice.yaml: Shared advice: sunscreen: this edit changes 3 approved leaflets: chemical-peel, " \
           "hydrafacial, milia; they need review" in check


def test_marketing_edits_keep_every_approval(project: Path, tmp_path: Path):
    seal(project)
    before = leaflet_seal(load_library(find_project(project)), "milia")
    branch = project / "data/branches/stoke-on-trent.yaml"
    phone = yaml.safe_load(branch.read_text())["phone"]
    edit(branch, phone, "01782 922399")
    content = branch.read_text()
    content = re.sub(r"primary: \"#[0-9a-fA-F]{6}\"", 'primary: "#123456"', content)
    content = re.sub(r"price: [0-9.]+", "price: 999", content)
    branch.write_text(content)
    library = load_library(find_project(project))
    assert leaflet_seal(library, "milia") == before
    out = tmp_path / "out"
    result = run("--root", project, "build", *ONE, "--release", "--out", out)
    assert result.exit_code == 0, result.output
    printed = flat(out / "stoke-on-trent/milia-a4.pdf")
    assert "01782 922399" in printed and "Changed since approval" not in printed and "DRAFT" not in printed
    assert (out / "release/stoke-on-trent.zip").is_file()


def test_a_hand_written_approval_is_refused_with_the_command_to_run(project: Path, tmp_path: Path):
    path = project / "data/leaflets/milia.yaml"
    edit(path, "  status: draft", "  status: approved")
    edit(path, "approver: null", "approver: {name: Dr Hand Written, role: Consultant Dermatologist}")
    edit(path, "approved: null", "approved: 2026-11-01")
    result = run("--root", project, "build", *ONE, "--release", "--out", tmp_path / "refused")
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert "not sealed: status: approved was written by hand" in said
    assert "leaflets approve milia --by NAME --role ROLE" in said
    out = tmp_path / "out"
    assert run("--root", project, "build", *ONE, "--out", out).exit_code == 0
    for page in pages(out / "stoke-on-trent/milia-a4.pdf"):
        assert "DRAFT - not for patient use" in page

    # a seal typed by hand, with no approved text behind it
    edit(path, "approved: 2026-11-01", "approved: 2026-11-01\n  seal: sha256:" + "0" * 64)
    said = " ".join(run("--root", project, "check", "milia").output.split())
    version = yaml.safe_load(path.read_text())["record"]["version"]  # the draft's own number
    assert f"not sealed: its seal does not match the content, and no approved text (records/milia/{version}.txt) " \
           "has that seal" in said


def test_a_name_changed_after_approval_is_refused(project: Path):
    seal(project)
    edit(project / "data/leaflets/milia.yaml", NAME, "Dr Someone Else")
    said = " ".join(run("--root", project, "check", "milia").output.split())
    assert "not sealed: its approver or date differs from the approval kept in records/milia/1.0.txt" in said


def test_release_refusal_says_what_to_do_and_which_leaflets_could_go_alone(project: Path, tmp_path: Path):
    seal(project)
    result = run("--root", project, "build", "milia", "hydrafacial", "--branch", "stoke-on-trent", "--format", "a4",
                 "--release", "--today", "2026-11-22", "--out", tmp_path / "out")
    assert result.exit_code == 2
    said = result.stderr
    assert "hydrafacial: leaflets review hydrafacial -o hydrafacial-review.pdf, then leaflets approve hydrafacial " \
           "--by NAME --role ROLE" in said
    assert "a release of the approved leaflets alone is possible: milia" in said
    assert "leaflets build --release milia" in said


def test_versions_history_and_major(project: Path):
    seal(project)
    edit(project / "data/leaflets/milia.yaml", "You cannot always prevent milia.", "You cannot always stop milia.")
    second = seal(project, day="2026-11-20")
    assert second.approval.version == "1.1"
    assert second.approval.changes == "1 part changed: Section: Looking after your skin"
    third = seal(project, day="2026-11-21", major=True)
    assert third.approval.version == "2.0"
    result = run("--root", project, "history", "milia")
    assert result.exit_code == 0, result.output
    assert "milia: 3 approved versions" in result.output
    assert re.search(r"1\.1  2026-11-20  Dr Test Person, Consultant Dermatologist\n\s+seal sha256:[0-9a-f]{64}\n"
                     r"\s+1 part changed: Section: Looking after your skin", result.output), result.output
    assert "Now: version 2.0, sealed" in result.output


def test_approve_refuses_bad_input_and_writes_nothing(project: Path):
    before = (project / "data/leaflets/milia.yaml").read_text()
    for args, message in (
        (("milia", "--by", "Dr A\nB", "--role", ROLE), "--by:"),
        (("milia", "--by", NAME, "--role", ROLE, "--date", "2999-01-01"), "is in the future"),
        (("milia", "--by", NAME, "--role", ROLE, "--date", "2026-11-01", "--next-review", "2026-10-01"),
         "must be after the approval date"),
        (("mila", "--by", NAME, "--role", ROLE), "did you mean 'milia'?"),
    ):
        result = run("--root", project, "approve", *args)
        assert result.exit_code == 2 and message in result.stderr, result.output
        assert "Traceback" not in result.output
    assert (project / "data/leaflets/milia.yaml").read_text() == before
    assert not (project / "records").exists()


def test_the_seal_is_the_same_in_any_folder_with_any_line_endings_and_key_order(tmp_path: Path):
    first = copy_project(tmp_path / "a")
    second = copy_project(tmp_path / "somewhere" / "else" / "b")
    for path in (second / "data").rglob("*.yaml"):  # a Windows checkout
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    advice = second / "data/advice.yaml"  # the same advice, its keys in another order
    data = yaml.safe_load(advice.read_text())
    advice.write_text(yaml.safe_dump(data, sort_keys=True, allow_unicode=True))
    one = load_library(find_project(first))
    two = load_library(find_project(second))
    for leaflet in one.leaflets:
        assert leaflet_seal(one, leaflet) == leaflet_seal(two, leaflet)
    assert str(first) not in clinical_text(one, "milia")

    # approved in one folder, checked out with CRLF line endings in another: still sealed
    seal(first)
    moved = tmp_path / "moved"
    shutil.copytree(first, moved)
    for path in [*(moved / "data").rglob("*.yaml"), *(moved / "records").rglob("*.txt")]:
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    said = run("--root", moved, "check", "milia").output
    assert "milia: changed since approval" not in said and "not sealed" not in said


def test_review_copy_shows_removed_and_added_words(project: Path, tmp_path: Path):
    seal(project)
    edit(project / "data/advice.yaml", "with plain warm water only", "with a mild baby cleanser")
    out = tmp_path / "milia-review.pdf"
    result = run("--root", project, "review", "milia", "--branch", "stoke-on-trent", "-o", out)
    assert result.exit_code == 0, result.output
    content = flat(out)
    assert "1 part changed since version 1.0, approved by Dr Test Person on 1 November 2026." in content
    assert "plain warm water only." in content and "a mild baby cleanser." in content
    assert "Confirm with clinician" in content and "Readability" in content
    assert "Berk" in content  # a source, with its full reference
    html = tmp_path / "milia-review.html"
    assert run("--root", project, "review", "milia", "-o", html).exit_code == 0
    page = html.read_text()
    assert "<del>plain warm water only.</del>" in page and "<ins>a mild baby cleanser.</ins>" in page


def test_an_out_of_date_translation_is_built_marked_kept_in_the_catalogue_and_refused(tmp_path: Path):
    from leaflets.commands.approve import approve_translation

    project = copy_project(tmp_path / "project", translations=True)
    seal(project)
    for name in ("labels", "shared", "milia"):
        done = approve_translation("pl", name, "C Example", "Qualified medical translator", root=project,
                                   translator="T Example")
        assert done.approval.lang == "pl" and (project / done.approval.file).is_file()
    polish = ("milia", "--branch", "stoke-on-trent", "--format", "a5", "--lang", "pl", "--today", "2026-11-22")
    out = tmp_path / "out"
    result = run("--root", project, "build", *polish, "--release", "--out", out)
    assert result.exit_code == 0, result.output
    pdf = out / "stoke-on-trent/milia-a5.pl.pdf"
    assert "Translation of an earlier version" not in flat(pdf) and "DRAFT" not in flat(pdf)

    # one word of the English changes, and the English is approved again
    edit(project / "data/leaflets/milia.yaml", "You cannot always prevent milia.", "You cannot always stop milia.")
    assert seal(project, day="2026-11-20").approval.version == "1.1"
    result = run("--root", project, "build", *polish, "--out", out)
    assert result.exit_code == 0, result.output  # still built: Polish readers are not left without a leaflet
    for page in pages(pdf):
        assert "Translation of an earlier version - not for patient use" in page
    catalogue = (out / "stoke-on-trent/index.html").read_text()
    assert "Translation of an earlier version: not for patient use" in catalogue and "(OUT OF DATE)" in catalogue
    result = run("--root", project, "build", *polish, "--release", "--out", tmp_path / "refused")
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert "locale/pl/milia.yaml: milia in pl: translation of an earlier version: the English changed since this " \
           "translation was approved" in said
    assert "locale/pl/milia.po: milia in pl: 1 string out of date" in said
    assert "leaflets translate approve pl milia --by NAME --role ROLE" in said


def test_translate_approve_refuses_without_approved_english_or_translator(tmp_path: Path):
    project = copy_project(tmp_path / "project", translations=True)
    result = run("--root", project, "translate", "approve", "pl", "milia", "--by", "C Example", "--role", "Checker",
                 "--translator", "T Example")
    assert result.exit_code == 2 and "the English milia is not approved as it stands (draft)" in result.stderr
    seal(project)
    result = run("--root", project, "translate", "approve", "pl", "milia", "--by", "C Example", "--role", "Checker")
    assert result.exit_code == 2 and "names no translator" in result.stderr
    assert "status: draft" in (project / "locale/pl/milia.yaml").read_text()


def test_the_preview_notes_what_an_edit_unseals_and_which_languages_are_out_of_date(tmp_path: Path):
    from leaflets.preview.state import approval_notes
    from leaflets.project.plan import plan_variants

    project = copy_project(tmp_path / "project", translations=True)
    seal(project)
    edit(project / "data/advice.yaml", "with plain warm water only", "with a mild baby cleanser")
    library = load_library(find_project(project))
    notes = approval_notes(library, plan_variants(library, ["milia"], ["stoke-on-trent"], ["a5"]))
    assert notes[0].startswith("note: data/advice.yaml: Shared advice: baby-skin: this edit changes 1 approved "
                               "leaflet: milia; it needs review")
    assert "Polish: 1 sentence out of date: run leaflets translate update pl" in notes
    assert "Urdu: 1 sentence out of date: run leaflets translate update ur" in notes


def test_the_record_is_rewritten_in_place_whatever_its_layout():
    from leaflets.commands.approve import edit_record

    written = ("id: x\r\nrecord:\r\n  reference: MIL-01\r\n  version: '0.2'  # a draft\r\n  status: draft\r\n"
               "  approver:\r\n    name: Old Name\r\n    role: Old Role\r\n  changes:\r\n  - version: '0.1'\r\n"
               "    date: 2026-01-01\r\n    note: First.\r\n  confirm: []\r\n")
    edited = edit_record(written, {"status": "approved", "version": '"1.0"', "approver": "{name: A, role: B}",
                                   "seal": "sha256:" + "a" * 64}, ("1.0", "2026-11-01", "Approved."))
    assert "\r\n" in edited and "\n" not in edited.replace("\r\n", "")
    data = yaml.safe_load(edited)["record"]
    assert data["status"] == "approved" and data["version"] == "1.0" and data["approver"] == {"name": "A", "role": "B"}
    assert data["seal"] == "sha256:" + "a" * 64 and data["confirm"] == []
    assert [c["version"] for c in data["changes"]] == ["0.1", "1.0"] and data["changes"][1]["note"] == "Approved."


def test_approve_refuses_content_with_gate_errors(project: Path):
    edit(project / "data/leaflets/milia.yaml", "    - berk-2008\n", "    - berk-2008\n    - a-blog-post\n")
    before = (project / "data/leaflets/milia.yaml").read_text()
    result = run("--root", project, "approve", "milia", "--by", NAME, "--role", ROLE)
    assert result.exit_code == 2
    assert "approve refused: the gate finds errors in this content" in result.stderr
    assert "unsupported source 'a-blog-post'" in result.stderr
    assert (project / "data/leaflets/milia.yaml").read_text() == before and not (project / "records").exists()


def test_approve_refuses_what_only_the_pages_show_and_approves_a_leaflet_no_branch_builds(project: Path):
    """A character none of the leaflet's fonts has is found in its HTML, which approve makes and hands
    to the gate, as a build does: refused at approval, not at the first build after it. A leaflet no
    branch offers has no pages to make, and is approved on its data alone."""
    edit(project / "data/leaflets/milia.yaml", "Anyone can get milia, at any age.",
         "Anyone can get milia, at any age (任何年龄).")
    before = (project / "data/leaflets/milia.yaml").read_text()
    result = run("--root", project, "approve", "milia", "--by", NAME, "--role", ROLE)
    assert result.exit_code == 2, result.output
    assert "approve refused: the gate finds errors in this content" in result.stderr
    assert "is in none of the fonts this leaflet embeds in en-GB" in result.stderr
    assert (project / "data/leaflets/milia.yaml").read_text() == before and not (project / "records").exists()

    assert "status: draft" in (project / "data/leaflets/milia-removal.yaml").read_text()
    done = seal(project, "milia-removal")
    assert done.approval.version == "1.0"
