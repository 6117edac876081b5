"""What a practitioner writes for one patient: checked, normalised, never stored.

The text comes from a form or a command line and is printed on a leaflet, so
it is untrusted: control characters (other than line breaks in the note) and
the invisible characters that reorder printed text (bidi embeddings,
overrides and isolates) are refused with a message saying where they are;
everything else is printed literally (the templates escape it, nothing in it
is read as markup, a template or a link). Every problem of one submission is
reported together. Messages never repeat what was typed (a server may log them): they
name the field, the character's code and where it is.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from babel.dates import format_date, format_time

from leaflets.errors import UserError
from leaflets.project.characters import unprintable

MAX_NAME = 80
MAX_NOTE = 600
MAX_NOTE_LINES = 15  # the box must fit one A5 notes page, whatever the note holds
MIN_YEAR, MAX_YEAR = 2000, 2199  # outside these, a date was mistyped whatever today is
MAX_AHEAD_DAYS = 2 * 366  # an appointment is booked at most two years ahead
APPOINTMENT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class PersonalNote:
    """The "For you" box of one personalised leaflet: at least one of name, note, appointment."""

    name: str = ""
    note: str = ""
    appointment: dt.datetime | None = None
    practitioner: str = ""

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise UserError("\n".join(problems))

    @classmethod
    def from_form(cls, name: str | None = None, note: str | None = None, appointment: str | None = None,
                  practitioner: str | None = None, today: dt.date | None = None) -> PersonalNote:
        """Build the note from what a person typed (a form or the command line): line breaks
        made ``\\n``, tabs made spaces, surrounding spaces removed, text in NFC; the appointment
        parsed from ``2026-12-03 14:30`` or ``2026-12-03T14:30`` (what a browser's date and time
        field sends). Raises ``UserError`` (exit 2) listing every problem. With ``today``, an
        appointment before it, or more than two years after it, is refused (a typing slip: year
        1, 9999, last year)."""
        problems = []
        when = None
        text = (appointment or "").strip()
        if text:
            when = parse_appointment(text)
            if when is None:
                problems.append("appointment: not a date and time; write it as "
                                "YYYY-MM-DD HH:MM (24-hour clock), e.g. 2026-12-03 14:30")
            elif not MIN_YEAR <= when.year <= MAX_YEAR:
                problems.append(f"appointment: the year {when.year} cannot be right; check the date")
            elif today is not None and when.date() < today:
                problems.append(f"appointment: {when.date().isoformat()} is in the past (today is "
                                f"{today.isoformat()}); give the date of the next appointment")
            elif today is not None and (when.date() - today).days > MAX_AHEAD_DAYS:
                problems.append(f"appointment: {when.date().isoformat()} is more than two years ahead; "
                                "check the year")
        fields = {"name": _clean(name), "note": _clean(note, multiline=True), "practitioner": _clean(practitioner)}
        try:
            made = cls(appointment=when, **fields)
        except UserError as error:
            problems += str(error).splitlines()
            made = None
        if when is None and text:  # an appointment was given, just not a readable one
            problems = [p for p in problems if not p.startswith("nothing to print")]
        if problems:
            raise UserError("\n".join(dict.fromkeys(problems)))
        assert made is not None
        return made


def parse_appointment(text: str) -> dt.datetime | None:
    """The date and time in ``text``, or None if it is not one of the accepted forms."""
    for pattern in APPOINTMENT_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _clean(value: str | None, multiline: bool = False) -> str:
    """Line breaks as ``\\n``, tabs as spaces, NFC, no surrounding spaces (or trailing ones on
    each line of a note). Other characters are kept for ``_problems`` to judge."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = unicodedata.normalize("NFC", text.replace("\t", " "))
    if multiline:
        return "\n".join(line.rstrip() for line in text.strip().split("\n"))
    return text.strip()


def _problems(note: PersonalNote) -> list[str]:
    problems = []
    if not (note.name or note.note or note.appointment):
        problems.append("nothing to print: give a name, a note or an appointment (or more than one)")
    # The types are checked at run time too: a caller (a web form) may hand over anything.
    fields: tuple[tuple[str, object, int], ...] = (
        ("name", note.name, MAX_NAME), ("note", note.note, MAX_NOTE), ("practitioner", note.practitioner, MAX_NAME))
    for field, value, limit in fields:
        if not isinstance(value, str):
            problems.append(f"{field}: must be text")
            continue
        if len(value) > limit:
            problems.append(f"{field}: {len(value)} characters; at most {limit} are allowed, "
                            f"cut {len(value) - limit}")
        if field != "note" and "\n" in value:
            problems.append(f"{field}: must be one line")
        problems += [f"{field}: {odd}" for odd in _odd_characters(value, newline_ok=field == "note")]
    lines = note.note.count("\n") + 1 if isinstance(note.note, str) and note.note else 0
    if lines > MAX_NOTE_LINES:
        problems.append(f"note: {lines} lines; at most {MAX_NOTE_LINES} are allowed, join some lines")
    appointment: object = note.appointment
    if appointment is not None and not isinstance(appointment, dt.datetime):
        problems.append("appointment: must be a date and time")
    return problems


def _odd_characters(text: str, newline_ok: bool) -> list[str]:
    """A message for each kind of character that may not be printed, with where it first is."""
    found: dict[str, str] = {}
    for index, char in enumerate(text, 1):
        if char == "\n" and newline_ok:
            continue
        what = unprintable(char)  # leaflets/project/characters.py: one definition for every text
        if what == "bidi":  # a note could read differently on paper than on the screen it was typed on
            kind = ("an invisible character that changes the order text is printed in "
                    f"(U+{ord(char):04X} {unicodedata.name(char, '')})")
            hint = "delete it (retype the text around it)"
        elif what == "control":
            kind = f"a control character (U+{ord(char):04X})"
            hint = "delete it" if char != "\n" else "write it on one line"
        elif what == "noncharacter":
            kind = f"a code point that is not a character (U+{ord(char):04X})"
            hint = "delete it"
        else:
            continue
        found.setdefault(kind, f"{kind} at character {index}; {hint}")
    return list(found.values())


def appointment_text(when: dt.datetime, at_label: str, lang: str = "en-GB") -> str:
    """"Thursday 3 December 2026 at 2:30pm": the clinic's style (NHS style guide: 2pm, 2:30pm,
    midday, midnight). ``at_label`` holds {date} and {time}. In another language, the date and
    time as that language writes them (Babel, CLDR): "czwartek, 3 grudnia 2026", "14:30"."""
    if not lang.startswith("en"):
        locale = lang.replace("-", "_")
        date, time = format_date(when, format="full", locale=locale), format_time(when, format="short", locale=locale)
        return at_label.replace("{date}", date).replace("{time}", time)
    if when.hour == 12 and when.minute == 0:
        time = "midday"
    elif when.hour == 0 and when.minute == 0:
        time = "midnight"
    else:
        hour = when.hour % 12 or 12
        suffix = "am" if when.hour < 12 else "pm"
        time = f"{hour}{suffix}" if when.minute == 0 else f"{hour}:{when.minute:02d}{suffix}"
    date = f"{when:%A} {when.day} {when:%B %Y}"
    return at_label.replace("{date}", date).replace("{time}", time)
