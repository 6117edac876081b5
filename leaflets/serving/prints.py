"""A personalised print over the web, for both servers: read the form into memory within its
limits, check what was typed, render the PDF in a warm worker pool (a few at a time, each within
its time) and send it back with ``no-store``. Nothing is written, and nothing typed reaches a
log or an error message (the note's messages name the field and the character's code, never
the text).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from leaflets.commands.personalise import (
    PersonalNote,
    personal_filename,
    personal_job,
    personal_variant,
    render_in_pool,
)
from leaflets.errors import UserError
from leaflets.formats import FORMATS
from leaflets.serving.guard import RateLimit

if TYPE_CHECKING:
    from leaflets.project.load import Library
    from leaflets.render.workers import WorkerPool

MAX_FORM_BYTES = 8 * 1024  # the form's fields are at most ~1 KB of text, even in 4-byte characters
MAX_RENDERS = 2  # personalised prints rendered at once; more are asked to try again
FORM_TYPE = "application/x-www-form-urlencoded"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class Refused(Exception):
    """A request the server answers with ``response`` (a plain message)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def plain(text: str, status: int, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(text, status, headers={**NO_STORE, **(headers or {})})


async def read_form(request: Request, posts: RateLimit) -> dict[str, str]:
    """The posted form's fields (each once), read into memory; raises ``Refused`` for too many
    posts from one client, another content type, a body over ``MAX_FORM_BYTES`` or unreadable text."""
    client = request.client.host if request.client else "?"
    if not posts.allow(client):
        raise Refused(plain("too many personalised prints at once from here: wait a minute and try again", 429))
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM_TYPE:
        raise Refused(plain(f"send the form as {FORM_TYPE}", 415))
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise Refused(plain(f"the form is larger than {MAX_FORM_BYTES // 1024} KB: shorten the note", 413))
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise Refused(plain("the form could not be read: send it as UTF-8 text with its fields once each",
                            400)) from None
    return {name: values[0] for name, values in fields.items()}


def note_of(fields: dict[str, str], today: Callable[[], dt.date] = dt.date.today) -> PersonalNote:
    """The "For you" box from the form's fields; raises ``UserError`` listing every problem (an
    appointment before ``today()`` or years ahead among them)."""

    appointment = fields.get("appointment", "")
    return PersonalNote.from_form(name=fields.get("name", ""), note=fields.get("note", ""), appointment=appointment,
                                  practitioner=fields.get("practitioner", ""),
                                  today=today() if appointment.strip() else None)


class Renders:
    """At most ``limit`` personalised prints rendering at once; each given ``seconds``."""

    def __init__(self, seconds: Callable[[], float], log: Callable[[str], None], limit: int = MAX_RENDERS) -> None:
        self.seconds, self.log = seconds, log
        self.limit = asyncio.Semaphore(limit)

    async def run(self, render: Callable[[], tuple[bytes, str]]) -> tuple[bytes, str]:
        """``render()``'s PDF and file name, run in a thread; raises ``Refused`` when busy or
        late, ``UserError`` when the leaflet cannot be personalised as asked."""
        if self.limit.locked():
            raise Refused(plain("the server is busy with other personalised prints: try again in a moment", 503,
                                {"Retry-After": "2"}))
        async with self.limit:
            try:
                with anyio.fail_after(self.seconds()):
                    return await anyio.to_thread.run_sync(render, abandon_on_cancel=True)
            except TimeoutError:
                raise Refused(plain("the leaflet took too long to lay out; try a shorter note", 504)) from None
            except UserError:
                raise
            except Exception as error:  # a bug: its type only, for the message may hold what was typed
                self.log(f"personalised print failed: {type(error).__name__} (please report it)")
                raise Refused(plain("the personalised print failed (an internal error; the terminal says which)",
                                    500)) from None


def pdf_response(pdf: bytes, filename: str) -> Response:
    """The PDF for the browser's own viewer (inline), never kept in a cache."""
    return Response(pdf, media_type="application/pdf",
                    headers={**NO_STORE, "Content-Disposition": f'inline; filename="{filename}"'})


def render_for_patient(pool: WorkerPool, library: Library | None, today: dt.date, leaflet: str, branch: str,
                       fmt: str, note: PersonalNote, imposed: bool = False,
                       lang: str | None = None, released: bool = False) -> tuple[bytes, str]:
    """A personalised PDF of ``library``'s leaflet, rendered by a warm worker, in memory: its bytes
    and a file name without patient detail. Raises ``UserError`` with the reason. ``released``: asked
    for from a released copy, refused unless the text is approved now (``personal_job``)."""

    if library is None:
        raise UserError("the project's data is not loaded; fix the problems the server printed first")
    if leaflet not in library.leaflets or branch not in library.branches or fmt not in FORMATS:
        raise UserError("no such leaflet, branch or format in this project")
    variant = personal_variant(library, leaflet, branch, fmt, lang)
    imposed = imposed and FORMATS[fmt].booklet_companion  # an A5 booklet imposed on A4 sheets
    job = personal_job(library, variant, today, note, released)
    return render_in_pool(pool, job, imposed), personal_filename(variant, imposed)
