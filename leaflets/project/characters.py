"""The characters no printed or logged text may hold, defined once.

Control characters (C0 and C1, and the line and paragraph separators U+2028
and U+2029) cannot be printed and can forge a line; the invisible bidi
embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) make text
read differently on paper than it was written (a phone number shown reversed);
surrogates and noncharacters are not characters at all. The data model, the
"For you" note and the preview's log all use this one definition.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

Kind = Literal["control", "bidi", "noncharacter"]

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
SEPARATORS = frozenset("\u2028\u2029")


def unprintable(char: str) -> Kind | None:
    """What is wrong with ``char`` in printed text, or None."""
    if char in BIDI_CONTROLS:
        return "bidi"
    category = unicodedata.category(char)
    if category == "Cc" or char in SEPARATORS:
        return "control"
    code = ord(char)
    if category == "Cs" or (category == "Cn" and (code & 0xFFFE == 0xFFFE or 0xFDD0 <= code <= 0xFDEF)):
        return "noncharacter"
    return None


def first_unprintable(text: str, allowed: str = "") -> tuple[int, str, Kind] | None:
    """The first character of ``text`` (but those in ``allowed``) that may not be printed:
    (its position from 1, the character, what is wrong), or None."""
    for index, char in enumerate(text, 1):
        if char not in allowed:
            kind = unprintable(char)
            if kind is not None:
                return index, char, kind
    return None


def escaped(text: str) -> str:
    """``text`` with each unprintable character (and a backslash) written as a Python escape, so
    it can go to a log or a terminal as one line that shows what was there."""
    return "".join(char.encode("unicode_escape").decode("ascii") if char == "\\" or unprintable(char) else char
                   for char in text)
