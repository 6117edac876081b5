"""After the renders: outputs that no longer belong in the output folder.

Two kinds, both taken out of the manifest: the files of a variant that no longer exists (a
removed branch or leaflet) are deleted; the files of a variant this run did not build (another
profile's, say) whose inputs have changed since are moved to ``out/.stale/``, so an older PDF
never stands where the current one is expected.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from leaflets.errors import UserError
from leaflets.project.load import Library
from leaflets.project.plan import Variant, built_in, expected_paths, plan_variants
from leaflets.publish.changes import reads_unchanged
from leaflets.publish.files import STALE, Manifest, target_path
from leaflets.publish.fingerprints import fingerprint


def remove_stale(library: Library, out_dir: Path, manifest: Manifest) -> list[str]:
    """Delete outputs that no longer belong to any variant (a removed branch or leaflet)."""
    valid = {(v.leaflet, v.branch, v.format, v.lang) for v in plan_variants(library)}
    removed = []
    for path, output in sorted(manifest.entries.items()):
        if (output.leaflet, output.branch, output.format, output.lang) not in valid:
            target = target_path(out_dir, path)
            target.unlink(missing_ok=True)
            del manifest.entries[path]
            removed.append(path)
            for folder in (target.parent, target.parent.parent):  # a removed branch's thumbs/, then its folder
                if folder.is_relative_to(out_dir.resolve()) and folder != out_dir.resolve() and folder.is_dir() \
                        and not any(folder.iterdir()):
                    folder.rmdir()
    return removed


def set_aside_outdated(library: Library, out_dir: Path, manifest: Manifest, variants: list[Variant],
                       today: dt.date) -> list[str]:
    """Move out of the manifest (to out/.stale/) the files of variants this run did not build, such
    as a print-shop file when the office files are built, whose inputs have changed since: an older
    PDF never stands where the current one is expected, whatever its profile."""
    current = {p for v in variants for p in expected_paths(v)}
    others: dict[Variant, list[str]] = {}
    for path, output in manifest.entries.items():
        if path not in current and output.leaflet in library.leaflets and output.branch in library.branches:
            others.setdefault(output.variant, []).append(path)
    moved = []
    for variant, paths in sorted(others.items()):
        outputs = [manifest.entries[p] for p in paths]
        try:
            now = fingerprint(library, variant, today) if built_in(library, variant.leaflet, variant.lang,
                                                                   variant.format) else None
        except (KeyError, UserError):  # a language or format no longer built: not current either
            now = None
        if now is None or any(o.fingerprint != now or not reads_unchanged(library.project.root, o.reads)
                              for o in outputs):
            moved += manifest.set_aside(paths, STALE)
    return moved
