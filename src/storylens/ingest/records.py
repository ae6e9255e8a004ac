"""JSON and JSON Lines articles: objects with the ``Article`` fields.

Accepted fields: ``id, url, outlet, title, text, published, language, authors``
(aliases: ``lang`` for language, ``date`` for published, ``site_name`` for outlet).
Other fields are ignored. Errors name the file, the line and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

from storylens.article import Article
from storylens.errors import InputError
from storylens.ingest.clean import clean_line, clean_text

ALIASES = {"lang": "language", "date": "published", "site_name": "outlet", "sitename": "outlet"}
STRING_FIELDS = ("id", "url", "outlet", "title", "text", "language")


def parse_date(value: Any, source: str, field: str = "published") -> datetime | None:
    """ISO 8601 date or date-time; naive values are taken as UTC."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InputError(source, f"field {field!r} must be an ISO 8601 date string, got {type(value).__name__}")
    text = value.strip().replace("Z", "+00:00") if value.strip().endswith("Z") else value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(source, f"field {field!r} is not an ISO 8601 date: {value[:40]!r}") from None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    try:
        parsed.astimezone(timezone.utc)  # what the store keeps; 9999-12-31T23:59-05:00 has no UTC form
    except OverflowError:
        raise InputError(source, f"field {field!r} is out of range once converted to UTC: {value[:40]!r}") from None
    return parsed


def _check_unicode(value: str, source: str, field: str) -> None:
    """A JSON string may hold a lone surrogate (``"\\ud800"``), which no text encoding can store."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(source, f"field {field!r} holds a lone surrogate (an invalid \\uXXXX escape)") from None


def article_from_record(obj: Any, source: str, default_id: str) -> Article:
    """Validate one decoded JSON object and build an Article."""
    if not isinstance(obj, dict):
        raise InputError(source, f"expected a JSON object, got {type(obj).__name__}")
    record = {ALIASES.get(k, k): v for k, v in obj.items()}
    for name in STRING_FIELDS:
        value = record.get(name)
        if value is None or (name == "id" and isinstance(value, int) and not isinstance(value, bool)):
            continue
        if not isinstance(value, str):
            raise InputError(source, f"field {name!r} must be a string, got {type(value).__name__}")
        _check_unicode(value, source, name)
    text = clean_text(str(record.get("text") or ""))
    if not text:
        raise InputError(source, "field 'text' is missing or empty")
    authors = record.get("authors") or ()
    if isinstance(authors, str):
        authors = [authors]
    if not isinstance(authors, (list, tuple)) or not all(isinstance(a, str) for a in authors):
        raise InputError(source, "field 'authors' must be a list of strings")
    for author in authors:
        _check_unicode(author, source, "authors")
    language = record.get("language")
    return Article(
        id=str(record.get("id") or default_id),
        title=clean_line(str(record.get("title") or "")),
        text=text,
        url=record.get("url") or None,
        outlet=clean_line(record["outlet"]) if record.get("outlet") else None,
        published=parse_date(record.get("published"), source),
        language=language.lower() if language else None,
        authors=tuple(clean_line(a) for a in authors if a.strip()),
        source=source,
    )


def parse_json(raw: str, name: str, stem: str) -> Iterator[Article]:
    """A JSON file: one object, or a list of objects."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(name, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InputError(name, "JSON nested too deeply; an article is one object of fields") from None
    items = data if isinstance(data, list) else [data]
    for i, obj in enumerate(items):
        src = name if len(items) == 1 else f"{name}[{i}]"
        yield article_from_record(obj, src, stem if len(items) == 1 else f"{stem}-{i}")


def json_lines(raw: str | Iterable[tuple[int, str]], name: str) -> Iterator[tuple[int, str, Any]]:
    """(line number, "FILE:LINE", decoded value) per non-blank line of a JSON Lines text,
    given whole or as (line number, line) pairs."""
    lines = enumerate(raw.split("\n"), start=1) if isinstance(raw, str) else raw
    for lineno, line in lines:
        if not line.strip():
            continue
        src = f"{name}:{lineno}"
        try:
            yield lineno, src, json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(src, f"invalid JSON ({exc.msg}); is the line truncated?") from None
        except RecursionError:
            raise InputError(src, "JSON nested too deeply; an article is one object of fields") from None


def parse_jsonl(raw: str | Iterable[tuple[int, str]], name: str, stem: str) -> Iterator[Article]:
    """JSON Lines: one object per line; blank lines are skipped."""
    for lineno, src, obj in json_lines(raw, name):
        yield article_from_record(obj, src, f"{stem}-{lineno}")
