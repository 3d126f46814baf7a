"""The application factory: settings, the store, templates, middleware and error pages.

``create_app(store_url)`` opens (and migrates) the store; tests pass a clock. Errors a
user can cause (:class:`~calexit.errors.CalexitError`) become 4xx answers with the same
text: an HTML page, or JSON under ``/api/`` and ``/data/``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from importlib import resources
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from calexit import __version__
from calexit.errors import CalexitError, NotFoundError
from calexit.rules.load import LoadedPack, resolve_pack
from calexit.store import Store, open_store
from calexit.store.database import POOL_SIZE, database_url_from
from calexit.web.security import CSRF_COOKIE, TokenBucket, csrf_token, new_token

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_DATABASE_FILE = "calexit.sqlite3"


@dataclass
class PortalSettings:
    """What a deployment may change; every field has a safe default for loopback use."""

    secure_cookies: bool = False
    """Mark cookies Secure (set it behind HTTPS)."""
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    """Key of the CSRF tokens; set it to share tokens between processes."""
    max_body_bytes: int = 256 * 1024
    comment_burst: float = 5
    comment_per_second: float = 1 / 12
    login_burst: float = 10
    login_per_second: float = 1 / 6
    session_hours: int = 8
    pack: str = "calexit-2028"
    threads: int = POOL_SIZE
    """Requests handled at once (threads of the pool): as many as the store keeps pooled
    connections on PostgreSQL, so no request waits for a connection or opens a new one."""


@dataclass
class Portal:
    """What every request handler reaches through ``request.app.state.portal``."""

    store: Store
    settings: PortalSettings
    pack: LoadedPack
    road: tuple[LoadedPack, ...]
    templates: Jinja2Templates
    clock: Callable[[], datetime]
    comment_limit: TokenBucket
    login_limit: TokenBucket

    def now(self) -> datetime:
        return self.clock()


def portal_of(request: Request) -> Portal:
    found: Portal = request.app.state.portal
    return found


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    portal = portal_of(request)
    base = {
        "csrf": csrf_for(request),
        "user": getattr(request.state, "user", None),
        "pack": portal.pack.rules,
        "version": __version__,
        "path": request.url.path,
    }
    response: HTMLResponse = portal.templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status
    )
    return response


def csrf_for(request: Request) -> str:
    cookie = request.scope.get("state", {}).get("csrf_cookie", "")
    return csrf_token(portal_of(request).settings.secret, cookie) if cookie else ""


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(("/api/", "/data/")) or path.endswith(".json")


def error_response(request: Request, status: int, title: str, lines: list[str]) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": title, "detail": lines}, status_code=status)
    try:
        return render(
            request, "error.html", {"title": title, "lines": lines, "status": status}, status
        )
    except Exception:  # pragma: no cover - a broken template must not hide the error
        return HTMLResponse(f"<h1>{status}</h1>", status_code=status)


class GuardMiddleware:
    """Body-size limit, the CSRF cookie and security headers, as plain ASGI (fast)."""

    def __init__(self, app: ASGIApp, max_body: int, secure: bool) -> None:
        self.app, self.max_body, self.secure = app, max_body, secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            await self._too_large(send)
            return
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:
            cookie = SimpleCookie()
        existing = cookie[CSRF_COOKIE].value if CSRF_COOKIE in cookie else ""
        value = existing if 20 <= len(existing) <= 100 else new_token()
        scope.setdefault("state", {})["csrf_cookie"] = value
        received = 0
        started = False
        refused = False

        async def limited_receive() -> Message:
            # A body streamed without Content-Length is counted as it arrives; past the
            # limit the client gets 413 and the application sees a disconnect (whatever
            # it answers then is dropped by guarded_send).
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    refused = True
                    if not started:
                        await self._too_large(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (
                        b"content-security-policy",
                        b"default-src 'self'; img-src 'self' data:; style-src 'self'; "
                        b"script-src 'self'; frame-ancestors 'none'; form-action 'self'",
                    ),
                ]
                if value != existing:
                    flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self.secure else "")
                    extra.append((b"set-cookie", f"{CSRF_COOKIE}={value}{flags}".encode("latin-1")))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, limited_receive, guarded_send)

    async def _too_large(self, send: Send) -> None:
        body = f"request body larger than {self.max_body} bytes".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _percent(value: object) -> str:
    """A fraction as a percentage with one decimal (0.7104 -> 71.0%); text is left as is."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return "—" if value is None else str(value)
    try:
        return f"{float(value) * 100:.1f}%"
    except ValueError:
        return str(value)


