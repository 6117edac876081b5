"""``leaflets list``: every file a build would write."""

from __future__ import annotations

import datetime as dt

import click

from leaflets.cli.base import Context, as_date, friendly_errors, main, selection_options, today_option
from leaflets.formats import ProfileId


@main.command(name="list", epilog="\b\nExamples:\n  leaflets list\n  leaflets list milia --branch stoke-on-trent\n"
              "  leaflets list --for print-shop")
@selection_options
@today_option
@click.pass_obj
@friendly_errors
def list_variants(obj: Context, leaflet_ids, branch_ids, format_ids, langs, profile: ProfileId, today) -> None:
    """Show every file a build would write: one line per file, companions (the imposed A5 print file) included."""
    from leaflets.commands.listing import list_files  # noqa: PLC0415 -- 0.20 s (the data model), not for --help

    listing = list_files(obj.library(), as_date(today) or dt.date.today(), tuple(leaflet_ids), tuple(branch_ids),
                         tuple(format_ids), tuple(langs), profile)
    rows = [("LEAFLET", "BRANCH", "FORMAT", "LANG", "STATUS", "FILE")]
    rows += [(f.leaflet, f.branch, f.format, f.lang, f.status, f.path) for f in listing.files]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    variants, files = len(listing.variants), len(listing.files)
    click.echo(f"{variants} variant{'s' if variants != 1 else ''}, {files} file{'s' if files != 1 else ''}")
    for line in listing.not_built:
        click.echo(f"not built: {line}")
