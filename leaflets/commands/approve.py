"""``leaflets approve LEAFLET --by NAME --role ROLE``: a clinician's approval, sealed.

The approval is recorded in two places, both readable in a git diff:

- ``records/<leaflet>/<version>.txt``: who approved which version, when, the next
  review date and the seal, followed by the clinical text exactly as approved
  (``project/clinical.py``); never overwritten.
- the leaflet's ``record:`` in ``data/leaflets/<leaflet>.yaml``: ``status: approved``,
  the new ``version``, ``approver``, ``approved``, ``next_review`` and ``seal``, and a
  line in ``changes``. Only those lines are rewritten; comments and layout stay.

Versions: 1.0 for the first approval, then 1.1, 1.2, ...; 2.0 with ``major``.
Content with gate errors is refused, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from leaflets.commands.check import rendered_pages
from leaflets.errors import UserError
from leaflets.gate.checks import check_library
from leaflets.project.approvals import (
    Approval,
    read_approvals,
    seal_state,
    translation_seal,
    translation_state,
    translation_text,
    version_key,
    write_approval,
    write_text_atomic,
)
from leaflets.project.clinical import PartChange, clinical_parts, clinical_text, compare, seal_of
from leaflets.project.folder import find_project
from leaflets.project.load import Library, load_library
from leaflets.project.messages import LABELS, SHARED
from leaflets.project.model import REVIEW_PERIOD_YEARS, Approver
from leaflets.project.plan import pick, plan_variants


@dataclass
class Approved:
    """What ``approve`` sealed, for the command line to print."""

    approval: Approval
    record_file: str  # records/<leaflet>/<version>.txt
    data_file: str  # data/leaflets/<leaflet>.yaml
    parts: dict[str, int] = field(default_factory=dict)  # kind -> how many parts of that kind were sealed
    changes: list[PartChange] = field(default_factory=list)  # since the previous approval
    previous: Approval | None = None

    def lines(self) -> list[str]:
        a = self.approval
        counted = ", ".join(f"{n} {kind.lower()}{'' if n == 1 or kind == 'Shared advice' else 's'}"
                            for kind, n in self.parts.items())
        said = [f"Sealed {a.leaflet} version {a.version}: {counted}.",
                f"  seal {a.seal}",
                f"  {a.line}",
                f"  approved text kept in {self.record_file}; record updated in {self.data_file}"]
        if self.previous is not None:
            said.append(f"  since version {self.previous.version}: {a.changes}")
        return said


def next_version(approvals: list[Approval], major: bool) -> str:
    if not approvals:
        return "1.0"
    last = version_key(approvals[-1].version)
    if major:
        return f"{last[0] + 1}.0"
    return f"{last[0]}.{(last[1] if len(last) > 1 else 0) + 1}"


def change_summary(changes: list[PartChange], previous: Approval | None) -> str:
    if previous is None:
        return "first approval"
    if not changes:
        return "reviewed again, no change to the clinical text"
    named = ", ".join(c.title for c in changes[:4]) + (f" and {len(changes) - 4} more" if len(changes) > 4 else "")
    count = len(changes)
    return f"{count} part{'s' if count != 1 else ''} changed: {named}"


def approve(leaflet_id: str, by: str, role: str, root: Path | None = None, date: dt.date | None = None,
            next_review: dt.date | None = None, major: bool = False) -> Approved:
    """Seal the leaflet's clinical text as approved by ``by`` (``role``) on ``date`` (default today)."""
    project = find_project(root)
    library = load_library(project)
    pick("leaflet", [leaflet_id], library.leaflets)  # an unknown id: "did you mean ...?"
    approver, date = _who_and_when(by, role, date, "approve refused",
                                   "; give the day the clinician approved the leaflet (today or earlier)")
    due = next_review or _years_later(date, REVIEW_PERIOD_YEARS)
    if due <= date:
        raise UserError(f"approve refused: --next-review {due.isoformat()} must be after the approval date "
                        f"{date.isoformat()}")
    _refuse_gate_errors(library, leaflet_id, dt.date.today())

    approvals = read_approvals(project.root, leaflet_id)
    previous = approvals[-1] if approvals else None
    version = next_version(approvals, major)
    text = clinical_text(library, leaflet_id)
    seal = seal_of(text)
    changes = compare(previous.text, text) if previous else []
    approval = Approval(leaflet_id, version, date, approver.name, approver.role, due, seal,
                        change_summary(changes, previous), text, f"records/{leaflet_id}/{version}.txt")
    data_file = library.files[("leaflet", leaflet_id)]
    data_path = project.root / data_file
    original = data_path.read_bytes()
    edited = edit_record(original.decode("utf-8"), {
        "status": "approved",
        "version": json.dumps(version),
        "approver": f"{{name: {json.dumps(approver.name, ensure_ascii=False)}, "
                    f"role: {json.dumps(approver.role, ensure_ascii=False)}}}",
        "approved": date.isoformat(),
        "next_review": due.isoformat(),
        "seal": seal,
    }, (version, date.isoformat(), f"Approved by {approver.name}, {approver.role}: {approval.changes}."))
    try:
        record_path = write_approval(project.root, approval)
    except FileExistsError:
        raise UserError(f"approve refused: records/{leaflet_id}/{version}.txt exists already; an approval is never "
                        "overwritten (is the leaflet's record.version behind its records folder?)") from None
    try:
        write_text_atomic(data_path, edited)
        check = load_library(project)
        state = seal_state(check, leaflet_id)
        if state.state != "approved":
            raise UserError(f"approve failed: the record did not seal ({state.why or state.state}); "
                            f"{data_file} was left as it was")
    except BaseException:
        data_path.write_bytes(original)
        record_path.unlink(missing_ok=True)
        raise
    parts: dict[str, int] = {}
    for part in clinical_parts(library, leaflet_id):
        parts[part.kind] = parts.get(part.kind, 0) + 1
    return Approved(approval, approval.file, data_file, parts, changes, previous)


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _refuse_gate_errors(library: Library, leaflet_id: str, today: dt.date) -> None:
    """Refuse content the gate finds errors in, its pages' included (alt text, characters the fonts
    lack: the HTML of each of its variants in its own language is made and handed to the gate), so
    that nothing sealed fails its first build."""
    own = plan_variants(library, [leaflet_id], langs=[library.leaflets[leaflet_id].lang])
    report = check_library(library, today, leaflets=[leaflet_id], rendered=rendered_pages(library, own, today))
    errors = [f for f in report.findings if f.level == "error" and f.leaflet in (None, leaflet_id)]
    if errors:
        raise UserError("approve refused: the gate finds errors in this content; fix them first (leaflets check "
                        f"{leaflet_id}):\n" + "\n".join(str(f) for f in errors))


