"""The preview web app (Starlette): an index of leaflets, a page per leaflet with its pages as
images, the built files, and server-sent events that tell open pages a build has finished."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import urlencode

import anyio
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from leaflets.errors import UserError
from leaflets.formats import FORMATS
from leaflets.preview.pages import PageImages
from leaflets.preview.state import Preview
from leaflets.project.note import MAX_NAME, MAX_NOTE
from leaflets.serving.csp import build_csp
from leaflets.serving.guard import Guard, Policy
from leaflets.serving.prints import MAX_RENDERS, Refused, Renders, note_of, pdf_response, plain, read_form

HERE = Path(__file__).parent
STATIC = {"preview.js": "text/javascript", "preview.css": "text/css"}
KEEP_ALIVE_SECONDS = 15.0


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True)


def pdf_formats() -> list[str]:
    return [f for f, spec in FORMATS.items() if spec.layout != "web"]


class PreviewApp:
    def __init__(self, preview: Preview, policy: Policy, log: Callable[[str], None]) -> None:
        self.preview, self.policy, self.log = preview, policy, log
        self.images = PageImages()
        self.templates = _environment()
        self.renders = Renders(lambda: self.preview.timeout + 10, log, MAX_RENDERS)

    # -- pages ---------------------------------------------------------------------------------
    def render(self, template: str, **context: object) -> HTMLResponse:
        html = self.templates.get_template(template).render(snapshot=self.preview.snapshot, **context)
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    async def index(self, request: Request) -> Response:
        snapshot = self.preview.snapshot
        leaflets: dict[str, dict[str, str]] = {}
        for output in snapshot.outputs:
            if output.kind == "pdf" and output.profile == "office":
                leaflets.setdefault(output.leaflet, {})[output.branch] = snapshot.branches.get(output.branch,
                                                                                              output.branch)
        rows = [(leaflet, snapshot.titles.get(leaflet, leaflet), sorted(branches.items(), key=lambda b: b[1]))
                for leaflet, branches in sorted(leaflets.items(), key=lambda item: snapshot.titles.get(item[0], ""))]
        catalogue = "/files/index.html" if self.preview.file("index.html") else None
        return self.render("index.html", rows=rows, catalogue=catalogue, link=_link)

    async def leaflet(self, request: Request) -> Response:
        leaflet = request.path_params["leaflet"]
        snapshot = self.preview.snapshot
        mine = [o for o in snapshot.outputs if o.leaflet == leaflet and o.profile == "office"]
        pdfs = [o for o in mine if o.kind == "pdf"]
        if not pdfs:
            return self.render("missing.html", leaflet=leaflet)
        branches = sorted({o.branch for o in pdfs}, key=lambda b: snapshot.branches.get(b, b))
        branch = _choose(request.query_params.get("branch"), branches)
        formats = [f for f in pdf_formats() if any(o.format == f and o.branch == branch for o in pdfs)]
        fmt = _choose(request.query_params.get("format"), formats)
        langs = sorted({o.lang for o in pdfs if o.branch == branch and o.format == fmt})
        lang = _choose(request.query_params.get("lang"), langs)
        pdf = next(o for o in pdfs if o.branch == branch and o.format == fmt and o.lang == lang)
        web = next((o for o in mine if o.kind == "web" and o.branch == branch and o.lang == lang), None)
        name = f"{leaflet}--{branch}--{fmt}--{lang}"
        status = snapshot.statuses.get((leaflet, branch, fmt, lang))
        return self.render(
            "leaflet.html", leaflet=leaflet, title=snapshot.titles.get(leaflet, leaflet), branch=branch, fmt=fmt,
            lang=lang, branches=[(b, snapshot.branches.get(b, b)) for b in branches],
            formats=[(f, FORMATS[f].staff_name or f) for f in formats], langs=langs, pdf=pdf, web=web,
            pages=[f"/page/{pdf.sha256}/{i + 1}.png" for i in range(pdf.pages)], status=status, name=name,
            personal=True, note_limits=_note_limits(), booklet=FORMATS[fmt].booklet_companion,
            format_name=FORMATS[fmt].staff_name or fmt,
        )

    async def page_image(self, request: Request) -> Response:
        sha, number = request.path_params["sha"], request.path_params["number"]
        output = self.preview.output_by_sha(sha)
        path = self.preview.pdf_file(output) if output is not None else None
        if output is None or path is None:
            return PlainTextResponse("no such page (the leaflet was rebuilt: reload the page)", 404)
        data = await anyio.to_thread.run_sync(self.images.png, path, sha, number - 1)
        if data is None:
            return PlainTextResponse("no such page", 404)
        # The address names the PDF's checksum: the image behind it never changes.
        return Response(data, media_type="image/png", headers={"Cache-Control": "private, max-age=86400, immutable"})

    async def pdf(self, request: Request) -> Response:
        """A shown PDF by its checksum: the current one, or the last good one of a variant that failed."""
        output = self.preview.output_by_sha(request.path_params["sha"])
        path = self.preview.pdf_file(output) if output is not None else None
        if output is None or path is None:
            return PlainTextResponse("no such PDF (the leaflet was rebuilt: reload the page)", 404)
        return FileResponse(path, media_type="application/pdf", filename=Path(output.path).name,
                            content_disposition_type="inline", headers={"Cache-Control": "no-cache"})

    async def files(self, request: Request) -> Response:
        path = self.preview.file(request.path_params["path"])
        if path is None:
            return PlainTextResponse("not found", 404)
        headers = {"Cache-Control": "no-cache"}
        if path.suffix == ".html":
            data = path.read_bytes()
            return Response(data, media_type="text/html; charset=utf-8",
                            headers={**headers, "Content-Security-Policy": build_csp(data)})
        return FileResponse(path, headers=headers)

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return PlainTextResponse("not found", 404)
        return FileResponse(HERE / "static" / name, media_type=STATIC[name], headers={"Cache-Control": "no-cache"})

    async def events(self, request: Request) -> Response:
        """Server-sent events: ``build`` with the build's number each time one finishes."""
        params = request.query_params
        key = (params.get("leaflet", ""), params.get("branch", ""), params.get("format", ""))
        shown = any((o.leaflet, o.branch, o.format) == key for o in self.preview.snapshot.outputs)
        queue: asyncio.Queue[int] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def listener(generation: int) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, generation)

        async def stream() -> AsyncIterator[str]:
            self.preview.listeners.append(listener)
            try:
                # Only a variant the server has built is rebuilt first (the index page watches none).
                with self.preview.watching(*key) if shown else contextlib.nullcontext():
                    yield f"retry: 1000\nevent: hello\ndata: {self.preview.snapshot.generation}\n\n"
                    while True:
                        try:
                            generation = await asyncio.wait_for(queue.get(), KEEP_ALIVE_SECONDS)
                        except TimeoutError:
                            yield ": still here\n\n"
                            continue
                        yield f"event: build\ndata: {generation}\n\n"
            finally:
                self.preview.listeners.remove(listener)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


    async def personal(self, request: Request) -> Response:
        """A personalised PDF: POST only, read into memory, rendered by a warm worker, sent back
        with ``no-store``; nothing is written and nothing typed reaches a log."""
        try:
            fields = await read_form(request, self.policy.posts)
            note = note_of(fields, lambda: self.preview.today())  # asked only when an appointment is given
            pdf, filename = await self.renders.run(lambda: self.preview.personal(
                request.path_params["leaflet"], fields.get("branch", ""), fields.get("format", ""), note,
                fields.get("imposed") == "1", fields.get("lang") or None))
        except Refused as refused:
            return refused.response
        except UserError as error:
            return plain(str(error), 400 if error.exit_code == 2 else 500)
        return pdf_response(pdf, filename)


def _note_limits() -> dict[str, int]:
    return {"name": MAX_NAME, "note": MAX_NOTE}


def _choose(wanted: str | None, choices: list[str]) -> str:
    return wanted if wanted in choices else choices[0]


def _link(leaflet: str, **query: str) -> str:
    return f"/leaflet/{leaflet}" + ("?" + urlencode(query) if query else "")


def create_app(preview: Preview, policy: Policy, log: Callable[[str], None]) -> Guard:
    handlers = PreviewApp(preview, policy, log)
    routes = [
        Route("/", handlers.index),
        Route("/leaflet/{leaflet}", handlers.leaflet),
        Route("/page/{sha:str}/{number:int}.png", handlers.page_image),
        Route("/pdf/{sha:str}", handlers.pdf),
        Route("/files/{path:path}", handlers.files),
        Route("/static/{name}", handlers.static),
        Route("/events", handlers.events),
        Route("/leaflet/{leaflet}/personal", handlers.personal, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    return Guard(app, policy, log)
