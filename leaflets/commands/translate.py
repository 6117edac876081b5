"""PO templates and PO files: ``translate extract`` and ``translate update``, with polib.

Layout of a project's translations::

    locale/templates/<leaflet>.pot   every string of one leaflet (translate extract)
    locale/templates/labels.pot      the layout's words (data/labels/en-GB.yaml)
    locale/<lang>/<leaflet>.po       one leaflet in one language (translate update LANG)
    locale/<lang>/labels.po          the labels in that language
    locale/<lang>/<leaflet>.yaml     the translation's record (records.py); labels.yaml for the labels

``update`` merges with msgmerge's semantics, matching entries by their
context (the place in the data): the same English keeps its translation; a
changed English string keeps the old translation marked fuzzy, with the
previous English as ``#| msgid``; a string no longer in the leaflet becomes
obsolete (``#~``); new strings come in untranslated. The output is
deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polib

from leaflets.errors import UserError
from leaflets.project.load import Library
from leaflets.project.messages import LABELS, Message, label_messages, leaflet_messages
from leaflets.project.pofiles import (
    SOURCE_LANG,
    WRAP,
    check_lang,
    po_path,
    read_po,
    record_path,
    template_path,
)


def _entry(message: Message) -> polib.POEntry:
    return polib.POEntry(
        msgctxt=message.context,
        msgid=message.text,
        msgstr="",
        occurrences=[(message.file, str(message.line) if message.line else "")],
        comment=message.comment,
        flags=["python-brace-format"] if message.placeholders else [],
    )


def _messages(library: Library, name: str) -> list[Message]:
    return label_messages(library) if name == LABELS else leaflet_messages(library, name)


def template(library: Library, name: str) -> polib.POFile:
    """The PO template of a leaflet (or of the labels): every string, with no translation."""
    pot = polib.POFile(wrapwidth=WRAP)
    pot.header = (f"PO template of the {'labels' if name == LABELS else 'leaflet ' + name}, written by "
                  "`leaflets translate extract`: do not edit.\nTranslate with `leaflets translate update LANG`.")
    pot.metadata = _header(library, name)
    for message in _messages(library, name):
        pot.append(_entry(message))
    return pot


def _header(library: Library, name: str) -> dict[str, str]:
    header = {"Project-Id-Version": f"leaflets {name}", "Report-Msgid-Bugs-To": "",
              "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
              "X-Source-Language": SOURCE_LANG}
    if name != LABELS:
        record = library.leaflets[name].record
        header["Project-Id-Version"] = f"leaflets {name} {record.version}"
        # From the inputs, not the clock: extracting unchanged content gives the same bytes.
        header["POT-Creation-Date"] = f"{record.content_date.isoformat()} 00:00+0000"
    return header


def names(library: Library) -> list[str]:
    """What has a PO file: every leaflet, and the labels."""
    if LABELS in library.leaflets:
        raise UserError(f"a leaflet may not be called {LABELS!r} when it is translated: its PO file would be the "
                        f"labels' (locale/<lang>/{LABELS}.po); rename data/leaflets/{LABELS}.yaml")
    return sorted(library.leaflets) + [LABELS]


def extract(library: Library) -> list[Path]:
    """Write ``locale/templates/*.pot``; only files whose bytes change. Returns the paths written."""
    from leaflets.publish.files import write_atomic

    written = []
    wanted = {template_path(library.project, name): str(template(library, name)).encode("utf-8") + b"\n"
              for name in names(library)}
    for path, data in wanted.items():
        if not path.is_file() or path.read_bytes() != data:
            write_atomic(path, data)
            written.append(path)
    for old in sorted(template_path(library.project, "x").parent.glob("*.pot")):
        if old not in wanted:  # a leaflet that no longer exists
            old.unlink()
    return written


@dataclass
class Merged:
    """What ``update`` did to one PO file."""

    path: Path
    created: bool
    kept: int = 0
    fuzzy: int = 0
    new: int = 0
    obsolete: int = 0


def merge(pot: polib.POFile, old: polib.POFile | None, lang: str) -> tuple[polib.POFile, Merged]:
    """msgmerge semantics, matched by context: see the module's docstring."""
    result = Merged(Path(), old is None)
    po = polib.POFile(wrapwidth=WRAP)
    po.header = old.header if old is not None and old.header else (
        f"{lang} translation, made and merged by `leaflets translate update {lang}`.\n"
        "Mark a string that makes no sense in this language with a translator comment line\n"
        "'not-applicable: reason' (paragraphs, bullets and FAQ entries only).")
    po.metadata = dict(old.metadata) if old is not None else {}
    po.metadata.update(pot.metadata)
    po.metadata["Language"] = lang
    po.metadata.setdefault("Plural-Forms", _plural_forms(lang))
    current = [e for e in old if not e.obsolete] if old is not None else []
    by_key = {(e.msgctxt, e.msgid): e for e in current}
    by_context = {e.msgctxt: e for e in current}
    by_text: dict[str, list[polib.POEntry]] = {}
    for e in current:
        by_text.setdefault(e.msgid, []).append(e)
    used: set[int] = set()

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
            else:
                result.new += 1
        elif moved is not None:  # the same English, now elsewhere: its translation still fits
            used.add(id(moved))
            _carry(moved, entry)
            result.kept += 1
        elif changed is not None and id(changed) not in used and (changed.msgstr or changed.tcomment):
            used.add(id(changed))
            _carry(changed, entry)
            entry.flags.append("fuzzy")
            entry.previous_msgid = changed.previous_msgid if changed.fuzzy and changed.previous_msgid \
                else changed.msgid
            result.fuzzy += 1
        else:
            result.new += 1
        po.append(entry)

    gone = [e for e in current if id(e) not in used and e.msgstr]
    if old is not None:
        gone += [e for e in old if e.obsolete]
    keys = {(e.msgctxt, e.msgid) for e in po}
    for e in sorted(gone, key=lambda e: (e.msgctxt or "", e.msgid)):
        if (e.msgctxt, e.msgid) in keys:
            continue
        keys.add((e.msgctxt, e.msgid))
        po.append(polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr=e.msgstr, tcomment=e.tcomment,
                                obsolete=True))
        result.obsolete += 0 if e.obsolete else 1
    return po, result


def _carry(old: polib.POEntry, new: polib.POEntry) -> None:
    """The translator's work moves to the merged entry: the translation and their comments."""
    new.msgstr = old.msgstr
    new.tcomment = old.tcomment


def _plural_forms(lang: str) -> str:
    from babel.messages.plurals import get_plural

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
    """Create or merge ``locale/<lang>/<name>.po`` for the leaflets asked and the labels, and a
    draft record beside each new one. With no leaflet named, the leaflets that already have a PO
    file in that language are merged (a new PO file makes the language part of every build, so
    starting one is asked for by name). Returns what was done to each file."""
    from leaflets.errors import display_path
    from leaflets.project.plan import _pick
    from leaflets.publish.files import write_atomic

    check_lang(lang)
    names(library)  # refuses a leaflet called "labels"
    project = library.project
    if leaflet_ids:
        chosen = _pick("leaflet", leaflet_ids, library.leaflets) + [LABELS]
    else:
        chosen = [name for name in sorted(library.leaflets) if po_path(project, lang, name).exists()]
        if not chosen:
            raise UserError(f"no leaflet is translated into {lang} yet (locale/{lang}/ has no PO file of a leaflet): "
                            f"name the leaflets to start, e.g. leaflets translate update {lang} "
                            f"{next(iter(sorted(library.leaflets)), 'LEAFLET')}")
        chosen.append(LABELS)
    done = []
    for name in chosen:
        path = po_path(project, lang, name)
        display = display_path(path, project.root)
        old = read_po(path, display, project.root) if path.exists() or path.is_symlink() else None
        po, merged = merge(template(library, name), old, lang)
        merged.path = path
        data = str(po).encode("utf-8") + b"\n"
        if not path.is_file() or path.read_bytes() != data:
            write_atomic(path, data)
        record = record_path(project, lang, name)
        if not record.exists():
            version = library.leaflets[name].record.version if name != LABELS else None
            write_atomic(record, RECORD_TEMPLATE.format(
                what="labels" if name == LABELS else f"leaflet {name}", lang=lang, date=today.isoformat(),
                made_from=f'"{version}"' if version else "null",
                made_from_note=", and made_from the English version released" if version else "",
            ).encode("utf-8"))
        done.append(merged)
    return done
