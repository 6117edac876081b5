"""The gate's view of translations: what stops a language variant, and what a release refuses.

A language variant is built when every string of the leaflet and of the
labels has a translation (an entry marked not applicable counts as done): of
the English as it is now, or of an earlier English (a fuzzy entry, or one the
English changed under, placeholders kept). Built from an earlier English it
is marked "Translation of an earlier version - not for patient use" on every
page and a release refuses it (a warning naming each entry); a one-word
English edit no longer makes the Polish and Urdu leaflets fail and vanish.
A string with no translation at all fails that variant, naming each entry
with its PO file and line; the English and the other languages are still
built. A release also needs the translation approved with ``leaflets
translate approve`` (sealed over its PO content and the seal of the English
it was made from: ``project/approvals.py``), made from the English version
being released, and the English itself approved: else a warning, which
blocks a release like every warning. A draft translation is marked on every
page.
"""

from __future__ import annotations

from dataclasses import dataclass

from leaflets.gate.findings import Finding
from leaflets.project.approvals import seal_state, translation_seal
from leaflets.project.load import Library
from leaflets.project.messages import shared_messages
from leaflets.project.plan import Variant
from leaflets.project.translated import LABELS, SHARED, Coverage, Translation, Translations


@dataclass(frozen=True)
class TranslationRow:
    """One line of ``check``'s translation table: a leaflet (or the labels) in one language."""

    name: str
    lang: str
    file: str
    total: int
    translated: int
    fuzzy: int
    untranslated: int
    not_applicable: tuple[tuple[str, str], ...]  # (context, reason)
    status: str  # the record's status, or "no record"
    made_from: str | None
    current: str | None  # the English version now

    @property
    def percent(self) -> float:
        done = self.translated + len(self.not_applicable)
        return 100.0 * done / self.total if self.total else 100.0


def _translations(library: Library) -> Translations:
    return library.translations or Translations()


def missing(library: Library, lang: str, leaflet_id: str) -> list[str]:
    """The PO files a variant in ``lang`` needs but the project lacks."""
    have = {t.name for t in _translations(library).for_variant(lang, leaflet_id)}
    needed = (leaflet_id, SHARED, LABELS) if shared_messages(library, leaflet_id) else (leaflet_id, LABELS)
    return [f"locale/{lang}/{name}.po" for name in needed if name not in have]


def failure(library: Library, variant: Variant) -> str | None:
    """Why a language variant may not be built (an incomplete translation), or None."""
    leaflet = library.leaflets[variant.leaflet]
    if variant.lang == leaflet.lang:
        return None
    lines = [f"{path} is missing: run leaflets translate update {variant.lang} {variant.leaflet}"
             for path in missing(library, variant.lang, variant.leaflet)]
    for translation in _translations(library).for_variant(variant.lang, variant.leaflet):
        cover = translation.coverage
        lines += [str(gap) for gap in sorted(cover.untranslated + cover.unusable, key=lambda g: (g.file, g.line))]
    if not lines:
        return None
    return (f"{variant.name}: the {variant.lang} translation is not complete (every string must have a translation, "
            "of this English or an earlier one; nothing falls back to English):\n    " + "\n    ".join(lines))


def is_draft(library: Library, lang: str, leaflet_id: str) -> bool:
    """Whether a translated variant is marked "Draft translation" (any of its records not approved)."""
    return _translations(library).is_draft(lang, leaflet_id)


def rows(library: Library, variants: list[Variant]) -> list[TranslationRow]:
    """The translation table: each translated leaflet of ``variants`` and the labels, per language."""
    wanted = sorted({(v.lang, v.leaflet) for v in variants if v.lang != library.leaflets[v.leaflet].lang})
    found: list[TranslationRow] = []
    seen: set[tuple[str, str]] = set()
    for lang, leaflet_id in wanted:
        for translation in _translations(library).for_variant(lang, leaflet_id):
            if (lang, translation.name) in seen:
                continue
            seen.add((lang, translation.name))
            # The shared text's row: every shared string of the leaflets translated into the language.
            found.append(_row(library, _translations(library).get(lang, translation.name) or translation))
    return found


def _row(library: Library, translation: Translation) -> TranslationRow:
    cover: Coverage = translation.coverage
    record = translation.record
    current = library.leaflets[translation.name].record.version \
        if translation.name not in (LABELS, SHARED) else None
    return TranslationRow(
        translation.name, translation.lang, translation.file, cover.total, cover.translated, len(cover.fuzzy),
        len(cover.untranslated), tuple(cover.not_applicable), record.status if record else "no record",
        record.made_from if record else None, current,
    )


