"""The command line: thin click commands that import the heavy parts only when needed.

`--help`, `list` and `check` never import WeasyPrint, so they answer at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from pathlib import Path

import click

from leaflets import __version__
from leaflets.errors import UserError, error_message
from leaflets.formats import FORMATS, PROFILES
from leaflets.render.workers import DEFAULT_TIMEOUT_SECONDS

EPILOG_BUILD = """\b
Examples:
  leaflets build                          every leaflet, every branch
  leaflets build milia --branch wolverhampton
  leaflets build --format a4 --out /tmp/leaflets
  leaflets build milia --format a5 --for print-shop
  leaflets build milia --lang pl          the Polish translation only
"""


class Context:
    def __init__(self, root: Path | None, debug: bool) -> None:
        self.root = root
        self.debug = debug

    def library(self):
        from leaflets.project.folder import find_project
        from leaflets.project.load import load_library

        return load_library(find_project(self.root))


def friendly_errors(command):
    """Show a user's mistake as one clear message and exit 2 (or 1); bugs keep their traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context().find_object(Context)
        try:
            return command(*args, **kwargs)
        except UserError as error:
            if ctx and ctx.debug:
                raise
            click.echo(error_message(error), err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper


class FullHelpGroup(click.Group):
    """Lists each command with its whole first sentence, not a cut-off fragment."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=FullHelpGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="The leaflet project folder (holding data/, templates/, styles/). Default: the current folder.",
)
@click.option("--debug", is_flag=True, help="Show a full traceback for every error.")
@click.version_option(__version__, prog_name="leaflets")
@click.pass_context
def main(ctx: click.Context, root: Path | None, debug: bool) -> None:
    """Build branded patient leaflets (PDF) from reviewed YAML content.

    \b
    A project folder holds:
      data/        leaflets, treatments and clinic branches (YAML)
      templates/   Jinja2 layouts, one per format
      styles/      CSS, one base stylesheet and one per format
      assets/      logos
      locale/      translations (gettext PO files) and their records

    \b
    Examples:
      leaflets check                    validate all data
      leaflets list                     show what would be built
      leaflets build                    build every leaflet into out/
      leaflets --root ../other build    work on another project
    """
    ctx.obj = Context(root, debug)


def selection_options(command):
    command = click.argument("leaflet_ids", metavar="[LEAFLET]...", nargs=-1)(command)
    command = click.option(
        "--branch", "branch_ids", multiple=True, metavar="ID",
        help="Only this branch (repeat for more). Default: every branch.",
    )(command)
    command = click.option(
        "--format", "format_ids", multiple=True, type=click.Choice(list(FORMATS), case_sensitive=False),
        metavar="FORMAT",
        help="Only this format (repeat for more): " + "; ".join(f"{f.id}: {f.description}" for f in FORMATS.values())
        + ". Default: every format.",
    )(command)
    command = click.option(
        "--lang", "langs", multiple=True, metavar="LANG",
        help="Only this language (repeat for more): en-GB or a language with a translation in "
        "locale/<lang>/. Default: English and every translation.",
    )(command)
    command = click.option(
        "--for", "profile", type=click.Choice(list(PROFILES)), default="office", show_default=True,
        help="Who prints it: office (trimmed pages; A5 also gets an imposed -print.pdf for duplex office "
        "printing) or print-shop (3 mm bleed on every edge, TrimBox at the finished size).",
    )(command)
    return command


def today_option(command):
    return click.option(
        "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
        help="Judge review dates as of this day instead of today (for reproducible CI runs).",
    )(command)


def _day(value) -> dt.date | None:
    return value.date() if value else None


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
    help="Refuse anything a release may not hold (exit 2, nothing written): drafts, leaflets past their "
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
def build(obj: Context, leaflet_ids, branch_ids, format_ids, langs, profile: str, out_dir: Path | None,
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
    order. A leaflet whose content outgrows its format (A4: 2 pages, A5: 8,
    DL: one sheet) fails with a message naming the section; the others are
    still built, the failed variant's old files are moved to OUT/.failed/,
    and the exit status is 1.
    """
    from leaflets.commands.build import BuildRequest, run

    request = BuildRequest(
        root=obj.root, out_dir=out_dir, leaflets=tuple(leaflet_ids), branches=tuple(branch_ids),
        formats=tuple(format_ids), langs=tuple(langs), profile=profile, marks=marks, release=release, today=_day(today),
        jobs=jobs, force=force, shard=parse_shard(shard), timeout=timeout,
    )
    say = (lambda message: None) if quiet else (lambda message: click.echo(f"note: {message}", err=True))
    reporter = Reporter(quiet)
    try:
        result = run(request, progress=reporter, say=say)
    finally:
        reporter.close()
    if result.noop:
        if not quiet:
            click.echo(f"{result.count} variants: 0 built, {result.count} unchanged (no input changed), in "
                       f"{result.seconds:.1f} s; manifest: {result.manifest}", err=True)
        return
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for finding in result.blockers:
        if finding.message.startswith("draft:"):
            continue  # summarised in one line below
        click.echo(f"warning (a release would refuse it): {finding.file}: {finding.subject}: {finding.message}",
                   err=True)
    if result.drafts and not quiet:
        click.echo(f"note: draft, not for patient use (marked on every page): {', '.join(result.drafts)}", err=True)
    if result.removed and not quiet:
        click.echo(f"removed {len(result.removed)} outputs of variants that no longer exist: "
                   f"{', '.join(result.removed)}", err=True)
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
    from leaflets.commands.build import merge

    outputs, released = merge(list(sources), out_dir, obj.root, release, _day(today),
                              lambda message: click.echo(f"note: {message}", err=True))
    click.echo(f"merged {len(outputs)} outputs from {len(sources)} folders into {out_dir}")
    for name in released:
        click.echo(f"wrote {out_dir / name}")


@main.command(name="list", epilog="\b\nExamples:\n  leaflets list\n  leaflets list milia --branch stoke-on-trent\n"
              "  leaflets list --for print-shop")
@selection_options
@today_option
@click.pass_obj
@friendly_errors
def list_variants(obj: Context, leaflet_ids, branch_ids, format_ids, langs, profile: str, today) -> None:
    """Show every file a build would write: one line per file, companions (the imposed A5 print file) included."""
    from leaflets.project.plan import expected_paths, left_out_formats, not_offered, plan_variants

    library = obj.library()
    day = _day(today) or dt.date.today()
    variants = plan_variants(library, leaflet_ids, branch_ids, format_ids, profile, langs=langs)
    rows = [("LEAFLET", "BRANCH", "FORMAT", "LANG", "STATUS", "FILE")]
    for v in variants:
        record = library.leaflets[v.leaflet].record
        overdue = record.overdue_since(day)
        status = record.status + (f", review overdue since {overdue.isoformat()}" if overdue else "")
        if v.lang != library.leaflets[v.leaflet].lang:
            status += translation_status(library, v)
        rows += [(v.leaflet, v.branch, v.format, v.lang, status, path) for path in expected_paths(v)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    files = len(rows) - 1
    click.echo(f"{len(variants)} variant{'s' if len(variants) != 1 else ''}, {files} file{'s' if files != 1 else ''}")
    for leaflet_id, treatment_id in not_offered(library):
        if not leaflet_ids or leaflet_id in leaflet_ids:
            click.echo(f"not built: {leaflet_id} (no branch offers {treatment_id})")
    for line in left_out_formats(library, leaflet_ids, format_ids, langs):
        click.echo(f"not built: {line}")


def translation_status(library, variant) -> str:
    """", draft translation" or ", translation incomplete (95%)", for list."""
    from leaflets.gate.rules.translations import failure

    translations = library.translations.for_variant(variant.lang, variant.leaflet)
    if failure(library, variant):
        done = sum(t.coverage.done for t in translations)
        total = sum(t.coverage.total for t in translations) or 1
        return f", translation incomplete ({100 * done // total}%)"
    return ", draft translation" if library.translations.is_draft(variant.lang, variant.leaflet) else \
        ", translation approved"


EPILOG_CHECK = """\b
Examples:
  leaflets check                     readable report
  leaflets check milia --branch wolverhampton
  leaflets check --strict            what a release would refuse fails too (for CI)
  leaflets check --json > report.json
"""


@main.command(epilog=EPILOG_CHECK)
@click.argument("leaflet_ids", metavar="[LEAFLET]...", nargs=-1)
@click.option("--branch", "branch_ids", multiple=True, metavar="ID",
              help="Only this branch (repeat for more). Default: every branch.")
@click.option("--strict", is_flag=True, help="Fail (exit 2) on warnings too, as build --release does: for CI.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@today_option
@click.pass_obj
@friendly_errors
def check(obj: Context, leaflet_ids, branch_ids, strict: bool, as_json: bool, today) -> None:
    """Validate the data and check the content, per leaflet and branch, as the build's gate does.

    \b
    - every data file against the model (file, line, field for each problem)
    - readability of the body text: Flesch Reading Ease, Flesch-Kincaid
      grade, SMOG; warns below Flesch 60 or above grade 8, and lists
      sentences over 20 words
    - review dates: past the review date is a warning (marked on every
      page; a release refuses it); due within 60 days is a note
    - drafts and placeholder clinic names: warnings (a release refuses them)
    - brand colours: WCAG AA contrast of at least 4.5:1 for text (warning)
    - images without alt text (error)
    - translations (locale/<lang>/*.po): a table per leaflet and language of
      translated %, fuzzy, untranslated, not applicable, status and the
      English version each was made from; incomplete, draft or outdated
      translations are warnings (a release refuses them)

    \b
    One scale, the same as build's: an error blocks every build; a warning
    blocks a release (build prints it); a note blocks nothing. Exits 2 when
    there are errors (with --strict: errors or warnings), else 0.
    """
    import json

    from leaflets.gate.checks import MAX_GRADE, MIN_FLESCH, check_library

    library = obj.library()
    report = check_library(library, _day(today) or dt.date.today(), leaflets=leaflet_ids, branches=branch_ids)
    errors, warnings = report.count("error"), report.count("warning")
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2))
    else:
        rows = [("LEAFLET", "BRANCH", "LANG", "WORDS", "SENTENCES", "WORDS/SENT", "FLESCH", "GRADE", "SMOG",
                 "LONG")] + [
            (r.leaflet, r.branch, r.lang, str(r.scores.words), str(r.scores.sentences),
             f"{r.scores.words / max(r.scores.sentences, 1):.1f}",
             *((f"{r.scores.flesch:.1f}", f"{r.scores.grade:.1f}", f"{r.scores.smog:.1f}") if r.measured
               else ("not measured", "-", "-")),
             str(len(r.scores.long_sentences)))
            for r in report.readability
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        click.echo(f"Readability of body text (targets: Flesch {MIN_FLESCH:g} or more, grade {MAX_GRADE:g} or less; "
                   "the formulas are for English: other languages get sentence lengths only)")
        for row in rows:
            cells = enumerate(zip(row, widths, strict=True))
            click.echo("  ".join(cell.ljust(w) if i < 3 else cell.rjust(w) for i, (cell, w) in cells))
        if report.translations:
            click.echo("\nTranslations (a language is built only when 100% translated and nothing fuzzy)")
            table = [("LEAFLET", "LANG", "TRANSLATED", "FUZZY", "UNTRANSLATED", "N/A", "STATUS", "MADE FROM")] + [
                (t.name, t.lang, f"{t.percent:.0f}%", str(t.fuzzy), str(t.untranslated), str(len(t.not_applicable)),
                 t.status, "-" if t.current is None else
                 f"English {t.made_from or '?'} (current: {t.current})")
                for t in report.translations
            ]
            widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
            for row in table:
                click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if report.findings:
            click.echo("")
        for finding in sorted(report.findings, key=lambda f: ("error", "warning", "info").index(f.level)):
            click.echo(str(finding))
        click.echo(
            f"\n{len(library.leaflets)} leaflets, {len(library.treatments)} treatments, "
            f"{len(library.branches)} branches: "
            f"{errors} errors, {warnings} warnings (a release refuses them), {report.count('info')} notes"
        )
    if errors or (strict and warnings):
        sys.exit(2)


EPILOG_TRANSLATE = """\b
Examples:
  leaflets translate extract              write locale/templates/*.pot
  leaflets translate update pl            merge the leaflets already in locale/pl/
  leaflets translate update ur milia      start or merge milia in Urdu (and the labels)
"""


@main.group(cls=FullHelpGroup, epilog=EPILOG_TRANSLATE)
def translate() -> None:
    """Translate leaflets with gettext PO files (Poedit, Weblate, any agency's tools).

    \b
    locale/templates/<leaflet>.pot   every string of a leaflet (extract)
    locale/templates/labels.pot      the layout's words
    locale/<lang>/<leaflet>.po       a leaflet in one language (update LANG)
    locale/<lang>/labels.po          the labels in that language
    locale/<lang>/<leaflet>.yaml     the translation's record: translator,
                                     checked_by, status, date, made_from
    """


@translate.command(name="extract")
@click.pass_obj
@friendly_errors
def translate_extract(obj: Context) -> None:
    """Write a PO template per leaflet and one for the labels into locale/templates/."""
    from leaflets.commands.translate import extract, names

    library = obj.library()
    written = extract(library)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"{len(names(library))} templates, {len(written)} changed")


@translate.command(name="update")
@click.argument("lang")
@click.argument("leaflet_ids", metavar="[LEAFLET]...", nargs=-1)
@today_option
@click.pass_obj
@friendly_errors
def translate_update(obj: Context, lang: str, leaflet_ids, today) -> None:
    """Create or merge locale/LANG/<leaflet>.po from the current English (msgmerge semantics).

    Unchanged strings keep their translation; a changed English string keeps
    the old translation marked fuzzy with the previous English (#| msgid);
    strings no longer in the leaflet become obsolete (#~). A new PO file gets
    a draft record beside it (locale/LANG/<leaflet>.yaml).

    With no LEAFLET named, the leaflets already translated into LANG are
    merged; name a leaflet to start its translation (from then on it is
    built in LANG, and the build fails until every entry is translated).
    """
    from leaflets.commands.translate import check_lang, update

    check_lang(lang)
    library = obj.library()
    for merged in update(library, lang, list(leaflet_ids), _day(today) or dt.date.today()):
        what = "created" if merged.created else "updated"
        click.echo(f"{what} {merged.path}: {merged.kept} kept, {merged.fuzzy} fuzzy, {merged.new} new, "
                   f"{merged.obsolete} obsolete")


@main.command(epilog="\b\nExamples:\n  leaflets schema\n  leaflets schema --out /tmp/schema")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the schema files. Default: schema/ in the project folder.")
@click.pass_obj
@friendly_errors
def schema(obj: Context, out_dir: Path | None) -> None:
    """Write JSON Schema files for the data, so editors can check YAML as you type.

    Data files point at them with a first line such as
    `# yaml-language-server: $schema=../../schema/leaflet.schema.json`.
    """
    from leaflets.project.folder import find_project
    from leaflets.project.schema import schema_files
    from leaflets.publish.files import write_atomic

    folder = out_dir if out_dir is not None else find_project(obj.root).root / "schema"
    for name, text in schema_files().items():
        write_atomic(folder / name, text.encode("utf-8"))
        click.echo(f"wrote {folder / name}")


# -- leaflets serve: the live preview (leaflets/preview/) ---------------------------------------
EPILOG_SERVE = """\b
Examples:
  leaflets serve                              every leaflet, at http://127.0.0.1:8000/
  leaflets serve milia --branch stoke-on-trent --open
  leaflets serve --host 0.0.0.0 --new-token   on the network, with an access token
"""


@main.command(epilog=EPILOG_SERVE)
@click.argument("leaflet_ids", metavar="[LEAFLET]...", nargs=-1)
@click.option("--branch", "branch_ids", multiple=True, metavar="ID", help="Only this branch (repeat for more).")
@click.option("--format", "format_ids", multiple=True, type=click.Choice(list(FORMATS), case_sensitive=False),
              metavar="FORMAT", help="Only this format (repeat for more). Default: every format.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs --token or --new-token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@click.option("--token", default=None, metavar="TOKEN",
              help="Refuse every request without this access token (at least 16 characters).")
@click.option("--new-token", is_flag=True, help="Make an access token and print the address that carries it.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes kept warm for rebuilds. Default: 2 (or 1 on a one-CPU machine).")
@click.pass_obj
@friendly_errors
def serve(obj: Context, leaflet_ids, branch_ids, format_ids, host: str, port: int, token: str | None,
          new_token: bool, open_browser: bool, jobs: int | None) -> None:
    """Preview the leaflets in a web browser; rebuild and refresh as you save files.

    Builds into a private temporary folder (never out/), removed on exit.
    A leaflet's page shows its pages as images for a chosen branch and
    format, with its gate status; when a file in data/, templates/,
    styles/, assets/ or locale/ is saved, the variants that changed are rebuilt and
    the page refreshes itself. A broken edit keeps the last good images and
    shows the problems in a banner, as the command line prints them. Each
    leaflet's page also has a form that prints it for one patient, as
    `leaflets personalise` does; nothing of it is stored or logged.
    """
    import os

    from leaflets.preview.server import ServeOptions
    from leaflets.preview.server import serve as run_server
    from leaflets.preview.state import Selection

    options = ServeOptions(
        root=obj.root, selection=Selection(tuple(leaflet_ids), tuple(branch_ids), tuple(format_ids)), host=host,
        port=port, token=token, new_token=new_token, open_browser=open_browser,
        jobs=jobs or min(2, os.cpu_count() or 1),
    )
    run_server(options, say=lambda line: click.echo(line, err=True))


if __name__ == "__main__":  # pragma: no cover
    main()


# --- personalise: one patient's leaflet, in memory (leaflets/personal/) ---------------------

EPILOG_PERSONALISE = """\b
Examples:
  leaflets personalise hydrafacial --branch stoke-on-trent --format a4 \\
      --name "Sam Smith" --note "Keep the area dry for 2 days." \\
      --appointment "2026-12-03 14:30" --practitioner "Dr Jo Bloggs" -o sam.pdf
  leaflets personalise milia --branch wolverhampton --format a5 --imposed \\
      --note-file - -o - < note.txt | lp
"""


@main.command(epilog=EPILOG_PERSONALISE)
@click.argument("leaflet")
@click.option("--branch", required=True, metavar="ID", help="The branch whose details the leaflet carries.")
@click.option("--format", "format_id", required=True, type=click.Choice(list(FORMATS), case_sensitive=False),
              metavar="FORMAT", help="a4 (the box on the back page), a5 (on the first notes page), dl (on the "
              "inside flap) or large-print (after the content, at 18 pt).")
@click.option("--name", default=None, help="The patient's name (one line, up to 80 characters).")
@click.option("--note", default=None, help="The note, plain text up to 600 characters and 15 lines; line breaks "
              "are kept.")
@click.option("--note-file", default=None, metavar="FILE|-", help="Read the note from a UTF-8 file, or - for "
              "standard input (instead of --note).")
@click.option("--appointment", default=None, metavar="DATETIME",
              help="The next appointment, e.g. '2026-12-03 14:30' (or 2026-12-03T14:30); printed as "
              "'Thursday 3 December 2026 at 2:30pm'.")
@click.option("--practitioner", default=None, help="Who wrote the note (one line, up to 80 characters).")
@click.option("-o", "--output", required=True, metavar="FILE|-",
              help="Where to write the PDF (through a temporary file beside it, renamed), or - for standard "
              "output (refused on a terminal).")
@click.option("--lang", default=None, metavar="LANG", help="A translation of the leaflet, e.g. pl or ur (the box's "
              "words and the appointment's date in that language; the note is printed as typed). Default: English.")
@click.option("--imposed", is_flag=True, help="A5 only: the booklet imposed two-up on A4 sheets, for an office "
              "printer (duplex, flip on short edge, fold). Default: the A5 pages in reading order.")
@today_option
@click.pass_obj
@friendly_errors
def personalise(obj: Context, leaflet: str, branch: str, format_id: str, name, note, note_file, appointment,
                practitioner, output: str, lang, imposed: bool, today) -> None:
    """Print one leaflet with a "For you" box for one patient: name, note, next appointment.

    Nothing is stored: the PDF is made in memory and written only to -o (or
    standard output); no out/ folder, manifest or log holds it, and what was
    typed is never printed back. Text is printed literally (nothing in it is
    read as markup or made a link); control characters and the invisible
    characters that reorder text are refused. The box uses room the leaflet
    already has: when it does not fit, the message says how many characters
    of the note to cut (exit 2). The gate is the build's: a leaflet with a
    gate error is refused; a draft or overdue leaflet keeps its mark.
    """
    from leaflets.commands.personalise import PersonaliseRequest
    from leaflets.commands.personalise import personalise as run_personalise

    where = run_personalise(PersonaliseRequest(
        root=obj.root, leaflet=leaflet, branch=branch, format=format_id.lower(), output=output, name=name,
        note=note, note_file=note_file, appointment=appointment, practitioner=practitioner, imposed=imposed,
        today=_day(today), lang=lang,
    ))
    click.echo(f"wrote the personalised {leaflet} leaflet ({format_id}{f', {lang}' if lang else ''}) to {where}",
               err=True)


def entry_point() -> None:
    """``leaflets`` on the command line (and ``python -m leaflets``, ``generate.py``): run the
    command, then end the process without tearing the interpreter down.

    After a build, Python would spend about 0.1 s freeing every object one by one (the data
    model, compiled templates, the libraries' tables) before the process could end: a tenth of
    a one-leaflet build. So once the command has finished, the exit handlers run as usual
    (temporary folders, multiprocessing's clean-up, logging), the output streams are flushed,
    and the process ends at once with the command's exit status. Every file the tool writes
    is closed (and renamed into place) before the command returns. Tests call ``main``
    (the click group), which exits the usual way.
    """
    import atexit
    import contextlib
    import os
    import threading

    try:
        main(prog_name="leaflets")
        code: int = 0
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            code = done.code or 0
        else:  # sys.exit("message"): printed, status 1, as Python does
            print(done.code, file=sys.stderr)
            code = 1
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)  # a thread still working (none is expected): let Python wait for it
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the stream closed (`leaflets list >&-`)
            continue
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`leaflets list | head`) or stream
            stream.flush()
    os._exit(code)
