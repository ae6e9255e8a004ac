"""How a publication time reads in a report or on the web page."""

from __future__ import annotations


def shown_time(published: str | None) -> str:
    """``2014-12-30 14:05`` from an ISO time; the day alone when the time is midnight (a
    source that gave only the day: "T00:00" would claim a precision it never had);
    ``undated`` when there is none."""
    if not published:
        return "undated"
    day, _, clock = published.partition("T")
    clock = clock[:5]
    return day if not clock or clock == "00:00" else f"{day} {clock}"