# --- Rewriting the record's lines, keeping the rest of the file ---------------------------


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _span(lines: list[str], start: int, end: int, key_indent: int) -> int:
    """The end of the value of the key on line ``start``: the lines after it that are more
    indented (or list items at the same indent), blank lines inside included."""
    stop = start + 1
    i = start + 1
    while i < end:
        line = lines[i]
        if line.strip() and not (_indent(line) > key_indent or line[key_indent:].startswith("- ")):
            break
        i += 1
        if line.strip():
            stop = i
    return stop


def edit_record(text: str, values: dict[str, str], change: tuple[str, str, str]) -> str:
    """``text`` (a leaflet's YAML) with the ``record:`` keys in ``values`` set (added after the last
    of them when missing) and an entry added at the end of ``changes``."""
    crlf = "\r\n" in text
    lines = text.replace("\r\n", "\n").split("\n")
    start = next((i for i, line in enumerate(lines) if re.match(r"^record:\s*(#.*)?$", line)), None)
    if start is None:
        raise UserError("approve refused: the leaflet has no `record:` block at the start of a line; add it "
                        "(see docs/data-format.md)")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() and not lines[i][0].isspace()
                and not lines[i].startswith("#")), len(lines))
    body = [i for i in range(start + 1, end) if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    if not body:
        raise UserError("approve refused: the leaflet's `record:` block is empty")
    indent = _indent(lines[body[0]])
    pad = " " * indent
    last = start + 1
    for key, value in values.items():
        found = next((i for i in range(start + 1, end) if lines[i].startswith(f"{pad}{key}:")
                      and _indent(lines[i]) == indent), None)
        if found is None:
            lines.insert(last, f"{pad}{key}: {value}")
            end += 1
            last += 1
            continue
        stop = _span(lines, found, end, indent)
        lines[found:stop] = [f"{pad}{key}: {value}"]
        end -= stop - found - 1
        last = found + 1
    found = next((i for i in range(start + 1, end) if lines[i].startswith(f"{pad}changes:")), None)
    version, date, note = change
    if found is None:
        entry = [f"{pad}changes:"]
        item = pad + "  "
        at = end
    else:
        stop = _span(lines, found, end, indent)
        items = [lines[i] for i in range(found + 1, stop) if lines[i].lstrip().startswith("- ")]
        item = " " * (_indent(items[0]) if items else indent + 2)
        entry, at = [], stop
    entry += [f"{item}- version: {json.dumps(version)}", f"{item}  date: {date}",
              f"{item}  note: {json.dumps(note, ensure_ascii=False)}"]
    lines[at:at] = entry
    result = "\n".join(lines)
    return result.replace("\n", "\r\n") if crlf else result


def set_top_level(text: str, values: dict[str, str]) -> str:
    """``text`` (a YAML mapping) with the top-level keys in ``values`` set (appended when missing);
    comments and the other lines stay."""
    crlf = "\r\n" in text
    lines = text.replace("\r\n", "\n").split("\n")
    for key, value in values.items():
        found = next((i for i, line in enumerate(lines) if re.match(rf"^{re.escape(key)}:(\s|$)", line)), None)
        if found is None:
            while lines and lines[-1] == "":
                lines.pop()
            lines += [f"{key}: {value}", ""]
            continue
        comment = re.search(r"\s+#.*$", lines[found])
        stop = _span(lines, found, len(lines), 0)
        lines[found:stop] = [f"{key}: {value}" + (comment.group() if comment and "null" in lines[found] else "")]
    result = "\n".join(lines)
    return result.replace("\n", "\r\n") if crlf else result


@dataclass
class TranslationApproved:
    approval: Approval
    record_file: str

    def lines(self) -> list[str]:
        a = self.approval
        return [f"Sealed the {a.lang} translation of {a.leaflet} (approval {a.version}), checked by {a.approver}, "
                f"{a.role}, on {a.approved.isoformat()}.",
                f"  seal {a.seal}" + (f"; made from the English sealed {a.english_seal}" if a.english_seal else ""),
                f"  approved translation kept in {a.file}; record updated in {self.record_file}"]


def approve_translation(lang: str, name: str, by: str, role: str, root: Path | None = None,
                        translator: str | None = None, date: dt.date | None = None) -> TranslationApproved:
    """Seal ``locale/LANG/NAME.po`` (a leaflet's or the labels') as checked by ``by`` (``role``), with the
    seal of the English it was made from; the English must be approved and the translation complete."""

    project = find_project(root)
    library = load_library(project)
    translations = library.translations
    translation = translations.get(lang, name) if translations else None
    if translation is None:
        raise UserError(f"translate approve refused: there is no locale/{lang}/{name}.po; run leaflets translate "
                        f"update {lang} {'' if name in (LABELS, SHARED) else name}".rstrip())
    checker, date = _who_and_when(by, role, date, "translate approve refused")
    cover = translation.coverage
    if not cover.complete:
        raise UserError(f"translate approve refused: {translation.file} is not complete and current "
                        f"({len(cover.fuzzy)} fuzzy or out of date, {len(cover.untranslated)} untranslated); "
                        "translate them first:\n"
                        + "\n".join(str(gap) for gap in cover.gaps[:20]))
    english_seal = None
    made_from = None
    if name not in (LABELS, SHARED):
        state = seal_state(library, name)
        if state.state != "approved":
            raise UserError(f"translate approve refused: the English {name} is not approved as it stands "
                            f"({state.state}); a translation is approved against approved English: "
                            f"leaflets review {name} -o {name}-review.pdf, then leaflets approve {name} "
                            "--by NAME --role ROLE")
        english_seal = state.seal
        made_from = library.leaflets[name].record.version
    record = translation.record
    who = translator or (record.translator if record else None)
    if not who:
        raise UserError(f"translate approve refused: {translation.record_file} names no translator; give the person "
                        "who translated it with --translator NAME (never a made-up name)")
    approvals = read_approvals(project.root, name, lang)
    version = next_version(approvals, False)
    text = translation_text(translation)
    seal = translation_seal(translation)
    approval = Approval(name, version, date, checker.name, checker.role, None, seal,
                        f"made from English version {made_from}" if made_from else f"the {name} strings", text,
                        f"records/{name}/{lang}/{version}.txt", lang, english_seal)
    values = {"status": "approved", "translator": json.dumps(who, ensure_ascii=False),
              "checked_by": f"{{name: {json.dumps(checker.name, ensure_ascii=False)}, "
                            f"role: {json.dumps(checker.role, ensure_ascii=False)}}}",
              "date": date.isoformat(), "seal": seal}
    if made_from and english_seal:
        values |= {"made_from": json.dumps(made_from), "english_seal": english_seal}
    record_path = project.root / translation.record_file
    original = record_path.read_bytes()
    edited = set_top_level(original.decode("utf-8"), values)
    try:
        kept = write_approval(project.root, approval)
    except FileExistsError:
        raise UserError(f"translate approve refused: {approval.file} exists already") from None
    try:
        write_text_atomic(record_path, edited)
        check = load_library(project)
        again = check.translations.get(lang, name)
        if again is None or again.record is None or again.record.seal != translation_seal(again):
            raise UserError(f"translate approve failed: the record did not seal; {translation.record_file} was left "
                            "as it was")
        if name not in (LABELS, SHARED) and translation_state(check, lang, name) == "out of date":
            raise UserError("translate approve failed: the translation is still out of date")
    except BaseException:
        record_path.write_bytes(original)
        kept.unlink(missing_ok=True)
        raise
    return TranslationApproved(approval, translation.record_file)


def _who_and_when(by: str, role: str, date: dt.date | None, refused: str, future_hint: str = "") -> tuple[
        Approver, dt.date]:
    """The person approving (--by, --role) and the day (--date, default today, never in the future),
    or a UserError beginning with ``refused``."""
    try:
        approver = Approver(name=by, role=role)
    except ValidationError as error:
        problems = "; ".join(f"--{'by' if e['loc'][0] == 'name' else 'role'}: {e['msg']}" for e in error.errors())
        raise UserError(f"{refused}: {problems}") from None
    today = dt.date.today()
    day = date or today
    if day > today:
        raise UserError(f"{refused}: --date {day.isoformat()} is in the future{future_hint}")
    return approver, day
