"""``leaflets review LEAFLET -o FILE``: the review copy a clinician reads before approving.

It shows the clinical text exactly as sealed (``project/clinical.py``), part by part;
when an earlier version was approved, each part changed since is a redline (words
removed struck through, words added marked) with a summary at the top. Then every
source with its full reference, the points marked "confirm with clinician" and the
readability figures. A PDF through the project's WeasyPrint engine and fonts
(``templates/review.html``), or the HTML itself for a file named ``.html``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from leaflets.errors import UserError
from leaflets.gate.checks import LONG_SENTENCE_WORDS, MAX_GRADE, MIN_FLESCH, body_text
from leaflets.gate.rules.readability import score
from leaflets.project.approvals import read_approvals, seal_state
from leaflets.project.clinical import clinical_parts, compare, part_file
from leaflets.project.folder import find_project
from leaflets.project.load import load_library
from leaflets.project.plan import pick
from leaflets.publish.files import write_atomic
from leaflets.render.fonts import font_face_css, font_folders
from leaflets.render.html import render_template

TEMPLATE = "review.html"


@dataclass
class Reviewed:
    output: Path
    summary: str
    pages: int | None

    def lines(self) -> list[str]:
        pages = f" ({self.pages} page{'s' if self.pages != 1 else ''})" if self.pages else ""
        return [f"wrote {self.output}{pages}", f"  {self.summary}"]


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def review(leaflet_id: str, output: Path, root: Path | None = None, branch: str | None = None,
           today: dt.date | None = None) -> Reviewed:
    project = find_project(root)
    library = load_library(project)
    pick("leaflet", [leaflet_id], library.leaflets)  # an unknown id: "did you mean ...?"
    if branch is not None and branch not in library.branches:
        raise UserError(f"unknown branch {branch!r}; choose from: {', '.join(sorted(library.branches))}")
    leaflet = library.leaflets[leaflet_id]
    state = seal_state(library, leaflet_id)
    approvals = read_approvals(project.root, leaflet_id)
    previous = approvals[-1] if approvals else None
    changes = {c.title: c for c in compare(previous.text, state.text)} if previous else {}
    parts = []
    for part in clinical_parts(library, leaflet_id):
        change = changes.get(part.title)
        parts.append({"title": part.title, "kind": part.kind, "name": part.name, "lines": part.lines,
                      "file": part_file(library, leaflet_id, part.title),
                      "status": change.status if change else "same",
                      "pieces": change.pieces if change else ()})
    removed = [c for c in changes.values() if c.status == "removed"]
    if previous is None:
        summary = "Never approved: this is the first review."
    elif not changes:
        summary = (f"No change since version {previous.version}, approved by {previous.approver} on "
                   f"{_long(previous.approved)}.")
    else:
        n = len(changes)
        summary = (f"{n} part{'s' if n != 1 else ''} changed since version {previous.version}, approved by "
                   f"{previous.approver} on {_long(previous.approved)}.")
    confirm = [(f"data/leaflets/{leaflet_id}.yaml", c) for c in leaflet.record.confirm]
    for snippet in library.shown_advice(leaflet, None):
        confirm += [(library.files.get(("advice", snippet.id), "data/advice.yaml"), c) for c in snippet.confirm]
    for treatment in library.shown_treatments(leaflet, None):
        file = library.files.get(("treatment", treatment.id), "data/treatments.yaml")
        confirm += [(file, f"{treatment.name}: {c}") for c in treatment.confirm]
        confirm += [(file, f"{p.name}: {c}") for p in treatment.products for c in p.confirm]
    branches = [branch] if branch else sorted(b for b in library.branches if not leaflet.treatment
                                              or library.branches[b].offer(leaflet.treatment))
    readability = []
    for branch_id in branches:
        scores = score(body_text(library, leaflet, library.branches[branch_id]), LONG_SENTENCE_WORDS)
        readability.append({"branch": library.branches[branch_id].name, "scores": scores})
    html = render_template(
        library, TEMPLATE, leaflet=leaflet, record=leaflet.record, state=state.state, seal=state.seal,
        summary=summary, previous=previous, approvals=approvals, parts=parts, removed=removed,
        sources=library.variant_sources(leaflet, None), confirm=confirm, readability=readability,
        targets={"flesch": MIN_FLESCH, "grade": MAX_GRADE, "long": LONG_SENTENCE_WORDS},
        font_css=Markup(font_face_css("en-GB")), made=_long(today or dt.date.today()),
    )
    output = output.expanduser()
    if not output.parent.is_dir():
        raise UserError(f"cannot write {output}: the folder {output.parent} does not exist")
    pages = None
    if output.suffix.lower() in (".html", ".htm"):
        data = html.encode("utf-8")
    else:
        from leaflets.render.engine import lay_out  # noqa: PLC0415  WeasyPrint: 0.58 s (importtime), PDF only

        laid = lay_out(html, project.root, [project.root, *font_folders()], f"review copy of {leaflet_id}")
        pages = laid.pages
        data = laid.pdf()

    write_atomic(output, data)
    return Reviewed(output, summary, pages)
