"""The polite fetcher: robots.txt, a per-host rate limit, timeouts, retries, conditional GETs.

``Fetcher(...).get(url, validators)`` returns a ``Fetched`` page or raises ``FetchError``
(an ``InputError`` naming the URL). It

- sends a User-Agent naming storylens and its version;
- asks ``robots.txt`` first (``urllib.robotparser``, cached per host for ``robots_ttl``
  seconds): a 4xx robots file allows everything, a 5xx or unreachable one disallows the
  host until the next try (RFC 9309);
- waits ``min_interval`` seconds between two requests to one host;
- gives up on a request after ``timeout`` seconds, and retries 5xx answers, timeouts and
  connection errors ``retries`` times with exponential back-off (``backoff`` x 2^n,
  or the server's Retry-After when shorter than a minute); a 4xx is never retried;
- sends ``If-None-Match`` / ``If-Modified-Since`` from the validators it is given, so an
  unchanged resource comes back as a 304 with no body (``Fetched.not_modified``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from storylens import __version__
from storylens.errors import InputError

USER_AGENT = f"storylens/{__version__} (news story engine; +https://pypi.org/project/storylens/)"
MAX_BYTES = 20 * 1024 * 1024


class FetchError(InputError):
    """A URL could not be fetched; ``retryable`` tells whether trying later may help."""

    def __init__(self, url: str, problem: str, retryable: bool = True, status: int | None = None) -> None:
        super().__init__(url, problem)
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True)
class Validators:
    """What a server said about a resource's version, for a conditional request."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    """One answer: 200 with a body, or 304 (``not_modified``) with none."""

    url: str  # after redirects
    status: int
    body: bytes
    content_type: str = ""
    validators: Validators = Validators()

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def charset(self) -> str | None:
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip('"').lower()
        return None


def is_url(spec: str) -> bool:
    return spec.startswith(("http://", "https://"))


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class Fetcher:
    """Polite HTTP GETs for feeds and pages. Use as a context manager or call ``close()``."""

    def __init__(self, *, user_agent: str = USER_AGENT, timeout: float = 10.0, retries: int = 3,
                 backoff: float = 1.0, min_interval: float = 1.0, respect_robots: bool = True,
                 robots_ttl: float = 3600.0, max_bytes: int = MAX_BYTES) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.min_interval = min_interval
        self.respect_robots = respect_robots
        self.robots_ttl = robots_ttl
        self.max_bytes = max_bytes
        self._client: httpx.Client | None = None
        self._last: dict[str, float] = {}  # host -> monotonic time of its last request
        self._robots: dict[str, tuple[float, RobotFileParser | None]] = {}  # host -> (expiry, parser; None = all banned)

    # -- plumbing ----------------------------------------------------------------------
    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(headers={"User-Agent": self.user_agent}, follow_redirects=True,
                                        timeout=httpx.Timeout(self.timeout))
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            delay = self.min_interval - (time.monotonic() - last)
            if delay > 0:
                time.sleep(delay)
        self._last[host] = time.monotonic()

    def _request(self, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
        """One GET after the host's turn; the body is read up to ``max_bytes``."""
        self._wait_turn(_host(url))
        with self.client.stream("GET", url, headers=headers) as response:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(url, f"larger than {self.max_bytes / 1e6:.0f} MB; not read", retryable=False)
                chunks.append(chunk)
        return response, b"".join(chunks)

    def _send(self, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
        """GET with retries on 5xx, timeouts and connection errors."""
        attempt = 0
        while True:
            try:
                response, body = self._request(url, headers)
                if response.status_code < 500:
                    return response, body
                problem, wait = f"HTTP {response.status_code} from the server", self._retry_after(response)
            except httpx.TimeoutException:
                problem, wait = f"timed out after {self.timeout:g} s", None
            except httpx.TransportError as exc:
                problem, wait = f"cannot connect ({exc.__class__.__name__}: {exc})", None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:  # redirect loops, bad encodings, bad URLs: not retried
                raise FetchError(url, f"{exc.__class__.__name__}: {exc}", retryable=False) from None
            if attempt >= self.retries:
                tries = f" ({attempt + 1} tries)" if attempt else ""
                raise FetchError(url, problem + tries, retryable=True)
            time.sleep(wait if wait is not None else self.backoff * 2 ** attempt)
            attempt += 1

    @staticmethod
    def _retry_after(response: httpx.Response) -> float | None:
        value = response.headers.get("retry-after", "")
        return float(value) if value.isdigit() and int(value) <= 60 else None

    # -- robots.txt --------------------------------------------------------------------
    def _robots_for(self, url: str) -> RobotFileParser | None:
        host = _host(url)
        cached = self._robots.get(host)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        parser: RobotFileParser | None = RobotFileParser(host + "/robots.txt")
        ttl = self.robots_ttl
        try:
            response, body = self._send(host + "/robots.txt", {})
            if response.status_code >= 400:
                parser.parse([])  # no robots file: everything allowed
            else:
                parser.parse(body.decode("utf-8", "replace").splitlines())
        except FetchError:
            parser, ttl = None, 0.0  # unreachable: the host is off limits until the next try
        self._robots[host] = (time.monotonic() + ttl, parser)
        return parser

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets storylens fetch ``url``."""
        if not self.respect_robots:
            return True
        parser = self._robots_for(url)
        if parser is None:
            raise FetchError(url, "robots.txt is unreachable; the host is treated as off limits for now")
        return parser.can_fetch(self.user_agent, url)

    # -- the API -----------------------------------------------------------------------
    def get(self, url: str, validators: Validators | None = None) -> Fetched:
        """Fetch ``url`` (conditionally when ``validators`` are given)."""
        if not is_url(url):
            raise FetchError(url, "not an http(s) URL", retryable=False)
        if not self.allowed(url):
            raise FetchError(url, "disallowed by the site's robots.txt; not fetched", retryable=False)
        headers = {}
        if validators is not None:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        response, body = self._send(url, headers)
        status = response.status_code
        if status == 304:
            return Fetched(str(response.url), 304, b"", validators=validators or Validators())
        if status >= 400:
            raise FetchError(url, f"HTTP {status} {response.reason_phrase}".rstrip(), retryable=status in (408, 429),
                             status=status)
        return Fetched(str(response.url), status, body, response.headers.get("content-type", ""),
                       Validators(response.headers.get("etag"), response.headers.get("last-modified")))
