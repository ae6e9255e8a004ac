"""What keeps other web sites out of a server on the user's machine (ASGI middleware).

``Guard(app, allowed_hosts)``:

- answers only to the Host names it serves (``allowed_hosts``; by default the loopback
  names ``127.0.0.1``, ``localhost`` and ``::1``, any port): a page on another site that
  rebinds its own name to 127.0.0.1 (DNS rebinding) gets 400;
- takes write bodies only as ``application/json`` (415 otherwise): a page on another site
  can send ``text/plain`` or a form to 127.0.0.1 without asking the browser first, but not
  JSON. The one form the web page posts (``POST /compare``, which stores nothing) is
  accepted from the page itself only (``Origin`` or ``Sec-Fetch-Site``; 403 otherwise);
- refuses request headers over 16 KB in all (431);
- sends ``Content-Security-Policy``, ``X-Frame-Options: DENY``, ``X-Content-Type-Options:
  nosniff``, ``Referrer-Policy`` and ``Cross-Origin-Resource-Policy`` on every answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
MAX_HEADER_BYTES = 16 * 1024  # of a request line and its headers: h11 bounds those that arrive in parts, Guard whole ones
WRITE_METHODS = {b"POST", b"PUT", b"PATCH", b"DELETE"}
FORM_PATHS = {"/compare"}  # the web page's own form (stores nothing)
CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
CSP_DOCS = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
           (b"referrer-policy", b"same-origin"), (b"cross-origin-resource-policy", b"same-origin")]


def host_name(value: str) -> str:
    """The name of a Host header or an origin's netloc, without port or brackets, lower case."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].partition("]")[0]
    if value.count(":") > 1:  # a bare IPv6 address
        return value
    return value.partition(":")[0].rstrip(".")


def allowed_host_names(extra: Iterable[str] = (), bind: str | None = None) -> frozenset[str]:
    """The loopback names, the names given (``*``: any) and the address bound, when it is a
    specific one (not 0.0.0.0 or ::)."""
    names = {*LOOPBACK_NAMES, *(host_name(n) for n in extra if n.strip())}
    if bind and bind not in ("0.0.0.0", "::", ""):
        names.add(host_name(bind))
    return frozenset(names)


class Guard:
    def __init__(self, app, allowed_hosts: Iterable[str] = LOOPBACK_NAMES) -> None:
        self.app = app
        self.allowed = frozenset(host_name(h) if h != "*" else "*" for h in allowed_hosts)

    def _host_ok(self, name: str) -> bool:
        return "*" in self.allowed or name in self.allowed

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        path = scope.get("path", "")
        csp = (CSP_DOCS if path == "/docs" else CSP).encode()

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", ())}
                extra = [(k, v) for k, v in [*HEADERS, (b"content-security-policy", csp)] if k not in present]
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        size = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", ()))
        if size > MAX_HEADER_BYTES:  # h11 bounds headers that arrive in parts only
            return await _refuse(with_headers, 431, "headers", f"request headers of {size:,} bytes; at most "
                                 f"{MAX_HEADER_BYTES:,}")
        host = host_name(headers.get("host", ""))
        if not self._host_ok(host):
            return await _refuse(with_headers, 400, "Host", f"this server does not answer to the host name {host!r}; "
                                 "start it with --allowed-host NAME (or STORYLENS_ALLOWED_HOSTS) to serve that name")
        if scope.get("method", "").encode() in WRITE_METHODS:
            problem = self._write_problem(headers, path, headers.get("host", "").strip().lower())
            if problem is not None:
                return await _refuse(with_headers, *problem)
        await self.app(scope, receive, with_headers)

    def _write_problem(self, headers: dict[str, str], path: str, netloc: str) -> tuple[int, str, str] | None:
        kind = headers.get("content-type", "").partition(";")[0].strip().lower()
        if kind == "application/json":
            return None
        if kind == "application/x-www-form-urlencoded" and path in FORM_PATHS:
            origin = headers.get("origin")
            site = headers.get("sec-fetch-site")
            if site == "same-origin":  # a browser's own word (Origin may be "null" under a referrer policy)
                return None
            if site in ("cross-site", "same-site", "none") or (origin is not None and (
                    origin == "null" or urlsplit(origin).netloc.lower() != netloc)):
                return 403, "Origin", "this form can be posted from the server's own page only"
            return None
        return 415, "Content-Type", (f"send the body as 'Content-Type: application/json' "
                                     f"(got {kind or 'no content type'!r})")


async def _refuse(send, status: int, field: str, message: str) -> None:
    body = json.dumps({"error": {"status": status, "message": message, "field": field}}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
