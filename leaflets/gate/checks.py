"""Content checks a clinician and CI rely on: readability, review dates, contrast, alt text.

Findings have one severity scale, which the gate (``gate.py``) enforces:
an error blocks every build; a warning blocks a release (and ``check
--strict``) and is printed by a normal build; information blocks nothing.
Each finding names the leaflet and/or branch it concerns, so the gate can
tell which variants it blocks.

The gate never renders: the checks on what the pages show (alt text, every
character in the fonts) are run on the HTML its caller hands it, made in the
commands layer (``commands.check.rendered_pages`` for ``check`` and a
release merge; the build checks each job's HTML with ``gate.judge_markup``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from html.parser import HTMLParser

from leaflets.gate.findings import Finding, Level
from leaflets.gate.rules.content import check_content
from leaflets.gate.rules.contrast import contrast_findings
from leaflets.gate.rules.coverage import coverage_findings
from leaflets.gate.rules.devices import laser_type_findings
from leaflets.gate.rules.fidelity import drift_findings, gloss_findings
from leaflets.gate.rules.readability import Scores, score
from leaflets.gate.rules.seals import seal_findings, shared_findings
from leaflets.gate.rules.translations import TranslationRow, failure, rows, translation_findings
from leaflets.project.load import Library
from leaflets.project.model import Branch, Bullets, Callout, Leaflet, Paragraph, TreatmentList
from leaflets.project.plan import Variant, plan_variants
from leaflets.project.translations import translated_library

MIN_FLESCH = 60.0
MAX_GRADE = 8.0
LONG_SENTENCE_WORDS = 20
REVIEW_WARNING_DAYS = 60


@dataclass(frozen=True)
class ReadabilityRow:
    leaflet: str
    branch: str
    scores: Scores
    lang: str = "en-GB"

    @property
    def measured(self) -> bool:
        """The formulas are for English: other languages get sentence lengths only."""
        return self.lang.split("-")[0] == "en"


@dataclass
class Report:
    readability: list[ReadabilityRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    translations: list[TranslationRow] = field(default_factory=list)

    def count(self, level: Level) -> int:
        return sum(1 for f in self.findings if f.level == level)

    def as_json(self) -> dict:
        return {
            "readability": [
                {"leaflet": r.leaflet, "branch": r.branch, "lang": r.lang,
                 **{k: v if r.measured or k not in ("flesch", "grade", "smog") else None
                    for k, v in asdict(r.scores).items()}}
                for r in self.readability
            ],
            "translations": [{**asdict(t), "percent": round(t.percent, 1)} for t in self.translations],
            "findings": [asdict(f) for f in self.findings],
            "summary": {level: self.count(level) for level in ("error", "warning", "info")},
        }


def body_text(library: Library, leaflet: Leaflet, branch: Branch | None) -> list[str]:
    """The text a patient reads, one unit per heading, paragraph or bullet.

    Names, addresses, contact details, prices and the layout's own labels are
    left out: they are not prose and would distort the scores.
    """
    units = [leaflet.title, leaflet.summary]
    offered = library.offered(leaflet, branch) if branch else [library.treatments[t] for t in leaflet.treatments]
    for section in library.sections_for(leaflet, branch):  # shared advice included, as printed
        units.append(section.heading)
        for block in section.body:
            if isinstance(block, Paragraph):
                units.append(block.p)
            elif isinstance(block, Bullets):
                units += block.bullets
            elif isinstance(block, Callout):
                units += [block.callout.title, *(filter(None, [block.callout.text])), *block.callout.bullets]
            elif isinstance(block, TreatmentList):
                if offered:
                    units.append(block.treatments_offered.intro)
                    units += [t.summary for t in offered]
                else:
                    units.append(block.treatments_offered.none)
    for entry in leaflet.faq:
        units += [entry.question, entry.answer]
    return units


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.missing_alt: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            values = dict(attrs)
            if not (values.get("alt") or "").strip():
                self.missing_alt.append((values.get("src") or "")[:60])


def check_library(library: Library, today: dt.date, variants: list[Variant] | None = None,
                  leaflets: Iterable[str] = (), branches: Iterable[str] = (),
                  rendered: Mapping[Variant, str] | None = None) -> Report:
    """Run every check on the leaflets and branches of ``variants``, or of the chosen
    ``leaflets`` and ``branches`` (default: all, including leaflets no branch offers).

    ``rendered``: each variant's HTML, made by the caller, for the checks on what the pages
    show (alt text, characters in the fonts); a variant without it is not checked for them
    (a build checks the HTML of each job it renders with ``judge_markup``; an incomplete
    translation is never rendered).
    """
    report = Report()
    add = report.findings.append
    if variants is None:
        leaflets, branches = list(leaflets), list(branches)
        variants = plan_variants(library, leaflets, branches)
        leaflet_ids = set(leaflets or library.leaflets)
        branch_ids = set(branches or library.branches)
    else:
        leaflet_ids = {v.leaflet for v in variants}
        branch_ids = {v.branch for v in variants}

    for leaflet in sorted(library.leaflets.values(), key=lambda x: x.id):
        if leaflet.id not in leaflet_ids:
            continue
        file = library.files[("leaflet", leaflet.id)]
        branches = sorted({v.branch for v in variants if v.leaflet == leaflet.id})
        for branch_id in branches or ["-"]:
            branch = library.branches.get(branch_id)
            scores = score(body_text(library, leaflet, branch), LONG_SENTENCE_WORDS)
            report.readability.append(ReadabilityRow(leaflet.id, branch_id, scores))
            subject = f"{leaflet.id} for {branch_id}" if branch else leaflet.id
            at = {"leaflet": leaflet.id, "branch": branch.id if branch else None}
            if scores.flesch < MIN_FLESCH:
                add(Finding("warning", file, subject,
                            f"Flesch Reading Ease {scores.flesch} is below {MIN_FLESCH:g}; "
                            "use shorter words and sentences", **at))
            if scores.grade > MAX_GRADE:
                add(Finding("warning", file, subject,
                            f"reading grade {scores.grade} is above {MAX_GRADE:g}; use shorter words and sentences",
                            **at))
        for sentence in score(body_text(library, leaflet, None), LONG_SENTENCE_WORDS).long_sentences:
            add(Finding("warning", file, leaflet.id,
                        f"sentence of {sentence.words} words (at most {LONG_SENTENCE_WORDS}): \"{sentence.text}\"",
                        leaflet=leaflet.id))
        if not branches and leaflet.treatment:
            add(Finding("info", file, leaflet.id, f"not built: no branch offers {leaflet.treatment}",
                        leaflet=leaflet.id))

        record = leaflet.record
        due = record.review_due
        if record.status == "draft":
            add(Finding("warning", file, leaflet.id,
                        "draft: not approved by a clinician; marked DRAFT on every page, and a release refuses it",
                        leaflet=leaflet.id))
        if due is not None and due < today:
            add(Finding("warning", file, leaflet.id,
                        f"review overdue since {due.isoformat()}; marked on every page, and a release refuses it: "
                        "review the content, then update record.approved and record.next_review",
                        leaflet=leaflet.id))
        elif due is not None and (due - today).days <= REVIEW_WARNING_DAYS:
            add(Finding("info", file, leaflet.id,
                        f"review due on {due.isoformat()}, within {REVIEW_WARNING_DAYS} days", leaflet=leaflet.id))
        # Seals (leaflets/gate/rules/seals.py): approved content changed since approval, or approved by hand.

        report.findings += seal_findings(library, leaflet.id)

    report.findings += shared_findings(library)

    for branch in sorted(library.branches.values(), key=lambda x: x.id):
        if branch.id not in branch_ids:
            continue
        file = library.files[("branch", branch.id)]
        report.findings += contrast_findings(branch, file)  # leaflets/gate/rules/contrast.py
        if branch.clinic_placeholder:
            add(Finding("warning", file, branch.id,
                        f"clinic name {branch.clinic!r} is a placeholder; a release refuses it: "
                        "replace it and set clinic_placeholder: false",
                        branch=branch.id))

    # Laser leaflets (leaflets/gate/rules/devices.py): a release needs the branch laser's type.

    report.findings += laser_type_findings(library, variants)

    # Translations (leaflets/gate/rules/translations.py): completeness, draft, English version; sentence lengths.

    report.translations = rows(library, variants)
    report.findings += translation_findings(library, variants)
    # Numbers, links and glosses a translation keeps from the English (leaflets/gate/rules/fidelity.py).
    report.findings += drift_findings(library, variants) + gloss_findings(library, variants)
    report.readability += _translated_readability(library, variants)

    # What the pages show (alt text; every character in the fonts, leaflets/gate/rules/coverage.py),
    # checked on the HTML the caller rendered: the gate never renders.

    for variant in variants:
        html = (rendered or {}).get(variant)
        if html is not None:
            report.findings += markup_findings(variant, html)
            report.findings += [f for f in coverage_findings(library, variant, html) if f not in report.findings]

    # Content rules (leaflets/gate/rules/content.py): whole-sentence bullets, glossary terms,
    # shared advice written by hand, unsupported sources, points to confirm with a clinician.

    for finding in check_content(library):
        scoped = _scope_by_file(finding, library)
        if (scoped.leaflet is None or scoped.leaflet in leaflet_ids) and (
            scoped.branch is None or scoped.branch in branch_ids
        ):
            add(scoped)
    return report


def _translated_readability(library: Library, variants: list[Variant]) -> list[ReadabilityRow]:
    """Sentence lengths of each complete translation, per branch (the formulas are not used)."""

    found = []
    for leaflet_id, branch_id, lang in sorted({(v.leaflet, v.branch, v.lang) for v in variants}):
        leaflet = library.leaflets[leaflet_id]
        if lang == leaflet.lang or failure(library, next(v for v in variants if (v.leaflet, v.branch, v.lang) == (
                leaflet_id, branch_id, lang))):
            continue
        view = translated_library(library, lang, leaflet_id)
        units = body_text(view, view.leaflets[leaflet_id], view.branches[branch_id])
        found.append(ReadabilityRow(leaflet_id, branch_id, score(units, LONG_SENTENCE_WORDS), lang))
    return found


def _scope_by_file(finding: Finding, library: Library) -> Finding:
    """A finding about a leaflet's or a branch's own file concerns only that leaflet or branch;
    one about shared data (advice, treatments, sources) concerns every variant."""
    if finding.leaflet or finding.branch:
        return finding
    path = finding.file.split(":", 1)[0]
    for (kind, item_id), file in library.files.items():
        if file == path and kind == "leaflet":
            return replace(finding, leaflet=item_id)
        if file == path and kind == "branch":
            return replace(finding, branch=item_id)
    return finding


def markup_findings(variant: Variant, html: str) -> list[Finding]:
    """Problems in a variant's rendered HTML: images without alt text."""
    images = _Images()
    images.feed(html)
    return [
        Finding("error", "templates/", variant.name, f"image without alt text: {src}",
                leaflet=variant.leaflet, branch=variant.branch, format=variant.format, lang=variant.lang)
        for src in images.missing_alt
    ]
