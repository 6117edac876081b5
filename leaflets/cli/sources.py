"""``leaflets sources``: print a leaflet's source list for one branch (what "Sources are available on
request" hands over)."""

from __future__ import annotations

import click

from leaflets.cli.base import Context, friendly_errors, main

EPILOG_SOURCES = """\b
Examples:
  leaflets sources milia --branch stoke-on-trent
  leaflets sources chemical-peel --branch wolverhampton
  leaflets sources milia            every source the leaflet can show, at any branch
"""


@main.command(epilog=EPILOG_SOURCES)
@click.argument("leaflet_id", metavar="LEAFLET")
@click.option("--branch", "branch_id", metavar="ID", default=None,
              help="The branch whose leaflet it is (its treatments decide which sources apply). Default: all.")
@click.pass_obj
@friendly_errors
def sources(obj: Context, leaflet_id: str, branch_id: str | None) -> None:
    """Print the sources of what a leaflet shows at a branch, one numbered citation a line.

    The leaflet's own sources, then those of the shared advice and the treatment summaries it shows
    for that branch: the list a patient gets on request.
    """
    from leaflets.commands.sources import leaflet_sources  # noqa: PLC0415 -- 0.19 s, not for --help

    for line in leaflet_sources(obj.library(), leaflet_id, branch_id).lines():
        click.echo(line)
