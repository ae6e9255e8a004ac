"""What a web page's metadata gets wrong, put right: a title without the site's suffix,
``og:title`` over a junk ``<title>``, the outlet named by its site rather than a social
handle (``Handelsblatt_De``, ``ReutersIndia``), a date from the URL when the page gives
only a year; and pages that are not articles (error pages, home pages), told apart.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

from tld import get_tld

_SEPARATOR = re.compile(r"\s+[|\-–—·•»]\s+")
_TRAILING = re.compile(r"[\s|\-–—·•»]+$")
_OG_TITLE = re.compile(r"""<meta\s[^>]*(?:property|name)\s*=\s*["']og:title["'][^>]*>""", re.I)
_CONTENT = re.compile(r"""content\s*=\s*(["'])(.*?)\1""", re.I | re.S)
# /2013/8/3/, /2014/12/29/, /2013/middle_east/8/3/ (one section between), /2014-09-30/
_URL_DATE = re.compile(r"/((?:19|20)\d{2})/(?:[a-z_-]+/)?(\d{1,2})/(\d{1,2})(?:/|$)|/((?:19|20)\d{2})-(\d{2})-(\d{2})(?:/|$)")
_ERROR_TITLE = re.compile(r"^\s*(?:(?:error\s*)?(?:400|401|403|404|410|429|500|502|503)\b|forbidden\b|access denied\b"
                          r"|page not found\b|not found\b|file not found\b|service unavailable\b)", re.I)
_HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.php", "/default.aspx", "/home"}


def _norm(value: str) -> str:
    return re.sub(r"\W+", "", value.casefold())


def site_label(url: str | None) -> str | None:
    """The registered name of a URL's site: ``reuters`` for ``in.reuters.com``."""
    if not url:
        return None
    found = get_tld(url, as_object=True, fail_silently=True)
    return found.domain.casefold() if found is not None and found.domain else None


def _names_site(part: str, outlet: str | None, label: str | None) -> bool:
    part = _norm(part)
    if len(part) < 2:
        return False
    names = [n for n in (_norm(outlet or ""), label or "") if len(n) >= 2]
    # "Telegraph" for Telegraph.co.uk, "US News" for US News & World Report, "Adoption.com"
    return any(part == n or n.startswith(part) or (part.startswith(n) and len(part) <= len(n) + 6) for n in names)


def clean_title(title: str, outlet: str | None, url: str | None) -> str:
    """``"Masks stolen | The Japan Times"`` -> ``"Masks stolen"``: a last part after a
    separator that names the site is dropped (once), the rest is kept as written."""
    title = title.strip()
    stripped = _TRAILING.sub("", title)
    parts = _SEPARATOR.split(stripped)
    if len(parts) > 1 and _names_site(parts[-1], outlet, site_label(url)):
        head = stripped[: stripped.rfind(parts[-1])]
        head = _TRAILING.sub("", head)
        if len(head.split()) >= 2:
            return head
    return stripped if stripped != title and len(stripped.split()) >= 2 else title


def og_title(html: str) -> str | None:
    """The page's ``og:title``, if it has one."""
    meta = _OG_TITLE.search(html[:300_000])
    content = _CONTENT.search(meta.group(0)) if meta else None
    return " ".join(content.group(2).split()) or None if content else None


def better_title(title: str, og: str | None) -> str:
    """``og:title`` when the page title is junk: one word (a CMS name such as ``escenic``)
    while ``og:title`` has several, or empty."""
    if og and (not title or (len(title.split()) <= 1 and len(og.split()) >= 3)):
        return og
    return title


def outlet_name(sitename: str | None, url: str | None) -> str | None:
    """A site name that is a glued handle starting with the site's own name
    (``Handelsblatt_De``, ``Reuters_Co_Uk``, ``ReutersIndia``) becomes that name."""
    if not sitename:
        return None
    label = site_label(url)
    name = sitename.strip()
    if label and " " not in name and len(name) > len(label) and name.casefold().startswith(label):
        rest = name[len(label):]
        if rest[0] == "_" or rest[0].isupper():
            return name[: len(label)]
    return name


def url_date(url: str | None) -> datetime | None:
    """The date a URL's path carries (``/2013/8/3/``), if any."""
    if not url:
        return None
    match = _URL_DATE.search(urlsplit(url).path)
    if match is None:
        return None
    year, month, day = (int(g) for g in (match.groups()[:3] if match.group(1) else match.groups()[3:]))
    try:
        return datetime(year, month, day, tzinfo=timezone.utc)
    except ValueError:
        return None


def better_date(published: datetime | None, url: str | None) -> datetime | None:
    """The URL's date when the page gives none, or only a year (January 1st of that year)."""
    from_url = url_date(url)
    if from_url is None:
        return published
    if published is None or (published.month == 1 and published.day == 1 and published.year == from_url.year
                             and (from_url.month, from_url.day) != (1, 1)):
        return from_url
    return published


def not_an_article(title: str, text: str, url: str | None) -> str | None:
    """Why a page is not an article (an HTTP error page, a site's home page), or None.

    Conservative: an error title counts only on a short page; a home page is told by the
    address the page declares as its own (``canonical``, ``og:url``) being the site root,
    which articles never declare. A crawl's address alone (a WARC record) is not enough."""
    if _ERROR_TITLE.match(title) and len(text) < 1500:
        return f"an error page ({title.strip()[:60]!r}), not an article"
    if url:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.path.rstrip("/").casefold() in {p.rstrip("/") for p in _HOME_PATHS} \
                and not parts.query:
            return f"a site's home page ({url}), not an article"
    return None
