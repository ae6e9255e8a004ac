"""How a publication time reads in a report or on the web page."""

from __future__ import annotations

from datetime import datetime


def shown_time(published: str | datetime | None) -> str:
    """``2014-12-30 14:05`` from an ISO time (text or a ``datetime``); the day alone when the
    time is midnight (a source that gave only the day: "T00:00" would claim a precision it
    never had); ``undated`` when there is none."""
    if not published:
        return "undated"
    if isinstance(published, datetime):
        published = published.isoformat()
    day, _, clock = published.partition("T")
    clock = clock[:5]
    return day if not clock or clock == "00:00" else f"{day} {clock}"
