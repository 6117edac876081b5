"""Every translatable string of a leaflet, and of the labels, with its place and source line.

A message's context is its place in the data, written like a YAML path:
``title``, ``sections[2].body[1].bullets[0]``, ``faq[3].answer``,
``treatments[chemical-peel].summary``, ``advice[sunscreen].body[0].callout.title``,
or a label's name (``page_of``, ``format_names.a4``). Identical English
strings in different places stay separate entries, so each can be translated
to fit its place, and a changed string is found again by its place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from leaflets.project.load import Library
from leaflets.project.model import AdviceRef, Bullets, Callout, Paragraph, TreatmentList

LABELS = "labels"  # the name of the labels' PO file, beside the leaflets' (locale/<lang>/labels.po)

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

    @property
    def comment(self) -> str:
        """Notes for the translator (PO ``#.`` lines)."""
        notes = [note for pattern, note in UK_SERVICES if pattern.search(self.text)]
        holders = PLACEHOLDER.findall(self.text)
        if holders:
            notes.append(f"Keep {', '.join(dict.fromkeys(holders))} as written: the tool fills them in.")
        return "\n".join(notes)

    @property
    def placeholders(self) -> list[str]:
        return sorted(set(PLACEHOLDER.findall(self.text)))


def _blocks(body: list[Any]) -> Iterator[tuple[tuple[Any, ...], str, bool]]:
    """(path inside the body, text, optional) for every string of a list of blocks."""
    for b, block in enumerate(body):
        if isinstance(block, Paragraph):
            yield (b, "p"), block.p, True
        elif isinstance(block, Bullets):
            for i, item in enumerate(block.bullets):
                yield (b, "bullets", i), item, True
        elif isinstance(block, Callout):
            yield (b, "callout", "title"), block.callout.title, False
            if block.callout.text:
                yield (b, "callout", "text"), block.callout.text, True
            for i, item in enumerate(block.callout.bullets):
                yield (b, "callout", "bullets", i), item, True
        elif isinstance(block, TreatmentList):
            yield (b, "treatments_offered", "intro"), block.treatments_offered.intro, False
            yield (b, "treatments_offered", "none"), block.treatments_offered.none, False


def context_of(prefix: str, path: tuple[Any, ...]) -> str:
    """``sections[2].body[1].bullets[0]`` from ("sections", 2, "body", 1, "bullets", 0)."""
    text = prefix
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _shared(library: Library, kind: str, table: str, ids: list[str]) -> Iterator[tuple[str, Any, Any, int]]:
    """Each shared item a leaflet uses (a treatment, an advice snippet), once, in order: its id,
    the item, where its file is, and its index in the file's list."""
    items = library.treatments if table == "treatments" else library.advice
    for item_id in dict.fromkeys(ids):
        item = items.get(item_id)
        if item is not None:
            where = library.positions[(kind, item_id)]
            yield item_id, item, where, _index(where.data, table, item_id)


def leaflet_messages(library: Library, leaflet_id: str) -> list[Message]:
    """The strings a leaflet prints, in reading order: its own, then the treatment summaries and
    shared advice it can show (whichever branch it is built for)."""
    leaflet = library.leaflets[leaflet_id]
    source = library.positions[("leaflet", leaflet_id)]
    messages: list[Message] = []

    def add(path: tuple[Any, ...], text: str, optional: bool = False) -> None:
        line = source.values.get(path, (0, 0))[0]
        messages.append(Message(context_of("", path), text, source.display, line, "leaflet", leaflet_id, path,
                                optional))

    add(("title",), leaflet.title)
    add(("summary",), leaflet.summary)
    advice_ids: list[str] = []
    for s, section in enumerate(leaflet.sections):
        add(("sections", s, "heading"), section.heading)
        for inner, text, optional in _blocks(list(section.body)):
            add(("sections", s, "body", *inner), text, optional)
        advice_ids += [b.advice for b in section.body if isinstance(b, AdviceRef)]
    for f, entry in enumerate(leaflet.faq):
        add(("faq", f, "question"), entry.question, True)
        add(("faq", f, "answer"), entry.answer, True)

    treatment_ids = [leaflet.treatment] if leaflet.treatment else []
    treatment_ids += leaflet.treatments
    for treatment_id, treatment, where, index in _shared(library, "treatment", "treatments", treatment_ids):
        for field in ("name", "summary"):
            line = where.values.get(("treatments", index, field), (0, 0))[0]
            messages.append(Message(f"treatments[{treatment_id}].{field}", getattr(treatment, field), where.display,
                                    line, "treatment", treatment_id, (field,)))
    for advice_id, snippet, where, index in _shared(library, "advice", "advice", advice_ids):
        for inner, text, optional in _blocks(list(snippet.body)):
            line = where.values.get(("advice", index, "body", *inner), (0, 0))[0]
            messages.append(Message(context_of(f"advice[{advice_id}]", ("body", *inner)), text, where.display, line,
                                    "advice", advice_id, ("body", *inner), optional))
    return messages


def label_messages(library: Library, lang: str = "en-GB") -> list[Message]:
    """The layout's words (``data/labels/en-GB.yaml``), every one, in the file's field order."""
    labels = library.labels[lang]
    source = library.positions.get(("labels", lang))
    display = source.display if source else f"data/labels/{lang}.yaml"
    messages = []
    for name, value in labels.model_dump().items():
        if name == "lang":
            continue
        items = sorted(value.items()) if isinstance(value, dict) else [(None, value)]
        for key, text in items:
            path = (name,) if key is None else (name, key)
            line = source.values.get(path, (0, 0))[0] if source else 0
            messages.append(Message(".".join(path), text, display, line, "labels", lang, path))
    return messages


def _index(data: Any, key: str, item_id: str) -> int:
    items = data.get(key, []) if isinstance(data, dict) else []
    return next((i for i, item in enumerate(items) if isinstance(item, dict) and item.get("id") == item_id), 0)
