"""Change detection: has anything a build reads changed since the last build?

Two levels in one module. ``fingerprint`` covers what one variant reads (its
leaflet, branch, treatments, labels, templates, stylesheets, logo, fonts,
tool versions and options): editing one branch's phone number changes only
that branch's fingerprints; a shared template changes them all. The build
stamp records, per set of build options, a hash of every input file of the
project; when it still matches and every output in the manifest is intact, a
rebuild is a no-op that need not even parse the data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leaflets.formats import FORMATS
from leaflets.publish.files import is_intact, read_manifest, write_atomic
from leaflets.publish.versions import file_hash, tool_versions
from leaflets.render.fonts import font_files

# The data model (pydantic) is imported only when a build goes past the no-op check: importing it
# here would make importing this module 0.20 s instead of 0.05 s (-X importtime).
if TYPE_CHECKING:
    from leaflets.project.load import Library
    from leaflets.project.plan import Variant

STAMP = ".leaflets-stamp.json"
INPUT_FOLDERS = ("data", "templates", "styles", "assets", "locale", "records")
def inputs_key(root: Path, options: dict[str, Any]) -> tuple[str, str]:
    """(key of the build options, hash of every input file and tool version)."""
    files = {}
    for folder in INPUT_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                files[str(path.relative_to(root))] = file_hash(path)
    fonts = [file_hash(path) for _, _, path in font_files()]
    options_key = hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()
    inputs = hashlib.sha256(json.dumps([files, fonts, tool_versions()], sort_keys=True).encode()).hexdigest()
    return options_key, inputs


def _read(out_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((out_dir / STAMP).read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def unchanged_count(out_dir: Path, key: tuple[str, str], root: Path) -> int | None:
    """The number of variants, if the last good build with these options had the same inputs
    (the project's input folders and every other file its renders read) and every file it
    wrote is still listed in the manifest and intact; else None."""
    entry = _read(out_dir).get(key[0])
    if not isinstance(entry, dict) or entry.get("inputs") != key[1]:
        return None
    reads = entry.get("reads")
    if not isinstance(reads, dict) or not reads_unchanged(root, reads):
        return None
    listed = {output.path: output for output in read_manifest(out_dir)}
    paths = entry.get("paths")
    if not isinstance(paths, list) or not paths or any(p not in listed for p in paths):
        return None
    if not all(is_intact(out_dir, listed[p]) for p in paths):
        return None
    return entry.get("variants")


def reads_unchanged(root: Path, reads: dict[str, str]) -> bool:
    """Whether every file a render read (relative to ``root``) still has the recorded sha256."""
    for relative, digest in reads.items():
        path = root / relative
        try:
            if not path.is_file() or file_hash(path) != digest:
                return False
        except OSError:
            return False
    return True


def record_stamp(out_dir: Path, key: tuple[str, str], variants: int, paths: list[str], reads: list[str],
                 root: Path) -> None:
    """Remember that a build with these options and inputs completed without failures, and which
    project files its renders read (a logo outside assets/, a stylesheet reached by @import)."""
    data = _read(out_dir)
    data[key[0]] = {"inputs": key[1], "variants": variants, "paths": sorted(paths),
                    "reads": {read: file_hash(root / read) for read in reads if (root / read).is_file()}}
    write_atomic(out_dir / STAMP, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())


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
        from leaflets.project.translations import translation_files  # noqa: PLC0415  see the note on the imports

        inputs["translation"] = {str(p.relative_to(project.root)): file_hash(p)
                                 for p in translation_files(library, variant.lang, variant.leaflet)}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()


def _seal_state(library: Library, leaflet_id: str) -> list[str]:
    """What the marks and the printed record depend on: the seal's state and the approval it names."""
    from leaflets.project.approvals import seal_state  # noqa: PLC0415  see the note on the imports

    state = seal_state(library, leaflet_id)
    approval = state.approval
    return [state.state, state.seal, approval.file if approval else "", approval.line if approval else ""]
