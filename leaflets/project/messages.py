"""Every translatable string of a leaflet, and of the labels, with its place and source line.

A message's context is its place in the data, written like a YAML path:
``title``, ``sections[2].body[1].bullets[0]``, ``faq[3].answer``,
``treatments[chemical-peel].summary``, ``advice[sunscreen].body[0].callout.title``,
or a label's name (``page_of``, ``format_names.a4``). Identical English
strings in different places stay separate entries, so each can be translated
to fit its place, and a changed string is found again by its place.

The treatment summaries and advice snippets several leaflets print are
*shared*: they are translated once, in ``locale/<lang>/shared.po``, for
every leaflet that prints them; a leaflet's own PO file holds only its own
strings. Each message also says, for the translator, where it is printed
("Milia leaflet, section 'Looking after your skin', box 'For a baby',
bullet 7"): a shared one, in every leaflet that prints it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from leaflets.project.english import Library
from leaflets.project.model import AdviceRef, Bullets, Callout, Paragraph, TreatmentList

# LABELS and SHARED also for the callers that find the strings here (commands/translate.py, commands/approve.py)
from leaflets.project.translated import LABELS as LABELS
from leaflets.project.translated import SHARED as SHARED
from leaflets.project.translated import Message


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
    return own_messages(library, leaflet_id) + shared_messages(library, leaflet_id)


def own_messages(library: Library, leaflet_id: str) -> list[Message]:
    """The leaflet's own strings (``locale/<lang>/<leaflet>.po``), in reading order."""
    leaflet = library.leaflets[leaflet_id]
    source = library.positions[("leaflet", leaflet_id)]
    places = _Places(library, leaflet)
    messages: list[Message] = []

    def add(path: tuple[Any, ...], text: str, optional: bool = False) -> None:
        line = source.values.get(path, (0, 0))[0]
        messages.append(Message(context_of("", path), text, source.display, line, "leaflet", leaflet_id, path,
                                optional, (places.own[path],)))

    add(("title",), leaflet.title)
    add(("summary",), leaflet.summary)
    for s, section in enumerate(leaflet.sections):
        add(("sections", s, "heading"), section.heading)
        for inner, text, optional in _blocks(list(section.body)):
            add(("sections", s, "body", *inner), text, optional)
    for f, entry in enumerate(leaflet.faq):
        add(("faq", f, "question"), entry.question, True)
        add(("faq", f, "answer"), entry.answer, True)
    return messages


def shared_messages(library: Library, leaflet_id: str) -> list[Message]:
    """The shared strings the leaflet can print (``locale/<lang>/shared.po``): the names and
    summaries of its treatments, then its advice snippets, in reading order."""
    leaflet = library.leaflets[leaflet_id]
    places = _Places(library, leaflet)
    messages: list[Message] = []
    treatment_ids = [leaflet.treatment] if leaflet.treatment else []
    treatment_ids += leaflet.treatments
    for treatment_id, treatment, where, index in _shared(library, "treatment", "treatments", treatment_ids):
        for field in ("name", "summary"):
            line = where.values.get(("treatments", index, field), (0, 0))[0]
            messages.append(Message(f"treatments[{treatment_id}].{field}", getattr(treatment, field), where.display,
                                    line, "treatment", treatment_id, (field,),
                                    where=(places.treatment(treatment_id, treatment.name, field),)))
    advice_ids = [b.advice for section in leaflet.sections for b in section.body if isinstance(b, AdviceRef)]
    for advice_id, snippet, where, index in _shared(library, "advice", "advice", advice_ids):
        for inner, text, optional in _blocks(list(snippet.body)):
            line = where.values.get(("advice", index, "body", *inner), (0, 0))[0]
            messages.append(Message(context_of(f"advice[{advice_id}]", ("body", *inner)), text, where.display, line,
                                    "advice", advice_id, ("body", *inner), optional,
                                    tuple(places.advice.get((advice_id, ("body", *inner)), ()))))
    return messages


def all_shared_messages(library: Library) -> list[Message]:
    """Every shared string some leaflet prints, once, in the order of its data file, each with
    every place it is printed (``locale/templates/shared.pot``)."""
    found: dict[str, Message] = {}
    for leaflet_id in sorted(library.leaflets):
        for message in shared_messages(library, leaflet_id):
            seen = found.get(message.context)
            if seen is None:
                found[message.context] = message
            else:
                where = seen.where + tuple(w for w in message.where if w not in seen.where)
                found[message.context] = dataclasses.replace(seen, where=where)
    return sorted(found.values(), key=lambda m: (m.file, m.line, m.context))


