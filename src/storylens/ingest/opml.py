"""OPML subscription lists: every outline with an ``xmlUrl`` is a feed source."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from storylens.errors import InputError


@dataclass(frozen=True)
class Subscription:
    """One feed of an OPML file: a URL, or a path resolved against the OPML file's folder."""

    feed: str
    title: str | None = None


def looks_like_opml(head: str) -> bool:
    return "<opml" in head[:2000].lower()


def parse_opml(data: bytes | str, source: str, base: Path | None = None) -> list[Subscription]:
    """The feeds an OPML document lists, in document order, without repeats."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(source, f"not a readable OPML file ({exc})") from None
    if root.tag.lower() != "opml":
        raise InputError(source, f"not an OPML file (root element <{root.tag}>, expected <opml>)")
    found: dict[str, Subscription] = {}
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        if not url.startswith(("http://", "https://")):
            path = Path(url.removeprefix("file://"))
            url = str(path if path.is_absolute() or base is None else base / path)
        found.setdefault(url, Subscription(url, outline.get("title") or outline.get("text")))
    return list(found.values())


def read_opml(path: str | Path) -> list[Subscription]:
    """The feeds of an OPML file on disk."""
    from storylens.ingest.files import read_bytes

    path = Path(path)
    return parse_opml(read_bytes(path), str(path), base=path.parent)
