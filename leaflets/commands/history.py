"""``leaflets history LEAFLET``: every approved version, newest last, and where the content is now."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leaflets.project.approvals import Approval, read_approvals, seal_state
from leaflets.project.folder import find_project
from leaflets.project.load import load_library
from leaflets.project.plan import pick


@dataclass
class History:
    leaflet: str
    approvals: list[Approval]
    state: str  # the content now: "draft", "approved", "changed" or "unsealed"
    now: str  # one line about the content now

    def lines(self) -> list[str]:
        if not self.approvals:
            said = [f"{self.leaflet}: never approved."]
        else:
            said = [f"{self.leaflet}: {len(self.approvals)} approved version{'s' if len(self.approvals) != 1 else ''}"]
        for a in self.approvals:
            said += [f"  {a.version}  {a.approved.isoformat()}  {a.approver}, {a.role}",
                     f"       seal {a.seal}",
                     f"       {a.changes}" + ("" if a.intact else " (this record was edited: its seal no longer "
                                                               "matches its text)")]
        said.append(f"Now: {self.now}")
        return said


def history(leaflet_id: str, root: Path | None = None) -> History:
    project = find_project(root)
    library = load_library(project)
    pick("leaflet", [leaflet_id], library.leaflets)  # an unknown id: "did you mean ...?"
    approvals = read_approvals(project.root, leaflet_id)
    state = seal_state(library, leaflet_id)
    step = f"run leaflets review {leaflet_id} -o {leaflet_id}-review.pdf, then leaflets approve {leaflet_id}"
    now = {
        "approved": f"version {state.approval.version if state.approval else '?'}, sealed: the content is as "
                    "approved",
        "changed": f"changed since version {state.approval.version if state.approval else '?'} was approved "
                   f"({len(state.changes)} part{'s' if len(state.changes) != 1 else ''}): not for patient use; {step}",
        "draft": f"draft: not for patient use; {step}",
        "unsealed": f"not sealed ({state.why}): counts as a draft; {step}",
    }[state.state]
    return History(leaflet_id, approvals, state.state, now)
