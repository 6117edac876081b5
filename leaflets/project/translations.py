"""A project's translations: read, measured against the current English, and applied.

``load_translations`` reads every ``locale/<lang>/*.po`` (polib) and its
record, checks them (file and line for every problem) and builds each
translated view once, so a translation that would make invalid data (a line
break in a heading, a lost ``{date}``) is reported by ``check`` like any
data problem. ``coverage`` (project/translated.py) compares a PO file with the strings the English
has now: an entry is done when translated and not fuzzy, or marked not
applicable where that is allowed; a PO entry whose English no longer matches
(the English changed and ``translate update`` was not run) counts as fuzzy.
A fuzzy entry that still holds a fitting translation (of the earlier English)
keeps the translation ``usable``: it is applied, and the variant is marked as
a translation of an earlier version, never filled with English.
``translated_library`` is the library as the templates see it for one
leaflet in one language: every printed string replaced, labels included.

A variant in a language prints three PO files: the leaflet's own strings
(``locale/<lang>/<leaflet>.po``), the shared text it uses (the treatments
and advice snippets several leaflets print, translated once in
``locale/<lang>/shared.po``) and the labels. The shared file is measured,
for each leaflet, against the shared strings that leaflet prints: a string
only another leaflet uses does not hold it back.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import polib
from pydantic import BaseModel, ValidationError

from leaflets.errors import DataProblems, Problem, UserError, display_path
from leaflets.project.english import Library, Loader, field_message
from leaflets.project.messages import context_of, label_messages, own_messages, shared_messages
from leaflets.project.model import AdviceSnippet, Labels, Leaflet, Treatment
from leaflets.project.pofiles import LANG_RE, locale_folder, read_po_lines, record_path
from leaflets.project.records import NOT_APPLICABLE, TranslationRecord
from leaflets.project.translated import LABELS, SHARED, Entry, Translation, Translations, earlier_usable


def _entries(po: polib.POFile, lines: dict[str, tuple[tuple[int, str], ...]] | None = None) -> dict[str, Entry]:
    entries = {}
    for e in po:
        if e.obsolete or e.msgctxt is None:
            continue
        reason = None
        for note in (e.tcomment or "").splitlines():
            if note.strip().lower().startswith(NOT_APPLICABLE):
                reason = note.strip()[len(NOT_APPLICABLE):].lstrip(": ").strip() or "(no reason given)"
        entries[e.msgctxt] = Entry(e.msgctxt, e.msgid, e.msgstr, e.fuzzy, e.linenum or 0, reason, e.comment or "",
                                   (lines or {}).get(e.msgctxt, ()))
    return entries


def load_translations(library: Library) -> tuple[Translations, list[Problem]]:
    """Read ``locale/<lang>/*.po`` and records; check them; build the translated views."""
    project = library.project
    folder = locale_folder(project)
    result = Translations()
    problems: list[Problem] = []
    if not folder.is_dir():
        return result, problems
    loader = Loader(project)
    english_labels = label_messages(library) if "en-GB" in library.labels else []
    for lang_folder in sorted(p for p in folder.iterdir() if p.is_dir() and p.name != "templates"):
        lang = lang_folder.name
        shown = display_path(lang_folder, project.root)
        if not LANG_RE.fullmatch(lang):
            problems.append(Problem(shown, 0, 0, "", "a language folder is named by its code, e.g. locale/pl or "
                                    "locale/pt-BR; rename it"))
            continue
        translated = sorted({p.stem for p in lang_folder.glob("*.po")} & set(library.leaflets))
        for path in sorted(lang_folder.glob("*.po")):
            name = path.stem
            display = display_path(path, project.root)
            if name not in (LABELS, SHARED) and name not in library.leaflets:
                problems.append(Problem(display, 0, 0, "", f"no leaflet {name!r} (data/leaflets/{name}.yaml) to "
                                        "translate; rename or remove the file"))
                continue
            try:
                po, lines = read_po_lines(path, display, project.root)
            except DataProblems as error:  # each with its line
                problems += error.problems
                continue
            except UserError as error:
                problems.append(Problem(display, 0, 0, "", str(error).removeprefix(f"{display}: ")))
                continue
            record_file = record_path(project, lang, name)
            record_display = display_path(record_file, project.root)
            record = None
            if not record_file.exists():
                problems.append(Problem(record_display, 0, 0, "", f"the record of {display} is missing: run "
                                        f"leaflets translate update {lang} (it writes a draft record)"))
            else:
                before = len(loader.problems)
                source, record = loader.read(record_file, TranslationRecord)
                problems += loader.problems[before:]
                if record is not None and source is not None:
                    if record.lang != lang:
                        problems.append(source.problem(("lang",), f"the record says {record.lang!r} but is in "
                                                       f"locale/{lang}/; they must agree"))
                    if name not in (LABELS, SHARED) and record.made_from is None:
                        problems.append(source.problem(("made_from",), "write the English version this "
                                                       "translation was made from, in quotes, e.g. \"0.3\""))
            if name == LABELS:
                messages = english_labels
            elif name == SHARED:  # the shared strings of the leaflets translated into this language
                by_context = {m.context: m for leaflet in translated for m in shared_messages(library, leaflet)}
                messages = sorted(by_context.values(), key=lambda m: (m.file, m.line, m.context))
            else:
                messages = own_messages(library, name)
            result.items[(lang, name)] = Translation(lang, name, display, record_display, _entries(po, lines), record,
                                                     messages)
    for (lang, name), translation in sorted(result.items.items()):
        if name == LABELS:
            labels, found = _apply_labels(library, translation)
            problems += found
            if labels is not None:
                result.views[(lang, LABELS)] = {"labels": labels}
        elif name != SHARED:
            printed = shared_messages(library, name)
            result.parts[(lang, name)] = (name, SHARED, LABELS) if printed else (name, LABELS)
            whole = result.items.get((lang, SHARED))
            if printed and whole is not None:
                result.shared[(lang, name)] = dataclasses.replace(whole, messages=printed)
            view, found = _apply_leaflet(library, translation, result.shared.get((lang, name)))
            problems += found
            if view is not None:
                result.views[(lang, name)] = view
    return result, list(dict.fromkeys(problems))  # a shared string's problem once, not once per leaflet


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _drop(data: Any, path: tuple[Any, ...]) -> None:
    """Leave out a string marked not applicable: a whole FAQ entry, a paragraph's block, a bullet,
    or a callout's text."""
    if path[-1] == "text":  # a callout's text: the callout stays, with its title
        _set(data, path, None)
        return
    target = path[:2] if path[0] == "faq" else path[:-1] if path[-1] == "p" else path
    parent = data
    for part in target[:-1]:
        parent = parent[part]
    parent[target[-1]] = _DROPPED


_DROPPED = object()


def _prune(value: Any) -> Any:
    """Remove dropped items (and bullet lists left empty) after every string is placed."""
    if isinstance(value, list):
        kept = [_prune(v) for v in value if v is not _DROPPED]
        return [v for v in kept if not (isinstance(v, dict) and v.get("bullets") == [] and len(v) == 1)]
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items()}
    return value


def _apply(translation: Translation, kind: str, item: str, data: dict[str, Any]) -> dict[str, Any]:
    dropped = []
    for message in translation.messages:
        if message.kind != kind or message.item != item:
            continue
        entry = translation.entries.get(message.context)
        if entry is None:
            continue
        if (entry.msgid != message.text or entry.fuzzy) and not earlier_usable(entry, message):
            continue  # a translation of an earlier English is used while it still fits (marked so)
        if entry.not_applicable is not None and message.optional:
            dropped.append(message.path)
        elif entry.msgstr.strip():
            _set(data, message.path, entry.msgstr.strip())
    for path in dropped:  # after every string is placed: the places still hold
        _drop(data, path)
    return _prune(data)


def _validated(model: type[BaseModel], data: dict[str, Any], translation: Translation,
               prefix: str) -> tuple[Any, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = tuple(p for i, p in enumerate(item["loc"]) if isinstance(p, int) or i == 0
                        or p != item["loc"][i - 1])
            context = context_of(prefix, loc)
            entry = translation.entries.get(context)
            problems.append(Problem(translation.file, entry.line if entry else 0, 0, context,
                                    "the translation " + field_message(item, model)))
        return None, problems


def _apply_leaflet(library: Library, translation: Translation,
                   shared: Translation | None) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The leaflet translated (its own PO file) with the treatments and advice it prints (the
    shared PO file; left in English where it has none: the gate refuses such a variant)."""
    leaflet = library.leaflets[translation.name]
    data = _apply(translation, "leaflet", leaflet.id, leaflet.model_dump())
    data["lang"] = translation.lang
    translated, problems = _validated(Leaflet, data, translation, "")
    treatments: dict[str, Treatment] = {}
    advice: dict[str, AdviceSnippet] = {}
    messages = shared.messages if shared is not None else []
    for kind, models, target, prefix in (("treatment", library.treatments, treatments, "treatments"),
                                         ("advice", library.advice, advice, "advice")):
        for item_id in dict.fromkeys(m.item for m in messages if m.kind == kind):
            assert shared is not None
            model = type(models[item_id])
            item_data = _apply(shared, kind, item_id, models[item_id].model_dump())
            value, found = _validated(model, item_data, shared, f"{prefix}[{item_id}]")
            problems += found
            if value is not None:
                target[item_id] = value
    if problems or translated is None:
        return None, problems
    return {"leaflet": translated, "treatments": treatments, "advice": advice}, []


def _apply_labels(library: Library, translation: Translation) -> tuple[Labels | None, list[Problem]]:
    english = library.labels.get("en-GB")
    if english is None:
        return None, []
    data = _apply(translation, "labels", "en-GB", english.model_dump())
    data["lang"] = translation.lang
    return _validated(Labels, data, translation, "")


def translated_library(library: Library, lang: str, leaflet_id: str) -> Library:
    """The library as the templates see one leaflet in ``lang``: the leaflet, the treatment
    summaries and advice it shows, and the labels, all translated. Only for a translation the
    gate let through (complete and valid): anything else is refused, never filled with English."""
    translations: Translations = library.translations or Translations()
    view = translations.views.get((lang, leaflet_id))
    labels = translations.views.get((lang, LABELS))
    present = translations.for_variant(lang, leaflet_id)
    if view is None or labels is None or len(present) < len(translations.needed(lang, leaflet_id)) \
            or not all(t.coverage.usable for t in present):
        files = ", ".join(f"locale/{lang}/{name}.po" for name in translations.needed(lang, leaflet_id))
        raise UserError(f"{leaflet_id} in {lang}: no complete translation ({files}); the gate should have refused it")
    return dataclasses.replace(
        library,
        leaflets={**library.leaflets, leaflet_id: view["leaflet"]},
        treatments={**library.treatments, **view["treatments"]},
        advice={**library.advice, **view["advice"]},
        labels={**library.labels, lang: labels["labels"]},
    )


def translation_files(library: Library, lang: str, leaflet_id: str) -> list[Path]:
    """The files a variant in ``lang`` reads beyond the English: for fingerprints."""
    root = library.project.root
    translations: Translations = library.translations or Translations()
    return [root / f for t in translations.for_variant(lang, leaflet_id) for f in t.files if (root / f).is_file()]
