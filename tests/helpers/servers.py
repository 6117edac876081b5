"""Servers the tests start (``leaflets serve``, ``leaflets desk``) listen on ``--port 0``: the system
picks a free port, so servers of parallel xdist workers never race for one, and the test reads the
port from the line the server prints."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from pathlib import Path

import anyio


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


async def asgi_request(app, method: str, path: str, body: bytes, host: str,
                       headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request through an ASGI app, as a browser on ``host`` sends a form: (status, headers, body)."""
    headers = {"host": host, "content-type": "application/x-www-form-urlencoded", "origin": f"http://{host}",
               "content-length": str(len(body)), **(headers or {})}
    name, port = host.rsplit(":", 1)
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
             "client": ("127.0.0.1", 50000), "server": (name, int(port))}
    sent = False
    answer: dict = {"status": 0, "headers": {}, "body": b""}

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await anyio.sleep_forever()

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return answer["status"], answer["headers"], answer["body"]
