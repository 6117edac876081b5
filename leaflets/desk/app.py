"""The desk's web app (Starlette): the catalogue of a shelf with a "For you" form on every card,
the shelf's files, the personalised PDF, and (with a practice password) the sign-in page.

    /                     -> the release if there is one, else the working build
    /release/, /build/    the catalogue of that shelf
    /release/<path>       a file the shelf lists (PDF inline, web page, thumbnail)
    POST /for-you         the personalised PDF (inline, no-store), or the form again with its problems
    /login                the practice password (only when one is set)
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable
from pathlib import Path

import anyio
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from leaflets.desk.password import verify
from leaflets.desk.state import Desk
from leaflets.errors import UserError
from leaflets.formats import FORMATS
from leaflets.publish.catalogue import language_name
from leaflets.render.foryou import NOTE_DOES_NOT_FIT
from leaflets.serving.csp import build_csp
from leaflets.serving.guard import COOKIE, Guard, Policy
from leaflets.serving.prints import NO_STORE, Refused, Renders, note_of, pdf_response, plain, read_form

HERE = Path(__file__).parent
ACTION = "/for-you"
LOGIN = "/login"
SHELVES = ("release", "build")
IMPOSED = ":imposed"  # a format's value in the form for its imposed print file (the A5 booklet on A4 sheets)
FIELDS = ("name", "note", "appointment", "practitioner", "format", "lang")
# Same-origin, not no-referrer: a form's POST then carries this site's Origin, which the guard
# checks (with no-referrer a browser sends "Origin: null", refused as another site).
SAME_ORIGIN = {"Referrer-Policy": "same-origin"}
TYPES = {".pdf": "application/pdf", ".png": "image/png", ".html": "text/html; charset=utf-8"}


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True)


def field_problems(message: str) -> dict[str, list[str]]:
    """Each line of a refusal beside the field it is about ("" for the form as a whole), in plain
    words: "note: 650 characters; ..." becomes "650 characters; ..." beside the note."""

    problems: dict[str, list[str]] = {}
    for line in filter(None, (line.strip() for line in message.splitlines())):
        field = ""
        if NOTE_DOES_NOT_FIT in line:
            field, line = "note", line[line.index(NOTE_DOES_NOT_FIT):]
            line = line[0].upper() + line[1:]
        elif line.startswith("nothing to print"):
            field = "name"
            line = "Nothing to print: give a name, a note or an appointment (or more than one)."
        elif line.startswith("not built:") or line.startswith("--format"):
            field = "format"
        else:
            head, sep, rest = line.partition(": ")
            if sep and head in FIELDS:
                field, line = head, rest[0].upper() + rest[1:]
        problems.setdefault(field, []).append(line)
    return problems


class DeskApp:
    def __init__(self, desk: Desk, policy: Policy, log: Callable[[str], None],
                 password: str | None = None) -> None:
        self.desk, self.policy, self.log, self.password = desk, policy, log, password
        self.templates = _environment()
        self.renders = Renders(lambda: desk.timeout + 10, log)

    def page(self, template: str, status: int = 200, **context: object) -> HTMLResponse:
        html = self.templates.get_template(template).render(**context)
        return HTMLResponse(html, status, headers={**NO_STORE, **SAME_ORIGIN})

    async def home(self, request: Request) -> Response:
        return RedirectResponse(f"/{self.desk.first_shelf()}/", status_code=303)

    async def catalogue(self, request: Request) -> Response:
        kind = request.path_params["shelf"]
        if kind not in SHELVES:
            return plain("not found", 404)

        try:
            data = await anyio.to_thread.run_sync(self.desk.catalogue, kind, ACTION)
        except UserError as error:  # the data does not load: the catalogue the build wrote, without For you
            data = self.desk.static_catalogue(kind)
            if data is None:
                return plain(f"the catalogue cannot be shown: {error}", 503, {"Retry-After": "5"})
        if data is None:
            return RedirectResponse("/", status_code=303)
        return Response(data, media_type="text/html; charset=utf-8", headers={
            "Cache-Control": "no-cache", "Content-Security-Policy": build_csp(data, forms=True), **SAME_ORIGIN})

    async def file(self, request: Request) -> Response:
        kind, path = request.path_params["shelf"], request.path_params["path"]
        shelf = self.desk.shelf(kind) if kind in SHELVES else None
        if shelf is None:
            return plain("not found", 404)

        data = await anyio.to_thread.run_sync(shelf.read, path)
        if data is None:
            return plain("not found (or changed since it was listed: reload the catalogue)", 404)
        suffix = Path(path).suffix.lower()
        media = TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
        headers = {"Cache-Control": "no-cache"}
        if suffix == ".pdf":
            headers["Content-Disposition"] = f'inline; filename="{Path(path).name}"'
        if suffix == ".html":
            headers["Content-Security-Policy"] = build_csp(data)
        return Response(data, media_type=media, headers=headers)

    async def static(self, request: Request) -> Response:
        if request.path_params["name"] != "desk.css":
            return plain("not found", 404)
        return FileResponse(HERE / "static" / "desk.css", media_type="text/css", headers={"Cache-Control": "no-cache"})

    async def for_you(self, request: Request) -> Response:
        """The personalised PDF; or, when something is wrong, the form again with each problem
        beside its field. What was typed goes back to the same browser only (no-store), never
        into a log or a file."""
        try:
            fields = await read_form(request, self.policy.posts)
        except Refused as refused:
            return refused.response
        shelf = fields.get("shelf")
        kind = shelf if shelf is not None and shelf in SHELVES else self.desk.first_shelf()
        if fields.get("use_format"):  # "make it in large print instead"
            fields["format"] = fields["use_format"]
        leaflet, branch = fields.get("leaflet", ""), fields.get("branch", "")
        fmt, lang = fields.get("format", ""), fields.get("lang", "")
        fmt, imposed = fmt.removesuffix(IMPOSED), fmt.endswith(IMPOSED)  # an A5 booklet imposed on A4 sheets
        formats = self.desk.formats_of(kind, leaflet, branch, lang)
        appointment, when_problem = self.appointment(fields.get("appointment_date", ""),
                                                     fields.get("appointment_time", ""))
        fields["appointment"] = appointment
        problems: dict[str, list[str]] = {}
        if when_problem:
            problems["appointment"] = [when_problem]
        if not formats:
            problems.setdefault("lang", []).append("This leaflet is not printed in this language at this branch: "
                                                   "choose another language.")
        elif fmt not in formats or (imposed and not FORMATS[fmt].booklet_companion):
            problems.setdefault("format", []).append("Choose one of the formats in the list.")
        try:
            note = note_of(fields)
        except UserError as error:
            for field, lines in field_problems(str(error)).items():
                problems.setdefault(field, []).extend(lines)
            note = None
        if note is not None and not problems:
            try:
                pdf, filename = await self.renders.run(
                    lambda: self.desk.personal(leaflet, branch, fmt, note, imposed, lang or None,
                                               released=kind == "release"))
                return pdf_response(pdf, filename)
            except Refused as refused:
                return refused.response
            except UserError as error:
                problems = field_problems(str(error))
        return self.form_again(kind, fields, formats, problems)

    def appointment(self, date: str, time: str) -> tuple[str, str | None]:
        """The appointment as ``YYYY-MM-DD HH:MM`` from the date and time pickers, and a problem."""
        date, time = date.strip(), time.strip()
        if not date and not time:
            return "", None
        if not date:
            return "", "Give the date of the next appointment as well as its time."
        if not time:
            return "", "Give the time of the next appointment as well as its date."
        text = f"{date} {time[:5]}"
        try:
            when = dt.datetime.strptime(text, "%Y-%m-%d %H:%M")
        except ValueError:
            return "", "Not a date and time: choose them with the date and time pickers."
        if when < self.desk.now():
            return "", "That date and time has passed: give the next appointment."
        return text, None

    def form_again(self, kind: str, fields: dict[str, str], formats: list[str],
                   problems: dict[str, list[str]]) -> Response:
        desk = self.desk
        library = desk.library
        leaflet = library.leaflets.get(fields.get("leaflet", "")) if library else None
        shelf = desk.shelf(kind)
        langs = sorted({o.lang for o in (shelf.outputs if shelf else ()) if leaflet and o.leaflet == leaflet.id
                        and o.branch == fields.get("branch") and o.kind == "pdf"})
        fits = "large-print" if ("note" in problems and any("does not fit" in p for p in problems["note"])
                                 and "large-print" in formats and fields.get("format") != "large-print") else None
        return self.page(
            "for-you.html", 400, fields=fields, problems=problems, title=leaflet.title if leaflet else "the leaflet",
            formats=[(v, name) for f in formats for v, name in ((f, FORMATS[f].staff_name or f),
                     *(((f + IMPOSED, f"{FORMATS[f].staff_name}, ready to fold (on A4 paper)"),)
                       if FORMATS[f].booklet_companion else ()))],
            languages=[(lang, language_name(lang)) for lang in langs], fits=fits,
            fits_name=FORMATS["large-print"].staff_name, back=f"/{kind}/", action=ACTION, kind=kind,
            today=desk.today().isoformat())

    async def login(self, request: Request) -> Response:
        if self.password is None:
            return plain("not found", 404)
        if request.method == "GET":
            return self.page("login.html", action=LOGIN, problem=None)
        try:
            fields = await read_form(request, self.policy.posts)
        except Refused as refused:
            return refused.response

        if not await anyio.to_thread.run_sync(verify, fields.get("password", ""), self.password):
            return self.page("login.html", 401, action=LOGIN, problem="That is not the desk password. Try again.")
        response = RedirectResponse("/", status_code=303)
        assert self.policy.token is not None
        response.set_cookie(COOKIE, self.policy.token, httponly=True, samesite="strict", path="/",
                            secure=request.url.scheme == "https")
        return response


def create_app(desk: Desk, policy: Policy, log: Callable[[str], None], password: str | None = None) -> Guard:
    handlers = DeskApp(desk, policy, log, password)
    routes = [
        Route("/", handlers.home),
        Route(ACTION, handlers.for_you, methods=["POST"]),
        Route(LOGIN, handlers.login, methods=["GET", "POST"]),
        Route("/static/{name}", handlers.static),
        Route("/{shelf}/", handlers.catalogue),
        Route("/{shelf}/{path:path}", handlers.file),
    ]
    return Guard(Starlette(routes=routes), policy, log)
