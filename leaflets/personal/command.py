"""``leaflets personalise``: read what was typed, render in memory, write one file (or stdout).

The only file written is the one named with ``-o``, through a temporary file
beside it that is renamed; it is readable by its owner only, as it holds a
patient's details. ``-o -`` writes the PDF to standard output and refuses a
terminal.
"""

from __future__ import annotations

import datetime as dt
import errno
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import UserError
from .note import MAX_NOTE, PersonalNote

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
    from ..build.outputs import replace_file
    from ..content.load import load_library
    from ..project import find_project
    from .render import personal_variant, render_personal

    if request.note is not None and request.note_file is not None:
        raise UserError("give the note with --note or with --note-file, not both")
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    target = _target(request.output, stdout)
    text = request.note if request.note_file is None else _read_note(request.note_file, stdin)
    note = PersonalNote.from_form(name=request.name, note=text, appointment=request.appointment,
                                  practitioner=request.practitioner)
    library = load_library(find_project(request.root))
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
