"""A personalised print's layout (runs where the job runs): the "For you" box must fit its room.

Every print format keeps room for the box (templates/partials/room.html): on
the rack copy a notes area, on a personalised print the box, in a room of the
same size. So the personalised leaflet lays out exactly as the rack copy does
and has its pages, as long as the box stays inside its room (large print's room
may grow, and with it the leaflet). When the box runs past its room, the
message says how many characters of the note to cut: found by laying the
leaflet out again with shorter notes (only on that failure path), so the number
is measured, not guessed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from markupsafe import escape

from leaflets.errors import BuildFailed
from leaflets.formats import Format
from leaflets.render.job import Job, OverBudget
from leaflets.render.layout import lay_out_padded

if TYPE_CHECKING:
    from leaflets.render.engine import LaidOut

NOTE_START, NOTE_END = "<!-- leaflets:note -->", "<!-- /leaflets:note -->"
NOTE_DOES_NOT_FIT = 'the "For you" box does not fit'  # how a pool's caller tells this failure (exit 2)
STEP = 10  # the answer "cut at least N characters" is rounded up to this
TOLERANCE_MM = 0.3  # rounding in the layout engine
#: where the box goes in each format, for the message when it does not fit
ROOM = {
    "a4": "the room this A4 leaflet keeps for it",
    "a5": "this A5 booklet's notes page",
    "dl": "the room on the fold-in flap of this DL leaflet",
    "large-print": "this large-print leaflet",
}


class NoteDoesNotFit(BuildFailed):
    """The box does not fit the room the format has: the person shortens the note (exit 2)."""

    exit_code = 2


def with_note(job: Job, text: str) -> str:
    """The job's HTML with the note's text replaced by ``text`` (escaped, as the template does)."""
    start = job.html.index(NOTE_START) + len(NOTE_START)
    end = job.html.index(NOTE_END, start)
    return job.html[:start] + str(escape(text)) + job.html[end:]


def lay_out_personal(job: Job, fmt: Format) -> LaidOut:
    """Lay out a personalised job; raise ``NoteDoesNotFit`` saying what to cut when the box runs
    past its room (which would cover what follows it) or the leaflet past its page budget."""
    try:
        document = lay_out_padded(job, fmt)
        if document.room_overflow_mm() <= TOLERANCE_MM:
            return document
    except OverBudget:
        pass
    raise NoteDoesNotFit(_what_to_cut(job, fmt))


def _fits(job: Job, fmt: Format, text: str) -> bool:
    trial = replace(job, html=with_note(job, text), note=None)
    try:
        return lay_out_padded(trial, fmt).room_overflow_mm() <= TOLERANCE_MM
    except OverBudget:
        return False


def _what_to_cut(job: Job, fmt: Format) -> str:
    room = ROOM.get(job.format, f"the room this {job.format} leaflet keeps for it")
    note = job.note or ""
    other = "choose another format (large print has room for any note)"
    if not note or NOTE_START not in job.html or not _fits(job, fmt, ""):
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