class _Places:
    """Where each string of one leaflet is printed, in words, for the translator: "Milia leaflet,
    section 'Looking after your skin', box 'For a baby', bullet 7". Paragraphs and bullet lists are
    counted in a section as printed, the advice snippets it includes counted in their place."""

    def __init__(self, library: Library, leaflet: Any) -> None:
        self.name = f"{leaflet.title} leaflet"
        self.own: dict[tuple[Any, ...], str] = {("title",): f"{self.name}, title",
                                                 ("summary",): f"{self.name}, summary under the title"}
        self.advice: dict[tuple[str, tuple[Any, ...]], list[str]] = {}
        self.treatment_list: str | None = None
        self.about = leaflet.treatment
        for s, section in enumerate(leaflet.sections):
            here = f"{self.name}, section '{section.heading}'"
            self.own[("sections", s, "heading")] = f"{here}, heading"
            blocks: list[tuple[str | None, int, Any]] = []  # (advice id or None, index in its body, block)
            for b, block in enumerate(section.body):
                if isinstance(block, AdviceRef):
                    snippet = library.advice.get(block.advice)
                    blocks += [(block.advice, i, inner) for i, inner in enumerate(snippet.body if snippet else [])]
                else:
                    blocks.append((None, b, block))
            lists = sum(isinstance(block, Bullets) for _, _, block in blocks)
            paragraphs = bullet_lists = 0
            for advice_id, b, block in blocks:
                names: dict[tuple[int | str, ...], str]
                if isinstance(block, Paragraph):
                    paragraphs += 1
                    names = {(b, "p"): f"paragraph {paragraphs}"}
                elif isinstance(block, Bullets):
                    bullet_lists += 1
                    prefix = f"list {bullet_lists}, " if lists > 1 else ""
                    names = {(b, "bullets", i): f"{prefix}bullet {i + 1}" for i in range(len(block.bullets))}
                elif isinstance(block, Callout):
                    box = f"box '{block.callout.title}'"
                    names = {(b, "callout", "title"): f"{box}, title", (b, "callout", "text"): f"{box}, text"}
                    names.update({(b, "callout", "bullets", i): f"{box}, bullet {i + 1}"
                                  for i in range(len(block.callout.bullets))})
                elif isinstance(block, TreatmentList):
                    self.treatment_list = f"{here}, list of treatments"
                    names = {(b, "treatments_offered", "intro"): "the sentence before the list of treatments",
                             (b, "treatments_offered", "none"): "said instead of the list of treatments where the "
                                                                "branch offers none of them"}
                else:
                    names = {}
                for inner, name in names.items():
                    if advice_id is None:
                        self.own[("sections", s, "body", *inner)] = f"{here}, {name}"
                    else:
                        self.advice.setdefault((advice_id, ("body", *inner)), []).append(f"{here}, {name}")
        for f in range(len(leaflet.faq)):
            self.own[("faq", f, "question")] = f"{self.name}, questions people often ask, question {f + 1}"
            self.own[("faq", f, "answer")] = f"{self.name}, questions people often ask, answer {f + 1}"

    def treatment(self, treatment_id: str, name: str, field: str) -> str:
        what = "its name" if field == "name" else "what it is (the text under its name)"
        if self.treatment_list:
            return f"{self.treatment_list}, '{name}': {what}"
        if treatment_id == self.about:
            return f"{self.name}, the treatment it is about, '{name}': {what}"
        return f"{self.name}, the treatments it mentions, '{name}': {what}"


# Marks for staff and the approval line: printed in the project's words in every language (not translated).
STAFF_LABELS = ("changed_mark", "out_of_date_translation", "approval_line")


def label_messages(library: Library, lang: str = "en-GB") -> list[Message]:
    """The layout's words (``data/labels/en-GB.yaml``), every one, in the file's field order."""
    labels = library.labels[lang]
    source = library.positions.get(("labels", lang))
    display = source.display if source else f"data/labels/{lang}.yaml"
    messages = []
    for name, value in labels.model_dump().items():
        if name == "lang" or name in STAFF_LABELS:
            continue
        items = sorted(value.items()) if isinstance(value, dict) else [(None, value)]
        for key, text in items:
            path = (name,) if key is None else (name, key)
            line = source.values.get(path, (0, 0))[0] if source else 0
            messages.append(Message(".".join(path), text, display, line, "labels", lang, path,
                                    where=(_label_place(labels, name),)))
    return messages


def _label_place(labels: Any, name: str) -> str:
    """Where a label is printed, in words: the layout's words, with the field's description."""
    field = type(labels).model_fields.get(name)
    about = f": {field.description}" if field is not None and field.description else ""
    return f"Words of the layout, on every leaflet in this language ({name}){about}"


def _index(data: Any, key: str, item_id: str) -> int:
    items = data.get(key, []) if isinstance(data, dict) else []
    return next((i for i, item in enumerate(items) if isinstance(item, dict) and item.get("id") == item_id), 0)
