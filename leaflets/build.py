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
import io
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildFailed, UserError
from .fingerprint import fingerprint
from .fonts import font_folders
from .formats import FORMATS, MIN_PPI, PROFILES, Format
from .html import render_html
from .load import Library
from .model import Leaflet
from .output import Output, read_manifest, sha256, target_path, write_atomic, write_manifest
from .plan import Variant, plan_variants

_USER_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")


@dataclass(frozen=True)
class RenderedFile:
    path: str
    data: bytes
    pages: int
    companion_of: str | None


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


def expected_paths(variant: Variant) -> list[str]:
    """The files a variant produces, relative to the output folder."""
    fmt = FORMATS[variant.format]
    paths = [variant.path]
    if fmt.booklet_companion and PROFILES[variant.profile].bleed_mm == 0:
        paths.append(variant.file("-print"))
    return paths


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def render_variant(library: Library, variant: Variant) -> list[RenderedFile]:
    """Lay out one variant, check its page budget and make its PDF bytes (no files written)."""
    from .pdf import render  # WeasyPrint is imported only when something is built

    project = library.project
    fmt = FORMATS[variant.format]
    profile = PROFILES[variant.profile]
    leaflet = library.leaflets[variant.leaflet]
    allowed = [project.root, *font_folders()]
    if _USER_EPOCH is None:
        # fontTools stamps this time into subset fonts; the content date keeps builds reproducible
        day = leaflet.record.content_date
        os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()))

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
    files = [RenderedFile(variant.path, pdf, _pages(pdf), None)]
    if len(expected_paths(variant)) > 1:
        from .impose import impose_booklet

        sheets = impose_booklet(pdf)
        files.append(RenderedFile(variant.file("-print"), sheets, _pages(sheets), variant.path))
    return files


# --- worker processes -------------------------------------------------------------

_LIBRARY: Library | None = None


def _init_worker(root: str | None) -> None:
    """Run once per worker: ignore Ctrl-C (the parent handles it) and load the data if not inherited."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _LIBRARY
    if root is not None:
        from .load import load_library
        from .project import find_project

        _LIBRARY = load_library(find_project(Path(root)))
    from . import pdf  # noqa: F401  (imports WeasyPrint once, before the first task)


def _render_task(variant: Variant) -> tuple[list[RenderedFile] | None, str | None]:
    assert _LIBRARY is not None
    try:
        return render_variant(_LIBRARY, variant), None
    except BuildFailed as error:
        return None, str(error)
    except Exception:  # a bug: report it with its traceback, keep building the rest
        return None, f"{variant.name}: internal error, please report it:\n{traceback.format_exc()}"


def _render_all(library: Library, variants: list[Variant], jobs: int) -> Iterator[tuple[Variant, list[RenderedFile] | None, str | None]]:
    """Render in this process (one job) or in a pool of long-lived workers."""
    global _LIBRARY
    _LIBRARY = library
    if jobs <= 1 or len(variants) <= 1:
        for variant in variants:
            yield (variant, *_render_task(variant))
        return
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:
        from . import pdf  # noqa: F401  (imported before forking: workers inherit it and the data)

        context, root = multiprocessing.get_context("fork"), None
    else:  # pragma: no cover - macOS/Windows
        context, root = multiprocessing.get_context("spawn"), str(library.project.root)
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(variants)), mp_context=context,
                               initializer=_init_worker, initargs=(root,))
    completed = False
    try:
        pending = {pool.submit(_render_task, v): v for v in variants}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                variant = pending.pop(future)
                try:
                    outcome = future.result()
                except Exception as error:  # a worker died (killed, out of memory)
                    outcome = None, f"{variant.name}: the worker process failed ({type(error).__name__}: {error})"
                yield (variant, *outcome)
        completed = True
    finally:
        if completed:
            pool.shutdown(wait=True)
        else:  # interrupted: stop the workers now rather than let them finish
            processes = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()


# --- the build --------------------------------------------------------------------


def _intact(out_dir: Path, output: Output) -> bool:
    path = out_dir / output.path
    try:
        return path.stat().st_size == output.bytes and sha256(path.read_bytes()) == output.sha256
    except OSError:
        return False


def build(
    library: Library,
    variants: list[Variant],
    out_dir: Path,
    jobs: int = 1,
    force: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Build every variant that needs it; one failure does not stop the others."""
    if not variants:
        raise UserError("nothing to build: no variant matches the leaflets, branches and formats asked for")
    started = time.perf_counter()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create the output folder {out_dir}: {error.strerror}") from None
    report = progress or (lambda *args: None)
    result = BuildResult()
    old = {o.path: o for o in read_manifest(out_dir)}
    entries = dict(old)
    prints = {v: fingerprint(library, v) for v in variants}

    todo = []
    for variant in variants:
        paths = expected_paths(variant)
        if not force and all(p in old and old[p].fingerprint == prints[variant] and _intact(out_dir, old[p]) for p in paths):
            result.unchanged.append(variant)
            report(variant, "unchanged", [old[p] for p in paths], "")
        else:
            todo.append(variant)
        if variant.profile == "print-shop":
            result.warnings += low_resolution_images(library, variant)

    finished = False
    try:
        for variant, files, error in _render_all(library, todo, jobs):
            if files is None:
                result.failed.append((variant, error or "failed"))
                report(variant, "failed", [], error or "")
                continue
            outputs = []
            for file in files:
                entries.pop(file.path, None)  # the old entry is wrong once the file is replaced
                write_atomic(target_path(out_dir, file.path), file.data)
                output = Output(
                    leaflet=variant.leaflet, branch=variant.branch, format=variant.format, lang=variant.lang,
                    profile=variant.profile, companion_of=file.companion_of, path=file.path,
                    sha256=sha256(file.data), pages=file.pages, bytes=len(file.data),
                    fingerprint=prints[variant],
                    content_version=library.leaflets[variant.leaflet].record.reference
                    + " v" + library.leaflets[variant.leaflet].record.version,
                )
                entries[file.path] = output
                outputs.append(output)
            result.built.append(variant)
            result.written += outputs
            report(variant, "built", outputs, "")
        finished = True
    finally:
        written = {o.path for o in result.written}
        entries = {p: o for p, o in entries.items() if p in written or _intact(out_dir, o)}
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
