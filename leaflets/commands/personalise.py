"""A leaflet personalised for one patient, made in memory and handed back as bytes.

``personal_job`` makes the job (the leaflet's own HTML from ``render.prepare``
with the "For you" box where the format's template marks its place); a
worker pool renders it like any job (``render.pdfs.make_pdfs``), or
``render_personal`` renders it in this process. Nothing is written: no
``out/``, no manifest, no thumbnail; WeasyPrint's temporary font folder is
kept in a private folder removed afterwards. The gate is the build's: a
leaflet with a gate error cannot be personalised; a draft or overdue one
can, and keeps its mark on every page.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from leaflets.errors import UserError
from leaflets.formats import FORMATS
from leaflets.gate.gate import judge, judge_markup
from leaflets.gate.rules.coverage import describe, missing_characters
from leaflets.project.folder import find_project
from leaflets.project.load import Library, load_library
from leaflets.project.note import MAX_NOTE, PersonalNote, appointment_text
from leaflets.project.plan import Variant, left_out_formats, plan_variants
from leaflets.project.translations import translated_library
from leaflets.publish.files import replace_file
from leaflets.render.foryou import NOTE_DOES_NOT_FIT
from leaflets.render.html import render_template
from leaflets.render.job import Job, RenderedFile
from leaflets.render.prepare import prepare
from leaflets.render.workers import WorkerPool

FOR_YOU_MARKER = "<!-- leaflets:for-you -->"  # in each format's template (partials/room.html): the room
FOR_YOU_END = "<!-- /leaflets:for-you -->"  # kept for the box, which replaces what lies between the two
PERSONAL_FORMATS = tuple(f.id for f in FORMATS.values() if f.printed)


class PersonaliseRefused(UserError):
    """The leaflet cannot be personalised as asked (exit 2)."""


def personal_variant(library: Library, leaflet: str, branch: str, format: str, lang: str | None = None) -> Variant:
    """The one office variant of ``leaflet`` for ``branch`` in ``format``, in ``lang`` (default:
    the leaflet's own language; unknown ids: a message with the closest match; the web page, a
    treatment the branch does not offer and a format the translation is not built in are
    refused)."""
    if format == "web" or (format in FORMATS and not FORMATS[format].printed):
        raise PersonaliseRefused(f"--format {format}: a personalised leaflet is printed; choose one of: "
                                 + ", ".join(PERSONAL_FORMATS))
    langs = [lang or library.leaflets[leaflet].lang] if leaflet in library.leaflets else []
    variants = plan_variants(library, [leaflet], [branch], [format], langs=langs)
    if not variants and lang and lang != library.leaflets[leaflet].lang:
        why = left_out_formats(library, [leaflet], [format], [lang])
        raise PersonaliseRefused(f"not built: {why[0]}; choose one of its formats" if why
                                 else f"{leaflet} in {lang} is not built as {format}")
    if not variants:
        treatment = library.leaflets[leaflet].treatment
        raise PersonaliseRefused(f"branch {branch!r} does not offer {treatment!r}, so it has no {leaflet!r} "
                                 "leaflet; choose a branch that offers it")
    return variants[0]


def personal_html(library: Library, variant: Variant, html: str, note: PersonalNote) -> str:
    """The leaflet's HTML with the box rendered into its place (every value escaped)."""
    if FOR_YOU_MARKER not in html:
        raise PersonaliseRefused(f"templates/{FORMATS[variant.format].template} has no place for the \"For you\" "
                                 f"box: include partials/room.html where it should go (see the A4 template)")
    if variant.lang != library.leaflets[variant.leaflet].lang:  # the box's words from the labels' PO file
        library = translated_library(library, variant.lang, variant.leaflet)
    labels = library.labels[library.leaflets[variant.leaflet].lang]
    when = appointment_text(note.appointment, labels.appointment_at, variant.lang) if note.appointment else ""
    box = render_template(
        library, "partials/for-you.html", labels=labels, patient=note.name, note=note.note,
        practitioner=note.practitioner, appointment=when,
    )
    start = html.index(FOR_YOU_MARKER)
    end = html.find(FOR_YOU_END, start)
    end = start + len(FOR_YOU_MARKER) if end < 0 else end + len(FOR_YOU_END)  # a template with the marker alone
    return html[:start] + box + html[end:]


def personal_filename(variant: Variant, imposed: bool = False) -> str:
    """A name to offer for the download: no patient detail in it."""
    return f"{variant.leaflet}-{variant.format}{'-print' if imposed else ''}-for-you.pdf"


