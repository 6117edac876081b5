"""Translations: extract and update with msgmerge semantics, the gate, and translated PDFs.

The fixture translation is made here, not taken from the shipped ones: every
entry of the milia leaflet and of the labels is "translated" by putting Polish
letters into the English (a -> ą, e -> ę, o -> ó, z -> ż), which keeps the
length (the leaflet still fits its pages) and makes translated text easy to
tell from English in the PDFs.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polib
import pypdfium2
import pytest
from pypdf import PdfReader

from leaflets.commands.build import BuildRequest
from leaflets.commands.build import run as run_build
from leaflets.render.html import text_direction

from tests.helpers.project import REPO, copy_project, run
from tests.helpers.shared import shared_folder

BRANCH = "stoke-on-trent"
NOT_APPLICABLE = "sections[0].body[3].p"
TABLE = str.maketrans("aeoz", "ąęóż")


KEPT = re.compile(r"\{[a-z_]+\}|(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[^\s,;()]*)?")


def polish(text: str) -> str:
    """The fixture "translation": Polish letters in the English, placeholders and web addresses kept
    (the gate refuses a translation whose addresses differ from the English)."""
    kept = [m.span() for m in KEPT.finditer(text)]
    return "".join(ch if any(a <= i < b for a, b in kept) else ch.translate(TABLE) for i, ch in enumerate(text))


# The UK services a translation explains (the PO notes ask; the gate warns where it does not).
# 999 and NHS 111 each time; GP and health visitor the first time a file names them.
GLOSSES = ((re.compile(r"\b999\b"), "999 alarmowy", True), (re.compile(r"\bNHS 111\b"), "NHS 111 porada", True),
           (re.compile(r"\bGP\b"), "GP lekarz", False),
           (re.compile(r"\b(h\w+lth visit\w+r)\b", re.I), r"\1 pielęgniarka", False))


UNITS = tuple((re.compile(rf"(\d+)([\s-]+){english}"), rf"\1\2{polish_word}") for english, polish_word in (
    (r"mónths?", "miesięcy"), (r"węęks?", "tygodni"), (r"dąys?", "dni"), (r"hóurs?", "godzin"),
    (r"yęąrs?", "lat"), (r"minutęs?", "minut")))


def translate_all(path: Path) -> None:
    po = polib.pofile(str(path))
    glossed = set()
    for entry in po:
        entry.msgstr = polish(entry.msgid)
        for pattern, explained, every_time in GLOSSES:
            if every_time or pattern not in glossed:
                entry.msgstr, count = pattern.subn(explained, entry.msgstr, count=0 if every_time else 1)
                glossed |= {pattern} if count else set()
        for pattern, unit in UNITS:  # a time span keeps its unit in Polish words (the gate compares them)
            entry.msgstr = pattern.sub(unit, entry.msgstr)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
    po.save()


def make_polish(root: Path) -> None:
    result = run("--root", root, "translate", "update", "pl", "milia")
    assert result.exit_code == 0, result.output
    translate_all(root / "locale/pl/milia.po")
    translate_all(root / "locale/pl/shared.po")
    translate_all(root / "locale/pl/labels.po")


def page_text(pdf: Path) -> str:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def build(root: Path, out: Path, *args: str):
    return run("--root", root, "build", "milia", "--branch", BRANCH, "-j1", "--out", out, *args)


@pytest.fixture(scope="module")
def polish_build(tmp_path_factory) -> tuple[Path, Path]:
    """The milia leaflet in English and Polish, A4 and web, for one branch: (project, out). Made once
    per run for every xdist worker (tests/helpers/shared.py): tests read it; a test that edits it
    edits a copy."""
    folder = shared_folder(tmp_path_factory, "polish-build", make_polish_build)
    return folder / "project", folder / "project/out"


def make_polish_build(folder: Path) -> None:
    root = copy_project(folder / "project")
    make_polish(root)
    po = polib.pofile(str(root / "locale/pl/milia.po"))  # a paragraph that does not apply in Polish
    left_out = next(e for e in po if e.msgctxt == NOT_APPLICABLE)
    left_out.tcomment = "not-applicable: the figure is about UK babies"
    po.save()
    result = build(root, root / "out", "--format", "a4", "--format", "web")
    assert result.exit_code == 0, result.output


# --- extract and update -------------------------------------------------------


def test_extract_writes_every_string_with_context_and_line_and_is_deterministic(project):
    result = run("--root", project, "translate", "extract")
    assert result.exit_code == 0, result.output
    pot = project / "locale/templates/milia.pot"
    first = pot.read_bytes()
    labels = polib.pofile(str(project / "locale/templates/labels.pot"))
    assert {e.msgctxt for e in labels} >= {"page_of", "draft_translation", "format_names.a4", "qr_contact"}
    entries = {e.msgctxt: e for e in polib.pofile(str(pot))}
    assert entries["title"].msgid == "Milia"
    assert entries["title"].occurrences == [("data/leaflets/milia.yaml", "4")]
    # The leaflet's own strings; the treatments and advice several leaflets print are in shared.pot, once.
    assert not any(c.startswith(("treatments[", "advice[")) for c in entries)
    shared = {e.msgctxt: e for e in polib.pofile(str(project / "locale/templates/shared.pot"))}
    assert "treatments[chemical-peel].summary" in shared  # the summaries the milia leaflet can list
    safety = next(e for c, e in shared.items() if c.startswith("advice[safety-net]") and "NHS 111" in e.msgid)
    assert "free NHS phone line" in safety.comment and "family doctor" in safety.comment  # NHS 111 and GP
    # Where each string is printed, in words (for a shared string: in every leaflet that prints it).
    # The section has two bullet lists (the retinoid warning is its own list), so each bullet names its list.
    assert entries["sections[5].body[3].bullets[1]"].comment == \
        "Milia leaflet, section 'Looking after your skin', list 1, bullet 2"
    assert entries["sections[5].body[4].bullets[0]"].comment == \
        "Milia leaflet, section 'Looking after your skin', list 2, bullet 1"
    assert "Milia leaflet, section 'When to get advice', box 'When to get help', text" in safety.comment
    sunscreen = shared["advice[sunscreen].body[0].p"].comment  # printed by several leaflets: one line each
    assert "Milia leaflet, section 'Looking after your skin', paragraph" in sunscreen
    assert "Chemical peels leaflet, section" in sunscreen
    assert entries["sections[5].body[3].bullets[1]"].occurrences[0][0] == "data/leaflets/milia.yaml"
    assert all(e.occurrences for e in [*entries.values(), *shared.values()])
    # Again on unchanged inputs: the same bytes, nothing rewritten.
    again = run("--root", project, "translate", "extract")
    assert "0 changed" in again.output
    assert pot.read_bytes() == first


def test_committed_templates_are_fresh():
    """locale/templates/ is what `leaflets translate extract` writes for the current English."""
    from leaflets.commands.translate import names, template
    from leaflets.project.folder import find_project
    from leaflets.project.load import load_library

    from tests.helpers.project import REPO

    library = load_library(find_project(REPO))
    assert names(library)
    for name in names(library):
        committed = REPO / "locale/templates" / f"{name}.pot"
        assert committed.read_text("utf-8") == str(template(library, name)) + "\n", \
            f"{committed} is stale: run `leaflets translate extract` and commit"


def test_update_keeps_marks_fuzzy_and_obsoletes(project):
    make_polish(project)
    milia = project / "data/leaflets/milia.yaml"
    text = milia.read_text()
    bullet = "          - Avoid heavy creams and ointments around the eyes.\n"
    assert "You cannot always prevent milia." in text and bullet in text
    milia.write_text(text.replace("You cannot always prevent milia.", "You cannot always stop milia from forming.")
                     .replace(bullet, ""))
    result = run("--root", project, "translate", "update", "pl", "milia")
    assert result.exit_code == 0, result.output
    assert "1 fuzzy" in result.output and "1 obsolete" in result.output
    po = polib.pofile(str(project / "locale/pl/milia.po"))
    fuzzy = [e for e in po if e.fuzzy and not e.obsolete]
    assert len(fuzzy) == 1
    assert fuzzy[0].msgid == "You cannot always stop milia from forming."
    assert fuzzy[0].previous_msgid == "You cannot always prevent milia."
    assert fuzzy[0].msgstr == polish("You cannot always prevent milia.")  # kept for the translator to revise
    obsolete = [e for e in po if e.obsolete]
    assert [e.msgid for e in obsolete] == ["Avoid heavy creams and ointments around the eyes."]
    kept = next(e for e in po if e.msgctxt == "title")
    assert kept.msgstr == "Milią" and not kept.fuzzy
    # The next bullet moved up one place and keeps its translation.
    moved = next(e for e in po if e.msgid.startswith("Skin care with retinol") and not e.obsolete)
    assert moved.msgstr == polish(moved.msgid) and not moved.fuzzy


def test_the_shipped_po_files_are_what_update_makes_and_a_second_update_says_unchanged(tmp_path):
    """A translator's update of the shipped translations changes nothing (the committed PO files are
    not behind the data: their comments name today's sections and paragraphs), says so, and counts
    the shared entries nobody has translated yet as still untranslated, not as new each time."""
    project = copy_project(tmp_path / "project", translations=True)
    langs = sorted(p.name for p in (REPO / "locale").iterdir() if p.is_dir() and p.name != "templates")
    assert langs == ["pl", "ur"]
    for lang in langs:
        result = run("--root", project, "translate", "update", lang)
        assert result.exit_code == 0, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 3 and all(line.startswith("unchanged ") for line in lines), result.output
        assert all(" 0 new, " in line for line in lines), result.output
        assert "still untranslated" in result.output
        for po in sorted((REPO / "locale" / lang).glob("*.po")):
            assert (project / "locale" / lang / po.name).read_bytes() == po.read_bytes(), po


def test_an_entry_left_untranslated_on_purpose_is_counted_as_not_applicable(tmp_path):
    project = copy_project(tmp_path / "project", translations=True)
    path = project / "locale/pl/milia.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgctxt == NOT_APPLICABLE)
    entry.msgstr, entry.tcomment = "", "not-applicable: the figure is about UK babies"
    po.save()
    result = run("--root", project, "translate", "update", "pl", "milia")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "milia.po" in line)
    assert "0 still untranslated, 1 not applicable, " in line, line


def test_update_refuses_an_unknown_language(project):
    for bad in ("english", "xx", "en-GB", "PL"):
        result = run("--root", project, "translate", "update", bad)
        assert result.exit_code == 2, (bad, result.output)
        assert bad in result.output
    assert not (project / "locale" / "xx").exists()


def test_update_without_a_leaflet_merges_only_the_leaflets_already_started(project):
    result = run("--root", project, "translate", "update", "pl")
    assert result.exit_code == 2, result.output
    assert "name the leaflets to start" in result.output
    assert not (project / "locale/pl").exists()
    make_polish(project)
    result = run("--root", project, "translate", "update", "pl")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "locale/pl").glob("*.po")) == ["labels.po", "milia.po", "shared.po"]


# --- the gate -----------------------------------------------------------------


@pytest.mark.pdf
def test_fuzzy_entry_fails_the_polish_build_naming_it_then_fixing_it_builds(project, tmp_path):
    make_polish(project)
    milia = project / "data/leaflets/milia.yaml"
    milia.write_text(milia.read_text().replace("You cannot always prevent milia.", "You cannot always stop milia."))
    assert run("--root", project, "translate", "update", "pl", "milia").exit_code == 0
    po_file = project / "locale/pl/milia.po"
    entry = next(e for e in polib.pofile(str(po_file)) if e.fuzzy)
    out = tmp_path / "out"

    result = build(project, out, "--format", "a4")  # built from the earlier translation, marked so (issue 20)
    assert result.exit_code == 0, result.output
    assert f"locale/pl/milia.po:{entry.linenum}: fuzzy: {entry.msgctxt}" in result.output
    assert po_file.read_text().splitlines()[entry.linenum - 1].startswith("#. Milia leaflet")  # the entry's start
    assert (out / BRANCH / "milia-a4.pdf").is_file()  # the English is built
    assert "Translation of an earlier version - not for patient use" in " ".join(
        page_text(out / BRANCH / "milia-a4.pl.pdf").split())

    po = polib.pofile(str(po_file))
    fixed = next(e for e in po if e.fuzzy)
    fixed.flags.remove("fuzzy")
    fixed.previous_msgid = None
    fixed.msgstr = polish(fixed.msgid)
    po.save()
    result = build(project, out, "--format", "a4")
    assert result.exit_code == 0, result.output
    assert "Yóu cąnnót ąlwąys stóp milią." in page_text(out / BRANCH / "milia-a4.pl.pdf")
    assert "Translation of an earlier version" not in page_text(out / BRANCH / "milia-a4.pl.pdf")


@pytest.mark.pdf
def test_english_edited_without_update_is_built_from_the_old_translation_marked(project, tmp_path):
    make_polish(project)
    milia = project / "data/leaflets/milia.yaml"
    milia.write_text(milia.read_text().replace("You cannot always prevent milia.", "You cannot always stop milia."))
    result = build(project, tmp_path / "out", "--format", "a4", "--lang", "pl")
    assert result.exit_code == 0, result.output  # not failed and gone: marked as a translation of an earlier version
    assert "the English changed" in result.output and "sections[5].body[0].p" in result.output
    text = " ".join(page_text(tmp_path / "out" / BRANCH / "milia-a4.pl.pdf").split())
    assert "Translation of an earlier version - not for patient use" in text
    assert polish("You cannot always prevent milia.") in text  # the earlier translation, never the English
    result = build(project, tmp_path / "refused", "--format", "a4", "--lang", "pl", "--release")
    assert result.exit_code == 2 and "1 string out of date" in result.output


@pytest.mark.pdf
def test_untranslated_labels_fail_naming_the_labels_file(project, tmp_path):
    make_polish(project)
    po = polib.pofile(str(project / "locale/pl/labels.po"))
    next(e for e in po if e.msgctxt == "phone").msgstr = ""
    po.save()
    result = build(project, tmp_path / "out", "--format", "a4", "--lang", "pl")
    assert result.exit_code == 1
    assert re.search(r"locale/pl/labels\.po:\d+: untranslated: phone", result.output), result.output


def approve_english(root: Path) -> None:
    import datetime as dt

    from leaflets.commands.approve import approve

    approve("milia", "Dr A Example", "Consultant Dermatologist", root=root, date=dt.date(2026, 1, 5))


def approve_translation(root: Path, name: str, made_from: str | None) -> None:
    """The qualified checker approves a translation (leaflets translate approve); ``made_from``: then the record
    is made to claim another English version, as an old record would."""
    from leaflets.commands.approve import approve_translation as seal

    seal("pl", name, "C Example", "Qualified medical translator", root=root, translator="T Example")
    if made_from:
        path = root / f"locale/pl/{name}.yaml"
        path.write_text(re.sub(r"made_from: .*", f'made_from: "{made_from}"', path.read_text()))


@pytest.mark.pdf
def test_release_refuses_a_draft_translation_and_one_made_from_older_english(project, tmp_path):
    make_polish(project)
    approve_english(project)
    release = ("--format", "a5", "--release", "--today", "2026-06-01")
    result = build(project, tmp_path / "out", *release)
    assert result.exit_code == 2, result.output
    assert "locale/pl/milia.yaml: milia in pl: draft translation" in result.output
    assert "locale/pl/labels.yaml: labels in pl: draft translation" in result.output
    assert "locale/pl/shared.yaml: shared in pl: draft translation" in result.output
    assert not (tmp_path / "out" / "release").exists()

    approve_translation(project, "labels", None)
    approve_translation(project, "shared", None)
    approve_translation(project, "milia", "0.1")
    result = build(project, tmp_path / "out", *release)
    assert result.exit_code == 2, result.output
    assert "made from English version 0.1, but the English is now version" in result.output
    assert "draft translation" not in result.output

    version = re.search(r'^  version: "([0-9.]+)"', (project / "data/leaflets/milia.yaml").read_text(), re.M)
    assert version
    approve_translation(project, "milia", version.group(1))
    result = build(project, tmp_path / "out", *release)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / BRANCH / "milia-a5.pl.pdf").is_file()
    text = page_text(tmp_path / "out" / BRANCH / "milia-a5.pl.pdf")
    assert polish("Draft translation") not in text and "DRAFT" not in text


def test_bad_record_and_bad_translation_are_data_problems_with_file_and_line(project):
    make_polish(project)
    record = project / "locale/pl/milia.yaml"
    record.write_text(record.read_text().replace("status: draft", "status: finished"))
    po = polib.pofile(str(project / "locale/pl/milia.po"))
    heading = next(e for e in po if e.msgctxt == "sections[0].heading")
    heading.msgstr = "Czym są\nprosaki?"  # a heading is one line
    po.save()
    result = run("--root", project, "check")
    assert result.exit_code == 2, result.output
    assert re.search(r"locale/pl/milia\.yaml:\d+:\d+ status: ", result.output), result.output
    line = polib.pofile(str(project / "locale/pl/milia.po")).find("Czym są\nprosaki?", by="msgstr").linenum
    assert f"locale/pl/milia.po:{line}" in result.output and "sections[0].heading" in result.output


# --- the translated leaflet ---------------------------------------------------


@pytest.mark.pdf
def test_polish_pdf_has_lang_diacritics_polish_dates_and_the_draft_translation_mark(polish_build):
    _root, out = polish_build
    pdf = out / BRANCH / "milia-a4.pl.pdf"
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "pl"
    text = page_text(pdf)
    assert "Milią ąrę tiny whitę ór yęllówish bumps" in text
    assert polish("Draft translation, not yet checked by a qualified translator") in text.replace("\n", " ") \
        or polish("Draft translation") in text
    assert polish("Contact us") in text and polish("Page") in text
    assert re.search(r"\d{1,2} (stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|"
                     r"października|listopada|grudnia) \d{4}", text), text  # Babel's Polish long date
    assert "What are milia?" not in text  # nothing falls back to English
    english = page_text(out / BRANCH / "milia-a4.pdf")
    assert "What are milia?" in english and "ą" not in english


@pytest.mark.pdf
def test_not_applicable_paragraph_is_left_out_and_shown_by_check(polish_build):
    root, out = polish_build
    po = polib.pofile(str(root / "locale/pl/milia.po"))
    paragraph = next(e for e in po if e.msgctxt == NOT_APPLICABLE)
    start = paragraph.msgid[:40]
    assert polish(start) not in page_text(out / BRANCH / "milia-a4.pl.pdf")
    assert start in page_text(out / BRANCH / "milia-a4.pdf")
    result = run("--root", root, "check", "milia", "--branch", BRANCH)
    assert f"not applicable in pl, left out: {NOT_APPLICABLE} (the figure is about UK babies)" in result.output
    row = next(line for line in result.output.splitlines() if line.startswith("milia") and " pl " in line
               and "%" in line)
    assert row.split()[2:7] == ["100%", "0", "0", "1", "draft"], row
    assert "English 0." in row and "(current: 0." in row
    readability = [line for line in result.output.splitlines() if line.startswith("milia") and " pl " in line
                   and "not measured" in line]
    assert readability


def test_not_applicable_faq_entry_drops_question_and_answer(project):
    from leaflets.project.folder import find_project
    from leaflets.project.load import load_library
    from leaflets.project.translations import translated_library

    assert run("--root", project, "translate", "update", "pl", "chemical-peel").exit_code == 0
    translate_all(project / "locale/pl/chemical-peel.po")
    translate_all(project / "locale/pl/shared.po")
    translate_all(project / "locale/pl/labels.po")
    po = polib.pofile(str(project / "locale/pl/chemical-peel.po"))
    question = next(e for e in po if e.msgctxt == "faq[0].question")
    question.tcomment = "not-applicable: no such question in Polish"
    po.save()
    library = load_library(find_project(project))
    english = library.leaflets["chemical-peel"]
    polish_leaflet = translated_library(library, "pl", "chemical-peel").leaflets["chemical-peel"]
    assert english.faq
    assert [q.question for q in polish_leaflet.faq] == [polish(q.question) for q in english.faq[1:]]
    assert polish_leaflet.lang == "pl"


@pytest.mark.pdf
def test_manifest_web_page_and_catalogue_carry_the_language(polish_build):
    _root, out = polish_build
    manifest = json.loads((out / "manifest.json").read_text())
    entries = {e["path"]: e for e in manifest["outputs"]} if isinstance(manifest, dict) and "outputs" in manifest \
        else {e["path"]: e for e in manifest}
    assert entries[f"{BRANCH}/milia-a4.pl.pdf"]["lang"] == "pl"
    assert entries[f"{BRANCH}/milia-a4.pdf"]["lang"] == "en-GB"
    web = (out / BRANCH / "milia.pl.html").read_text()
    assert '<html lang="pl" dir="ltr">' in web
    assert polish("Draft translation") in web
    catalogue = (out / "index.html").read_text()
    assert '<option value="pl" data-words="polski|polish">Polski (Polish)</option>' in catalogue
    assert '<span lang="pl" dir="ltr">Milią</span>' in catalogue


@pytest.mark.pdf
def test_list_and_lang_selection(polish_build):
    root, _out = polish_build
    result = run("--root", root, "list", "milia", "--branch", BRANCH, "--format", "a4", "--lang", "pl")
    assert result.exit_code == 0, result.output
    assert f"{BRANCH}/milia-a4.pl.pdf" in result.output and "milia-a4.pdf" not in result.output
    assert "draft translation" in result.output
    assert run("--root", root, "list", "--lang", "de").exit_code == 2


@pytest.mark.pdf
def test_po_edit_rerenders_only_that_language(polish_build, tmp_path):
    root = shutil.copytree(polish_build[0], tmp_path / "project", symlinks=True)  # the shared build stays as it is
    out = root / "out"
    request = BuildRequest(root=root, out_dir=out, leaflets=("milia",), branches=(BRANCH,), formats=("a4",), jobs=1)
    po_file = root / "locale/pl/milia.po"
    po = polib.pofile(str(po_file))
    entry = next(e for e in po if e.msgctxt == "title")
    entry.msgstr = "Prosaki"
    po.save()
    result = run_build(request)
    assert [v.lang for v in result.built] == ["pl"], result.built
    assert [v.lang for v in result.unchanged] == ["en-GB"]
    assert "Prosaki" in page_text(out / BRANCH / "milia-a4.pl.pdf")


def test_text_direction_comes_from_the_language():
    assert text_direction("ur") == "rtl"
    assert text_direction("pl") == "ltr"
    assert text_direction("en-GB") == "ltr"


def test_a_po_file_linked_from_outside_the_project_is_refused(project, tmp_path):
    make_polish(project)
    outside = tmp_path / "outside.po"
    (project / "locale/pl/milia.po").rename(outside)
    (project / "locale/pl/milia.po").symlink_to(outside)
    result = run("--root", project, "check")
    assert result.exit_code == 2
    assert "locale/pl/milia.po" in result.output and "outside the project" in result.output
    assert "Traceback" not in result.output


@pytest.mark.pdf
def test_a_translation_that_loses_a_placeholder_is_not_complete(project, tmp_path):
    make_polish(project)
    po = polib.pofile(str(project / "locale/pl/labels.po"))
    next(e for e in po if e.msgctxt == "page_of").msgstr = "Strona {page}"  # "{pages}" lost
    po.save()
    result = build(project, tmp_path / "out", "--format", "a4", "--lang", "pl")
    assert result.exit_code == 1
    assert re.search(r"locale/pl/labels\.po:\d+: placeholders differ: page_of", result.output), result.output
    report = json.loads(run("--root", project, "check", "milia", "--branch", BRANCH, "--json").output)
    labels = next(t for t in report["translations"] if t["name"] == "labels")
    assert (labels["lang"], labels["untranslated"], labels["status"]) == ("pl", 1, "draft")
    assert labels["percent"] < 100
    polish_rows = [r for r in report["readability"] if r["lang"] == "pl"]
    assert polish_rows == []  # an incomplete translation is not measured at all


# --- the PO files: headers, shared text translated once ------------------------------------------

HEADERS = ("Project-Id-Version", "PO-Revision-Date", "Last-Translator", "Language-Team", "Language", "MIME-Version",
           "Content-Type", "Content-Transfer-Encoding", "Plural-Forms")


def test_shipped_po_files_carry_the_standard_headers_and_name_no_translator():
    import shutil
    import subprocess

    from leaflets.commands.translate import NO_TRANSLATOR

    from tests.helpers.project import REPO

    files = sorted(REPO.glob("locale/*/*.po"))
    assert len(files) >= 6  # pl and ur: milia, shared, labels
    msgfmt = shutil.which("msgfmt")  # gettext's own check where the machine has it (not a dependency)
    for path in files:
        po = polib.pofile(str(path))
        assert [key for key in HEADERS if not po.metadata.get(key, "").strip()] == [], path
        assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
        assert po.metadata["Language"] == path.parent.name
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d[+-]\d{4}", po.metadata["PO-Revision-Date"])
        assert po.metadata["Language-Team"] == {"pl": "Polish", "ur": "Urdu"}[path.parent.name]
        record = path.with_suffix(".yaml").read_text("utf-8")
        assert "translator: null" in record and "status: draft" in record  # no translator is invented ...
        assert po.metadata["Last-Translator"] == NO_TRANSLATOR  # ... in the PO header either
        if msgfmt:
            checked = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
            assert checked.returncode == 0 and not checked.stderr, checked.stderr


def test_shared_text_is_translated_once_per_language():
    from tests.helpers.project import REPO

    for lang in ("pl", "ur"):
        holders: dict[str, list[str]] = {}
        for path in sorted((REPO / "locale" / lang).glob("*.po")):
            for entry in polib.pofile(str(path)):
                if entry.msgctxt and entry.msgctxt.startswith(("advice[", "treatments[")):
                    holders.setdefault(entry.msgctxt, []).append(path.name)
        assert "advice[baby-skin].body[0].callout.title" in holders
        assert {context: files for context, files in holders.items() if files != ["shared.po"]} == {}, lang


def test_update_moves_shared_translations_into_shared_po_and_writes_headers(project):
    """A leaflet's PO file from before the shared file (advice inside it): update carries every
    translation to shared.po and leaves none behind, not even as obsolete entries."""
    make_polish(project)
    shared = polib.pofile(str(project / "locale/pl/shared.po"))
    milia = polib.pofile(str(project / "locale/pl/milia.po"))
    for entry in shared:
        if entry.msgctxt.startswith("advice[baby-skin]"):
            milia.append(entry)
    milia.save()
    (project / "locale/pl/shared.po").unlink()
    (project / "locale/pl/shared.yaml").unlink()

    result = run("--root", project, "translate", "update", "pl", "--today", "2026-12-04")
    assert result.exit_code == 0, result.output
    assert re.search(r"created .*locale/pl/shared\.po: \d+ kept, 0 fuzzy", result.output), result.output
    moved = {e.msgctxt: e for e in polib.pofile(str(project / "locale/pl/shared.po"))}
    baby = moved["advice[baby-skin].body[0].callout.title"]
    assert baby.msgstr == polish(baby.msgid) and not baby.fuzzy
    assert baby.comment.startswith("Milia leaflet, section 'Looking after your skin', box 'For a baby', title")
    left = polib.pofile(str(project / "locale/pl/milia.po"))
    assert not [e for e in left if e.msgctxt.startswith("advice[")]  # nor obsolete (#~)
    header = polib.pofile(str(project / "locale/pl/shared.po")).metadata
    assert header["PO-Revision-Date"] == "2026-12-04 00:00+0000" and header["Language-Team"] == "Polish"
    assert "not yet checked" in header["Last-Translator"] and "draft" in header["Last-Translator"]
    assert "status: draft" in (project / "locale/pl/shared.yaml").read_text()


def test_shared_po_counts_for_a_leaflet_only_what_that_leaflet_prints():
    """The shipped shared.po leaves the treatment leaflets' advice untranslated, yet milia (which
    prints none of it) is complete: each leaflet is measured on the shared strings it prints."""
    from leaflets.project.folder import find_project
    from leaflets.project.load import load_library

    from tests.helpers.project import REPO

    library = load_library(find_project(REPO))
    for lang in ("pl", "ur"):
        untranslated = [e for e in polib.pofile(str(REPO / f"locale/{lang}/shared.po")) if not e.msgstr]
        assert untranslated and all("Milia leaflet" not in e.comment for e in untranslated)
        present = library.translations.for_variant(lang, "milia")
        assert [t.name for t in present] == ["milia", "shared", "labels"]
        assert all(t.coverage.complete for t in present), lang


def test_a_missing_shared_po_fails_the_language_naming_it(project, tmp_path):
    make_polish(project)
    (project / "locale/pl/shared.po").unlink()
    result = build(project, tmp_path / "out", "--format", "a5", "--lang", "pl")
    assert result.exit_code == 1, result.output
    assert "locale/pl/shared.po is missing: run leaflets translate update pl milia" in result.output
