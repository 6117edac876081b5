"""What a project's translations are, once read: each PO file's entries and record, measured
against the strings the English has now (``Coverage``), and every translation of a project
(``Translations``, ``Library.translations``); the strings to translate (``Message``).

Nothing here reads a file or knows the data model's ``Library``: project/translations.py
reads and checks the PO files, project/messages.py finds the strings in the English. The
English library (project/english.py) holds a ``Translations``, so this module sits below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from leaflets.project.records import TranslationRecord

LABELS = "labels"  # the name of the labels' PO file, beside the leaflets' (locale/<lang>/labels.po)
SHARED = "shared"  # the PO file of the text several leaflets share (locale/<lang>/shared.po)
SHARED_KINDS = ("treatment", "advice")  # the messages that belong to the shared PO file

# UK services a reader from elsewhere may not know: the PO entry tells the translator to explain them.
UK_SERVICES = (
    (re.compile(r"\bNHS 111\b|\b111\.nhs\.uk\b|\bcall 111\b", re.IGNORECASE),
     "NHS 111 is the free NHS phone line (call 111) and website (111.nhs.uk) for urgent medical help "
     "that is not an emergency: keep the number and add a short explanation in the language."),
    (re.compile(r"\b999\b"),
     "999 is the UK emergency number (ambulance): keep the number; say it is for emergencies."),
    (re.compile(r"\bGPs?\b"),
     "GP: the family doctor at the patient's local surgery (general practice), whom patients register "
     "with; explain it the first time, e.g. 'GP (family doctor)'."),
    (re.compile(r"\bhealth visitor\b", re.IGNORECASE),
     "health visitor: an NHS nurse who visits families with babies and young children at home."),
)
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@dataclass(frozen=True)
class Message:
    """One string to translate: where it is printed, what it says, where it is written."""

    context: str
    text: str
    file: str
    line: int
    kind: str  # the model it belongs to: "leaflet", "treatment", "advice" or "labels"
    item: str  # that model's id (the language, for labels)
    path: tuple[Any, ...]  # where the string sits in that model's data
    optional: bool = False  # may be marked not applicable (a paragraph, a bullet, an FAQ entry)
    where: tuple[str, ...] = ()  # where it is printed, in words: one line per leaflet that prints it

    @property
    def shared(self) -> bool:
        """Whether the string is translated in the shared PO file (a treatment's or an advice snippet's)."""
        return self.kind in SHARED_KINDS

    @property
    def notes(self) -> list[str]:
        """What the translator must keep or explain: UK services, placeholders."""
        notes = [note for pattern, note in UK_SERVICES if pattern.search(self.text)]
        holders = PLACEHOLDER.findall(self.text)
        if holders:
            notes.append(f"Keep {', '.join(dict.fromkeys(holders))} as written: the tool fills them in.")
        return notes

    @property
    def comment(self) -> str:
        """Notes for the translator (PO ``#.`` lines): where the string is printed, then the notes."""
        return "\n".join([*self.where, *self.notes])

    @property
    def placeholders(self) -> list[str]:
        return sorted(set(PLACEHOLDER.findall(self.text)))


@dataclass(frozen=True)
class Entry:
    """One PO entry as the gate needs it."""

    context: str
    msgid: str
    msgstr: str
    fuzzy: bool
    line: int
    not_applicable: str | None  # the reason, from a translator comment "not-applicable: ..."
    notes: str = ""  # the notes for the translator (PO ``#.`` lines)
    msgstr_lines: tuple[tuple[int, str], ...] = ()  # (line, piece): where each part of msgstr stands

    def line_of(self, needle: str) -> int:
        """The line of the msgstr piece holding ``needle`` (else the msgstr's first line, else the entry's)."""
        for number, piece in self.msgstr_lines:
            if needle and needle in piece:
                return number
        return next((number for number, piece in self.msgstr_lines if piece), self.line)


@dataclass(frozen=True)
class Gap:
    """A string that stops a translation from being built, with where to fix it."""

    file: str
    line: int
    context: str
    english: str
    why: str  # "untranslated", "fuzzy", "the English changed", "not in the PO file", ...
    hint: str = ""  # what to do

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        english = self.english if len(self.english) <= 60 else self.english[:57] + "..."
        return f"{where}: {self.why}: {self.context}: \"{english}\"" + (f" ({self.hint})" if self.hint else "")


@dataclass
class Coverage:
    total: int = 0
    translated: int = 0
    fuzzy: list[Gap] = field(default_factory=list)
    untranslated: list[Gap] = field(default_factory=list)
    not_applicable: list[tuple[str, str]] = field(default_factory=list)  # (context, reason)
    unusable: list[Gap] = field(default_factory=list)  # fuzzy or stale entries with no usable translation

    @property
    def done(self) -> int:
        return self.translated + len(self.not_applicable)

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 100.0

    @property
    def complete(self) -> bool:
        return not self.fuzzy and not self.untranslated

    @property
    def usable(self) -> bool:
        """Every string has a translation, of this English or of an earlier one (fuzzy or made before the
        English changed, placeholders kept): it can be built, marked "Translation of an earlier version"."""
        return not self.untranslated and not self.unusable

    @property
    def stale(self) -> int:
        """How many strings are translated from an earlier English (fuzzy, or the English changed since)."""
        return len(self.fuzzy)

    @property
    def gaps(self) -> list[Gap]:
        return sorted(self.fuzzy + self.untranslated, key=lambda g: (g.file, g.line, g.context))


@dataclass
class Translation:
    """One PO file (a leaflet's, the shared text's or the labels') in one language, with its record."""

    lang: str
    name: str  # the leaflet id, "shared" or "labels"
    file: str  # the PO file, relative to the project
    record_file: str
    entries: dict[str, Entry]
    record: TranslationRecord | None
    messages: list[Message] = field(default_factory=list)  # what the English has now

    @cached_property
    def coverage(self) -> Coverage:
        return coverage(self, self.messages)

    @property
    def files(self) -> tuple[str, str]:
        return self.file, self.record_file


@dataclass
class Translations:
    """Every translation of a project, by (language, leaflet id, "shared" or "labels")."""

    items: dict[tuple[str, str], Translation] = field(default_factory=dict)
    views: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # translated models
    # (language, leaflet) -> the shared PO file measured against the shared strings that leaflet prints
    shared: dict[tuple[str, str], Translation] = field(default_factory=dict)
    # (language, leaflet) -> the PO files its variants need: the leaflet's, "shared" (if it prints any), "labels"
    parts: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def languages(self, leaflet: str | None = None) -> list[str]:
        """The languages a leaflet is translated into (any leaflet: None), sorted."""
        return sorted({lang for lang, name in self.items
                       if name not in (LABELS, SHARED) and leaflet in (None, name)})

    def get(self, lang: str, name: str) -> Translation | None:
        return self.items.get((lang, name))

    def is_out_of_date(self, lang: str, leaflet: str) -> bool:
        """Whether the leaflet in ``lang`` holds strings translated from an earlier English (still built)."""
        return any(not t.coverage.complete for t in self.for_variant(lang, leaflet))

    def is_draft(self, lang: str, leaflet: str) -> bool:
        """Whether the leaflet in ``lang`` is a draft translation (any of its records not approved)."""
        present = self.for_variant(lang, leaflet)
        return len(present) < len(self.needed(lang, leaflet)) or \
            any(t.record is None or t.record.status != "approved" for t in present)

    def needed(self, lang: str, leaflet: str) -> tuple[str, ...]:
        """The PO files (by name) a variant in ``lang`` prints."""
        return self.parts.get((lang, leaflet), (leaflet, LABELS))

    def formats(self, lang: str, leaflet: str) -> list[str] | None:
        """The formats the leaflet's record in ``lang`` limits it to (None: every format)."""
        translation = self.get(lang, leaflet)
        return translation.record.formats if translation and translation.record else None

    def for_variant(self, lang: str, leaflet: str) -> list[Translation]:
        """The translations a variant in ``lang`` prints (present ones): the leaflet's, the shared
        text's (measured against what this leaflet prints) and the labels'."""
        found = (self.get(lang, leaflet), self.shared.get((lang, leaflet)), self.get(lang, LABELS))
        return [t for t in found if t is not None]


def coverage(translation: Translation, messages: list[Message]) -> Coverage:
    """How much of the current English the PO file translates (see the module docstring)."""
    result = Coverage(total=len(messages))
    for message in messages:
        entry = translation.entries.get(message.context)

        def gap(why: str, line: int = 0, hint: str = "", message: Message = message) -> Gap:
            return Gap(translation.file, line, message.context, message.text, why, hint)

        update = f"run leaflets translate update {translation.lang}"
        if entry is None:
            result.untranslated.append(gap("not in the PO file", hint=update))
        elif entry.msgid != message.text:
            result.fuzzy.append(gap("the English changed", entry.line, f"{update}, then review the fuzzy entry"))
            if not earlier_usable(entry, message):
                result.unusable.append(result.fuzzy[-1])
        elif entry.not_applicable is not None:
            if message.optional:
                result.not_applicable.append((message.context, entry.not_applicable))
            else:
                result.untranslated.append(gap("marked not applicable", entry.line,
                                               "only paragraphs, bullets, callout texts and FAQ entries may be left "
                                               "out; translate it"))
        elif entry.fuzzy:
            result.fuzzy.append(gap("fuzzy", entry.line, "check the translation against the new English, then "
                                    "remove the fuzzy mark"))
            if not earlier_usable(entry, message):
                result.unusable.append(result.fuzzy[-1])
        elif not entry.msgstr.strip():
            result.untranslated.append(gap("untranslated", entry.line))
        elif sorted(set(PLACEHOLDER.findall(entry.msgstr))) != message.placeholders:
            result.untranslated.append(gap("placeholders differ", entry.line,
                                           f"keep {', '.join(message.placeholders) or 'no placeholder'} exactly as "
                                           "in the English"))
        else:
            result.translated += 1
    return result


def earlier_usable(entry: Entry, message: Message) -> bool:
    """Whether a fuzzy or stale entry still gives a printable translation (of an earlier English)."""
    if entry.not_applicable is not None:
        return message.optional
    return bool(entry.msgstr.strip()) and sorted(set(PLACEHOLDER.findall(entry.msgstr))) == message.placeholders
