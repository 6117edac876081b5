"""A strict reading of PO syntax, before polib reads the file leniently.

polib accepts what msgfmt refuses: a string with no closing quote (read as if it
had one), text that is not PO at all, and a second entry with the same msgctxt
and msgid (which silently replaces the first). A translator's slip must not be
printed, so every such problem is reported with its file and line, together.

Checked (GNU gettext's PO grammar, as msgfmt reads it): every line is blank, a
comment, a keyword (msgctxt, msgid, msgid_plural, msgstr, msgstr[N]) with a
string, or a string continuing the keyword above; every string is closed and
uses only C escapes; an entry has its msgid before its msgstr; no two entries
share msgctxt and msgid. Obsolete entries (``#~``) are not entries here, as msgfmt
ignores them, but their strings must be closed too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[[0-9]+\])?)[ \t]+(.*)")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t]*')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
            "?": "?", "'": "'"}
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]+|[0-7]{1,3}|.)")


@dataclass
class _Entry:
    line: int  # where the entry starts (its msgctxt or msgid)
    parts: dict[str, list[str]] = field(default_factory=dict)  # keyword -> decoded strings
    lines: dict[str, list[int]] = field(default_factory=dict)  # keyword -> the line of each string

    def text(self, keyword: str) -> str | None:
        return "".join(self.parts[keyword]) if keyword in self.parts else None

    @property
    def has_msgstr(self) -> bool:
        return any(k.startswith("msgstr") for k in self.parts)


def _short(text: str) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= 40 else text[:37] + "..."


def _decode(body: str, line: int, problems: list[tuple[int, str]]) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code in _ESCAPES:
            return _ESCAPES[code]
        if code[0] == "x":
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        problems.append((line, f"\\{code} is not an escape PO allows (use \\n, \\t, \\\" or \\\\)"))
        return code

    return _ESCAPE.sub(one, body)


def _string(rest: str, line: int, problems: list[tuple[int, str]]) -> str | None:
    """The decoded string that is all of ``rest``, or None (with the problem noted)."""
    match = _STRING.fullmatch(rest)
    if match:
        return _decode(match.group(1), line, problems)
    if not rest.startswith('"'):
        problems.append((line, "a string in double quotes must follow here"))
    elif _STRING.match(rest):
        problems.append((line, "text stands after the closing quote: write a quote inside the text as \\\""))
    else:
        problems.append((line, "the string has no closing quote (\"): end it on this line, and write a quote "
                         "inside the text as \\\""))
    return None


def po_syntax_problems(text: str, name: str = "") -> list[tuple[int, str]]:
    """Every problem in ``text`` (the PO file ``name``) as (line, message), in line order."""
    return _parse(text, name)[0]


def msgstr_lines(text: str, name: str = "") -> tuple[list[tuple[int, str]], dict[str, tuple[tuple[int, str], ...]]]:
    """``po_syntax_problems``, and for each entry with a msgctxt (a PO file of this project) its
    msgstr as (line, piece) pairs: where each part of the translation stands in the file, so a
    check can point at the very line."""
    problems, entries = _parse(text, name)
    return problems, {
        entry.text("msgctxt") or "": tuple(zip(entry.lines.get("msgstr", []), entry.parts.get("msgstr", []),
                                               strict=True))
        for entry in entries if entry.text("msgctxt") is not None}


def _parse(text: str, name: str) -> tuple[list[tuple[int, str]], list[_Entry]]:
    problems: list[tuple[int, str]] = []
    entries: list[_Entry] = []
    entry: _Entry | None = None
    keyword: str | None = None  # the keyword a continuation string belongs to

    def finish() -> None:
        nonlocal entry, keyword
        if entry is not None:
            if "msgid" not in entry.parts:
                problems.append((entry.line, "an entry without msgid: each entry needs msgid, then msgstr"))
            elif not entry.has_msgstr:
                problems.append((entry.line, f"the entry for msgid \"{_short(entry.text('msgid') or '')}\" has no "
                                 "msgstr: add msgstr \"\" (empty while untranslated)"))
            else:
                entries.append(entry)
        entry, keyword = None, None

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("#~"):  # an obsolete entry: not printed, but its strings must still be closed
            old = line[2:].strip()
            match = _KEYWORD.fullmatch(old)
            if match or old.startswith('"'):
                _string(match.group(2) if match else old, number, problems)
        if not line or line.startswith("#"):
            if entry is not None and entry.has_msgstr:
                finish()
            elif entry is not None and line.startswith("#"):
                problems.append((number, "a comment inside an entry: put comments before msgctxt or msgid"))
            keyword = None if entry is None or entry.has_msgstr else keyword
            continue
        if line.startswith('"'):
            if entry is None or keyword is None:
                problems.append((number, "a string on its own: it must continue a msgid or msgstr line above it"))
                continue
            value = _string(line, number, problems)
            if value is not None:
                entry.parts[keyword].append(value)
                entry.lines[keyword].append(number)
            continue
        match = _KEYWORD.fullmatch(line)
        if not match:
            problems.append((number, "not PO syntax: a line is a comment (#), a keyword (msgctxt, msgid, msgstr) "
                             "with a string, or a string in double quotes"))
            keyword = None
            continue
        word, rest = match.groups()
        if word in ("msgctxt", "msgid") and entry is not None and entry.has_msgstr:
            finish()
        if word == "msgctxt":
            if entry is not None:
                problems.append((number, "msgctxt inside an entry: it comes first, before msgid"))
            finish()
            entry = _Entry(number)
        elif word == "msgid":
            if entry is None:
                entry = _Entry(number)
            elif "msgid" in entry.parts:
                problems.append((number, f"a second msgid before the msgstr of the entry at line {entry.line}"))
                finish()
                entry = _Entry(number)
        elif entry is None or "msgid" not in entry.parts:
            problems.append((number, f"{word} without a msgid before it"))
            keyword = None
            continue
        elif word in entry.parts:
            problems.append((number, f"a second {word} in the entry at line {entry.line}"))
            keyword = None
            continue
        value = _string(rest, number, problems)
        entry.parts[word] = [value] if value is not None else []
        entry.lines[word] = [number] if value is not None else []
        keyword = word
    finish()

    first: dict[tuple[str | None, str], int] = {}
    for item in entries:
        key = (item.text("msgctxt"), item.text("msgid") or "")
        if key in first:
            context = f"msgctxt \"{_short(key[0])}\" / " if key[0] is not None else ""
            where = f"{name}:{first[key]}" if name else f"line {first[key]}"
            problems.append((item.line, f"a second entry for {context}msgid \"{_short(key[1])}\" (the first is at "
                             f"{where}): msgfmt refuses duplicates and only one can be printed; delete one of them"))
        else:
            first[key] = item.line
    return sorted(problems), entries
