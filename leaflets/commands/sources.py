"""``leaflets sources``: the sources of exactly what one leaflet shows for one branch.

A leaflet prints "Sources are available on request"; this is the list reception hands over:
the leaflet's own sources, those of the shared advice it shows and of the
treatment summaries it lists for that branch (``Library.source_ids``), each as its citation.
"""

from __future__ import annotations

from dataclasses import dataclass

from leaflets.errors import UserError
from leaflets.project.load import Library
from leaflets.project.plan import pick


@dataclass(frozen=True)
class SourceList:
    leaflet: str
    title: str
    branch: str | None  # None: every source the leaflet can show, whichever branch
    reference: str
    version: str
    citations: tuple[tuple[str, str], ...]  # (source id, citation)

    def lines(self) -> list[str]:
        """The list as printed: a heading, then one numbered citation a line."""
        where = f" at {self.branch}" if self.branch else " (every branch)"
        heading = f"Sources for {self.title} ({self.reference}, version {self.version}){where}"
        return [heading, *(f"{n}. {citation}" for n, (_, citation) in enumerate(self.citations, start=1))]


def leaflet_sources(library: Library, leaflet_id: str, branch_id: str | None = None) -> SourceList:
    """The sources of what ``leaflet_id`` shows at ``branch_id`` (all of them when no branch is given).
    An unknown leaflet or branch, or a treatment leaflet the branch does not offer, is a UserError."""
    leaflet = library.leaflets[pick("leaflet", [leaflet_id], library.leaflets)[0]]
    branch = library.branches[pick("branch", [branch_id], library.branches)[0]] if branch_id else None
    if branch and leaflet.treatment and not branch.offer(leaflet.treatment):
        offering = [b for b in sorted(library.branches) if library.branches[b].offer(leaflet.treatment)]
        raise UserError(f"{branch.id} does not offer {leaflet.treatment}, so it has no {leaflet.id} leaflet; "
                        f"branches that offer it: {', '.join(offering) or 'none'}")
    ids = library.source_ids(leaflet, branch)
    citations = tuple((i, library.citations[i].citation if i in library.citations else i) for i in ids)
    return SourceList(leaflet.id, leaflet.title, branch.id if branch else None, leaflet.record.reference,
                      leaflet.record.version, citations)
