"""What every command shares: the click group, the project context, the selection and date
options, and how a user's mistake is shown (one message, exit 2) rather than a traceback."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from pathlib import Path

import click

from leaflets import __version__
from leaflets.errors import UserError, error_message
from leaflets.formats import FORMATS, PROFILES


class Context:
    def __init__(self, root: Path | None, debug: bool) -> None:
        self.root = root
        self.debug = debug

    def library(self):
        from leaflets.project.folder import find_project  # noqa: PLC0415 -- 1.2 ms, not for --help
        from leaflets.project.load import load_library  # noqa: PLC0415 -- 0.15 s (pydantic, YAML, PO files), not for --help

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


def as_date(value) -> dt.date | None:
    return value.date() if value else None
