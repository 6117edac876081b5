"""Who gets in, and how much: the access token, the Host check, cross-site refusal, request
limits, security headers and an access log of method, path and status only.

One ASGI middleware around the whole app, so no route can forget a check.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import URL, Headers
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leaflets.project.characters import escaped, first_unprintable

COOKIE = "leaflets_token"
# The app's own pages: scripts and styles from files only, nothing from elsewhere, never in a frame.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
LOOPBACK_NAMES = ("localhost",)
# A Host header: a name or an IPv4 address, or an IPv6 address in brackets, then an optional :PORT.
_HOST = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[^:\[\]]*)(?::(?P<port>[0-9]{1,5}))?")


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(host: str) -> str | None:
    """The name in a Host header (``127.0.0.1:8000`` -> ``127.0.0.1``), or None when the header is
    not a name and an optional numeric port (``127.0.0.1:8000.evil.example``)."""
    match = _HOST.fullmatch(host)
    return match["name"] if match else None


def new_token() -> str:
    return secrets.token_urlsafe(24)


class RateLimit:
    """A token bucket per client: ``burst`` requests at once, then ``rate`` a second."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, since = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - since) * self.rate)
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                return False
            self._buckets[client] = (tokens - 1, now)
            if len(self._buckets) > 10_000:  # forget idle clients rather than grow without bound
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
            return True


@dataclass
class Policy:
    token: str | None  # None: no token asked (loopback only)
    loopback: bool  # bound to loopback: the Host header must name loopback too (no DNS rebinding)
    name: str = "preview server"  # which server, in its refusals
    hosts: frozenset[str] | None = None  # else the Host header must name one of these (no DNS rebinding)
    login: str | None = None  # a page that lets a person in with the practice's password (sets the cookie)
    open_paths: frozenset[str] = frozenset()  # with ``login``: what that page needs before sign-in (its style)
    requests: RateLimit = field(default_factory=lambda: RateLimit(rate=30, burst=200))
    posts: RateLimit = field(default_factory=lambda: RateLimit(rate=0.5, burst=12))


class Guard:
    """The checks every request passes, in order, before the app sees it."""

    def __init__(self, app: ASGIApp, policy: Policy, log: Callable[[str], None]) -> None:
        self.app, self.policy, self.log = app, policy, log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                names = {k.lower() for k, _ in headers}
                for name, value in (("x-content-type-options", "nosniff"), ("referrer-policy", "no-referrer"),
                                    ("x-frame-options", "DENY"), ("cross-origin-resource-policy", "same-origin"),
                                    ("content-security-policy", CSP)):
                    if name.encode() not in names:
                        headers.append((name.encode(), value.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        refusal = self.refuse(scope)
        try:
            if refusal is not None:
                await refusal(scope, receive, send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        finally:
            # The path only: never the query string or the body (a personalised print's text is in neither,
            # but nothing a person types may reach a log).
            # Control characters escaped (leaflets/project/characters.py): a line break would forge a log
            # line, ESC would drive the practitioner's terminal.
            self.log(escaped(f"{scope['method']} {scope['path']} {status or '-'}"))

    def refuse(self, scope: Scope) -> Response | None:
        """The response that refuses this request, or None to let it through."""
        headers = Headers(scope=scope)
        client = (scope.get("client") or ("?", 0))[0]
        if not self.policy.requests.allow(client):
            return PlainTextResponse("too many requests: wait a moment", 429, headers={"Retry-After": "5"})
        if first_unprintable(scope["path"]) is not None:
            return PlainTextResponse("bad request: the address holds a control character", 400)
        host = headers.get("host", "")
        hostname = host_name(host)  # None: not a name and a numeric port (127.0.0.1:80.evil.example)
        if self.policy.loopback and (hostname is None or not is_loopback(hostname)):
            return PlainTextResponse(f"this {self.policy.name} answers only on its own address (127.0.0.1)", 403)
        if hostname is None or (self.policy.hosts is not None and hostname.lower() not in self.policy.hosts):
            return PlainTextResponse(f"this {self.policy.name} does not answer to that name: open it by the "
                                     "address it printed when it started", 403)
        unsafe = scope["method"] not in ("GET", "HEAD")
        if unsafe and self.cross_site(headers, host):
            return PlainTextResponse("refused: a form from another site may not post here", 403)
        token = self.policy.token
        if token is None:
            return None
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        given = (headers.get("authorization", "").removeprefix("Bearer ").strip()
                 or _cookie(headers, COOKIE) or "")
        known = bool(given) and secrets.compare_digest(given.encode(), token.encode())
        offered = query.get("token", "")
        accepted = bool(offered) and secrets.compare_digest(offered.encode(), token.encode())
        if scope["method"] == "GET" and offered and (accepted or known):
            # The printed address: remember the token in a cookie only this site sends, and drop it
            # from the address (and so from the history and any log).
            rest = urlencode([(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
                              if k != "token"])
            redirect = RedirectResponse(f"{URL(scope=scope).path}{'?' + rest if rest else ''}", status_code=303)
            if accepted:
                redirect.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
            return redirect
        if known or (self.policy.login is not None and scope["path"] in (self.policy.login, *self.policy.open_paths)):
            return None
        if self.policy.login is not None:
            if scope["method"] == "GET":
                return RedirectResponse(self.policy.login, status_code=303)
            return PlainTextResponse(f"this {self.policy.name} needs the practice's password: open it again "
                                     "and sign in", 401)
        return PlainTextResponse(
            f"this {self.policy.name} needs its access token: open the address it printed when it started "
            "(the one ending in ?token=...)", 401)

    def cross_site(self, headers: Headers, host: str) -> bool:
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return True
        origin = headers.get("origin")
        return origin is not None and origin not in (f"http://{host}", f"https://{host}")

    def allow_post(self, client: str) -> bool:
        return self.policy.posts.allow(client)


def _cookie(headers: Headers, name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None
