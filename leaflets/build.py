"""Build variants: lay out, check the page budget, write each PDF atomically, record it."""

from __future__ import annotations

import datetime as dt
import io
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildFailed, UserError
from .fonts import font_folders
from .formats import FORMATS, MIN_PPI, PROFILES, Format
from .html import render_html
from .load import Library
from .model import Leaflet
from .output import Output, read_manifest, sha256, target_path, write_atomic, write_manifest
from .plan import Variant


@dataclass
class BuildResult:
    written: list[Output] = field(default_factory=list)
    failed: list[tuple[Variant, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
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


def section_at(anchors: list[list[str]], limit: int, leaflet: Leaflet) -> str:
    """The heading of the section that runs onto page ``limit`` (0-based)."""
    seen = [a for page in anchors[:limit] for a in page] or [a for page in anchors[limit:] for a in page]
    for anchor in reversed(seen):
        if anchor == "faq":
            return "questions (FAQ)"
        if anchor.startswith("section-"):
            return leaflet.sections[int(anchor.removeprefix("section-")) - 1].heading
    return leaflet.title


def check_budget(fmt: Format, pages: int, anchors: list[list[str]], leaflet: Leaflet, what: str) -> None:
    """Fail loudly, naming the section, when the content outgrows the format."""
    if fmt.max_pages is None or fmt.padded(pages) <= fmt.max_pages:
        return
    unit = "panels" if fmt.layout == "dl" else "pages"
    section = section_at(anchors, fmt.content_page_limit, leaflet)
    raise BuildFailed(
        f"{what}: the content needs {pages} {unit} but the format allows {fmt.max_pages}; "
        f"section {section!r} does not fit. Shorten the content or choose another format"
    )


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


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def build_one(library: Library, variant: Variant, out_dir: Path) -> list[Output]:
    """Render one variant and write its PDF(s); raises ``BuildFailed`` with the reason."""
    from .pdf import render  # WeasyPrint is imported only when something is built

    project = library.project
    fmt = FORMATS[variant.format]
    profile = PROFILES[variant.profile]
    leaflet = library.leaflets[variant.leaflet]
    allowed = [project.root, *font_folders()]

    def lay_out(padding: int):
        return render(render_html(library, variant, padding=padding), project.root, allowed, variant.name)

    document = lay_out(0)
    check_budget(fmt, document.pages, document.anchors, leaflet, variant.name)
    wanted = fmt.padded(document.pages)
    if wanted != document.pages:
        document = lay_out(wanted - document.pages)
        if document.pages != wanted:
            raise BuildFailed(f"{variant.name}: padding to {wanted} pages gave {document.pages}; a layout bug")
    pdf = document.pdf()
    if fmt.layout == "dl":
        from .impose import compose_dl

        pdf = compose_dl(pdf, profile.bleed_mm)

    files = [(variant.path, pdf, None)]
    if fmt.booklet_companion and profile.bleed_mm == 0:
        from .impose import impose_booklet

        files.append((variant.file("-print"), impose_booklet(pdf), variant.path))
    outputs = []
    for relative, data, companion_of in files:
        target = target_path(out_dir, relative)
        write_atomic(target, data)
        outputs.append(
            Output(
                leaflet=variant.leaflet, branch=variant.branch, format=variant.format, lang=variant.lang,
                profile=variant.profile, companion_of=companion_of, path=relative,
                sha256=sha256(data), pages=_pages(data), bytes=len(data),
            )
        )
    return outputs


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
        if variant.profile == "print-shop":
            result.warnings += low_resolution_images(library, variant)
        try:
            outputs = build_one(library, variant, out_dir)
        except BuildFailed as error:
            result.failed.append((variant, str(error)))
            continue
        result.written += outputs
        for output in outputs:
            report(f"wrote {out_dir / output.path} ({output.pages} pages, {output.bytes // 1024} KB)")
    rebuilt = {o.path for o in result.written}
    kept = [o for o in read_manifest(out_dir) if o.path not in rebuilt and (out_dir / o.path).is_file()]
    write_manifest(out_dir, kept + result.written)
    result.seconds = time.perf_counter() - started
    return result
