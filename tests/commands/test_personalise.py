"""Personalised print (leaflets/commands/personalise.py): a "For you" box in real PDFs, nothing stored."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from leaflets.commands.personalise import (
    PersonaliseRequest,
    PersonalNote,
    personal_job,
    personal_variant,
    personalise,
    render_personal,
)
from leaflets.errors import UserError
from leaflets.project.folder import find_project
from leaflets.project.load import load_library
from leaflets.project.note import appointment_text

from tests.helpers.pdf import link_uris, positioned_text, size_mm, text
from tests.helpers.project import REPO, copy_project, run

TODAY = dt.date(2026, 11, 30)
HOSTILE = "Keep it dry.\n<script>alert(1)</script> {{ 7*7 }} {% if x %} 100% &amp;\nSee https://evil.example/x"
# One leaflet per format with room for the box (the milia A4 and DL are nearly full).
CASES = {"a4": "hydrafacial", "a5": "milia", "dl": "hydrafacial", "large-print": "milia"}


@pytest.fixture(scope="module")
def library():
    return load_library(find_project(REPO))


# The tests that read it are marked xdist_group("personalised"): on one xdist worker, it is rendered once.
@pytest.fixture(scope="module")
def personalised(library) -> dict[str, PdfReader]:
    """One personalised PDF per format, rendered in memory."""
    note = PersonalNote.from_form(name="Sam O'Brien <b>", note=HOSTILE, appointment="2026-12-03T14:30",
                                  practitioner="Dr Jo Bloggs")
    return {fmt: PdfReader(io.BytesIO(render_personal(library, personal_variant(library, leaflet, "stoke-on-trent",
                                                                                   fmt), TODAY, note)))
            for fmt, leaflet in CASES.items()}


@pytest.mark.xdist_group("personalised")
@pytest.mark.pdf
@pytest.mark.parametrize("fmt", list(CASES))
def test_the_box_holds_name_note_appointment_and_practitioner_as_typed(personalised, fmt):
    printed = text(personalised[fmt])
    for expected in ("For you", "Sam O'Brien <b>", "Keep it dry.", "<script>alert(1)</script>", "{{ 7*7 }}",
                     "{% if x %}", "100% &amp;", "https://evil.example/x", "Next appointment",
                     "Thursday 3 December 2026 at 2:30pm", "From Dr Jo Bloggs"):
        assert expected in printed, (fmt, expected)
    assert "49" not in printed.split("{{ 7*7 }}")[1][:5]  # not evaluated


@pytest.mark.xdist_group("personalised")
@pytest.mark.pdf
@pytest.mark.parametrize("fmt", list(CASES))
def test_a_web_address_in_the_note_is_text_not_a_link(personalised, fmt):
    assert not [uri for uri in link_uris(personalised[fmt]) if "evil" in uri]


@pytest.mark.xdist_group("personalised")
@pytest.mark.pdf
@pytest.mark.parametrize("fmt", list(CASES))
def test_pages_and_page_size_are_those_of_the_leaflet_on_the_rack(personalised, default_build, fmt):
    out, _ = default_build
    normal = PdfReader(out / "stoke-on-trent" / f"{CASES[fmt]}-{fmt}.pdf")
    mine = personalised[fmt]
    assert len(mine.pages) == len(normal.pages)
    assert [tuple(round(v) for v in size_mm(p.mediabox)) for p in mine.pages] == \
        [tuple(round(v) for v in size_mm(p.mediabox)) for p in normal.pages]


@pytest.mark.xdist_group("personalised")
@pytest.mark.pdf
@pytest.mark.parametrize("fmt", list(CASES))
def test_a_draft_keeps_its_mark_on_every_page(personalised, fmt):
    reader = personalised[fmt]
    assert reader.pages
    for page in reader.pages:
        assert "DRAFT - not for patient use" in " ".join(page.extract_text().split())


@pytest.mark.xdist_group("personalised")
@pytest.mark.pdf
def test_the_a5_box_is_on_a_notes_page_and_the_a4_box_before_the_contact_details(personalised):
    """The box takes the room the rack copy keeps for it after the content
    (templates/partials/room.html): the room's notes area is gone from that page."""
    a5 = [" ".join(p.extract_text().split()) for p in personalised["a5"].pages]
    page = next(i for i, t in enumerate(a5) if "For you" in t)
    assert "Notes and questions for your appointment" not in a5[page]
    assert 0 < page < len(a5) - 1  # after the content, before the back cover
    a4 = [" ".join(p.extract_text().split()) for p in personalised["a4"].pages]
    page = next(i for i, t in enumerate(a4) if "For you" in t)
    assert page > 0 and "Contact us" in " ".join(a4[page:page + 2])


