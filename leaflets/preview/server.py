"""Start the preview: check the address and token, bind, build once, watch, serve; on exit
(Ctrl-C, SIGTERM or an error) stop the workers and remove the private build folder."""

from __future__ import annotations

import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from leaflets.errors import UserError
from leaflets.preview.app import create_app
from leaflets.preview.state import SERVE_TIMEOUT_SECONDS, Preview, Selection
from leaflets.preview.watch import Watcher
from leaflets.serving.guard import Guard, Policy, is_loopback, new_token
from leaflets.serving.listen import bind, local_url, run_until_stopped, where

MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class ServeOptions:
    root: Path | None
    selection: Selection
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    new_token: bool = False
    open_browser: bool = False
    jobs: int = 2
    timeout: float = SERVE_TIMEOUT_SECONDS


def access_token(options: ServeOptions) -> str | None:
    """The token requests must carry, or None (loopback only). Refuses an open address without one."""
    if options.token is not None and len(options.token) < MIN_TOKEN_LENGTH:
        raise UserError(f"--token: use at least {MIN_TOKEN_LENGTH} characters (or --new-token to have one made)")
    if options.token is None and options.new_token:
        return new_token()
    if options.token is None and not is_loopback(options.host):
        raise UserError(
            f"refusing to listen on {options.host} without an access token: other machines could open the "
            "preview. Give one with --token TOKEN, or --new-token to have one made and printed, "
            "or leave out --host to listen on 127.0.0.1 only")
    return options.token


def serve(options: ServeOptions, say: Callable[[str], None]) -> None:
    token = access_token(options)
    sock = bind(options.host, options.port)
    preview: Preview | None = None
    watcher: Watcher | None = None

    def start() -> Guard:
        nonlocal preview, watcher
        preview = Preview(options.root, options.selection, options.jobs, options.timeout, say=say)
        started = time.perf_counter()
        say(f"building the preview into {preview.site} ...")
        preview.rebuild()
        outputs = [o for o in preview.snapshot.outputs if o.kind == "pdf"]
        say(f"built {len(outputs)} PDFs in {time.perf_counter() - started:.1f} s")
        watcher = Watcher(preview.project.root, preview.rebuild)
        watcher.start()
        port, query = sock.getsockname()[1], f"?token={token}" if token else ""
        policy = Policy(token=token, loopback=is_loopback(options.host))
        app = create_app(preview, policy, say)
        say(f"serving the preview at {where(options.host, port, query)}  (Ctrl-C to stop)")
        if options.open_browser:
            threading.Timer(0.5, webbrowser.open, args=(local_url(options.host, port, query),)).start()
        return app

    def stop() -> None:
        if watcher is not None:
            watcher.stop()
        if preview is not None:
            preview.close()
            say(f"stopped; removed {preview.folder}")

    run_until_stopped(sock, start, stop)
