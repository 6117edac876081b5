"""``leaflets serve``: the writers' live preview (leaflets/preview/)."""

from __future__ import annotations

import os

import click

from leaflets.cli.base import Context, friendly_errors, main
from leaflets.formats import FORMATS

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
    from leaflets.preview.server import ServeOptions  # noqa: PLC0415 -- 0.59 s (Starlette, uvicorn), not for --help
    from leaflets.preview.server import serve as run_server  # noqa: PLC0415 -- as above
    from leaflets.preview.state import Selection  # noqa: PLC0415 -- 0.44 s (the data model, Jinja2), as above

    options = ServeOptions(
        root=obj.root, selection=Selection(tuple(leaflet_ids), tuple(branch_ids), tuple(format_ids)), host=host,
        port=port, token=token, new_token=new_token, open_browser=open_browser,
        jobs=jobs or min(2, os.cpu_count() or 1),
    )
    run_server(options, say=lambda line: click.echo(line, err=True))