@pytest.mark.xdist_group("personalised")
@pytest.mark.pdf
def test_the_large_print_box_is_in_large_print(personalised):
    reader = personalised["large-print"]
    runs = [run for page in reader.pages for run in positioned_text(page)
            if any(part in run[0] for part in ("For you", "Keep it dry", "Dr Jo Bloggs", "2:30pm"))]
    assert len(runs) >= 4
    assert min(size for _, _, _, size in runs) >= 17.9  # UKAAF: 18 pt, like the rest of the leaflet


@pytest.mark.pdf
def test_the_imposed_a5_is_a4_landscape_sheets(library):
    note = PersonalNote.from_form(name="Sam")
    variant = personal_variant(library, "milia", "stoke-on-trent", "a5")
    reader = PdfReader(io.BytesIO(render_personal(library, variant, TODAY, note, imposed=True)))
    assert len(reader.pages) == 4
    assert tuple(round(v) for v in size_mm(reader.pages[0].mediabox)) == (297, 210)
    assert "Sam" in text(reader)


def test_a_job_for_a_worker_pool_has_no_thumbnail_and_no_output_folder_path(library):
    note = PersonalNote.from_form(note="Hello")
    job = personal_job(library, personal_variant(library, "milia", "stoke-on-trent", "a5"), TODAY, note)
    assert job.thumbnail is None and job.note == "Hello"
    assert job.paths == ("milia-a5-for-you.pdf", "milia-a5-print-for-you.pdf")
    assert "Hello" in job.html and "<!-- leaflets:for-you -->" not in job.html


def test_a_character_the_fonts_lack_is_refused_not_drawn_in_a_machine_font(library):
    variant = personal_variant(library, "milia", "stoke-on-trent", "a5")
    note = PersonalNote.from_form(name="Zoë Łukasz", note="Dzień dobry \u05e9\u05dc\u05d5\u05dd \u4e2d")
    with pytest.raises(UserError) as refused:
        personal_job(library, variant, TODAY, note)
    message = str(refused.value)
    assert "note: 5 characters the leaflet's fonts cannot draw" in message
    assert "U+05E9 HEBREW LETTER SHIN) at character 13" in message
    assert "name:" not in message and "Dzie" not in message  # Latin letters with accents are drawn; no text quoted
    personal_job(library, variant, TODAY, PersonalNote.from_form(name="Zoë Łukasz", note="Dzień dobry"))


def test_a_leaflet_with_a_gate_error_is_refused(project: Path):
    leaflet = project / "data/leaflets/milia.yaml"
    leaflet.write_text(leaflet.read_text().replace("- berk-2008", "- no-such-source", 1))
    result = run("--root", project, "personalise", "milia", "--branch", "stoke-on-trent", "--format", "a4",
                 "--name", "Sam", "-o", project / "sam.pdf")
    assert result.exit_code == 2
    assert "cannot be personalised: the gate refuses it" in result.stderr and "no-such-source" in result.stderr
    assert not (project / "sam.pdf").exists()


