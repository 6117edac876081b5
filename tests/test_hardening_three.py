"""Hardening, round three (issue 25): the doors added last round under attack. The preview server
(odd paths, forged log lines, terminal escapes, a Host that only starts like loopback), translations
(numbers and links that drift, duplicate and malformed PO entries, writes through links), merges of
shard manifests, a leftover release swap folder, personalised prints written over project files,
unreadable brand colours, and inputs that are only plausible (appointments in year 1, quotes in a
website, scripts in a logo). Cases that fit a copy of the project and one command are in
tests/bad_inputs/; these need a server, links, several commands or a look at files afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, copy_project, run

# --- the preview server: odd paths, log lines, Host ------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raw_request(port: int, path: bytes, host: bytes | None = None) -> int:
    """One GET with the path exactly as given (no client library would send a raw control
    character): the status code answered."""
    host = host or f"127.0.0.1:{port}".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """``leaflets serve`` for one variant on a free loopback port, its log in a file; stopped after."""
    root = tmp_path_factory.mktemp("preview")
    project = copy_project(root / "project")
    log = root / "server.log"
    port = free_port()
    env = {**os.environ, "TMPDIR": str(root), "PYTHONPATH": str(REPO)}
    with open(log, "wb") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "leaflets", "--root", str(project), "serve", "milia", "--branch",
             "stoke-on-trent", "--format", "a4", "--port", str(port), "-j", "1"],
            stdout=stream, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    try:
        deadline = time.monotonic() + 120
        while b"serving the preview at" not in log.read_bytes():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "leaflets serve did not start in time:\n" + log.read_text()
            time.sleep(0.2)
        yield port, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def log_lines_after(log: Path, start: int) -> list[str]:
    time.sleep(0.3)  # the log line is written once the response is sent
    return log.read_bytes()[start:].decode("utf-8").splitlines()


ODD_PATHS = [b"/files/%00", b"/files/a%00b.html", b"/files/%00/../index.html", b"/leaflet/%00",
             b"/page/%00/1.png", b"/files/\x00", b"/files/%0a", b"/files/%ff%fe"]


@pytest.mark.parametrize("path", ODD_PATHS, ids=[p.decode("latin-1").encode("unicode_escape").decode() for p in ODD_PATHS])
def test_an_odd_path_gets_a_4xx_and_one_log_line(preview, path):
    port, log = preview
    start = len(log.read_bytes())
    status = raw_request(port, path)
    assert 400 <= status < 500, status
    lines = log_lines_after(log, start)
    assert len(lines) == 1, lines
    if b"\x00" not in path:  # a raw NUL is refused by the HTTP parser itself, with its own one line
        assert lines[0].startswith("GET /") and lines[0].endswith(f" {status}"), lines
    assert "Traceback" not in log.read_text(errors="replace")


def test_a_path_cannot_forge_a_log_line_or_reach_the_terminal(preview):
    port, log = preview
    start = len(log.read_bytes())
    forged = b"/files/x%0aPOST%20/leaflet/milia/personal%20200%0d%1b[2J%1b]0;owned%07%c2%85%e2%80%a8"
    status = raw_request(port, forged)
    assert 400 <= status < 500, status
    written = log.read_bytes()[start:]
    lines = log_lines_after(log, start)
    assert len(lines) == 1 and lines[0].startswith("GET /files/x"), lines
    assert not any(line.startswith("POST") for line in lines), lines
    for byte in (b"\x1b", b"\x07", b"\r", "\u0085".encode(), "\u2028".encode()):
        assert byte not in written, (byte, written)
    assert "\\n" in lines[0] and "\\x1b" in lines[0], lines  # shown, escaped, so the attempt can be seen


@pytest.mark.parametrize("host", [b"127.0.0.1:{port}.evil.example", b"127.0.0.1.evil.example:{port}",
                                  b"127.0.0.1:{port}:evil", b"localhost:{port}@evil.example", b"evil.example"])
def test_a_host_that_only_starts_like_loopback_is_refused(preview, host):
    port, _ = preview
    assert raw_request(port, b"/", host.replace(b"{port}", str(port).encode())) == 403


def test_loopback_hosts_are_still_served(preview):
    port, _ = preview
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "127.0.0.1"):
        assert raw_request(port, b"/", host.encode()) == 200, host
