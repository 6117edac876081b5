"""Servers the tests start (``leaflets serve``, ``leaflets desk``) listen on ``--port 0``: the system
picks a free port, so servers of parallel xdist workers never race for one, and the test reads the
port from the line the server prints."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from pathlib import Path


def port_from_log(log: Path, process: subprocess.Popen, says: str, seconds: float = 90) -> int:
    """The port in the first ``<says> http://127.0.0.1:<port>/`` line the server writes to ``log``
    (start it with PYTHONUNBUFFERED=1); fails with the log if it exits or says nothing in time."""
    pattern = re.compile(re.escape(says) + r" http://127\.0\.0\.1:(\d+)/")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = pattern.search(log.read_text(errors="replace"))
        if found:
            return int(found.group(1))
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}:\n{log.read_text()}")
        time.sleep(0.1)
    raise AssertionError(f"the server did not say where it listens within {seconds:.0f} s:\n{log.read_text()}")


def wait_listening(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    """Until a connection to the port is accepted: the server prints its address before it listens."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after {seconds:.0f} s")


def stop(process: subprocess.Popen, seconds: float = 20) -> None:
    """Stop a server with SIGTERM; kill it if it has not ended in ``seconds``
    (the test's own assertions on its exit status and leftovers then fail)."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
