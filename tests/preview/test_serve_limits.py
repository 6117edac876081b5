"""The preview server's limits on personalised prints, driven through its ASGI app in this process:
at most MAX_RENDERS at once (more are asked to try again), and a render that runs past its time
is answered with 504 and frees its place. The real server, fork server and browser are in
test_serve.py; here the preview is a stand-in whose render can be made slow."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import anyio

from leaflets.preview.app import MAX_RENDERS, create_app
from leaflets.preview.state import Snapshot
from leaflets.serving.guard import Policy

from tests.helpers.servers import asgi_request

FORM = b"branch=stoke-on-trent&format=a4&name=Sam+Example&note=Keep+it+dry."


class SlowPreview:
    """Renders take ``seconds``; counts how many run at once."""

    def __init__(self, seconds: float, timeout: float = 30.0) -> None:
        self.seconds, self.timeout = seconds, timeout
        self.snapshot = Snapshot()
        self.running = self.most = 0
        self.lock = threading.Lock()

    def personal(self, leaflet, branch, fmt, note, imposed, lang):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(self.seconds)
            return b"%PDF-1.7 stand-in", f"{leaflet}-{fmt}-for-you.pdf"
        finally:
            with self.lock:
                self.running -= 1

    def file(self, relative: str) -> Path | None:
        return None


async def post(app, path: str = "/leaflet/milia/personal") -> tuple[int, dict[str, str], bytes]:
    """One POST of the form through the ASGI app: (status, headers, body)."""
    return await asgi_request(app, "POST", path, FORM, "127.0.0.1:8765")


def test_at_most_two_personalised_prints_render_at_once():
    preview = SlowPreview(seconds=0.6)
    app = create_app(preview, Policy(token=None, loopback=True), log=lambda line: None)
    answers: list[tuple[int, dict[str, str], bytes]] = []

    async def main():
        async def one():
            answers.append(await post(app))

        async with anyio.create_task_group() as group:
            for _ in range(MAX_RENDERS + 2):
                group.start_soon(one)
        answers.append(await post(app))  # once they are done, there is room again

    anyio.run(main)
    statuses = sorted(status for status, _, _ in answers[:-1])
    assert statuses == [200] * MAX_RENDERS + [503, 503]
    busy = next(a for a in answers if a[0] == 503)
    assert busy[1]["retry-after"] == "2" and b"busy" in busy[2]
    assert preview.most == MAX_RENDERS
    assert answers[-1][0] == 200 and answers[-1][2].startswith(b"%PDF")


def test_renders_past_their_time_are_answered_and_free_their_places():
    # The app waits the pool's time limit plus 10 s; here that is 0.3 s for a render of 3 s.
    preview = SlowPreview(seconds=3.0, timeout=0.3 - 10)
    app = create_app(preview, Policy(token=None, loopback=True), log=lambda line: None)

    async def main():
        started = time.monotonic()
        late: list[tuple[int, dict[str, str], bytes]] = []

        async def one():
            late.append(await post(app))

        async with anyio.create_task_group() as group:  # every place taken by a render that runs away
            for _ in range(MAX_RENDERS):
                group.start_soon(one)
        waited = time.monotonic() - started
        preview.seconds = 0.0  # the next render is quick: the places were given back
        return late, waited, await post(app)

    late, waited, after = anyio.run(main)
    assert [status for status, _, _ in late] == [504] * MAX_RENDERS
    assert all(b"took too long" in body for _, _, body in late)
    assert waited < 2.0  # answered at the limit, not when the renders ended
    assert after[0] == 200
