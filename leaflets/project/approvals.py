"""The approved texts: ``records/<leaflet>/<version>.txt``, one file per approval.

``leaflets approve`` writes each file once: a short header (who approved which
version, when, the next review and the seal) and, after a line ``---``, the
clinical text exactly as sealed (``project/clinical.py``). The files are plain text,
so a git diff between two versions reads like a redline; they are what
``leaflets review`` compares the content with, what ``leaflets history``
lists, and how the gate tells an approval made by ``leaflets approve`` (its
text is here and has its seal) from one typed into the data by hand.

Approved translations keep theirs in ``records/<leaflet>/<lang>/<version>.txt``
(the English version they were approved against).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from leaflets.project.clinical import PartChange, canonical, clinical_text, compare, seal_of
from leaflets.project.files import UnsafeFile, read_project_file, resolve_inside
from leaflets.project.load import Library

RECORDS = "records"
SEPARATOR = "\n---\n"
VERSION_RE = re.compile(r"^[0-9]{1,4}(\.[0-9]{1,4}){0,3}$")
MAX_RECORD_BYTES = 1_000_000


@dataclass(frozen=True)
class Approval:
    """One approval of a leaflet (or of a translation: ``lang`` set)."""

    leaflet: str
    version: str
    approved: dt.date
    approver: str
    role: str
    next_review: dt.date | None
    seal: str
    changes: str  # one line: what changed since the version before
    text: str  # the clinical text as sealed
    file: str  # relative to the project
    lang: str | None = None
    english_seal: str | None = None  # a translation: the seal of the English it was approved against

    @property
    def intact(self) -> bool:
        """Whether the stored text still has the seal written beside it."""
        return seal_of(self.text) == self.seal

    @property
    def line(self) -> str:
        """The printed record: "Version 1.0, approved by Dr A, Consultant, on 1 December 2026. Next review ..."."""
        said = f"Version {self.version}, approved by {self.approver}, {self.role}, on {long_date(self.approved)}."
        return said + (f" Next review {long_date(self.next_review)}." if self.next_review else "")


def long_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in version.split("."))


def folder(root: Path, leaflet: str, lang: str | None = None) -> Path:
    base = root / RECORDS / leaflet
    return base / lang if lang else base


def _parse(data: bytes, file: str, leaflet: str, lang: str | None) -> Approval | None:
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    head, sep, body = text.partition(SEPARATOR)
    if not sep:
        return None
    try:
        header = yaml.safe_load(head)
    except yaml.YAMLError:
        return None
    if not isinstance(header, dict):
        return None
    try:
        approved = header["approved"]
        next_review = header.get("next_review")
        if not isinstance(approved, dt.date) or (next_review is not None and not isinstance(next_review, dt.date)):
            return None
        return Approval(leaflet, str(header["version"]), approved, str(header["approver"]), str(header["role"]),
                        next_review, str(header["seal"]), str(header.get("changes") or ""), body, file, lang,
                        header.get("english_seal"))
    except KeyError:
        return None


def read_approvals(root: Path, leaflet: str, lang: str | None = None) -> list[Approval]:
    """Every approval of a leaflet (or its translation into ``lang``), oldest first. A file that is
    not a record made by ``leaflets approve`` is left out (the gate then finds no text for its seal)."""
    where = folder(root, leaflet, lang)
    if not where.is_dir():
        return []
    found = []
    for path in where.glob("*.txt"):
        if not VERSION_RE.fullmatch(path.stem):
            continue
        try:
            data = read_project_file(path, root, MAX_RECORD_BYTES)
        except UnsafeFile:
            continue
        approval = _parse(data, path.relative_to(root).as_posix(), leaflet, lang)
        if approval is not None and approval.version == path.stem:
            found.append(approval)
    return sorted(found, key=lambda a: version_key(a.version))


def find_approval(root: Path, leaflet: str, version: str, lang: str | None = None) -> Approval | None:
    return next((a for a in read_approvals(root, leaflet, lang) if a.version == version), None)


def write_approval(root: Path, approval: Approval) -> Path:
    """Write an approval's file (never over an existing one); returns its path."""
    target = folder(root, approval.leaflet, approval.lang) / f"{approval.version}.txt"
    header = {"leaflet": approval.leaflet, **({"language": approval.lang} if approval.lang else {}),
              "version": approval.version, "approved": approval.approved, "approver": approval.approver,
              "role": approval.role, "next_review": approval.next_review, "seal": approval.seal,
              **({"english_seal": approval.english_seal} if approval.english_seal else {}),
              "changes": approval.changes}
    who = "translation" if approval.lang else "text"
    data = (f"# The {who} {approval.approver} approved, made by `leaflets approve`: do not edit it (its seal would\n"
            "# no longer match). The next approval is compared with it.\n"
            + yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=1000)
            + SEPARATOR.lstrip("\n") + approval.text)
    target.parent.mkdir(parents=True, exist_ok=True)
    resolve_inside(target.parent, root)
    if target.exists():
        raise FileExistsError(target)
    write_text_atomic(target, data)
    return target


