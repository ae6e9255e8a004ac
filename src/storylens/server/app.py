"""``create_app(db_path, token=None)``: the FastAPI application, and ``serve`` to run it.

The app is thin: ``api.py`` (JSON endpoints) and ``pages.py`` (server-rendered HTML) call
``StoryService``; this module wires them, maps storylens errors to JSON error bodies,
limits request bodies and serves the API docs and static files from the package, so
nothing is fetched from the network.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
from collections.abc import Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storylens.errors import AuthError, InputError, StageError, StorylensError
from storylens.settings import DEFAULTS, current
from storylens.server.guard import LOOPBACK_NAMES, MAX_HEADER_BYTES, Guard, allowed_host_names
from storylens.server.service import MAX_COMPARE_CHARS, StoryService

MAX_BODY = DEFAULTS.server.max_body_bytes
REQUEST_TIMEOUT = DEFAULTS.server.request_timeout  # seconds for a request's headers, and for each part of its body
HERE = Path(__file__).resolve().parent
_FIELD = re.compile(r"field '([^']+)'")


def error_body(status: int, message: str, field: str | None = None, **extra: Any) -> JSONResponse:
    """The one JSON error shape: ``{"error": {"status", "message", "field"}}``."""
    return JSONResponse({"error": {"status": status, "message": message, "field": field, **extra}}, status_code=status)


def status_of(exc: StorylensError) -> int:
    """The HTTP status of an error: its class says (``errors.py``)."""
    return exc.http_status


def field_of(exc: StorylensError) -> str | None:
    """The field an error names: ``published``, ``body[3].published``, ``a.text``, ``since``."""
    source = exc.source if isinstance(exc, InputError) else None
    match = _FIELD.search(str(exc))
    if not match:
        return source
    name = match.group(1)
    return name if source in (None, "body", "query", name) else f"{source}.{name}"


class BodyLimit:
    """ASGI middleware: 413 for a request body over ``limit`` bytes (declared or streamed);
    408 when the next part of a body takes longer than ``timeout`` seconds to arrive."""

    def __init__(self, app, limit: int = MAX_BODY, timeout: float = REQUEST_TIMEOUT) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                return await self._refuse(send)
        seen = 0
        started = False
        body_done = False

        async def counted_receive():
            nonlocal seen, body_done
            if body_done:  # only http.disconnect is left to wait for
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except asyncio.TimeoutError:
                raise _SlowBody(self.timeout) from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                body_done = not message.get("more_body", False)
                if seen > self.limit:
                    raise _TooLarge(self.limit)
            return message

        async def tracked_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except (_TooLarge, _SlowBody) as exc:  # raised past the app's own handlers
            if not started:
                await self._refuse(send, exc.status_code, str(exc.detail))

    async def _refuse(self, send, status: int = 413, message: str | None = None) -> None:
        message = message or f"request body over {self.limit} bytes; send fewer or shorter articles"
        body = json.dumps({"error": {"status": status, "field": "body", "message": message}}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(StarletteHTTPException):
    """A streamed body grew past the limit (the app's HTTP error handler answers 413)."""

    def __init__(self, limit: int = MAX_BODY) -> None:
        super().__init__(413, f"request body over {limit} bytes; send fewer or shorter articles")


class _SlowBody(StarletteHTTPException):
    """The next part of a request body did not arrive in time (408)."""

    def __init__(self, timeout: float = REQUEST_TIMEOUT) -> None:
        super().__init__(408, f"the request body did not arrive within {timeout:g} s; send it at once")


def http_protocol(header_timeout: float = REQUEST_TIMEOUT):
    """uvicorn's h11 protocol with a deadline for a request's line and headers, counted from
    the connection or from the first byte of the next request on it (uvicorn has none: a
    client sending a byte now and then would hold a connection for ever)."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Protocol(H11Protocol):
        _header_timer = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def _arm(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(header_timeout, self._late)

        def _late(self) -> None:
            self._header_timer = None
            if self.conn.their_state is h11.IDLE:  # still no whole request line and headers
                self.timeout_keep_alive_handler()  # closes the connection

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is h11.IDLE:
                self._arm()
            elif self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def connection_lost(self, exc) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None
            super().connection_lost(exc)

    return Protocol


async def check_token(request: Request) -> None:
    """Write endpoints: ``Authorization: Bearer <token>`` when the app has a token. Checked on
    the event loop: a plain function would queue for a slot of the readers' thread pool."""
    token = request.app.state.token
    if not token:
        return
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if not header:
        raise AuthError(401, "this endpoint needs the header 'Authorization: Bearer <token>' (STORYLENS_TOKEN)")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise AuthError(403, "the bearer token in 'Authorization' is not the server's token")


def _validation_field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or str(loc[0] if loc else "body")


async def in_writer(request: Request, work: Callable[..., Any], *args: Any) -> Any:
    """Run a write (or a predict, which uses the writer's engine) on a thread slot of its own.
    The shared pool's slots are handed out first come, first served: under read load a write
    waited behind every read queued before it (the writer ran at a quarter of its speed,
    docs/benchmarks.md). Writes are serialised anyway: one slot. (The pool keeps its 40
    slots: with 4, the readers answered no faster and the writer gained nothing.)"""
    from anyio import CapacityLimiter, to_thread

    state = request.app.state
    if getattr(state, "write_slot", None) is None:
        state.write_slot = CapacityLimiter(1)
    return await to_thread.run_sync(work, *args, limiter=state.write_slot)


def create_app(db_path: str | Path, token: str | None = None, max_body: int = MAX_BODY,
               allowed_hosts: Iterable[str] = LOOPBACK_NAMES, max_compare_chars: int = MAX_COMPARE_CHARS,
               request_timeout: float = REQUEST_TIMEOUT) -> FastAPI:
    """The storylens HTTP API and web page over the store at ``db_path``, answering to the
    Host names ``allowed_hosts`` (``*``: any); ``POST /compare`` takes articles of at most
    ``max_compare_chars`` characters of text."""
    from storylens import __version__
    from storylens.server import api, pages

    service = StoryService(db_path, max_compare_chars=max_compare_chars)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        service.close()

    app = FastAPI(title="storylens", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Follow a news story across outlets and languages. Writes need "
                              "`Authorization: Bearer <token>` when the server has a token. See docs/server.md.")
    app.state.service = service
    app.state.token = token or None
    app.state.max_body = max_body
    app.add_middleware(BodyLimit, limit=max_body, timeout=request_timeout)
    app.add_middleware(Guard, allowed_hosts=allowed_hosts)  # outermost: refuses before anything is read

    @app.exception_handler(StorylensError)
    async def _storylens_error(request: Request, exc: StorylensError):
        status = status_of(exc)
        if isinstance(exc, StageError):
            return error_body(500, str(exc), None, stage=exc.stage, article=exc.article_id)
        return error_body(status, str(exc), field_of(exc))

    @app.exception_handler(AuthError)
    async def _auth_error(request: Request, exc: AuthError):
        response = error_body(exc.http_status, exc.message, "Authorization")
        if exc.http_status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        first = errors[0] if errors else {"loc": ("body",), "msg": "invalid request"}
        field = _validation_field(tuple(first.get("loc", ())))
        problems = [{"field": _validation_field(tuple(e.get("loc", ()))), "message": e.get("msg", "")} for e in errors]
        return error_body(422, f"field {field!r}: {first.get('msg', 'invalid')}", field, problems=problems)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        import logging

        logging.getLogger("storylens.server").exception("unexpected error on %s %s", request.method, request.url.path)
        return error_body(500, f"internal error: {type(exc).__name__}; see the server log", None)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        return error_body(exc.status_code, str(exc.detail), "body" if exc.status_code == 413 else None)

    _docs(app)  # mounts /static/swagger before /static
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def _docs(app: FastAPI) -> None:
    """``/docs``: Swagger UI from the swagger-ui-bundle-v2 package, or a plain endpoint list."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # pragma: no cover - a declared dependency
        swagger_ui_path = None
    if swagger_ui_path is not None:
        app.mount("/static/swagger", StaticFiles(directory=str(swagger_ui_path)), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        if swagger_ui_path is not None:
            from fastapi.openapi.docs import get_swagger_ui_html

            return get_swagger_ui_html(openapi_url="/openapi.json", title="storylens API",
                                       swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                       swagger_css_url="/static/swagger/swagger-ui.css",
                                       swagger_favicon_url="/static/swagger/favicon-32x32.png")
        from storylens.server.pages import endpoint_list

        return endpoint_list(app)


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          log_level: str = "info", allowed_hosts: Iterable[str] = (), max_compare_chars: int = MAX_COMPARE_CHARS,
          request_timeout: float = REQUEST_TIMEOUT) -> None:
    """Run the server in this process until interrupted (one process: the store has one writer).
    It answers to the loopback names, the address it binds and ``allowed_hosts``; a request's
    headers and each part of its body must arrive within ``request_timeout`` seconds. The
    body limit and the connection limit are the settings in force (``server.*``)."""
    import uvicorn

    limits = current().server
    app = create_app(db_path, token=token, allowed_hosts=allowed_host_names(allowed_hosts, bind=host),
                     max_body=limits.max_body_bytes, max_compare_chars=max_compare_chars,
                     request_timeout=request_timeout)
    # keep-alive longer than uvicorn's 5 s: pooled client connections are not closed under them
    uvicorn.run(app, host=host, port=port, log_level=log_level, workers=1, http=http_protocol(request_timeout),
                h11_max_incomplete_event_size=MAX_HEADER_BYTES, limit_concurrency=limits.max_connections,
                timeout_keep_alive=75, access_log=False)
