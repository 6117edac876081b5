"""The gate: the one place that decides what may be built and shipped.

Every path asks it. ``check`` prints its findings; ``build`` refuses a
selection with errors (exit 2, nothing written) and prints release-blockers
as warnings; ``build --release`` and ``merge-manifests --release`` also
refuse release-blockers; the catalogue and the preview show each variant's
``Status``.

One severity scale (see ``checks.py``): an error blocks every build; a
warning blocks a release (it is what ``check --strict`` fails on): a draft,
content changed since its approval or approved without a seal (``rules/seals.py``),
a review date that has passed, a placeholder clinic name, brand colours
below WCAG AA contrast, readability outside the targets; information blocks
nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from leaflets.errors import UserError
from leaflets.gate.checks import Report, check_library, markup_findings
from leaflets.gate.findings import Finding
from leaflets.gate.rules.coverage import coverage_findings
from leaflets.gate.rules.seals import NOT_FOR_PATIENTS, next_step, seal_state
from leaflets.gate.rules.translations import failure, is_draft
from leaflets.project.approvals import translation_state
from leaflets.project.load import Library
from leaflets.project.plan import Variant


class GateRefused(UserError):
    """The gate refused the selection: exit 2, nothing written."""


@dataclass(frozen=True)
class Status:
    """What a reader of one variant must know: shown by the catalogue and the preview."""

    status: str  # "approved", "draft", "changed" (since approval) or "out of date" (a translation)
    approved: dt.date | None
    review_due: dt.date | None
    overdue_since: dt.date | None
    releasable: bool
    blockers: tuple[str, ...]  # why a release refuses it, one line each
    moved_on: str = ""  # of a released copy: what the text is now when that is not for patients (``as_released``)

    def as_released(self) -> Status:
        """The status of a released copy of this variant: approved (a release holds nothing else,
        and its files keep the text approved then), whatever the text is now; ``moved_on`` says
        what that is when it is no longer for patients (changed since, a draft again, a
        translation of older English), for a personalised copy is made from it."""
        if self.for_patients:
            return self
        return replace(self, status="approved", moved_on=self.label)

    @property
    def for_patients(self) -> bool:
        """Approved and sealed: nothing marks its pages as not for patient use (an overdue review may)."""
        return self.status == "approved"

    @property
    def mark(self) -> str:
        """The catalogue's word beside each file: "DRAFT", "CHANGED", "OUT OF DATE", "review overdue" or ""."""
        if not self.for_patients:
            return {"changed": "CHANGED", "out of date": "OUT OF DATE"}.get(self.status, "DRAFT")
        return "review overdue" if self.overdue_since else ""

    @property
    def label(self) -> str:
        if self.status == "draft":
            return "DRAFT: not for patient use"
        if self.status == "changed":
            return "Changed since approval: not for patient use"
        if self.status == "out of date":
            return "Translation of an earlier version: not for patient use"
        if self.overdue_since:
            return f"Review overdue since {self.overdue_since.isoformat()}"
        return "Approved" + (f", review due {self.review_due.isoformat()}" if self.review_due else "")


