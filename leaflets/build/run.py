"""Build variants: render in worker processes, write atomically, keep the manifest true.

Workers only render (WeasyPrint is imported once per worker) and hand back
bytes; this process alone writes files and the manifest. A variant whose
input fingerprint matches the manifest, and whose files are intact, is not
rendered again. Whatever happens (a failed variant, Ctrl-C, SIGTERM), the
manifest written at the end lists only files that are whole and match their
checksums.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from .changes import fingerprint
from ..layout.fonts import font_folders
from ..formats import FORMATS, MIN_PPI, PROFILES
from ..layout.html import blank_page_html, leaflet_html
from ..content.load import Library
from .outputs import Output, is_intact, read_manifest, sha256, target_path, write_atomic, write_manifest
from ..content.plan import Variant, plan_variants
from ..pdf.job import Job
from ..pdf.workers import WorkerPool


@dataclass
class BuildResult:
    built: list[Variant] = field(default_factory=list)
    unchanged: list[Variant] = field(default_factory=list)
    failed: list[tuple[Variant, str]] = field(default_factory=list)
    written: list[Output] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


# Called as each variant finishes: (variant, "built" | "unchanged" | "failed", outputs, message).
Progress = Callable[[Variant, str, list[Output], str], None]


def refuse_unreleasable(library: Library, leaflet_ids: list[str], today: dt.date) -> None:
    """A release holds only approved leaflets still within their review date."""
    reasons = []
    for leaflet_id in leaflet_ids:
        record = library.leaflets[leaflet_id].record
        file = library.files[("leaflet", leaflet_id)]
        if record.status != "approved":
            reasons.append(f"{file}: {leaflet_id} is a draft; a clinician must approve it before release (see README)")
        elif record.review_due is not None and record.review_due < today:
            reasons.append(f"{file}: {leaflet_id} was due for review on {record.review_due.isoformat()}; review it before release")
    if reasons:
        raise UserError("release refused:\n" + "\n".join(reasons))


def low_resolution_images(library: Library, variant: Variant) -> list[str]:
    """Raster logos below 300 ppi at their printed size (print shops need 300)."""
    logo = library.branches[variant.branch].brand.logo
    if not logo.lower().endswith((".png", ".jpg", ".jpeg")):
        return []
    from PIL import Image  # installed with WeasyPrint; only needed for raster logos

    with Image.open(library.project.root / logo) as image:
        height_px = image.height
    height_mm = FORMATS[variant.format].logo_height_mm
    ppi = height_px / (height_mm / 25.4)
    if ppi >= MIN_PPI:
        return []
    return [
        f"{variant.name}: {logo} is {height_px} px high, printed {height_mm:g} mm high: {ppi:.0f} ppi, "
        f"below the {MIN_PPI} ppi a print shop needs; supply at least {MIN_PPI * height_mm / 25.4:.0f} px or an SVG"
    ]


def expected_paths(variant: Variant) -> list[str]:
    """The files a variant produces, relative to the output folder."""
    fmt = FORMATS[variant.format]
    paths = [variant.path]
    if fmt.booklet_companion and PROFILES[variant.profile].bleed_mm == 0:
        paths.append(variant.file("-print"))
    return paths


def prepare(library: Library, variant: Variant) -> Job:
    """The job for one variant: its HTML and what the pool must know (runs in this process)."""
    project = library.project
    leaflet = library.leaflets[variant.leaflet]
    day = leaflet.record.content_date
    return Job(
        name=variant.name,
        html=leaflet_html(library, variant),
        blank_page=blank_page_html(library),
        format=variant.format,
        bleed_mm=PROFILES[variant.profile].bleed_mm,
        paths=tuple(expected_paths(variant)),
        headings=tuple(section.heading for section in leaflet.sections),
        title=leaflet.title,
        epoch=int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()),
        base=str(project.root),
        allowed=(str(project.root), *map(str, font_folders())),
    )


# --- the build --------------------------------------------------------------------


def build(
    library: Library,
    variants: list[Variant],
    out_dir: Path,
    pool: WorkerPool | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Build every variant that needs it; one failure does not stop the others."""
    if not variants:
        raise UserError("nothing to build: no variant matches the leaflets, branches and formats asked for")
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda *args: None)
    result = BuildResult()
    old = {o.path: o for o in read_manifest(out_dir)}
    entries = dict(old)
    prints = {v: fingerprint(library, v) for v in variants}

    todo = []
    for variant in variants:
        paths = expected_paths(variant)
        if not force and all(p in old and old[p].fingerprint == prints[variant] and is_intact(out_dir, old[p]) for p in paths):
            result.unchanged.append(variant)
            report(variant, "unchanged", [old[p] for p in paths], "")
        else:
            todo.append(variant)
        if variant.profile == "print-shop":
            result.warnings += low_resolution_images(library, variant)

    pool = pool or WorkerPool(1)
    by_name = {v.name: v for v in todo}
    finished = False
    try:
        for job, files, error in pool.run(prepare(library, v) for v in todo):
            variant = by_name[job.name]
            if files is None:
                result.failed.append((variant, error or "failed"))
                report(variant, "failed", [], error or "")
                continue
            outputs = []
            record = library.leaflets[variant.leaflet].record
            for file in files:
                entries.pop(file.path, None)  # the old entry is wrong once the file is replaced
                try:
                    write_atomic(target_path(out_dir, file.path), file.data)
                except OSError as error:
                    raise UserError(f"cannot write {out_dir / file.path}: {error.strerror}", exit_code=1) from None
                output = Output(
                    leaflet=variant.leaflet, branch=variant.branch, format=variant.format, lang=variant.lang,
                    profile=variant.profile, companion_of=file.companion_of, path=file.path,
                    sha256=sha256(file.data), pages=file.pages, bytes=len(file.data),
                    fingerprint=prints[variant],
                    content_version=f"{record.reference} v{record.version}",
                )
                entries[file.path] = output
                outputs.append(output)
            result.built.append(variant)
            result.written += outputs
            report(variant, "built", outputs, "")
        finished = True
    finally:
        written = {o.path for o in result.written}
        entries = {p: o for p, o in entries.items() if p in written or is_intact(out_dir, o)}
        if finished:
            result.removed = _remove_stale(library, out_dir, entries)
        write_manifest(out_dir, list(entries.values()))
        result.seconds = time.perf_counter() - started
    return result


def _remove_stale(library: Library, out_dir: Path, entries: dict[str, Output]) -> list[str]:
    """Delete outputs that no longer belong to any variant (a removed branch or leaflet)."""
    valid = {(v.leaflet, v.branch, v.format, v.lang) for v in plan_variants(library)}
    removed = []
    for path, output in sorted(entries.items()):
        if (output.leaflet, output.branch, output.format, output.lang) not in valid:
            target = target_path(out_dir, path)
            target.unlink(missing_ok=True)
            del entries[path]
            removed.append(path)
            if target.parent != out_dir.resolve() and not any(target.parent.iterdir()):
                target.parent.rmdir()  # the folder of a removed branch
    return removed
