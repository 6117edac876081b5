"""Start the desk: check the address and how people get in, bind, answer at once, and load the
data and warm the workers in the background; on exit (Ctrl-C, SIGTERM) stop the workers and
remove the private folder.

Who gets in: on 127.0.0.1 (the default) only this machine, no sign-in. On another address
(or behind a reverse proxy on this machine, named with ``--name``) every request needs the access
token (``--token`` / ``--new-token``) or the practice's password (set with ``leaflets desk
--set-password``, kept hashed), and the Host header must name this machine or a ``--name``.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from leaflets.desk.app import LOGIN, create_app
from leaflets.desk.password import default_file, read_stored
from leaflets.desk.state import DESK_TIMEOUT_SECONDS, Desk
from leaflets.errors import UserError
from leaflets.serving.guard import LOOPBACK_NAMES, Guard, Policy, is_loopback, new_token
from leaflets.serving.listen import WILDCARDS, bind, run_until_stopped, where

MIN_TOKEN_LENGTH = 16
DEFAULT_PORT = 8010


@dataclass(frozen=True)
class DeskOptions:
    root: Path | None
    out_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    token: str | None = None
    new_token: bool = False
    password_file: Path | None = None  # default: password.default_file()
    names: tuple[str, ...] = ()  # more names the Host header may give (a reverse proxy's)
    jobs: int = 1
    timeout: float = DESK_TIMEOUT_SECONDS


def access(options: DeskOptions) -> tuple[str | None, str | None]:
    """(the token requests must carry, the stored password hash); refuses an open address
    with neither."""

    if options.token is not None and len(options.token) < MIN_TOKEN_LENGTH:
        raise UserError(f"--token: use at least {MIN_TOKEN_LENGTH} characters (or --new-token to have one made)")
    if not exposed(options):
        return options.token or (new_token() if options.new_token else None), None
    stored = read_stored(options.password_file or default_file())
    if options.token is not None:
        return options.token, None
    if stored is not None:
        return new_token(), stored  # the sign-in page sets this one as a cookie
    if options.new_token:
        return new_token(), None
    where = f"as {options.names[0]}" if options.names else f"on {options.host}"
    raise UserError(
        f"refusing to serve {where} without a way to keep others out: other machines could open the desk. "
        "Set the practice's password with leaflets desk --set-password (staff sign in with it), or give "
        "--token TOKEN / --new-token; or leave out --host and --name to serve this PC only")


def exposed(options: DeskOptions) -> bool:
    """Whether other machines reach the desk: it listens on another address, or a reverse proxy
    on this machine passes requests on under a name (``--name``)."""
    return not is_loopback(options.host) or bool(options.names)


def host_names(options: DeskOptions) -> frozenset[str] | None:
    """The names the Host header may give when other machines reach the desk (None on loopback
    alone: the guard allows only loopback names there)."""
    if not exposed(options):
        return None
    names = {*LOOPBACK_NAMES, "127.0.0.1", "[::1]", *(n.lower() for n in options.names)}
    if options.host not in WILDCARDS:
        names.add(options.host.lower())
    hostname = socket.gethostname().lower()
    names |= {hostname, f"{hostname}.local", socket.getfqdn().lower()}
    with contextlib.suppress(OSError):
        names |= {str(info[4][0]) for info in socket.getaddrinfo(hostname, None)}
    return frozenset(names)


def serve(options: DeskOptions, say: Callable[[str], None]) -> None:
    token, password = access(options)
    sock = bind(options.host, options.port)
    desk: Desk | None = None

    def start() -> Guard:
        nonlocal desk
        started = time.perf_counter()
        desk = Desk(options.root, options.out_dir, options.jobs, options.timeout, say=say)
        shown = ", ".join(f"{kind} ({len(s.outputs)} files)" for kind, s in desk.shelves().items())
        say(f"serving {desk.out_dir}: {shown}")
        desk.start()
        port = sock.getsockname()[1]
        url = where(options.host, port, f"?token={token}" if token and password is None else "")
        policy = Policy(token=token, loopback=not exposed(options), name="desk server",
                        hosts=host_names(options), login=LOGIN if password else None,
                        open_paths=frozenset({"/static/desk.css"}))
        app = create_app(desk, policy, say, password)
        say(f"the desk is at {url}  (started in {time.perf_counter() - started:.1f} s; Ctrl-C to stop)")
        if password:
            say("staff sign in with the practice's desk password")
        return app

    def stop() -> None:
        if desk is not None:
            desk.close()
            say("stopped")

    run_until_stopped(sock, start, stop)
