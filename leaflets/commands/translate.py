"""PO templates and PO files: ``translate extract`` and ``translate update``, with polib.

Layout of a project's translations::

    locale/templates/<leaflet>.pot   every string of one leaflet (translate extract)
    locale/templates/shared.pot      the text several leaflets print (treatments, advice)
    locale/templates/labels.pot      the layout's words (data/labels/en-GB.yaml)
    locale/<lang>/<leaflet>.po       one leaflet's own strings in one language (translate update LANG)
    locale/<lang>/shared.po          the shared text in that language, translated once for every leaflet
    locale/<lang>/labels.po          the labels in that language
    locale/<lang>/<leaflet>.yaml     the translation's record (records.py); shared.yaml, labels.yaml

``update`` merges with msgmerge's semantics, matching entries by their
context (the place in the data): the same English keeps its translation; a
changed English string keeps the old translation marked fuzzy, with the
previous English as ``#| msgid``; a string no longer in the leaflet becomes
obsolete (``#~``); new strings come in untranslated. A string new to a
file takes its translation from the language's other PO files when one has
it (msgmerge's compendium): text that moves into the shared file, or out of
it, keeps its translation, and is not kept as obsolete where it was. Every
PO file carries the standard header (PO-Revision-Date, Last-Translator,
Language-Team, Plural-Forms; ``msgfmt -c`` clean); Last-Translator names
no one until a translator's tool writes it. The output is deterministic:
the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polib
from babel import Locale
from babel.messages.plurals import get_plural

from leaflets.errors import UserError, display_path
from leaflets.project.files import writable_inside
from leaflets.project.load import Library
from leaflets.project.messages import (
    LABELS,
    SHARED,
    Message,
    all_shared_messages,
    label_messages,
    own_messages,
)
from leaflets.project.plan import pick
from leaflets.project.pofiles import (
    SOURCE_LANG,
    WRAP,
    check_lang,
    po_path,
    read_po,
    record_path,
    template_path,
)
from leaflets.project.records import NOT_APPLICABLE
from leaflets.publish.files import write_atomic


def _entry(message: Message) -> polib.POEntry:
    return polib.POEntry(
        msgctxt=message.context,
        msgid=message.text,
        msgstr="",
        occurrences=[(message.file, str(message.line) if message.line else "")],
        comment=message.comment,
        flags=["python-brace-format"] if message.placeholders else [],
    )


# Last-Translator until a translator's tool writes a name: no translator is invented.
NO_TRANSLATOR = "none recorded (draft, not yet checked by a qualified translator)"


def _messages(library: Library, name: str) -> list[Message]:
    if name == LABELS:
        return label_messages(library)
    return all_shared_messages(library) if name == SHARED else own_messages(library, name)


def _what(name: str) -> str:
    if name == LABELS:
        return "labels"
    return "text shared by several leaflets (treatments, advice)" if name == SHARED else f"leaflet {name}"


def template(library: Library, name: str) -> polib.POFile:
    """The PO template of a leaflet's own strings, of the shared text or of the labels: every
    string, with no translation."""
    pot = polib.POFile(wrapwidth=WRAP)
    pot.header = (f"PO template of the {_what(name)}, written by "
                  "`leaflets translate extract`: do not edit.\nTranslate with `leaflets translate update LANG`.")
    pot.metadata = _header(library, name)
    for message in _messages(library, name):
        pot.append(_entry(message))
    return pot


def _header(library: Library, name: str) -> dict[str, str]:
    header = {"Project-Id-Version": f"leaflets {name}", "Report-Msgid-Bugs-To": "",
              "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
              "X-Source-Language": SOURCE_LANG}
    if name not in (LABELS, SHARED):
        record = library.leaflets[name].record
        header["Project-Id-Version"] = f"leaflets {name} {record.version}"
        # From the inputs, not the clock: extracting unchanged content gives the same bytes.
        header["POT-Creation-Date"] = f"{record.content_date.isoformat()} 00:00+0000"
    return header


def names(library: Library) -> list[str]:
    """What has a PO file: every leaflet, the shared text and the labels."""
    for taken, what in ((LABELS, "labels'"), (SHARED, "shared text's")):
        if taken in library.leaflets:
            raise UserError(f"a leaflet may not be called {taken!r} when it is translated: its PO file would be the "
                            f"{what} (locale/<lang>/{taken}.po); rename data/leaflets/{taken}.yaml")
    return sorted(library.leaflets) + [SHARED, LABELS]


def extract(library: Library) -> list[Path]:
    """Write ``locale/templates/*.pot``; only files whose bytes change. Returns the paths written."""

    written = []
    wanted = {template_path(library.project, name): str(template(library, name)).encode("utf-8") + b"\n"
              for name in names(library)}
    root = library.project.root
    folder = writable_inside(template_path(library.project, "x").parent, root)
    stale = [old for old in sorted(folder.glob("*.pot")) if old not in wanted]  # leaflets that no longer exist
    for path in [*wanted, *stale]:  # every file written or deleted, checked before any is
        writable_inside(path, root)
    for path, data in wanted.items():
        if not path.is_file() or path.read_bytes() != data:
            write_atomic(path, data)
            written.append(path)
    for old in stale:
        old.unlink()
    return written


@dataclass
class Merged:
    """What ``update`` did to one PO file."""

    path: Path
    created: bool
    kept: int = 0  # translated, and the English is the same
    fuzzy: int = 0  # to review: the English changed, or the translation came from elsewhere
    new: int = 0  # added by this update, not yet translated
    untranslated: int = 0  # there before, still not translated
    not_applicable: int = 0  # there before, left untranslated on purpose ("# not-applicable: why")
    obsolete: int = 0
    unchanged: bool = False  # the file already held exactly this: not written


def merge(pot: polib.POFile, old: polib.POFile | None, lang: str, others: list[polib.POFile] | None = None,
          elsewhere: set[str] | None = None, revised: dt.date | None = None) -> tuple[polib.POFile, Merged]:
    """msgmerge semantics, matched by context: see the module's docstring. ``others``: the
    language's other PO files (the compendium); ``elsewhere``: the contexts another PO file of the
    language now holds (not kept here as obsolete); ``revised``: the PO-Revision-Date of a file that
    has none."""
    result = Merged(Path(), old is None)
    po = polib.POFile(wrapwidth=WRAP)
    po.header = old.header if old is not None and old.header else (
        f"{lang} translation, made and merged by `leaflets translate update {lang}`.\n"
        "Mark a string that makes no sense in this language with a translator comment line\n"
        "'not-applicable: reason' (paragraphs, bullets and FAQ entries only).")
    po.metadata = _metadata(pot, old, lang, revised)
    current = [e for e in old if not e.obsolete] if old is not None else []
    by_key = {(e.msgctxt, e.msgid): e for e in current}
    by_context = {e.msgctxt: e for e in current}
    by_text: dict[str, list[polib.POEntry]] = {}
    for e in current:
        by_text.setdefault(e.msgid, []).append(e)
    used: set[int] = set()
    compendium = _Compendium(others or [])

    for fresh in pot:
        entry = polib.POEntry(msgctxt=fresh.msgctxt, msgid=fresh.msgid, msgstr="", occurrences=fresh.occurrences,
                              comment=fresh.comment, flags=list(fresh.flags))
        same = by_key.get((fresh.msgctxt, fresh.msgid))
        moved = next((e for e in by_text.get(fresh.msgid, []) if id(e) not in used and e.msgstr), None)
        changed = by_context.get(fresh.msgctxt)
        if same is not None and id(same) not in used:
            used.add(id(same))
            _carry(same, entry)
            if same.fuzzy:
                entry.flags.append("fuzzy")
                entry.previous_msgid = same.previous_msgid
                result.fuzzy += 1
            elif same.msgstr:
                result.kept += 1
            elif any(note.strip().lower().startswith(NOT_APPLICABLE) for note in (same.tcomment or "").splitlines()):
                result.not_applicable += 1
            else:
                result.untranslated += 1
        elif moved is not None:  # the same English, now elsewhere: its translation still fits
            used.add(id(moved))
            _carry(moved, entry)
            result.kept += 1
        elif changed is not None and id(changed) not in used and (changed.msgstr or changed.tcomment):
            used.add(id(changed))
            _fuzzy(changed, entry)
            result.fuzzy += 1
        elif (found := compendium.find(fresh.msgctxt, fresh.msgid)) is not None:
            _carry(found, entry)
            if found.fuzzy or found.msgid != fresh.msgid:  # from another file, for other English: review it
                _fuzzy(found, entry)
                result.fuzzy += 1
            else:
                result.kept += 1
        else:
            result.new += 1
        po.append(entry)

    gone = [e for e in current if id(e) not in used and e.msgstr]
    if old is not None:
        gone += [e for e in old if e.obsolete]
    keys = {(e.msgctxt, e.msgid) for e in po}
    for e in sorted(gone, key=lambda e: (e.msgctxt or "", e.msgid)):
        if (e.msgctxt, e.msgid) in keys or e.msgctxt in (elsewhere or set()):
            continue
        keys.add((e.msgctxt, e.msgid))
        po.append(polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr=e.msgstr, tcomment=e.tcomment,
                                obsolete=True))
        result.obsolete += 0 if e.obsolete else 1
    return po, result


def _metadata(pot: polib.POFile, old: polib.POFile | None, lang: str, revised: dt.date | None) -> dict[str, str]:
    """The PO header: the template's, the old file's translator fields, and the standard fields a
    PO file needs (``msgfmt -c``), filled in where missing, without inventing a translator."""

    metadata = dict(old.metadata) if old is not None else {}
    metadata.update(pot.metadata)
    metadata["Language"] = lang
    defaults = {
        "PO-Revision-Date": f"{(revised or dt.date.today()).isoformat()} 00:00+0000",
        "Last-Translator": NO_TRANSLATOR,
        "Language-Team": Locale.parse(lang, sep="-").get_display_name("en"),
        "Plural-Forms": _plural_forms(lang),
    }
    for key, value in defaults.items():
        if not metadata.get(key, "").strip():
            metadata[key] = value
    return metadata


class _Compendium:
    """The language's other PO files, for a string new to this one: the same place and English,
    then the same English anywhere, then the same place (fuzzy)."""

    def __init__(self, files: list[polib.POFile]) -> None:
        entries = [e for po in files for e in po if e.msgstr and e.msgctxt]
        self.by_key = {(e.msgctxt, e.msgid): e for e in reversed(entries)}
        self.by_text = {e.msgid: e for e in reversed(entries) if not e.fuzzy}
        self.by_context = {e.msgctxt: e for e in reversed(entries)}

    def find(self, context: str | None, text: str) -> polib.POEntry | None:
        return self.by_key.get((context, text)) or self.by_text.get(text) or self.by_context.get(context)


def _fuzzy(old: polib.POEntry, new: polib.POEntry) -> None:
    """The old translation, marked fuzzy with the English it was made for (``#| msgid``)."""
    _carry(old, new)
    if "fuzzy" not in new.flags:
        new.flags.append("fuzzy")
    new.previous_msgid = old.previous_msgid if old.fuzzy and old.previous_msgid else old.msgid


def _carry(old: polib.POEntry, new: polib.POEntry) -> None:
    """The translator's work moves to the merged entry: the translation and their comments."""
    new.msgstr = old.msgstr
    new.tcomment = old.tcomment


def _plural_forms(lang: str) -> str:
    try:
        return str(get_plural(lang.replace("-", "_")))
    except (ValueError, LookupError):
        return "nplurals=2; plural=(n != 1);"


RECORD_TEMPLATE = """\
# yaml-language-server: $schema=../../schema/translation.schema.json
# The record of the {what} in {lang} (see docs/data-format.md, "Translations").
# Fill in translator and checked_by with real people only; a release needs
# status: approved{made_from_note}.
lang: {lang}
status: draft
translator: null
checked_by: null     # {{name: ..., role: ...}}: the qualified person who checked it
date: {date}
made_from: {made_from}
"""


def update(library: Library, lang: str, leaflet_ids: list[str], today: dt.date) -> list[Merged]:
    """Create or merge ``locale/<lang>/<name>.po`` for the leaflets asked, the shared text and the
    labels, and a draft record beside each new one. With no leaflet named, the leaflets that already
    have a PO file in that language are merged (a new PO file makes the language part of every build,
    so starting one is asked for by name). Returns what was done to each file."""

    check_lang(lang)
    names(library)  # refuses a leaflet called "labels" or "shared"
    project = library.project
    if leaflet_ids:
        chosen = pick("leaflet", leaflet_ids, library.leaflets)
    else:
        chosen = [name for name in sorted(library.leaflets) if po_path(project, lang, name).exists()]
        if not chosen:
            raise UserError(f"no leaflet is translated into {lang} yet (locale/{lang}/ has no PO file of a leaflet): "
                            f"name the leaflets to start, e.g. leaflets translate update {lang} "
                            f"{next(iter(sorted(library.leaflets)), 'LEAFLET')}")
    # The shared text first: a string that moved into it takes its translation from the leaflets' files.
    chosen = [SHARED, *chosen, LABELS]
    for name in chosen:  # every file written below, checked before any is: inside the project only
        writable_inside(po_path(project, lang, name), project.root)
        writable_inside(record_path(project, lang, name), project.root)
    olds: dict[str, polib.POFile | None] = {}
    for name in sorted(set(names(library)) | set(chosen)):
        path = po_path(project, lang, name)
        olds[name] = read_po(path, display_path(path, project.root), project.root) \
            if path.exists() or path.is_symlink() else None
    templates = {name: template(library, name) for name in chosen}
    shared = {e.msgctxt for e in templates[SHARED]}
    done = []
    for name in chosen:
        path = po_path(project, lang, name)
        others = [po for other, po in olds.items() if other != name and po is not None]
        po, merged = merge(templates[name], olds[name], lang, others,
                           elsewhere=shared if name not in (SHARED, LABELS) else set(), revised=today)
        merged.path = path
        data = str(po).encode("utf-8") + b"\n"
        if not path.is_file() or path.read_bytes() != data:
            write_atomic(path, data)
        else:
            merged.unchanged = True
        record = record_path(project, lang, name)
        if not record.exists():
            version = library.leaflets[name].record.version if name not in (LABELS, SHARED) else None
            write_atomic(record, RECORD_TEMPLATE.format(
                what=_what(name), lang=lang, date=today.isoformat(),
                made_from=f'"{version}"' if version else "null",
                made_from_note=", and made_from the English version released" if version else "",
            ).encode("utf-8"))
        done.append(merged)
    return done
