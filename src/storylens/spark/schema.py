"""The DataFrame schemas of the Spark API, and how records become rows and back.

Each function of ``storylens.spark`` takes and returns a DataFrame with one of these
schemas (as Spark DDL strings, so this module imports no pyspark). Dates travel as ISO
8601 strings, so an article's time zone survives the trip; vectors and fingerprints as
little-endian bytes, so a profile comes back bit for bit.

``ARTICLES``: one row per article read (``order_input``, the input's position among those
given, and ``order_record``, the record's within it); ``error`` is set, and the other fields
empty, for a record or file that could not be read.

``PROFILES``: ``ARTICLES``' fields and the article's ``StoryProfile``.

``COPIES``: for each article that copies an earlier one (by publication time, then input
order), the best earlier
original, as ``match.duplicates.DuplicateIndex.find`` would name it.

"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np

from storylens.article import Article
from storylens.records import Fingerprint, StoryProfile

ARTICLES = ("order_input int, order_record long, id string, title string, text string, url string, "
            "outlet string, published string, language string, authors array<string>, source string, "
            "error string")
_PROFILE_FIELDS = ("profile_language string, vector binary, keys array<string>, numbers array<string>, "
                   "fingerprint binary, shingles int, terms array<string>")
PROFILES = f"{ARTICLES}, {_PROFILE_FIELDS}"
COPIES = "id string, copy_of string, kind string, overlap double, containment double"
ARTICLE_COLUMNS = tuple(part.split()[0] for part in ARTICLES.split(", "))
PROFILE_COLUMNS = tuple(part.split()[0] for part in PROFILES.split(", "))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def article_row(order: tuple[int, int], article: Article | None, error: str | None = None) -> dict[str, Any]:
    """The ``ARTICLES`` row of ``article`` read at ``order`` (or of a read ``error``)."""
    if article is None:
        return {"order_input": order[0], "order_record": order[1], "id": None, "title": None, "text": None,
                "url": None, "outlet": None, "published": None, "language": None, "authors": [],
                "source": None, "error": error}
    return {"order_input": order[0], "order_record": order[1], "id": article.id, "title": article.title,
            "text": article.text, "url": article.url, "outlet": article.outlet, "published": _iso(article.published),
            "language": article.language, "authors": list(article.authors), "source": article.source, "error": None}


def _none(value: Any) -> Any:
    """None for pandas' missing values (NaN, None), the value otherwise."""
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def row_article(row: Any) -> Article:
    """The ``Article`` of an ``ARTICLES`` row (a mapping, a pandas row or a Spark Row)."""
    authors = _none(row["authors"])
    return Article(id=row["id"], text=row["text"], title=row["title"] or "", url=_none(row["url"]),
                   outlet=_none(row["outlet"]), published=_date(_none(row["published"])),
                   language=_none(row["language"]), authors=tuple(authors) if authors is not None else (),
                   source=_none(row["source"]))


def profile_fields(profile: StoryProfile) -> dict[str, Any]:
    """The profile's own fields of a ``PROFILES`` row."""
    return {"profile_language": profile.language, "vector": profile.vector.astype("<f4").tobytes(),
            "keys": sorted(profile.keys), "numbers": sorted(profile.numbers),
            "fingerprint": profile.fingerprint.to_bytes(), "shingles": profile.fingerprint.size,
            "terms": sorted(profile.terms)}


def row_profile(row: Any) -> StoryProfile:
    """The ``StoryProfile`` of a ``PROFILES`` row, equal to the one computed."""
    outlet = _none(row["outlet"])
    return StoryProfile(
        article_id=row["id"], language=row["profile_language"], published=_date(_none(row["published"])),
        vector=np.frombuffer(bytes(row["vector"]), dtype="<f4").astype(np.float32),
        keys=frozenset(row["keys"]), numbers=frozenset(row["numbers"]),
        fingerprint=Fingerprint.from_bytes(bytes(row["fingerprint"]), int(row["shingles"])),
        terms=frozenset(row["terms"]), outlet=outlet.lower() if outlet else None)
