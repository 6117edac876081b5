"""The build's steps past the no-op check, one function each, in the order ``build.run`` calls them.

Plan the variants, ask the gate, render what changed (keeping the manifest true as each file
lands), write the staff catalogue, record the build stamp, write the release folder. This
module imports the data model, the gate and the templates, which a no-op rebuild never needs:
``build.run`` imports it only when the build stamp did not answer.

Each step's work has its home elsewhere: the plan in ``project.plan``, the gate's verdict in
``gate.gate`` (and the print-shop logo warning in ``gate.rules.images``), a variant's HTML in
``render.prepare``, what a variant depends on in ``publish.fingerprints``, the outputs left
behind in ``publish.outdated``, the catalogue in ``publish.catalogue``, the stamp in
``publish.changes``, the release in ``publish.release``. ``merge-manifests``
(``commands.merge``) ends with the same catalogue and release calls.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from leaflets.commands.request import BuildRequest, BuildResult, Progress
from leaflets.errors import UserError
from leaflets.gate.gate import GateRefused, Verdict, judge, judge_markup
from leaflets.gate.rules.images import low_resolution_images
from leaflets.project.folder import Project
from leaflets.project.load import Library, load_library
from leaflets.project.plan import Variant, expected_paths, in_shard, left_out_formats, plan_variants
from leaflets.publish.catalogue import check_inputs, write_catalogue
from leaflets.publish.changes import reads_unchanged, record_stamp
from leaflets.publish.files import Manifest, Output, is_intact, sha256
from leaflets.publish.fingerprints import fingerprint
from leaflets.publish.outdated import remove_stale, set_aside_outdated
from leaflets.publish.release import release_folder
from leaflets.publish.versions import file_hash
from leaflets.render.prepare import prepare
from leaflets.render.workers import WorkerPool


def open_manifest(out_dir: Path) -> Manifest:
    """The manifest as the last build left it, read once: every step of this build shares it."""
    return Manifest(out_dir)


def plan(project: Project, request: BuildRequest) -> tuple[Library, list[Variant]]:
    """Load and validate the data, and plan the variants asked for (a shard's share of them)."""
    library = load_library(project)
    variants = plan_variants(library, request.leaflets, request.branches, request.formats,
                             request.profile, request.marks, request.langs)
    if request.shard:
        variants = [v for v in variants if in_shard(v, *request.shard)]
    if not variants and not request.shard:  # a shard of a CI matrix may be empty
        why = left_out_formats(library, request.leaflets, request.formats, request.langs)
        raise UserError("\n".join(["nothing to build: no variant matches the leaflets, branches and formats "
                                   "asked for", *(f"not built: {line}" for line in why)]))
    return library, variants


def ask_gate(library: Library, variants: list[Variant], request: BuildRequest) -> Verdict:
    """The gate's verdict on the variants; raises ``GateRefused`` (exit 2, nothing written) for an
    error, or for a release, a release-blocker. The markup is checked on the HTML ``build_variants`` makes."""
    verdict = judge(library, variants, request.day)
    verdict.refuse(release=request.release)
    check_inputs(library)  # the catalogue's stylesheet, script and template: bad input, before anything is built
    return verdict


def build_variants(library: Library, variants: list[Variant], manifest: Manifest, pool: WorkerPool,
                   verdict: Verdict, force: bool, result: BuildResult, report: Progress) -> None:
    """Render every variant whose inputs changed; one failure does not stop the others."""
    out_dir, today = manifest.out_dir, verdict.today
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
            result.removed = remove_stale(library, out_dir, manifest)
            result.stale = set_aside_outdated(library, out_dir, manifest, variants, today)
        try:
            manifest.save()
        except UserError:  # no space left: the manifest on disk is the last one saved, which is true
            if finished:
                raise


def catalogue(library: Library, verdict: Verdict, manifest: Manifest, result: BuildResult) -> None:
    """The staff catalogue (out/index.html, out/<branch>/index.html): from the manifest and the gate's
    statuses. When a variant failed, a catalogue that cannot be written is a warning beside it."""
    try:
        result.catalogue = write_catalogue(library, verdict, manifest.out_dir, manifest.outputs)
    except UserError as error:  # a failed variant may share the cause (a stylesheet): report both
        if not result.failed:
            raise
        result.warnings.append(f"the staff catalogue was not updated: {error}")


def stamp(manifest: Manifest, key: tuple[str, str], variants: list[Variant], root: Path, result: BuildResult) -> None:
    """Remember that this build completed without failures: the next one with the same inputs is a
    no-op, which says again what this one said (its drafts, what a release would refuse)."""
    record_stamp(manifest.out_dir, key, len(variants), [p for v in variants for p in expected_paths(v)],
                 sorted({read for o in manifest.outputs for read in o.reads}), root, result.drafts, result.warnings,
                 result.blockers)


def release(library: Library, verdict: Verdict, manifest: Manifest, variants: list[Variant]) -> list[str]:
    """OUT/release/ from exactly the variants this run checked (never a file an earlier build left)."""
    current = {p for v in variants for p in expected_paths(v)}
    return release_folder(library, verdict, [o for o in manifest.outputs if o.path in current], manifest.out_dir)
