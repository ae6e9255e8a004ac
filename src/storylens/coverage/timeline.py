"""Who published when: originals in publication order (undated last), copies folded under them."""

from __future__ import annotations

from storylens.coverage.pool import StoryPool
from storylens.coverage.records import TimelineEntry


def story_timeline(pool: StoryPool) -> list[TimelineEntry]:
    """One entry per original; a copy appears under the original it copies (followed to the root)."""
    copies: dict[int, list[int]] = {}
    for k in range(len(pool.articles)):
        if pool.is_copy(k):
            copies.setdefault(pool.family[k], []).append(k)
    out = []
    for k, o in enumerate(pool.outlets):
        if pool.is_copy(k):
            continue
        out.append(TimelineEntry(article=o.article, outlet=o.outlet, title=o.title, language=o.language,
                                 published=o.published, copies=tuple(pool.outlets[c] for c in copies.get(k, []))))
    return out
