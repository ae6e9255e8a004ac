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
  unchanged resource comes back as a 304 with no body (``Fetched.not_modified``);
- follows redirects itself (at most ``max_redirects``), giving every hop the robots.txt,
  pacing and address checks of a first request;
- refuses loopback, private, link-local, cloud-metadata, unspecified and other reserved
  addresses (``blocked_reason``) for links found in feeds (``get(url, origin=feed)``) and for
  redirects, unless the feed or the URL the user named is itself on such an address or
  ``allow_private`` says so (True, or a list of addresses, networks and host names). Every
  address a host name resolves to is checked, before the request and again when the
  connection is made (the connection goes to the checked address: no DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from storylens.version import __version__
from storylens.errors import FetchError
from storylens.records import Validators
from storylens.settings import current

USER_AGENT = f"storylens/{__version__} (news story engine; +https://pypi.org/project/storylens/)"
REDIRECTS = (301, 302, 303, 307, 308)
METADATA = ipaddress.ip_address("169.254.169.254")


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


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def blocked_reason(address: str | Address) -> str | None:
    """Why an address is off limits to links found in feeds and to redirects, or None:
    ``cloud metadata``, ``loopback``, ``link-local``, ``unspecified``, ``private``,
    ``multicast`` or ``reserved`` (IPv4 inside IPv6 is judged as IPv4)."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
                                                   if ip in ipaddress.ip_network("64:ff9b::/96") else None)
        if inner is not None:
            return blocked_reason(inner)
    if ip == METADATA:
        return "cloud metadata"
    for reason, flag in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                         ("unspecified", ip.is_unspecified), ("multicast", ip.is_multicast),
                         ("private", ip.is_private or getattr(ip, "is_site_local", False)),
                         ("reserved", ip.is_reserved or not ip.is_global)):
        if flag:
            return reason
    return None


def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]").split("%")[0])]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))


class _CheckedBackend(httpcore.SyncBackend):
    """Connects only to an address the fetcher's current policy allows, and to that
    address itself (not to a second DNS answer), so a host name cannot rebind in between."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        address = self.fetcher._checked_addresses(host, port, self.fetcher._private_ok)[0]
        return super().connect_tcp(str(address), port, timeout, local_address, socket_options)


class Fetcher:
    """Polite HTTP GETs for feeds and pages. Use as a context manager or call ``close()``."""

    def __init__(self, *, user_agent: str = USER_AGENT, timeout: float | None = None, retries: int | None = None,
                 backoff: float | None = None, min_interval: float | None = None, respect_robots: bool = True,
                 robots_ttl: float | None = None, robots_retry: float | None = None, max_bytes: int | None = None,
                 max_redirects: int | None = None, allow_private: bool | Iterable[str] = False) -> None:
        settings = current()  # what is not given: the settings in force ([fetch], [ingest])
        polite = settings.fetch
        self.user_agent = user_agent
        self.timeout = polite.timeout if timeout is None else timeout
        self.retries = polite.retries if retries is None else retries
        self.backoff = polite.backoff if backoff is None else backoff
        self.min_interval = polite.min_interval if min_interval is None else min_interval
        self.respect_robots = respect_robots
        self.robots_ttl = polite.robots_ttl if robots_ttl is None else robots_ttl
        self.robots_retry = polite.robots_retry if robots_retry is None else robots_retry
        self.max_bytes = max_bytes or settings.ingest.max_fetch_bytes
        self.max_redirects = max_redirects or settings.ingest.max_redirects
        self.allow_private = allow_private
        self._client: httpx.Client | None = None
        self._private_ok = False  # the policy of the hop being fetched (one request at a time)
        self._allowed_nets, self._allowed_names = _allow_list(allow_private)
        self._last: dict[str, float] = {}  # host -> monotonic time of its last request
        self._robots: dict[str, tuple[float, RobotFileParser | None]] = {}  # host -> (expiry, parser; None = all banned)

    # -- plumbing ----------------------------------------------------------------------
    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            transport = httpx.HTTPTransport()
            transport._pool._network_backend = _CheckedBackend(self)  # httpcore's hook for connections
            self._client = httpx.Client(headers={"User-Agent": self.user_agent}, follow_redirects=False,
                                        timeout=httpx.Timeout(self.timeout), transport=transport)
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
    def _robots_for(self, url: str, private_ok: bool) -> RobotFileParser | None:
        host = _host(url)
        cached = self._robots.get(host)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        parser: RobotFileParser | None = RobotFileParser(host + "/robots.txt")
        ttl = self.robots_ttl
        try:
            response, body = self._follow(host + "/robots.txt", {}, private_ok=private_ok, robots=False)
            if response.status_code >= 400 or response.status_code in REDIRECTS:
                parser.parse([])  # no robots file: everything allowed
            else:
                parser.parse(body.decode("utf-8", "replace").splitlines())
        except FetchError:  # unreachable: the host is off limits, and not asked again for a while
            parser, ttl = None, self.robots_retry
        self._robots[host] = (time.monotonic() + ttl, parser)
        return parser

    def allowed(self, url: str, private_ok: bool = True) -> bool:
        """Whether robots.txt lets storylens fetch ``url`` (``private_ok``: whether redirects
        of the robots.txt request may reach non-public addresses)."""
        if not self.respect_robots:
            return True
        parser = self._robots_for(url, private_ok)
        if parser is None:
            raise FetchError(url, f"robots.txt of {_host(url)} is unreachable; the host is off limits for now "
                                  f"(asked again after {self.robots_retry:g} s)")
        return parser.can_fetch(self.user_agent, url)

    # -- addresses ---------------------------------------------------------------------
    def _allowed(self, host: str, address: Address) -> bool:
        return (host.lower().strip("[]") in self._allowed_names
                or any(address in net for net in self._allowed_nets))

    def _checked_addresses(self, host: str, port: int, private_ok: bool) -> list[Address]:
        """The addresses of ``host``; a ``FetchError`` when one of them is off limits."""
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(host, f"cannot resolve the host name ({exc})") from None
        if private_ok or self.allow_private is True:
            return addresses
        for address in addresses:
            reason = blocked_reason(address)
            if reason and not self._allowed(host, address):
                raise FetchError(host, f"resolves to a {reason} address ({address}); not fetched (a link found in a "
                                       "feed or a redirect may not reach such an address unless the feed itself "
                                       "is on one; allow it with allow_private / --allow-private)", retryable=False)
        return addresses

    def on_private_address(self, url: str) -> bool:
        """Whether ``url``'s host resolves to a loopback, private or other non-public address."""
        parts = urlsplit(url)
        try:
            return any(blocked_reason(a) for a in resolve(parts.hostname or "", parts.port or 80))
        except (OSError, UnicodeError, ValueError):
            return False

    def _check_hop(self, url: str, private_ok: bool) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(url, "not an http(s) URL; not fetched", retryable=False)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            self._checked_addresses(parts.hostname, port, private_ok)
        except FetchError as exc:
            raise FetchError(url, exc.problem, exc.retryable) from None
        except ValueError:
            raise FetchError(url, "the URL's port is not a number", retryable=False) from None

    def _follow(self, url: str, headers: dict[str, str], *, private_ok: bool = True, first_ok: bool = True,
                robots: bool = True) -> tuple[httpx.Response, bytes]:
        """GET ``url`` and the redirects it leads to; each hop is checked (address, robots.txt)
        and paced. ``first_ok``: the first hop may be on a private address (the user named it)."""
        current = url
        for hop in range(self.max_redirects + 1):
            ok = private_ok or (first_ok and hop == 0)
            self._check_hop(current, ok)
            if robots and hop and not self.allowed(current, ok):
                raise FetchError(url, f"redirected to {current}, which the site's robots.txt disallows; not fetched",
                                 retryable=False)
            self._private_ok = ok
            try:
                response, body = self._send(current, headers)
            finally:
                self._private_ok = False
            location = response.headers.get("location")
            if response.status_code not in REDIRECTS or not location:
                return response, body
            following = urljoin(current, location)
            if _host(following) != _host(current):
                headers = {}  # validators belong to the first URL's host
            current = following
        raise FetchError(url, f"more than {self.max_redirects} redirects; not followed", retryable=False)

    # -- the API -----------------------------------------------------------------------
    def get(self, url: str, validators: Validators | None = None, *, origin: str | None = None) -> Fetched:
        """Fetch ``url`` (conditionally when ``validators`` are given). ``origin``: the feed the
        link was found in (its URL, or a file path); None when the user named ``url``.

        Links may reach non-public addresses only when their feed is on one; redirects only
        when the first URL is on one (or ``allow_private``)."""
        if not is_url(url):
            raise FetchError(url, "not an http(s) URL", retryable=False)
        named = origin is None
        private_ok = self.on_private_address(url if named else origin) if (named or is_url(origin)) else False
        self._check_hop(url, private_ok or named)
        if not self.allowed(url, private_ok):
            raise FetchError(url, "disallowed by the site's robots.txt; not fetched", retryable=False)
        headers = {}
        if validators is not None:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        response, body = self._follow(url, headers, private_ok=private_ok, first_ok=named)
        status = response.status_code
        if status == 304:
            return Fetched(str(response.url), 304, b"", validators=validators or Validators())
        if status >= 400 or status in REDIRECTS:
            raise FetchError(url, f"HTTP {status} {response.reason_phrase}".rstrip(), retryable=status in (408, 429),
                             status=status)
        return Fetched(str(response.url), status, body, response.headers.get("content-type", ""),
                       Validators(response.headers.get("etag"), response.headers.get("last-modified")))


def _allow_list(allow: bool | Iterable[str]) -> tuple[list, set[str]]:
    """``allow_private`` as networks and host names (True and False: none)."""
    if isinstance(allow, bool) or allow is None:
        return [], set()
    nets, names = [], set()
    for item in ([allow] if isinstance(allow, str) else allow):
        try:
            nets.append(ipaddress.ip_network(item.strip("[]"), strict=False))
        except ValueError:
            names.add(item.lower())
    return nets, names
