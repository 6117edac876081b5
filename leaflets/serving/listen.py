"""Listening: the socket a server binds before it starts anything slow, and running the app on it
until Ctrl-C or SIGTERM, turned into an exception so that a server cleans up (its workers, its
private folder) on the way out. ``leaflets serve`` and ``leaflets desk`` both run this way."""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable

import uvicorn

from leaflets.errors import UserError
from leaflets.serving.guard import Guard


class Stopped(KeyboardInterrupt):
    """Ctrl-C or SIGTERM: the normal way to stop the server (exit 0 after cleaning up)."""


def stop_signal(signum: int, frame: object) -> None:
    raise Stopped


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as error:
        sock.close()
        raise UserError(f"cannot listen on {host}:{port}: {error.strerror}; choose another port with --port") from None
    sock.set_inheritable(False)
    return sock


#: the addresses that mean "every interface of this machine": no browser can open them
WILDCARDS = ("0.0.0.0", "::", "[::]")


def local_url(host: str, port: int, query: str = "") -> str:
    """The URL this machine's browser opens for a server on ``host``: for every interface (0.0.0.0,
    ::), which no browser can open, the loopback address (IPv6's for ::, whose socket may take no
    IPv4)."""
    if host in WILDCARDS:
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"
    name = f"[{host.strip('[]')}]" if ":" in host else host
    return f"http://{name}:{port}/{query}"


def where(host: str, port: int, query: str = "") -> str:
    """The address to print for a server on ``host``: its URL, and for every interface, after this
    machine's, the machine's own name for the others on the network."""
    if host in WILDCARDS:
        return (f"{local_url(host, port, query)} on this machine, "
                f"http://{socket.gethostname().lower()}:{port}/{query} from others on the network")
    return local_url(host, port, query)


def run_until_stopped(sock: socket.socket, start: Callable[[], Guard], stop: Callable[[], None]) -> None:
    """Serve ``start()``'s app on ``sock`` until Ctrl-C or SIGTERM; then ``stop()`` and close the socket.

    ``start`` loads what the server needs (it may take a while) and returns the app. uvicorn
    handles both signals while it serves, then raises them again: the handlers set here turn
    them into ``Stopped`` (also while ``start`` runs), which ends the server quietly. ``stop``
    (stop the workers, remove the private folder) runs however the server ends, an error
    included, with the signals' handlers as they were, so a second Ctrl-C interrupts it as usual.
    """
    previous = {number: signal.signal(number, stop_signal) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        config = uvicorn.Config(start(), access_log=False, log_level="warning", lifespan="off",
                                timeout_graceful_shutdown=1, server_header=False)
        uvicorn.Server(config).run(sockets=[sock])
    except Stopped:
        pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        try:
            stop()
        finally:
            sock.close()