@dataclass(frozen=True)
class Verdict:
    """The gate's answer for a set of variants, on a given day."""

    library: Library
    variants: tuple[Variant, ...]
    today: dt.date
    report: Report

    def findings(self, variant: Variant) -> list[Finding]:
        return [f for f in self.report.findings
                if f.concerns(variant.leaflet, variant.branch, variant.format, variant.lang)]

    def _judged(self, level: str) -> list[Finding]:
        return [f for f in self.report.findings if f.level == level and any(
            f.concerns(v.leaflet, v.branch, v.format, v.lang) for v in self.variants)]

    def failure(self, variant: Variant) -> str | None:
        """Why this variant may not be built although the selection may (an incomplete
        translation: every entry named with its PO file and line), or None. The build fails
        just that variant; the English and the other languages are built."""

        return failure(self.library, variant)

    def draft_translation(self, variant: Variant) -> bool:
        """Whether a translated variant is marked "Draft translation" on every page."""

        return variant.lang != self.library.leaflets[variant.leaflet].lang and is_draft(
            self.library, variant.lang, variant.leaflet)

    @property
    def errors(self) -> list[Finding]:
        """Findings that block every build of these variants."""
        return self._judged("error")

    @property
    def blockers(self) -> list[Finding]:
        """Findings that block a release of these variants."""
        return self._judged("warning")

    def status(self, variant: Variant) -> Status:
        record = self.library.leaflets[variant.leaflet].record
        mine = self.findings(variant)
        blockers = tuple(f"{f.file}: {f.subject}: {f.message}" for f in mine if f.level in ("error", "warning"))

        state = seal_state(self.library, variant.leaflet).state
        status = {"approved": "approved", "changed": "changed"}.get(state, "draft")
        if variant.lang != self.library.leaflets[variant.leaflet].lang and status != "draft":
            translated = translation_state(self.library, variant.lang, variant.leaflet)
            status = "out of date" if translated == "out of date" else "draft" if translated == "draft" else status
        return Status(status, record.approved, record.review_due, record.overdue_since(self.today),
                      not blockers, blockers)

    def refuse(self, release: bool) -> None:
        """Raise ``GateRefused`` listing every error (and, for a release, every blocker)."""
        refused = self.errors + (self.blockers if release else [])
        if not refused:
            return
        what = "release refused" if release else "build refused"
        lines = [str(finding) for finding in sorted(refused, key=_order)]
        hint = ("a release holds only approved, current, checked content: fix these, or build without --release "
                "for a marked preview" if release and self.blockers else "fix these and build again")
        if release:
            hint += self._next_steps(refused)
        raise GateRefused(f"{what}: {len(refused)} problem{'s' if len(refused) != 1 else ''}\n"
                          + "\n".join(lines) + f"\n{hint}")


    def _next_steps(self, refused: list[Finding]) -> str:
        """Per leaflet not yet approved (or changed since), the one command that moves it forward; and
        which leaflets a release could hold alone."""

        leaflets = sorted({v.leaflet for v in self.variants})
        waiting = [leaflet for leaflet in leaflets if seal_state(self.library, leaflet).state in NOT_FOR_PATIENTS]
        lines = [f"  {leaflet}: {next_step(leaflet)}" for leaflet in waiting]
        ready = [leaflet for leaflet in leaflets if not any(
            f.concerns(v.leaflet, v.branch, v.format, v.lang) for f in refused for v in self.variants
            if v.leaflet == leaflet)]
        said = "\nto move each leaflet forward:\n" + "\n".join(lines) if lines else ""
        if ready:
            return said + (f"\na release of the approved leaflets alone is possible: {', '.join(ready)}:\n"
                           f"  leaflets build --release {' '.join(ready)}")
        return said + "\nno leaflet of this selection can be released as it is"


def _order(finding: Finding) -> tuple[int, str, str]:
    return ("error", "warning", "info").index(finding.level), finding.file, finding.message


def judge(library: Library, variants: list[Variant], today: dt.date,
          rendered: Mapping[Variant, str] | None = None) -> Verdict:
    """Check everything the variants depend on; ``rendered``, their HTML made by the caller, for
    the checks on what the pages show (``check`` and a release merge hand it; a build calls
    ``judge_markup`` on each job's HTML instead, and the servers need only the statuses)."""
    report = check_library(library, today, variants, rendered=rendered)
    return Verdict(library, tuple(variants), today, report)


def judge_markup(variant: Variant, html: str, library: Library | None = None) -> list[Finding]:
    """The gate's checks on a variant's rendered HTML (errors: they block the build); with the
    library, also that every character it draws is in its fonts (``coverage.py``)."""
    findings = markup_findings(variant, html)
    if library is not None:
        findings += coverage_findings(library, variant, html)
    return findings
