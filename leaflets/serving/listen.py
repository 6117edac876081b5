"""Listening: the socket a server binds before it starts anything slow, and Ctrl-C or SIGTERM
turned into an exception so that a server cleans up (its workers, its private folder) on the way out."""

from __future__ import annotations

import socket

from leaflets.errors import UserError


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