@pytest.mark.pdf
@pytest.mark.slow
def test_a_note_that_does_not_fit_says_how_many_characters_to_cut(project: Path):
    (project / "styles/for-you.css").write_text(
        (project / "styles/for-you.css").read_text() + "\n.for-you-note { font-size: 24pt; }\n")
    note = "Keep the treated area clean and dry for two days, and wear sunscreen. " * 8
    result = run("--root", project, "personalise", "hydrafacial", "--branch", "stoke-on-trent", "--format", "dl",
                 "--note", note, "-o", project / "sam.pdf")
    assert result.exit_code == 2, result.output
    assert 'the "For you" box does not fit the room on the fold-in flap of this DL leaflet' in result.stderr
    assert f"the note has {len(note.strip())} characters" in result.stderr and "cut at least" in result.stderr
    cut = int(result.stderr.split("cut at least ")[1].split()[0])
    assert 0 < cut < len(note)
    fits = note.strip()[:len(note.strip()) - cut]
    result = run("--root", project, "personalise", "hydrafacial", "--branch", "stoke-on-trent", "--format", "dl",
                 "--note", fits, "-o", project / "sam.pdf")
    assert result.exit_code == 0, result.output  # cutting that many is enough


@pytest.mark.pdf
def test_a_room_too_small_for_a_note_says_to_leave_the_note_out(project: Path, tmp_path: Path):
    (project / "styles/dl.css").write_text((project / "styles/dl.css").read_text() + "\n.room { height: 24mm; }\n")
    (tmp_path / "o").mkdir()
    result = run("--root", project, "personalise", "milia", "--branch", "stoke-on-trent", "--format", "dl",
                 "--name", "Sam", "--note", "a\nb\nc\nd\ne\nf\ng", "-o", tmp_path / "o" / "x.pdf")
    assert result.exit_code == 2, result.output
    assert "there is room for the other details but not for a note; leave the note out" in result.stderr
    assert list((tmp_path / "o").iterdir()) == []


@pytest.mark.pdf
def test_an_a5_box_taller_than_its_notes_page_says_so(project: Path):
    (project / "styles/for-you.css").write_text(  # a box taller than the notes page the booklet keeps for it
        (project / "styles/for-you.css").read_text() + "\n.format-a5 .for-you { min-height: 190mm; }\n")
    result = run("--root", project, "personalise", "milia", "--branch", "stoke-on-trent", "--format", "a5",
                 "--name", "Sam", "--note", "Keep dry.", "-o", project / "sam.pdf")
    assert result.exit_code == 2, result.output
    assert "this A5 booklet's notes page has no room for a box with these details" in result.stderr
    assert not (project / "sam.pdf").exists()


