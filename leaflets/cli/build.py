"""``leaflets build`` and ``leaflets merge-manifests``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from leaflets.cli.base import Context, as_date, friendly_errors, main, selection_options, today_option
from leaflets.formats import ProfileId
from leaflets.gate.findings import Finding
from leaflets.gate.rules.contrast import PREFIX as CONTRAST
from leaflets.render.workers import DEFAULT_TIMEOUT_SECONDS

EPILOG_BUILD = """\b
Examples:
  leaflets build                          every leaflet, every branch
  leaflets build milia --branch wolverhampton
  leaflets build --format a4 --out /tmp/leaflets
  leaflets build milia --format a5 --for print-shop
  leaflets build milia --lang pl          the Polish translation only
"""


def parse_shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        k, n = (int(x) for x in value.split("/"))
    except ValueError:
        k = n = 0
    if not 1 <= k <= n:
        raise click.BadParameter(f"{value!r}: write K/N with 1 <= K <= N, e.g. 2/4", param_hint="--shard")
    return k, n



class Reporter:
    """Progress as variants finish: a one-line counter on a terminal, plain lines otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.quiet, self.count = quiet, 0
        self.tty = sys.stderr.isatty()

    def __call__(self, variant, status: str, outputs, message: str) -> None:
        self.count += 1
        if self.quiet:
            return
        if self.tty:
            line = f"[{self.count}] {status}: {variant.name}"
            click.echo("\r" + line[:100].ljust(100), nl=False, err=True)
        elif status == "built":
            for output in outputs:
                # not a thumbnail or web page
                pages = f"{output.pages} pages, " if output.kind in ("pdf", "imposed") else ""
                click.echo(f"wrote {output.path} ({pages}{output.bytes // 1024} KB)", err=True)

    def close(self) -> None:
        if self.tty and not self.quiet and self.count:
            click.echo("\r" + " " * 100 + "\r", nl=False, err=True)


@main.command(epilog=EPILOG_BUILD)
@selection_options
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Output folder. Default: out/ in the project folder.",
)
@click.option(
    "--release", is_flag=True,
    help="Refuse anything a release may not hold (exit 2, nothing written): drafts, content changed since its "
    "approval or approved without a seal, translations of an earlier English, leaflets past their "
    "review date, placeholder clinic names, brand colours below WCAG AA contrast, anything check --strict "
    "fails. Then write OUT/release/: a zip per branch of exactly these variants, release.json and SHA256SUMS.",
)
@today_option
@click.option("--marks", is_flag=True,
              help="With --for print-shop: add crop marks, for a proof (most print shops add their own).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Render this many variants at once, in worker processes. Default: the number of CPUs.")
@click.option("--timeout", type=click.FloatRange(min=1), default=DEFAULT_TIMEOUT_SECONDS, show_default=True,
              metavar="SECONDS", help="Stop a variant whose layout takes longer than this; it fails alone.")
@click.option("--force", is_flag=True, help="Render every variant, even those whose inputs have not changed.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output; only problems are printed.")
@click.option("--shard", metavar="K/N", default=None,
              help="Build only the K-th of N stable shares of the variants (for a CI matrix); join with "
              "merge-manifests. With --release the gate refuses as for a release, and merge-manifests "
              "--release writes the release folder.")
