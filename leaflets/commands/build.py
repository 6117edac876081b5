"""The build as a library call: ``run(BuildRequest) -> BuildResult``.

One function does what ``leaflets build`` does, in this order: lock the
output folder, answer a no-op rebuild from the build stamp (no worker is
started), start the workers (they import WeasyPrint while this process
works on), load and validate the data, plan the variants, ask the gate, render what changed, keep the
manifest true as each file lands, set aside the old files of a variant that
failed, remove outputs of variants that no longer exist and, for a release,
write the release folder from exactly the variants this run checked.

Workers only render and hand back bytes; this process alone writes files.
The command line only parses options and prints the result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from leaflets.errors import UserError
from leaflets.formats import FORMATS, MIN_PPI, PROFILES
from leaflets.project.folder import find_project
from leaflets.publish.changes import (
    STAMP,
    file_hash,
    fingerprint,
    inputs_key,
    reads_unchanged,
    record_stamp,
    unchanged_count,
)
from leaflets.publish.files import STALE, Manifest, Output, is_intact, output_folder, sha256, target_path
from leaflets.render.workers import DEFAULT_TIMEOUT_SECONDS, WorkerPool

# The data model, the gate and the templates are imported only when a build goes past the
# no-op check (``_stages``): a rebuild with nothing to do never loads them.
if TYPE_CHECKING:
    from leaflets.gate.findings import Finding
    from leaflets.gate.gate import Verdict
    from leaflets.project.load import Library
    from leaflets.project.plan import Variant
    from leaflets.render.job import Job


@dataclass(frozen=True)
class BuildRequest:
    """What to build, where, and how: everything ``leaflets build`` accepts."""

    root: Path | None = None
    out_dir: Path | None = None  # default: out/ in the project
    leaflets: tuple[str, ...] = ()  # empty: all
    branches: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()  # empty: English and every translation
    profile: str = "office"
    marks: bool = False
    release: bool = False
    today: dt.date | None = None  # default: today
    jobs: int | None = None  # default: the number of CPUs
    force: bool = False
    shard: tuple[int, int] | None = None
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    @property
    def day(self) -> dt.date:
        return self.today or dt.date.today()


@dataclass
class BuildResult:
    out_dir: Path
    variants: list[Variant] = field(default_factory=list)
    built: list[Variant] = field(default_factory=list)
    unchanged: list[Variant] = field(default_factory=list)
    failed: list[tuple[Variant, str]] = field(default_factory=list)
    written: list[Output] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # outputs of variants that no longer exist
    catalogue: list[str] = field(default_factory=list)  # catalogue pages (re)written: index.html files
    set_aside: list[str] = field(default_factory=list)  # old outputs of failed variants, moved to .failed/
    stale: list[str] = field(default_factory=list)  # files of variants not built now, out of date: moved to .stale/
    warnings: list[str] = field(default_factory=list)
    blockers: list[Finding] = field(default_factory=list)  # what a release would refuse
    drafts: list[str] = field(default_factory=list)
    released: list[str] = field(default_factory=list)  # files written into the release folder
    noop: bool = False  # answered from the build stamp: no input changed
    noop_count: int = 0  # the variants of that build (the data was not even loaded)
    seconds: float = 0.0
    verdict: Verdict | None = None  # the gate's answer (statuses for leaflets serve); None for a no-op


    @property
    def count(self) -> int:
        return self.noop_count if self.noop else len(self.variants)

    @property
    def manifest(self) -> Path:
        return self.out_dir / "manifest.json"


# Called as each variant finishes: (variant, "built" | "unchanged" | "failed", outputs, message).
Progress = Callable[["Variant", str, list[Output], str], None]
Say = Callable[[str], None]


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops a build as Ctrl-C does: outputs and manifest stay whole."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (an embedding application): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(request: BuildRequest, progress: Progress | None = None, say: Say | None = None,
        pool: WorkerPool | None = None) -> BuildResult:
    """Build what ``request`` asks for. Raises ``UserError`` (exit 2) for bad data or a refusal
    by the gate, before anything is written; failed variants are in the result.
    ``pool``: a long-lived pool whose warm workers render (``leaflets serve``); the caller closes it."""
    started = time.perf_counter()
    say = say or (lambda message: None)
    if request.marks and request.profile != "print-shop":
        raise UserError("--marks adds crop marks in the bleed: use it with --for print-shop")
    project = find_project(request.root)
    out = request.out_dir if request.out_dir is not None else project.root / "out"
    options = {"leaflets": sorted(request.leaflets), "branches": sorted(request.branches),
               "formats": sorted(request.formats), "langs": sorted(request.langs), "profile": request.profile,
               "marks": request.marks,
               "shard": request.shard, "today": request.day.isoformat()}  # overdue marks depend on the day
    result = BuildResult(out)
    with _sigterm_interrupts(), output_folder(out, say), contextlib.ExitStack() as stack:
        # A no-op needs a stamp from an earlier build; a release always re-checks and re-verifies.
        may_be_noop = not request.force and not request.release and (out / STAMP).is_file()
        if may_be_noop:
            key = inputs_key(project.root, options)
            count = unchanged_count(out, key, project.root)
            if count is not None and (out / "index.html").is_file():  # the staff catalogue is there too
                result.noop, result.noop_count = True, count  # no worker was started
                result.seconds = time.perf_counter() - started
                return result
        # The workers start now and import WeasyPrint while this process loads and checks the data;
        # they stop (at once, if something went wrong) before the output folder is unlocked.
        if pool is None:  # leaflets serve passes its own pool, kept warm across rebuilds
            pool = stack.enter_context(WorkerPool(request.jobs or os.cpu_count() or 1, request.timeout))
        if not may_be_noop:  # the inputs as they are now, before anything is read (for the stamp)
            key = inputs_key(project.root, options)
        from leaflets.gate.gate import judge
        from leaflets.project.load import load_library  # the data model, gate and templates: only now
        from leaflets.project.plan import expected_paths, in_shard, left_out_formats, plan_variants

        library = load_library(project)
        variants = plan_variants(library, request.leaflets, request.branches, request.formats,
                                 request.profile, request.marks, request.langs)
        if request.shard:
            variants = [v for v in variants if in_shard(v, *request.shard)]
        if not variants and not request.shard:  # a shard of a CI matrix may be empty
            why = left_out_formats(library, request.leaflets, request.formats, request.langs)
            raise UserError("\n".join(["nothing to build: no variant matches the leaflets, branches and formats "
                                       "asked for", *(f"not built: {line}" for line in why)]))
        verdict = judge(library, variants, request.day, markup=False)
        verdict.refuse(release=request.release)
        pool.start()  # the first worker starts and answers its probe while the HTML is made
        result.verdict = verdict
        from leaflets.publish.catalogue import check_inputs, write_catalogue

        check_inputs(library)
        result.variants = variants
        result.blockers = verdict.blockers
        result.drafts = sorted({v.leaflet for v in variants if library.leaflets[v.leaflet].record.status == "draft"})
        build_variants(library, variants, out, pool, verdict, request.force, result, progress or (lambda *a: None))
        # The staff catalogue (out/index.html, out/<branch>/index.html): from the manifest and the gate's statuses.
        try:
            result.catalogue = write_catalogue(library, verdict, out)
        except UserError as error:  # a failed variant may share the cause (a stylesheet): report both
            if not result.failed:
                raise
            result.warnings.append(f"the staff catalogue was not updated: {error}")
        if not result.failed:
            record_stamp(out, key, len(variants), [p for v in variants for p in expected_paths(v)],
                         sorted({read for o in Manifest(out).entries.values() for read in o.reads}), project.root)
        if request.release and not result.failed and not request.shard:  # shards: merge-manifests --release
            from leaflets.publish.release import write_release

            current = {p for v in variants for p in expected_paths(v)}
            manifest = Manifest(out)
            released = [o for p, o in manifest.entries.items() if p in current]
            result.released = write_release(out, released, _catalogue_pages(library, verdict, released, out))
    result.seconds = time.perf_counter() - started
    return result


def build_variants(library: Library, variants: list[Variant], out_dir: Path, pool: WorkerPool, verdict: Verdict,
                   force: bool, result: BuildResult, report: Progress) -> None:
    """Render every variant whose inputs changed; one failure does not stop the others."""
    from leaflets.gate.gate import GateRefused, judge_markup
    from leaflets.project.plan import expected_paths

    today = verdict.today
    manifest = Manifest(out_dir)
    old = dict(manifest.entries)
    prints = {v: fingerprint(library, v, today) for v in variants}
    todo = []
    for variant in variants:
        paths = expected_paths(variant)
        why = verdict.failure(variant)  # an incomplete translation: fails alone, never rendered
        if why:
            result.set_aside += manifest.set_aside(paths)
            result.failed.append((variant, why))
            report(variant, "failed", [], why)
            continue
        if not force and all(p in old and old[p].fingerprint == prints[variant] and is_intact(out_dir, old[p])
                             and reads_unchanged(library.project.root, old[p].reads) for p in paths):
            result.unchanged.append(variant)
            report(variant, "unchanged", [old[p] for p in paths], "")
        else:
            todo.append(variant)
        if variant.profile == "print-shop":
            result.warnings += low_resolution_images(library, variant)

    # Every job's HTML is made and checked before anything is written: an error in it blocks the build.
    # Each job knows its sections' lines at the last good build: an overflow names what grew.
    jobs = [replace(prepare(library, variant, today), previous=tuple(old[variant.path].sections.items()))
            if variant.path in old else prepare(library, variant, today) for variant in todo]
    # The same problem in many variants (a character in a branch name) is listed once.
    problems = list(dict.fromkeys(finding for job, variant in zip(jobs, todo, strict=True)
                                  for finding in judge_markup(variant, job.html, library)))
    if problems:
        raise GateRefused("build refused: the pages would show what the gate refuses\n"
                          + "\n".join(str(p) for p in problems) + "\nfix these and build again")

    by_name = {v.name: v for v in todo}
    finished = False
    try:
        for job, files, error in pool.run(jobs):
            variant = by_name[job.name]
            if files is None:
                result.set_aside += manifest.set_aside(expected_paths(variant))
                result.failed.append((variant, error or "failed"))
                report(variant, "failed", [], error or "")
                continue
            record = library.leaflets[variant.leaflet].record
            landed = [(Output(
                leaflet=variant.leaflet, branch=variant.branch, format=variant.format, lang=variant.lang,
                profile=variant.profile, companion_of=file.companion_of, path=file.path,
                sha256=sha256(file.data), pages=file.pages, bytes=len(file.data),
                fingerprint=prints[variant], content_version=f"{record.reference} v{record.version}",
                reads={read: file_hash(library.project.root / read) for read in file.reads}, kind=file.kind,
                sections=dict(file.sections),
            ), file.data) for file in files]
            try:
                manifest.land(landed)
            except OSError as error:
                raise UserError(f"cannot write into {out_dir}: {error.strerror}", exit_code=1) from None
            outputs = [output for output, _ in landed]
            result.built.append(variant)
            result.written += outputs
            report(variant, "built", outputs, "")
        finished = True
    finally:
        manifest.keep_only({o.path for o in result.written})
        if finished:
            result.removed = _remove_stale(library, out_dir, manifest)
            result.stale = _set_aside_outdated(library, out_dir, manifest, variants, today)
        try:
            manifest.save()
        except UserError:  # no space left: the manifest on disk is the last one saved, which is true
            if finished:
                raise


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


def prepare(library: Library, variant: Variant, today: dt.date) -> Job:
    """The job for one variant: its HTML and what the worker must know (runs in this process)."""
    from leaflets.project.plan import expected_paths
    from leaflets.render.fonts import font_folders
    from leaflets.render.html import blank_page_html, leaflet_html
    from leaflets.render.job import Job
    from leaflets.render.web import web_html

    project = library.project
    leaflet = library.leaflets[variant.leaflet]
    if variant.lang != leaflet.lang:  # the PDF's title and the headings named in messages, translated
        from leaflets.project.translations import translated_library

        leaflet = translated_library(library, variant.lang, variant.leaflet).leaflets[variant.leaflet]
    day = leaflet.record.content_date
    if FORMATS[variant.format].layout == "web":  # the web page: its HTML is the output
        html, embedded = web_html(library, variant, today)
    else:
        html, embedded = leaflet_html(library, variant, today), ()
    return Job(
        name=variant.name,
        html=html,
        embedded=embedded,
        thumbnail=variant.thumbnail,
        blank_page=blank_page_html(library),
        format=variant.format,
        bleed_mm=PROFILES[variant.profile].bleed_mm,
        paths=tuple(p for p in expected_paths(variant) if p != variant.thumbnail),
        headings=tuple(section.heading for section in library.sections_for(leaflet, library.branches[variant.branch])
                       if FORMATS[variant.format].shows(section)),  # as printed: shown_when applied
        title=leaflet.title,
        epoch=int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()),
        base=str(project.root),
        allowed=(str(project.root), *map(str, font_folders())),
    )


def _remove_stale(library: Library, out_dir: Path, manifest: Manifest) -> list[str]:
    """Delete outputs that no longer belong to any variant (a removed branch or leaflet)."""
    from leaflets.project.plan import plan_variants

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


def _set_aside_outdated(library: Library, out_dir: Path, manifest: Manifest, variants: list[Variant],
                        today: dt.date) -> list[str]:
    """Move out of the manifest (to out/.stale/) the files of variants this run did not build, such
    as a print-shop file when the office files are built, whose inputs have changed since: an older
    PDF never stands where the current one is expected, whatever its profile."""
    from leaflets.project.plan import Variant, built_in, expected_paths

    current = {p for v in variants for p in expected_paths(v)}
    others: dict[Variant, list[str]] = {}
    for path, output in manifest.entries.items():
        if path not in current and output.leaflet in library.leaflets and output.branch in library.branches:
            variant = Variant(output.branch, output.leaflet, output.format, output.lang, output.profile,
                              marks="-proof" in path)
            others.setdefault(variant, []).append(path)
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


def merge(sources: list[Path], out_dir: Path, root: Path | None = None, release: bool = False,
          today: dt.date | None = None, say: Say | None = None) -> tuple[list[Output], list[str]]:
    """Join shard build folders into ``out_dir`` (every file checked against its checksum); with
    ``release``, ask the gate about every joined variant and write the release folder.
    Returns the joined outputs and the release files written."""
    from leaflets.gate.gate import judge
    from leaflets.project.load import load_library
    from leaflets.publish.release import merge_manifests, read_shards, write_release

    with output_folder(out_dir, say or (lambda message: None)):
        verdict = None
        if release:  # refuse before anything is copied
            library = load_library(find_project(root))
            shards = read_shards(list(sources))  # damaged or padded shards refused before the gate is asked
            variants = _variants_of([o for outputs in shards.values() for o in outputs])
            unknown = [v for v in variants if v.leaflet not in library.leaflets or v.branch not in library.branches]
            if unknown:
                raise UserError("release refused: the shards hold variants this project does not have: "
                                + ", ".join(v.name for v in unknown) + "; build the shards from the same commit")
            verdict = judge(library, variants, today or dt.date.today())
            verdict.refuse(release=True)
        outputs = merge_manifests(list(sources), out_dir)
        released = []
        if verdict is not None:
            released = write_release(out_dir, outputs, _catalogue_pages(library, verdict, outputs, out_dir))
        _merged_catalogue(out_dir, outputs, verdict, root, today)
    return outputs, released


def _merged_catalogue(out_dir: Path, outputs: list[Output], verdict: Verdict | None, root: Path | None,
                      today: dt.date | None) -> None:
    """The joined folder's staff catalogue; it needs the project's data (skipped outside a project)."""
    from leaflets.gate.gate import judge
    from leaflets.project.load import load_library
    from leaflets.publish.catalogue import write_catalogue

    if verdict is None:
        try:
            library = load_library(find_project(root))
        except UserError:
            return
        known = [v for v in _variants_of(outputs) if v.leaflet in library.leaflets and v.branch in library.branches]
        verdict = judge(library, known, today or dt.date.today(), markup=False)
    write_catalogue(verdict.library, verdict, out_dir)


def _variants_of(outputs: list[Output]) -> list[Variant]:
    """The variants a list of manifest entries was built from (shards of a CI matrix), sorted."""
    from leaflets.project.plan import Variant

    return sorted({Variant(o.branch, o.leaflet, o.format, o.lang, o.profile) for o in outputs})


def _catalogue_pages(library: Library, verdict: Verdict, outputs: list[Output], out_dir: Path) -> dict[str, bytes]:
    """Each branch's catalogue page for exactly ``outputs``: it goes into that branch's release zip."""
    from leaflets.publish.catalogue import pages

    return pages(library, verdict, outputs, out_dir, overall=False)
