"""Input fingerprints: a variant is rendered again only when something it reads changed.

A fingerprint covers the data the variant reads (its leaflet, branch,
treatments and labels), the templates, stylesheets, logo and fonts it uses,
the versions of the tool and the libraries that shape its bytes, and the
build options. Editing one branch's phone number changes only that branch's
fingerprints; editing a shared template changes every fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from .fonts import font_files
from .formats import FORMATS
from .load import Library
from .plan import Variant
from .stamp import file_hash, tool_versions


def _folder_hashes(folder: Path, names: list[str]) -> dict[str, str]:
    return {name: file_hash(folder / name) for name in names if (folder / name).is_file()}


def fingerprint(library: Library, variant: Variant) -> str:
    """sha256 over everything that can change this variant's PDF bytes."""
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
        "leaflet": leaflet.model_dump(mode="json"),
        "branch": branch.model_dump(mode="json"),
        "treatments": [library.treatments[t].model_dump(mode="json") for t in treatment_ids if t in library.treatments],
        "labels": library.labels[leaflet.lang].model_dump(mode="json"),
        "templates": _folder_hashes(project.templates, templates),
        "styles": _folder_hashes(project.styles, ["base.css", fmt.stylesheet]),
        "logo": file_hash(project.root / branch.brand.logo),
        "fonts": [file_hash(path) for _, _, path in font_files()],
        "versions": tool_versions(),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
