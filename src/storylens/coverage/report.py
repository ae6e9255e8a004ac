"""``build_coverage``: how each outlet told one story, section by section.

The sections are computed by the modules named for them, from one ``StoryPool`` and one
clustering of the story's sentences into facts; ``Coverage.to_dict`` is the stable JSON
form documented in docs/coverage.md (``SCHEMA_VERSION``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storylens.article import AnalyzedArticle
from storylens.coverage.cited_summary import cited_summary
from storylens.coverage.entities import entity_lookup, story_entities
from storylens.coverage.facts import group_sentences, outlet_adds, shared_facts
from storylens.coverage.framing import term_contrasts
from storylens.coverage.pool import build_pool
from storylens.coverage.quotes import story_quotes
from storylens.coverage.records import (Fact, Outlet, OutletAdds, StoryEntity, StoryQuote, SummarySentence,
                                        TermContrast, TimelineEntry, Tone)
from storylens.coverage.timeline import story_timeline
from storylens.coverage.tone import story_tones
from storylens.records import CopyOf

SCHEMA_VERSION = 1
SECTIONS = ("summary", "facts", "quotes", "entities", "adds", "framing", "timeline")


@dataclass(frozen=True)
class Coverage:
    """A story's coverage report; every field is a tuple of frozen records."""

    language: str
    languages: tuple[str, ...]
    outlets: tuple[Outlet, ...]
    summary: tuple[SummarySentence, ...]
    facts: tuple[Fact, ...]
    quotes: tuple[StoryQuote, ...]
    entities: tuple[StoryEntity, ...]
    adds: tuple[OutletAdds, ...]
    contrasts: tuple[TermContrast, ...]
    tones: tuple[Tone, ...]
    timeline: tuple[TimelineEntry, ...]

    def citations_checked(self) -> dict[str, Any]:
        """How many citations of the summary and the facts were checked against the claim
        they are cited for (other outlets' sentences the alignment proposed), how many
        report it (and are cited), and the share."""
        items = (*self.summary, *self.facts)
        checked = sum(x.checked for x in items)
        supported = sum(x.supported for x in items)
        return {"checked": checked, "supported": supported,
                "precision": round(supported / checked, 3) if checked else None}

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "language": self.language,
            "languages": list(self.languages),
            "citations_checked": self.citations_checked(),
            "outlets": [o.to_dict() for o in self.outlets],
            "summary": [s.to_dict() for s in self.summary],
            "facts": [f.to_dict() for f in self.facts],
            "quotes": [q.to_dict() for q in self.quotes],
            "entities": [e.to_dict() for e in self.entities],
            "adds": [a.to_dict() for a in self.adds],
            "framing": {"contrasts": [c.to_dict() for c in self.contrasts], "tone": [t.to_dict() for t in self.tones]},
            "timeline": [t.to_dict() for t in self.timeline],
        }


def build_coverage(analyzed: Sequence[AnalyzedArticle], *, language: str | None = None,
                   copies: Mapping[str, CopyOf] | None = None,
                   summary_sentences: int | None = None, summary_words: int | None = None) -> Coverage:
    """The coverage report of analysed articles of one story.

    ``language``: the summary's and the facts' language (default: the most common one).
    ``copies``: article id -> what it copies, for wire copies, as the story
    engine records them (``coverage.copies.find_copies`` computes them for loose files).
    ``summary_words``: a word budget for the summary (whole sentences; ``eval summaries``
    gives the reference's length); by default only ``summary_sentences`` limits it (default:
    the setting ``coverage.summary_sentences``, as are the other limits of the report).
    Raises ``ConfigError`` for fewer than two articles, a repeated id, or a language no
    article is in.
    """
    pool = build_pool(analyzed, language, copies)
    groups = group_sentences(pool)
    facts, fact_ids = shared_facts(pool, groups)
    entities = story_entities(pool)
    quotes = story_quotes(pool, entity_lookup(entities))
    return Coverage(
        language=pool.language,
        languages=tuple(pool.languages),
        outlets=pool.outlets,
        summary=tuple(cited_summary(pool, groups, fact_ids, summary_sentences, summary_words)),
        facts=tuple(facts),
        quotes=tuple(quotes),
        entities=tuple(entities),
        adds=tuple(outlet_adds(pool, groups)),
        contrasts=tuple(term_contrasts(pool, groups, quotes)),
        tones=tuple(story_tones(pool)),
        timeline=tuple(story_timeline(pool)),
    )
