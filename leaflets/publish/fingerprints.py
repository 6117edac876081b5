"""Change detection per variant: has anything this variant's files depend on changed?

``fingerprint`` covers what one variant reads (its leaflet, branch, treatments,
labels, templates, stylesheets, logo, fonts, tool versions and options):
editing one branch's phone number changes only that branch's fingerprints; a
shared template changes them all. Each manifest entry keeps the fingerprint it
was built from; a variant whose fingerprint is unchanged and whose files are
whole is not rendered again. (The whole build's no-op check is ``changes``.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from leaflets.formats import FORMATS
from leaflets.project.approvals import seal_state
from leaflets.project.load import Library
from leaflets.project.plan import Variant
from leaflets.project.translations import translation_files
from leaflets.publish.versions import file_hash, tool_versions
from leaflets.render.fonts import font_files


def _folder_hashes(folder: Path, names: list[str]) -> dict[str, str]:
    return {name: file_hash(folder / name) for name in names if (folder / name).is_file()}


def fingerprint(library: Library, variant: Variant, today: dt.date) -> str:
    """sha256 over everything that can change this variant's PDF bytes (as of ``today``,
    which decides whether a leaflet past its review date is marked so)."""
    project = library.project
    leaflet = library.leaflets[variant.leaflet]
    branch = library.branches[variant.branch]
    fmt = FORMATS[variant.format]
    treatment_ids = sorted({*leaflet.treatments, *filter(None, [leaflet.treatment])})
    templates = ["base.html", fmt.template] + sorted(
        str(p.relative_to(project.templates)) for p in (project.templates / "partials").glob("*.html")
    )
    inputs = {
        "variant": asdict(variant),
        "overdue_since": str(leaflet.record.overdue_since(today)),
        "seal": _seal_state(library, variant.leaflet),  # an edit elsewhere (shared advice) can unseal it
        "leaflet": leaflet.model_dump(mode="json"),
        "branch": branch.model_dump(mode="json"),
        "treatments": [library.treatments[t].model_dump(mode="json") for t in treatment_ids if t in library.treatments],
        "advice": [s.model_dump(mode="json") for s in library.shown_advice(leaflet, branch)],  # data/advice.yaml
        "labels": library.labels[leaflet.lang].model_dump(mode="json"),
        "templates": _folder_hashes(project.templates, templates),
        "styles": _folder_hashes(project.styles, ["base.css", fmt.stylesheet]),
        "logo": file_hash(project.root / branch.brand.logo),
        "fonts": [file_hash(path) for _, _, path in font_files()],
        "versions": tool_versions(),
    }
    if variant.lang != leaflet.lang:  # its PO files and records: editing one re-renders only that language
        inputs["translation"] = {str(p.relative_to(project.root)): file_hash(p)
                                 for p in translation_files(library, variant.lang, variant.leaflet)}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()


def _seal_state(library: Library, leaflet_id: str) -> list[str]:
    """What the marks and the printed record depend on: the seal's state and the approval it names."""
    state = seal_state(library, leaflet_id)
    approval = state.approval
    return [state.state, state.seal, approval.file if approval else "", approval.line if approval else ""]
