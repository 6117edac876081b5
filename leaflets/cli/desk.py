"""``leaflets desk``: reception's server (leaflets/desk/), and setting its password."""

from __future__ import annotations

from pathlib import Path

import click

from leaflets.cli.base import Context, friendly_errors, main

EPILOG_DESK = """\b
Examples:
  leaflets desk                               out/ at http://127.0.0.1:8010/ (this PC only)
  leaflets desk --out /srv/leaflets/out --port 8080
  leaflets desk --set-password                set the practice's password (asked twice)
  leaflets desk --host 0.0.0.0 --name leaflets.clinic.lan
                                              on the clinic network: staff sign in with it
"""


@main.command(epilog=EPILOG_DESK)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The build folder to serve (its release/ first, if there is one). Default: out/ in the project.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs the practice's password (--set-password) "
              "or --token / --new-token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8010, show_default=True, help="Port (0: any free one).")
@click.option("--name", "names", multiple=True, metavar="HOST",
              help="A name people (or the reverse proxy) use for this server, e.g. leaflets.clinic.lan; requests "
              "naming any other host are refused. Repeat for more.")
@click.option("--token", default=None, metavar="TOKEN", help="Refuse every request without this access token "
              "(at least 16 characters).")
@click.option("--new-token", is_flag=True, help="Make an access token and print the address that carries it.")
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where the hashed password is kept. Default: ~/.config/leaflets/desk-password "
              "(%APPDATA%\\leaflets\\desk-password on Windows).")
@click.option("--set-password", is_flag=True, help="Ask for the practice's desk password (twice), store it hashed "
              "(scrypt, salted), and exit.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes kept warm for personalised prints.")
@click.pass_obj
@friendly_errors
def desk(obj: Context, out_dir: Path | None, host: str, port: int, names: tuple[str, ...], token: str | None,
         new_token: bool, password_file: Path | None, set_password: bool, jobs: int) -> None:
    """Serve the built leaflets to reception: find, print, and personalise.

    Serves a build folder (out/ by default): its release (OUT/release/, what
    the clinic released) where there is one, with a switch to the working
    build, marked as such. Nothing is built: it answers within seconds. The
    catalogue has a "For you" button on every leaflet: a form for a patient's
    name, a note, the next appointment and the practitioner; "Make PDF" opens
    the personalised PDF in the browser to print. It is made in memory and
    sent with no-store; nothing typed is kept, written or logged.

    Listens on 127.0.0.1 (this PC) unless --host says otherwise; on another
    address staff sign in with the practice's password (or use a token), and
    the docs (docs/desk.md) say how to put it behind HTTPS.
    """
    from leaflets.desk.password import default_file  # noqa: PLC0415 -- 15 ms, not for --help
    from leaflets.desk.password import set_password as store  # noqa: PLC0415 -- as above
    from leaflets.desk.server import DeskOptions, serve  # noqa: PLC0415 -- 0.51 s (Starlette, uvicorn), as above

    if set_password:
        path = password_file or default_file()
        password = click.prompt("The desk password", hide_input=True, confirmation_prompt="Type it again")
        store(path, password)
        click.echo(f"stored the desk password (hashed) in {path}", err=True)
        return
    options = DeskOptions(root=obj.root, out_dir=out_dir, host=host, port=port, token=token, new_token=new_token,
                          password_file=password_file, names=names, jobs=jobs)
    serve(options, say=lambda line: click.echo(line, err=True))