@pytest.mark.pdf
@pytest.mark.slow
def test_nothing_is_written_anywhere_and_stdout_gets_the_pdf(project: Path, tmp_path: Path):
    """The project, its out/ and the temp folder are the same before and after."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()

    def snapshot() -> dict[str, float]:
        return {str(p): p.stat().st_mtime_ns for folder in (project, scratch) for p in folder.rglob("*")}

    before = snapshot()
    done = subprocess.run(
        [sys.executable, "-m", "leaflets", "--root", str(project), "personalise", "milia", "--branch",
         "wolverhampton", "--format", "a5", "--name", "Sam Secret", "--note-file", "-", "-o", "-"],
        input=b"A private note\nsecond line", capture_output=True, cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(scratch)}, timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert snapshot() == before
    assert not (project / "out").exists()
    assert done.stdout.startswith(b"%PDF-")
    printed = text(PdfReader(io.BytesIO(done.stdout)))
    assert "Sam Secret" in printed and "A private note second line" in printed
    assert b"Sam Secret" not in done.stderr and b"private" not in done.stderr


@pytest.mark.pdf
def test_o_file_writes_that_one_file_and_nothing_beside_it(tmp_path: Path):
    folder = tmp_path / "here"
    folder.mkdir()
    result = run("--root", REPO, "personalise", "milia", "--branch", "stoke-on-trent", "--format", "large-print",
                 "--appointment", "2026-12-03 12:00", "--today", "2026-11-22", "-o", folder / "sam.pdf")
    assert result.exit_code == 0, result.output
    assert [p.name for p in folder.iterdir()] == ["sam.pdf"]
    assert (folder / "sam.pdf").stat().st_mode & 0o077 == 0  # a patient's details: the owner's only
    assert "Thursday 3 December 2026 at midday" in text(PdfReader(folder / "sam.pdf"))


def test_bad_input_is_refused_with_every_problem_and_nothing_written(tmp_path: Path):
    result = run("--root", REPO, "personalise", "milia", "--branch", "stoke-on-trent", "--format", "a4",
                 "--name", "Sa\x00m\u202e", "--practitioner", "x" * 81, "--note", "y" * 601,
                 "--appointment", "next Tuesday", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    for expected in ("name: a control character (U+0000) at character 3",
                     "name: an invisible character that changes the order text is printed in (U+202E",
                     "practitioner: 81 characters; at most 80", "note: 601 characters; at most 600 are allowed, cut 1",
                     "appointment: not a date and time; write it as YYYY-MM-DD HH:MM"):
        assert expected in result.stderr, expected
    assert "next Tuesday" not in result.stderr  # what was typed is not repeated
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (["--format", "web", "--name", "Sam"], "--format web: a personalised leaflet is printed"),
    (["--format", "a4", "--name", "Sam", "--imposed"], "only the A5 booklet has an imposed print file"),
    (["--format", "a4"], "nothing to print"),
    (["--format", "a4", "--note", "a", "--note-file", "-"], "not both"),
    (["--format", "a4", "--name", "a\nb"], "name: must be one line"),
])
def test_usage_mistakes_exit_2_with_a_message(args, message, tmp_path: Path):
    result = run("--root", REPO, "personalise", "milia", "--branch", "stoke-on-trent", *args, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_a_pdf_is_not_written_to_a_terminal():
    class Terminal(io.BytesIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    request = PersonaliseRequest(root=REPO, leaflet="milia", branch="stoke-on-trent", format="a4", output="-",
                                 name="Sam")
    with pytest.raises(UserError, match="refusing to write a PDF to the terminal"):
        personalise(request, stdout=terminal)
    assert terminal.getvalue() == b""


def test_note_text_is_normalised_and_checked():
    note = PersonalNote.from_form(name="  Sam\t Smith ", note="one  \r\ntwo\rthree\u2028four\n", appointment="")
    assert note.name == "Sam  Smith" and note.note == "one\ntwo\nthree\nfour" and note.appointment is None
    assert PersonalNote.from_form(note="e\u0301").note == "\u00e9"  # NFC: counted as one character
    with pytest.raises(UserError, match="note: 16 lines; at most 15"):
        PersonalNote.from_form(note="\n".join("x" * 16))
    with pytest.raises(UserError, match=r"U\+2066"):
        PersonalNote(note="a\u2066b")  # the model checks itself, however it is made
    for typed in ("2026-12-03 14:30", "2026-12-03T14:30", "2026-12-03T14:30:00"):
        assert PersonalNote.from_form(appointment=typed).appointment == dt.datetime(2026, 12, 3, 14, 30)
    assert PersonalNote.from_form(note="שלום עולם").note == "שלום עולם"  # right-to-left text is fine


@pytest.mark.parametrize("hour, minute, shown", [
    (14, 30, "Thursday 3 December 2026 at 2:30pm"), (9, 0, "Thursday 3 December 2026 at 9am"),
    (12, 0, "Thursday 3 December 2026 at midday"), (0, 5, "Thursday 3 December 2026 at 12:05am"),
])
def test_appointments_are_written_the_clinic_s_way(hour, minute, shown):
    assert appointment_text(dt.datetime(2026, 12, 3, hour, minute), "{date} at {time}") == shown


def test_personalise_help_does_not_import_weasyprint():
    code = ("import sys\nfrom leaflets.cli import main\n"
            "try:\n    main(['personalise', '--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "assert 'weasyprint' not in sys.modules, 'weasyprint was imported'\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Nothing is stored" in done.stdout


@pytest.mark.pdf
def test_a_translation_is_personalised_in_its_language(tmp_path: Path):
    out = tmp_path / "pl.pdf"
    result = run("--root", REPO, "personalise", "milia", "--branch", "stoke-on-trent", "--format", "large-print",
                 "--lang", "pl", "--name", "Anna Kowalska", "--appointment", "2026-12-10 14:30",
                 "--today", "2026-11-22", "-o", out)
    assert result.exit_code == 0, result.output
    import pypdfium2

    document = pypdfium2.PdfDocument(out)
    pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    box = next(page for page in pages if "Anna Kowalska" in page)
    assert "Dla Ciebie" in box and "Następna wizyta" in box
    assert "czwartek, 10 grudnia 2026, godz. 14:30" in " ".join(box.split())
    assert not any("For you" in page or "Next appointment" in page for page in pages)
    # A translation's record may still limit its formats (locale/<lang>/<leaflet>.yaml, formats:).
    project = copy_project(tmp_path / "project", translations=True)
    record = project / "locale" / "pl" / "milia.yaml"
    lines = record.read_text().splitlines(keepends=True)
    assert not any(line.startswith("formats:") for line in lines), "the shipped record is built in every format"
    record.write_text("".join(lines) + "formats: [a5, large-print, web]\n")
    refused = run("--root", project, "personalise", "milia", "--branch", "stoke-on-trent", "--format", "a4",
                  "--lang", "pl", "--name", "Anna", "-o", tmp_path / "a4.pdf")
    assert refused.exit_code == 2
    assert "not built: milia in pl as a4" in refused.stderr and not (tmp_path / "a4.pdf").exists()


@pytest.mark.pdf
def test_an_english_note_on_an_urdu_leaflet_keeps_its_full_stop_at_its_end(library):
    import pypdfium2

    note = PersonalNote.from_form(name="Sam Khan", note="Use the cream twice a day.", practitioner="Dr Jo Bloggs")
    pdf = render_personal(library, personal_variant(library, "milia", "stoke-on-trent", "large-print", "ur"),
                          TODAY, note)
    document = pypdfium2.PdfDocument(pdf)
    found = []
    for index in range(len(document)):
        textpage = document[index].get_textpage()
        chars = [textpage.get_text_range(i, 1) for i in range(textpage.count_chars())]
        joined = "".join(chars)
        at = joined.find("a day")
        if at >= 0:  # the y of "day" and the full stop after it, left to right as printed
            y_left = textpage.get_charbox(at + 4)[0]
            stop = next(i for i in range(at + 5, len(chars)) if chars[i] == ".")
            found.append((y_left, textpage.get_charbox(stop)[0]))
    assert found, "the note is not in the Urdu large print"
    for y_left, stop_left in found:
        assert stop_left > y_left, "the full stop is printed before the note, not after it"


def test_a_copy_asked_for_from_the_release_is_refused_while_its_text_is_not_approved(project: Path):
    """The front desk's release shelf is what a patient is handed as approved; a personalised copy
    is made from the text as it is now. Refused (with what to do) while that text is a draft or
    changed since its approval; made once approved; refused again after an edit; a copy asked
    for from the working build is made, marked, all along."""
    from tests.helpers.governance import approve

    note = PersonalNote.from_form(name="Sam", note="Keep it dry.", appointment="", practitioner="")

    def ask(released: bool):
        library = load_library(find_project(project))
        return personal_job(library, personal_variant(library, "milia", "stoke-on-trent", "a4"), TODAY, note,
                            released=released)

    with pytest.raises(UserError) as draft:
        ask(released=True)
    assert "DRAFT: not for patient use" in str(draft.value)
    assert "Print the released copy and write the note on it" in str(draft.value)
    assert "ask a clinician to review and approve the change." in str(draft.value)
    assert '<div class="draft-mark">' in ask(released=False).html  # the working build's copy: made, and marked

    approve(project, "milia")
    approved = ask(released=True).html
    assert "Sam" in approved and '<div class="draft-mark">' not in approved

    leaflet = project / "data/leaflets/milia.yaml"
    leaflet.write_text(leaflet.read_text().replace("Anyone can get milia, at any age.",
                                                   "Anyone can get milia, at any age at all."))
    with pytest.raises(UserError, match=r"text as it is now is not approved \(Changed since approval"):
        ask(released=True)
    assert '<div class="draft-mark">' in ask(released=False).html

    # branch details are marketing's: they never unseal, and the copy is made
    branch = project / "data/branches/stoke-on-trent.yaml"
    leaflet.write_text(leaflet.read_text().replace("at any age at all.", "at any age."))
    branch.write_text(branch.read_text().replace("01782 922300", "01782 922301"))
    assert "01782 922301" in ask(released=True).html