@click.pass_obj
@friendly_errors
def build(obj: Context, leaflet_ids, branch_ids, format_ids, langs, profile: ProfileId, out_dir: Path | None,
          release: bool, today, marks: bool, jobs: int | None, timeout: float, force: bool, quiet: bool,
          shard: str | None) -> None:
    """Build the PDFs for the chosen leaflets, branches and formats.

    Each PDF goes to OUT/<branch>/<leaflet>-<format>.pdf (a translation:
    <leaflet>-<format>.<lang>.pdf), written to a temporary file and renamed, and OUT/manifest.json lists every output
    with its checksum, page count and input fingerprint. A variant whose
    inputs have not changed since the last build is not rendered again;
    outputs of removed branches or leaflets are deleted. Treatment leaflets
    are built only for the branches that offer the treatment.

    Before anything is written, the gate checks the content as `check`
    does: errors stop the build (exit 2); what a release would refuse is
    printed as a warning, and drafts and leaflets past their review date
    are marked on every page.

    An A5 booklet also gets <leaflet>-a5-print.pdf: its pages imposed two-up
    on A4 landscape, to print duplex ("flip on short edge") and fold. With
    --for print-shop, files end in -print-shop.pdf and keep pages in reading
    order. A leaflet whose content outgrows its format (A4: 4 pages, A5: 12,
    DL: one sheet, each with room kept for the "For you" box) fails with a
    message saying how much to cut; the others are still built, the failed
    variant's old files are moved to OUT/.failed/, and the exit status is 1.
    Files of other variants whose inputs changed since they were built (a
    print-shop file after a content edit) are moved to OUT/.stale/.
    """
    from leaflets.commands.build import BuildRequest, run  # noqa: PLC0415 -- 28 ms, not for --help

    request = BuildRequest(
        root=obj.root, out_dir=out_dir, leaflets=tuple(leaflet_ids), branches=tuple(branch_ids),
        formats=tuple(format_ids), langs=tuple(langs), profile=profile, marks=marks, release=release,
        today=as_date(today), jobs=jobs, force=force, shard=parse_shard(shard), timeout=timeout,
    )
    say = (lambda message: None) if quiet else (lambda message: click.echo(f"note: {message}", err=True))
    reporter = Reporter(quiet)
    try:
        result = run(request, progress=reporter, say=say)
    finally:
        reporter.close()
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    # Brand colours below WCAG AA come last, on their own: a colour is easy to miss among other lines.
    colours = [f for f in result.blockers if f.message.startswith(CONTRAST)]
    for finding in result.blockers:  # a no-op says again what the build it stands for said
        if finding.message.startswith("draft:") or finding in colours:
            continue  # drafts are summarised in one line below; colours come last
        click.echo(f"warning (a release would refuse it): {finding.file}: {finding.subject}: {finding.message}",
                   err=True)
    if result.drafts and not quiet:
        click.echo(f"note: draft, not for patient use (marked on every page): {', '.join(result.drafts)}", err=True)
    if result.noop:
        if not quiet:
            click.echo(f"{result.count} variants: 0 built, {result.count} unchanged (no input changed), in "
                       f"{result.seconds:.1f} s; manifest: {result.manifest}", err=True)
        _colours_last(colours)
        return
    if result.removed and not quiet:
        click.echo(f"removed {len(result.removed)} outputs of variants that no longer exist: "
                   f"{', '.join(result.removed)}", err=True)
    if result.stale:  # always said: a person may be about to send one of these to a print shop
        click.echo(f"out of date (their inputs changed since they were built), moved aside and out of the "
                   f"manifest and catalogue: {', '.join(result.stale)}; build them again with the same options",
                   err=True)
    for name in result.released:
        if not quiet:
            click.echo(f"wrote {result.out_dir / name}", err=True)
    if not quiet or result.failed:
        click.echo(
            f"{result.count} variants: {len(result.built)} built, {len(result.unchanged)} unchanged, "
            f"{len(result.failed)} failed, in {result.seconds:.1f} s; manifest: {result.manifest}",
            err=True,
        )
    if result.failed:
        click.echo("failed:", err=True)
        for _variant, reason in result.failed:
            click.echo(f"  {reason}", err=True)
        if result.set_aside:
            click.echo(f"their previous files are no longer current and were moved aside: "
                       f"{', '.join(str(result.out_dir / p) for p in result.set_aside)}", err=True)
        if request.release:
            click.echo("release not written: every variant must build first", err=True)
    _colours_last(colours)
    if result.failed:
        sys.exit(1)


@main.command(name="merge-manifests", epilog="\b\nExample (CI, after a 4-way shard matrix):\n"
              "  leaflets merge-manifests shard-1 shard-2 shard-3 shard-4 --out out --release")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the joined outputs and manifest.")
@click.option("--release", is_flag=True, help="Ask the gate about every joined variant (as build --release "
              "does), then write OUT/release/: a zip per branch, release.json and SHA256SUMS.")
@today_option
@click.pass_obj
@friendly_errors
def merge_manifests_command(obj: Context, sources: tuple[Path, ...], out_dir: Path, release: bool, today) -> None:
    """Join build folders (one per CI shard) into one, checking every file against its checksum."""
    from leaflets.commands.merge import merge  # noqa: PLC0415 -- 28 ms, not for --help

    outputs, released = merge(list(sources), out_dir, obj.root, release, as_date(today),
                              lambda message: click.echo(f"note: {message}", err=True))
    click.echo(f"merged {len(outputs)} outputs from {len(sources)} folders into {out_dir}")
    for name in released:
        click.echo(f"wrote {out_dir / name}")


def _colours_last(colours: list[Finding]) -> None:
    """Brand colours a release would refuse, last, after a blank line."""
    for finding in colours:
        click.echo(("\n" if finding is colours[0] else "") + f"warning (a release would refuse it): {finding.file}: "
                   f"{finding.subject}: {finding.message}", err=True)
