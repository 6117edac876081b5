"""Build variants: render each to PDF, write it atomically, record it in the manifest."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildFailed, UserError
from .fonts import font_folders
from .formats import FORMATS
from .html import render_html
from .load import Library
from .output import Output, read_manifest, sha256, target_path, write_atomic, write_manifest
from .plan import Variant


@dataclass
class BuildResult:
    written: list[Output] = field(default_factory=list)
    failed: list[tuple[Variant, str]] = field(default_factory=list)
    seconds: float = 0.0


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


def build_one(library: Library, variant: Variant, out_dir: Path) -> Output:
    """Render one variant and write its PDF; raises ``BuildFailed`` with the reason."""
    from .pdf import write_pdf  # WeasyPrint is imported only when something is built

    project = library.project
    target = target_path(out_dir, variant.path)
    html = render_html(library, variant)
    rendered = write_pdf(
        html,
        base=project.root,
        allowed=[project.root, *font_folders()],
        max_pages=FORMATS[variant.format].max_pages,
        what=variant.name,
    )
    write_atomic(target, rendered.pdf)
    return Output(
        leaflet=variant.leaflet,
        branch=variant.branch,
        format=variant.format,
        lang=variant.lang,
        path=variant.path,
        sha256=sha256(rendered.pdf),
        pages=rendered.pages,
        bytes=len(rendered.pdf),
    )


def build(
    library: Library,
    variants: list[Variant],
    out_dir: Path,
    report: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
) -> BuildResult:
    """Build every variant; one failure does not stop the others."""
    if not variants:
        raise UserError("nothing to build: no variant matches the leaflets, branches and formats asked for")
    started = time.perf_counter()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create the output folder {out_dir}: {error.strerror}") from None
    result = BuildResult()
    for variant in variants:
        try:
            output = build_one(library, variant, out_dir)
        except BuildFailed as error:
            result.failed.append((variant, str(error)))
            continue
        result.written.append(output)
        report(f"wrote {out_dir / output.path} ({output.pages} pages, {output.bytes // 1024} KB)")
    rebuilt = {o.path for o in result.written}
    kept = [o for o in read_manifest(out_dir) if o.path not in rebuilt and (out_dir / o.path).is_file()]
    write_manifest(out_dir, kept + result.written)
    result.seconds = time.perf_counter() - started
    return result