def personal_job(library: Library, variant: Variant, today: dt.date, note: PersonalNote,
                 released: bool = False) -> Job:
    """The render job of ``variant`` with ``note`` in its "For you" box, for any worker pool.

    Refuses (``UserError``, exit 2) the web format, a print-shop or proof variant, and a
    leaflet the gate has errors for. ``released``: asked for from a released copy (the front
    desk's release shelf), which a patient is handed as approved: refused too when the text is
    not approved now (a draft, changed since approval, a translation of older English), for the
    copy is made from the current text and would be marked not for patient use. Its files, when
    rendered: the PDF, then for A5 the booklet imposed on A4 sheets; never a thumbnail.
    """
    fmt = FORMATS[variant.format]
    if not fmt.printed:
        raise PersonaliseRefused(f"--format {variant.format}: a personalised leaflet is printed; choose one of: "
                                 + ", ".join(PERSONAL_FORMATS))
    if variant.profile != "office" or variant.marks:
        raise PersonaliseRefused("a personalised leaflet is printed at the desk: use the office profile, "
                                 "without crop marks")
    if not isinstance(note, PersonalNote):
        raise TypeError("note must be a PersonalNote (PersonalNote.from_form checks what a person typed)")
    verdict = judge(library, [variant], today)
    if verdict.errors:
        lines = "\n".join(str(finding) for finding in verdict.errors)
        raise PersonaliseRefused(f"{variant.name} cannot be personalised: the gate refuses it\n{lines}\n"
                                 "fix these and try again")
    status = verdict.status(variant)
    if released and not status.for_patients:
        raise PersonaliseRefused(
            f"This leaflet's text as it is now is not approved ({status.label}): a personalised copy is made "
            "from that text, so it would be marked as not for patient use.\nPrint the released copy and write "
            "the note on it, or ask a clinician to review and approve the change.")
    undrawable = _undrawable(note, variant.lang)
    if undrawable:
        raise PersonaliseRefused("\n".join(undrawable))
    job = prepare(library, variant, today)
    html = personal_html(library, variant, job.html, note)
    problems = judge_markup(variant, html, library)
    if problems:
        raise PersonaliseRefused(f"{variant.name} cannot be personalised: its pages have problems\n"
                                 + "\n".join(str(p) for p in problems))
    paths = (personal_filename(variant),) + ((personal_filename(variant, imposed=True),)
                                            if fmt.booklet_companion else ())
    return replace(job, html=html, note=note.note, thumbnail=None, paths=paths)


def _undrawable(note: PersonalNote, lang: str) -> list[str]:
    """A message for each character of the note that the leaflet's fonts cannot draw (the
    build never lets WeasyPrint fall back to a font of the machine). It names the character and
    where it stands, never the text around it: that is the patient's."""
    problems = []
    for field in ("name", "note", "practitioner"):
        value = getattr(note, field)
        missing = missing_characters(value, lang)
        if missing:
            first = missing[0]
            count = "a character" if len(missing) == 1 else f"{len(missing)} characters"
            problems.append(f"{field}: {count} the leaflet's fonts cannot draw, the first {describe(first)} at "
                            f"character {value.index(first) + 1}; write it another way or leave it out")
    return problems


def pdf_of(files: list[RenderedFile], imposed: bool = False) -> bytes:
    """The bytes a person asked for from a personalised job's files: the PDF, or with
    ``imposed`` an A5 booklet imposed on A4 sheets for an office printer."""
    kind = "imposed" if imposed else "pdf"
    for file in files:
        if file.kind == kind:
            return file.data
    raise PersonaliseRefused("only the A5 booklet has an imposed print file; leave out --imposed")


def render_personal(library: Library, variant: Variant, today: dt.date, note: PersonalNote,
                    *, imposed: bool = False) -> bytes:
    """The personalised PDF's bytes, rendered in this process, in memory: nothing is written
    (WeasyPrint's font folder goes into a private temporary folder, removed afterwards).

    Raises ``UserError``: exit 2 for a refusal or a note that does not fit (the message says
    how many characters to cut), exit 1 for a failed render. It points this process's
    temporary folder elsewhere while it runs: for one render at a time (the command line); a
    server renders in its worker pool (``personal_job`` and ``render_in_pool``).
    """
    if imposed and not FORMATS[variant.format].booklet_companion:
        raise PersonaliseRefused("only the A5 booklet has an imposed print file; leave out --imposed")
    job = personal_job(library, variant, today, note)
    with _private_temp():
        # pypdf, pypdfium2, fontTools and PIL: only when this process renders (the command line), never
        # at a server's start (leaflets serve and desk render in their worker pools).
        from leaflets.render.pdfs import make_pdfs  # noqa: PLC0415 -- 0.2 s, not at a server's start

        return pdf_of(make_pdfs(job), imposed)


def render_in_pool(pool: WorkerPool, job: Job, imposed: bool = False) -> bytes:
    """Render a personalised job in a warm worker pool (the pool's workers keep their temporary
    files in the pool's own scratch folder). Raises ``UserError`` as ``render_personal`` does."""
    for _, files, error in pool.run([job]):
        if files is None:
            message = error or "failed"
            raise UserError(message, exit_code=2 if NOTE_DOES_NOT_FIT in message else 1)
        return pdf_of(files, imposed)
    raise AssertionError("the pool returned no outcome")  # pragma: no cover