def translation_findings(library: Library, variants: list[Variant]) -> list[Finding]:
    """Warnings a release refuses (incomplete, draft, made from another English version) and notes
    (strings left out as not applicable), each scoped to its leaflet and language."""
    findings: list[Finding] = []
    wanted = sorted({(v.lang, v.leaflet) for v in variants if v.lang != library.leaflets[v.leaflet].lang})
    for lang, leaflet_id in wanted:
        at: dict[str, str | None] = {"leaflet": leaflet_id, "lang": lang}
        subject = f"{leaflet_id} in {lang}"
        for path in missing(library, lang, leaflet_id):
            findings.append(Finding("warning", path, subject, f"missing: run leaflets translate update {lang}; "
                                    "the variants in this language fail until it is complete", **at))
        for translation in _translations(library).for_variant(lang, leaflet_id):
            # The labels and the shared text's record concern every leaflet in this language; the shared
            # text's coverage, the strings this leaflet prints.
            if translation.name in (LABELS, SHARED):
                at, subject = {"leaflet": None, "lang": lang}, f"{translation.name} in {lang}"
            else:
                at, subject = {"leaflet": leaflet_id, "lang": lang}, f"{leaflet_id} in {lang}"
            cover = translation.coverage
            cover_at, cover_subject = (({"leaflet": leaflet_id, "lang": lang}, f"{leaflet_id} in {lang} (shared text)")
                                       if translation.name == SHARED else (at, subject))
            if not cover.usable:
                findings.append(Finding(
                    "warning", translation.file, cover_subject,
                    f"{cover.percent:.0f}% translated ({len(cover.fuzzy)} fuzzy, {len(cover.untranslated)} "
                    "untranslated): the variants in this language fail until every string is translated; "
                    "see `leaflets check` or build it for each entry", **cover_at))
            elif not cover.complete:
                count = cover.stale
                findings.append(Finding(
                    "warning", translation.file, cover_subject,
                    f"{count} string{'s' if count != 1 else ''} out of date (the English changed, or fuzzy): built "
                    "with the earlier translation and marked \"Translation of an earlier version - not for patient "
                    f"use\" on every page; a release refuses it: run leaflets translate update {lang}, then review "
                    "the fuzzy entries: " + "; ".join(str(gap) for gap in cover.gaps[:5])
                    + (f"; and {len(cover.gaps) - 5} more" if len(cover.gaps) > 5 else ""), **cover_at))
            for context, reason in cover.not_applicable:
                findings.append(Finding("info", translation.file, cover_subject,
                                        f"not applicable in {lang}, left out: {context} ({reason})", **cover_at))
            record = translation.record
            if record is None:
                continue
            approve = f"leaflets translate approve {lang} {translation.name} --by NAME --role ROLE"
            if record.status != "approved":
                findings.append(Finding(
                    "warning", translation.record_file, subject,
                    "draft translation: not yet checked by a qualified translator; marked on every page, and a "
                    f"release refuses it; once checked: {approve}", **at))
            elif record.seal is None or record.seal != translation_seal(translation):
                why = ("status: approved was written by hand, without the seal" if record.seal is None
                       else "the PO file changed since it was approved")
                findings.append(Finding(
                    "warning", translation.record_file, subject,
                    f"not sealed ({why}): it counts as a draft translation, marked on every page, and a release "
                    f"refuses it; the qualified checker approves it with: {approve}", **at))
            elif translation.name not in (LABELS, SHARED) and \
                    record.english_seal != seal_state(library, leaflet_id).seal:
                findings.append(Finding(
                    "warning", translation.record_file, subject,
                    "translation of an earlier version: the English changed since this translation was approved; "
                    "still built, marked \"Translation of an earlier version - not for patient use\" on every page, "
                    f"and a release refuses it: run leaflets translate update {lang} {leaflet_id}, translate the "
                    f"fuzzy entries, then {approve}", **at))
            if translation.name not in (LABELS, SHARED):
                current = library.leaflets[leaflet_id].record.version
                if record.made_from != current:
                    findings.append(Finding(
                        "warning", translation.record_file, subject,
                        f"made from English version {record.made_from}, but the English is now version {current}: "
                        f"a release refuses it: run leaflets translate update {lang} {leaflet_id}, translate the "
                        f"fuzzy entries, then leaflets translate approve {lang} {leaflet_id} --by NAME --role ROLE",
                        **at))
    return _unique(findings)


def _unique(findings: list[Finding]) -> list[Finding]:
    """The labels' findings come once per language, not once per leaflet."""
    return list(dict.fromkeys(findings))
