"""The gate's seal rules: is the content a patient gets the content a clinician approved?

Each leaflet is in one of four states:

- ``draft``: ``status: draft``; marked DRAFT on every page; a release refuses it.
- ``approved``: approved with ``leaflets approve``: the record's seal is the seal of the
  clinical text now (``project/clinical.py``), and ``records/<leaflet>/<version>.txt``
  holds that text, approver and date.
- ``changed``: approved, but the clinical text changed since (an edit to the leaflet, to
  shared advice, a treatment description or a label that carries advice): every page is
  marked "Changed since approval - not for patient use" and a release refuses it, naming
  the approver, the date and what changed (file, part, a one-line summary).
- ``unsealed``: ``status: approved`` typed by hand (no seal, a seal no approved text has,
  or an approver or date that differs from the approved text's): treated as a draft.

Branch details (phone, address, logo, colours, prices, the treatments a branch offers)
are not in the clinical text: editing them keeps every approval.
"""

from __future__ import annotations

from leaflets.gate.findings import Finding
from leaflets.project.approvals import NOT_FOR_PATIENTS, Approval, SealState, seal_state
from leaflets.project.clinical import part_file
from leaflets.project.load import Library

__all__ = ["NOT_FOR_PATIENTS", "SealState", "next_step", "seal_findings", "seal_state", "shared_findings"]


def next_step(leaflet: str) -> str:
    """The commands that move a leaflet forward to an approval."""
    return (f"leaflets review {leaflet} -o {leaflet}-review.pdf, then "
            f"leaflets approve {leaflet} --by NAME --role ROLE")


def describe_changes(library: Library, state: SealState, limit: int = 4) -> str:
    """What changed since approval, one "file, part: summary" per change, joined with "; "."""
    lines = []
    for change in state.changes[:limit]:
        where = part_file(library, state.leaflet, change.title)
        used_in = ""
        if change.kind == "Shared advice":
            sections = [t for t in state.text.split("\n") if t.startswith("## Section: ")]
            used_in = _used_in(state.text, change.name, sections)
        lines.append(f"{where}, {change.title.lower() if change.kind == 'Label' else change.title}{used_in}: "
                     f"{change.summary}")
    if len(state.changes) > limit:
        lines.append(f"and {len(state.changes) - limit} more part{'s' if len(state.changes) - limit > 1 else ''}")
    return "; ".join(lines)


def _used_in(text: str, advice_id: str, sections: list[str]) -> str:
    current = None
    found = []
    for line in text.split("\n"):
        if line.startswith("## Section: "):
            current = line.removeprefix("## Section: ")
        elif line.startswith("## "):
            current = None
        elif current and line.startswith(f"[Shared advice: {advice_id}]"):
            found.append(f'"{current}"')
    return f" (in section {', '.join(found)})" if found else ""


def approval_words(approval: Approval) -> str:
    return (f"version {approval.version} was approved by {approval.approver}, {approval.role}, on "
            f"{approval.approved.day} {approval.approved:%B %Y}")


def seal_findings(library: Library, leaflet_id: str) -> list[Finding]:
    """Warnings (a release refuses them) for a leaflet changed since approval or approved by hand."""
    state = seal_state(library, leaflet_id)
    file = library.files[("leaflet", leaflet_id)]
    at = {"leaflet": leaflet_id}
    if state.state == "changed":
        assert state.approval is not None
        return [Finding("warning", file, leaflet_id,
                        f"changed since approval: {approval_words(state.approval)}; since then: "
                        f"{describe_changes(library, state)}. Every page is marked \"Changed since approval - not "
                        f"for patient use\" and a release refuses it: run {next_step(leaflet_id)}", **at)]
    if state.state == "unsealed":
        return [Finding("warning", file, leaflet_id,
                        f"not sealed: {state.why}, so it counts as a draft (marked on every page; a release refuses "
                        f"it). A clinician approves with: {next_step(leaflet_id)}", **at)]
    return []


def shared_findings(library: Library) -> list[Finding]:
    """Notes on shared files (advice, treatments, labels): which approved leaflets an edit there unseals."""
    touched: dict[tuple[str, str], list[str]] = {}
    for leaflet_id in sorted(library.leaflets):
        state = seal_state(library, leaflet_id)
        if state.state != "changed":
            continue
        for change in state.changes:
            if change.kind in ("Shared advice", "Treatment", "Label"):
                touched.setdefault((part_file(library, leaflet_id, change.title), change.title), []).append(
                    leaflet_id)
    findings = []
    for (file, title), leaflets in sorted(touched.items()):
        count = len(leaflets)
        findings.append(Finding(
            "info", file, title,
            f"this edit changes {count} approved leaflet{'s' if count != 1 else ''}: {', '.join(leaflets)}; "
            f"{'they need' if count != 1 else 'it needs'} review (leaflets review LEAFLET -o FILE, then leaflets "
            "approve LEAFLET --by NAME --role ROLE)"))
    return findings


def unsealed_by_edit(library: Library) -> list[str]:
    """One line per shared part whose edit unseals approved leaflets (for the preview)."""
    return [f"{f.file}: {f.subject}: {f.message}" for f in shared_findings(library)]