@contextmanager
def _private_temp() -> Iterator[None]:
    """Send this process's temporary files (WeasyPrint's font folder) to a private folder and
    remove it, and what is in it, afterwards."""
    from leaflets.render import engine  # noqa: PLC0415  WeasyPrint: +0.5 s CPU a server would pay at start

    previous = tempfile.tempdir
    with tempfile.TemporaryDirectory(prefix="leaflets-personal-") as scratch:
        engine.release_resources()  # a font folder made before lives elsewhere: start a new one here
        tempfile.tempdir = scratch
        try:
            yield
        finally:
            engine.release_resources()
            tempfile.tempdir = previous
    assert not os.path.exists(scratch)


# ``leaflets personalise``: read what was typed, render in memory, write one file (or stdout).
# The only file written is the one named with ``-o``, through a temporary file beside it that is
# renamed; it is readable by its owner only, as it holds a patient's details. ``-o -`` writes the
# PDF to standard output and refuses a terminal.

MAX_NOTE_FILE_BYTES = 64 * 1024  # far more than a note may hold: the note's own limit gives the message


@dataclass(frozen=True)
class PersonaliseRequest:
    root: Path | None
    leaflet: str
    branch: str
    format: str
    output: str  # a path, or "-" for standard output
    name: str | None = None
    note: str | None = None
    note_file: str | None = None  # a path, or "-" for standard input
    appointment: str | None = None
    practitioner: str | None = None
    imposed: bool = False
    today: dt.date | None = None
    lang: str | None = None  # default: the leaflet's own language


def personalise(request: PersonaliseRequest, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> str:
    """Do what ``leaflets personalise`` asks; returns where the PDF went, for the message."""
    if request.note is not None and request.note_file is not None:
        raise UserError("give the note with --note or with --note-file, not both")
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    target = _target(request.output, stdout)
    text = request.note if request.note_file is None else _read_note(request.note_file, stdin)
    note = PersonalNote.from_form(name=request.name, note=text, appointment=request.appointment,
                                  practitioner=request.practitioner, today=request.today or dt.date.today())
    project = find_project(request.root)
    if target is not None:
        _refuse_project_file(target, request.output, project.root)
    library = load_library(project)
    variant = personal_variant(library, request.leaflet, request.branch, request.format, request.lang)
    pdf = render_personal(library, variant, request.today or dt.date.today(), note, imposed=request.imposed)
    if target is None:
        stdout.write(pdf)
        stdout.flush()
        return "standard output"
    try:
        replace_file(target, pdf, mode=0o600)  # it holds a patient's details: its owner's only
    except OSError as error:
        full = " (no space left)" if error.errno in (errno.ENOSPC, errno.EDQUOT) else ""
        raise UserError(f"cannot write {target}: {error.strerror}{full}", exit_code=1) from None
    return str(target)


def _target(output: str, stdout: BinaryIO) -> Path | None:
    """The file to write, or None for standard output (refused when it is a terminal)."""
    if output == "-":
        if stdout.isatty():
            raise UserError("refusing to write a PDF to the terminal: redirect it (-o - > file.pdf, or a pipe) "
                            "or give a file with -o FILE")
        return None
    target = Path(output)
    if target.is_dir():
        raise UserError(f"-o {output}: is a folder; give a file name, e.g. {target / 'leaflet.pdf'}")
    if not target.parent.is_dir():
        raise UserError(f"-o {output}: there is no folder {target.parent}; create it first")
    return target


# What a project reads (or builds into): a patient's PDF may never be written over any of it.
PROJECT_INPUTS = ("data", "templates", "styles", "assets", "locale", "schema", "out")


def _refuse_project_file(target: Path, output: str, root: Path) -> None:
    """Refuse ``-o`` naming a file the project reads (its data, templates, styles, assets,
    translations, schemas or build folder), however it is reached (symlinks resolved)."""
    resolved = target.resolve()
    for name in PROJECT_INPUTS:
        folder = (root / name).resolve()
        if resolved == folder or resolved.is_relative_to(folder):
            shown = resolved.relative_to(root.resolve()) if resolved.is_relative_to(root.resolve()) else resolved
            raise UserError(f"-o {output}: refusing to write over {shown}, a file of the project's {name}/ folder "
                            "(leaflets reads it); write the patient's PDF outside the project, e.g. -o ~/sam.pdf")


def _read_note(source: str, stdin: BinaryIO) -> str:
    """The note from a file or standard input, as UTF-8 text."""
    try:
        if source == "-":
            data = stdin.read(MAX_NOTE_FILE_BYTES + 1)
        else:
            with open(source, "rb") as stream:
                data = stream.read(MAX_NOTE_FILE_BYTES + 1)
    except OSError as error:
        raise UserError(f"--note-file {source}: {error.strerror}") from None
    if len(data) > MAX_NOTE_FILE_BYTES:
        raise UserError(f"--note-file {source}: more than {MAX_NOTE_FILE_BYTES // 1024} KB; a note holds at most "
                        f"{MAX_NOTE} characters")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"--note-file {source}: not UTF-8 text; save it with UTF-8 encoding") from None