def write_text_atomic(target: Path, text: str) -> None:
    """Write to a temporary file beside ``target``, then rename it over: never half-written."""
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# --- The state of a leaflet's approval ------------------------------------------------------

NOT_FOR_PATIENTS = ("draft", "changed", "unsealed")


@dataclass(frozen=True)
class SealState:
    leaflet: str
    state: str  # "draft", "approved", "changed" or "unsealed"
    seal: str  # the seal of the clinical text now
    text: str  # the clinical text now
    approval: Approval | None = None  # the approval the record names, when its text is kept
    changes: tuple[PartChange, ...] = ()
    why: str = ""  # for "unsealed": why the approval is not accepted

    @property
    def for_patients(self) -> bool:
        return self.state == "approved"


_CACHE: list[tuple[Library, dict[str, SealState]]] = []


def seal_state(library: Library, leaflet_id: str) -> SealState:
    """The leaflet's state (see the module docstring); computed once per loaded library."""
    states = next((found for cached, found in _CACHE if cached is library), None)
    if states is None:
        states = {}
        _CACHE.append((library, states))
        del _CACHE[:-4]
    if leaflet_id not in states:
        states[leaflet_id] = _state(library, leaflet_id)
    return states[leaflet_id]


def _state(library: Library, leaflet_id: str) -> SealState:
    record = library.leaflets[leaflet_id].record
    text = clinical_text(library, leaflet_id)
    seal = seal_of(text)
    if record.status == "draft":
        return SealState(leaflet_id, "draft", seal, text)
    if record.seal is None:
        return SealState(leaflet_id, "unsealed", seal, text,
                         why="status: approved was written by hand, without the seal leaflets approve writes")
    approval = find_approval(library.project.root, leaflet_id, record.version)
    kept = f"records/{leaflet_id}/{record.version}.txt"
    if approval is None or not approval.intact or approval.seal != record.seal:
        why = (f"its seal does not match the content, and no approved text ({kept}) has that seal"
               if record.seal != seal else f"the approved text {kept} is missing or was edited")
        return SealState(leaflet_id, "unsealed", seal, text, why=why)
    approver = record.approver
    if (approver is None or approver.name != approval.approver or approver.role != approval.role
            or record.approved != approval.approved):
        return SealState(leaflet_id, "unsealed", seal, text, approval,
                         why=f"its approver or date differs from the approval kept in {kept}")
    if record.seal != seal:
        return SealState(leaflet_id, "changed", seal, text, approval, tuple(compare(approval.text, text)))
    return SealState(leaflet_id, "approved", seal, text, approval)


# --- Translations ------------------------------------------------------------------------------


def translation_text(translation) -> str:
    """The canonical text of a translation (``project.translations.Translation``): every PO entry in
    context order, with its English, its translation and whether it is fuzzy or left out."""
    lines = [f"## Translation: {translation.name} in {translation.lang}"]
    for context in sorted(translation.entries):
        entry = translation.entries[context]
        lines += [f"## {context}", f"English: {canonical(entry.msgid)}", f"Translation: {canonical(entry.msgstr)}"]
        if entry.fuzzy:
            lines.append("Fuzzy")
        if entry.not_applicable is not None:
            lines.append(f"Not applicable: {canonical(entry.not_applicable)}")
    return "\n".join(lines) + "\n"


def translation_seal(translation) -> str:
    return seal_of(translation_text(translation))


def translation_state(library: Library, lang: str, leaflet_id: str) -> str:
    """A translated variant's state: "draft" (a record not approved, or approved without ``leaflets
    translate approve``'s seal, or edited since), "out of date" (strings or the approval made from an
    earlier English: still built, marked, refused by a release) or "approved"."""
    translations = library.translations  # none read (the English alone): every translation is a draft
    present = translations.for_variant(lang, leaflet_id)
    if any(not t.coverage.complete for t in present):
        return "out of date"
    approved = [(t, t.record) for t in present if t.record is not None and t.record.status == "approved"]
    if len(present) < len(translations.needed(lang, leaflet_id)) or len(approved) < len(present):
        return "draft"
    if any(record.seal is None or record.seal != translation_seal(t) for t, record in approved):
        return "draft"
    mine = translations.get(lang, leaflet_id)
    if mine is None or mine.record is None:  # not reached: the leaflet's own PO file is among those needed
        return "draft"
    if mine.record.english_seal != seal_state(library, leaflet_id).seal:
        return "out of date"
    return "approved"
