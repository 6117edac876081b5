"""A personalised print's layout (runs where the job runs): the "For you" box must fit.

The box uses room the leaflet already has (a notes page, the end of the last
column or panel), so a personalised leaflet has the same pages as the one on
the rack. When it does not fit, the message says how many characters of the
note to cut: found by laying the leaflet out again with shorter notes (only
on that failure path), so the number is measured, not guessed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from markupsafe import escape

from leaflets.errors import BuildFailed
from leaflets.formats import Format
from leaflets.render.job import _FORMAT_GUESS, _PADDING_GUESS, Job, OverBudget, lay_out_padded

if TYPE_CHECKING:
    from leaflets.render.engine import LaidOut

NOTE_START, NOTE_END = "<!-- leaflets:note -->", "<!-- /leaflets:note -->"
NOTE_DOES_NOT_FIT = 'the "For you" box does not fit'  # how a pool's caller tells this failure (exit 2)
STEP = 10  # the answer "cut at least N characters" is rounded up to this
#: where the box goes in each format, for the message when it does not fit
ROOM = {
    "a4": "the back page of this A4 leaflet",
    "a5": "this A5 booklet's notes page",
    "dl": "the inside flap of this DL leaflet",
    "large-print": "this large-print leaflet",
}

#: formats whose box takes a page of its own (styles/for-you.css): when even a box without a
#: note does not fit, the leaflet has no such page free
OWN_PAGE = {"a5": "this A5 booklet has no notes page free for it (its content fills every page)"}


class NoteDoesNotFit(BuildFailed):
    """The box does not fit the room the format has: the person shortens the note (exit 2)."""

    exit_code = 2


def with_note(job: Job, text: str) -> str:
    """The job's HTML with the note's text replaced by ``text`` (escaped, as the template does)."""
    start = job.html.index(NOTE_START) + len(NOTE_START)
    end = job.html.index(NOTE_END, start)
    return job.html[:start] + str(escape(text)) + job.html[end:]


#: blank pages last added to a personalised print, per (format, leaflet title): the box takes a
#: notes page of an A5 booklet, so its guess differs from the leaflet's own by one
_PERSONAL_GUESS: dict[tuple[str, str], int] = {}


def lay_out_personal(job: Job, fmt: Format) -> LaidOut:
    """Lay out a personalised job; raise ``NoteDoesNotFit`` saying what to cut when the box
    would push the leaflet over its page budget or add a sheet to a booklet."""
    with _own_padding_guess(job):
        try:
            document = lay_out_padded(job, fmt)
            if not _added_sheet(job, fmt):
                return document
        except OverBudget:
            pass
        raise NoteDoesNotFit(_what_to_cut(job, fmt))


@contextmanager
def _own_padding_guess(job: Job) -> Iterator[None]:
    """Personalised prints keep their own padding guesses, so that a warm worker rendering the
    same leaflet for a preview and for a patient in turn lays each out once, not twice."""
    key = (job.format, job.title)
    saved = _PADDING_GUESS.get(key), _FORMAT_GUESS.get(job.format)
    if key in _PERSONAL_GUESS:
        _PADDING_GUESS[key] = _PERSONAL_GUESS[key]
    try:
        yield
    finally:
        if key in _PADDING_GUESS:
            _PERSONAL_GUESS[key] = _PADDING_GUESS[key]
        _restore(_PADDING_GUESS, key, saved[0])
        _restore(_FORMAT_GUESS, job.format, saved[1])


def _restore(table: dict, key: object, value: int | None) -> None:
    if value is None:
        table.pop(key, None)
    else:
        table[key] = value


def _added_sheet(job: Job, fmt: Format) -> bool:
    """Whether the box alone made a booklet grow by a sheet: it takes a notes page (A5), and
    the layout needed ``multiple - 1`` blank pages, so the leaflet had no notes page free."""
    return fmt.multiple > 1 and _PADDING_GUESS.get((job.format, job.title)) == fmt.multiple - 1


def _fits(job: Job, fmt: Format, text: str) -> bool:
    trial = replace(job, html=with_note(job, text), note=None)
    try:
        lay_out_padded(trial, fmt)
    except OverBudget:
        return False
    return not _added_sheet(trial, fmt)


def _what_to_cut(job: Job, fmt: Format) -> str:
    room = ROOM.get(job.format, f"this {job.format} leaflet")
    note = job.note or ""
    other = "choose another format (large print has room for any note)"
    if not note or NOTE_START not in job.html or not _fits(job, fmt, ""):
        if job.format in OWN_PAGE:  # the box has a page of its own: there is no such page free
            return f"{job.name}: {NOTE_DOES_NOT_FIT}: {OWN_PAGE[job.format]}; {other}"
        without = ", even without the note" if note else ""
        return (f"{job.name}: {NOTE_DOES_NOT_FIT}: {room} has no room for a box with these details{without}; "
                f"give fewer details or {other}")
    fits, fails = 0, len(note)  # a bisection on the note's length: fits(fits) and not fits(fails)
    while fails - fits > STEP:
        middle = (fits + fails) // 2
        if _fits(job, fmt, note[:middle]):
            fits = middle
        else:
            fails = middle
    if fits == 0:
        return (f"{job.name}: {NOTE_DOES_NOT_FIT} {room}: there is room for the other details but not for "
                f"a note; leave the note out or {other}")
    cut = min(-(-(len(note) - fits) // STEP) * STEP, len(note) - 1)
    return (f"{job.name}: {NOTE_DOES_NOT_FIT} {room}: the note has {len(note)} characters and about "
            f"{fits // STEP * STEP} fit; cut at least {cut} characters, or {other}")