def _default_url() -> str:
    return database_url_from(os.environ, Path.cwd() / DEFAULT_DATABASE_FILE)


def create_app(
    store_url: str | None = None,
    *,
    store: Store | None = None,
    settings: PortalSettings | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The portal over the store at ``store_url`` (or an open ``store``).

    Without either, the store is the one ``CALEXIT_DATABASE_URL`` names, else
    ``calexit.sqlite3`` in the working directory.
    """
    from calexit.web import api, feeds, public, staff  # noqa: PLC0415 - they import this module

    settings = settings or PortalSettings()
    opened = store or open_store(store_url or _default_url())
    if opened.engine.dialect.name == "sqlite" and opened.engine.url.database not in (
        None,
        "",
        ":memory:",
    ):
        with opened.engine.connect() as connection:  # readers never wait for a writer
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    templates = Jinja2Templates(directory=str(resources.files("calexit.web").joinpath("templates")))
    templates.env.autoescape = True
    templates.env.auto_reload = False  # no stat() of every template on every page
    templates.env.filters["dollars"] = lambda cents: f"${int(cents) / 100:,.2f}"
    templates.env.filters["percent"] = _percent
    templates.env.filters["when"] = lambda moment: moment.astimezone(UTC).strftime(
        "%Y-%m-%d %H:%M UTC"
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="calexit public portal",
        version=__version__,
        description="The commission at work in the open, and every stage's results. "
        "Read-only JSON under /api/; every list is also CSV and JSON under /data/.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    pack = resolve_pack(settings.pack)
    app.state.portal = Portal(
        store=opened,
        settings=settings,
        pack=pack,
        road=tuple(resolve_pack(later) for later in pack.rules.pack.road),
        templates=templates,
        clock=clock or (lambda: datetime.now(UTC)),
        comment_limit=TokenBucket(settings.comment_burst, settings.comment_per_second),
        login_limit=TokenBucket(settings.login_burst, settings.login_per_second),
    )
    app.mount(
        "/static",
        StaticFiles(directory=str(resources.files("calexit.web").joinpath("static"))),
        name="static",
    )
    app.include_router(public.router)
    app.include_router(staff.router)
    app.include_router(feeds.router)
    app.include_router(api.router)

    @app.exception_handler(CalexitError)
    async def _calexit_error(request: Request, error: CalexitError) -> Response:
        status = 404 if isinstance(error, NotFoundError) else 400
        title = "Not found" if status == 404 else "That cannot be done"
        return error_response(request, status, title, error.lines())

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        titles = {
            404: "Not found",
            403: "Forbidden",
            405: "Method not allowed",
            429: "Too many requests",
        }
        response = error_response(
            request, error.status_code, titles.get(error.status_code, "Error"), [str(error.detail)]
        )
        for key, item in (error.headers or {}).items():
            response.headers[key] = item
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        lines = []
        for problem in error.errors():
            where = ".".join(
                str(p) for p in problem.get("loc", ()) if p not in ("body", "query", "path")
            )
            lines.append(
                f"{where}: {problem.get('msg', 'invalid')}" if where else str(problem.get("msg"))
            )
        return error_response(request, 422, "The form or request is not valid", lines)

    app.add_middleware(
        GuardMiddleware, max_body=settings.max_body_bytes, secure=settings.secure_cookies
    )
    return app
