"""The story's articles and content sentences laid out once for every section of the report.

``StoryPool`` holds the articles in publication order (undated last, then input order),
their content sentences flattened into one list with one USE vector each, and the copy
``family`` of every article: the original it copies (followed to the root), or itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from storylens.article import AnalyzedArticle
from storylens.coverage.claims import Specifics, article_specifics
from storylens.coverage.records import Outlet
from storylens.errors import ConfigError
from storylens.records import DIM, CopyOf

MIN_ARTICLES = 2


def publication_key(published: datetime | None, k: int) -> tuple:
    """Sort key: dated articles by time (naive times read as UTC), undated last, ties by ``k``."""
    if published is None:
        return (1, 0.0, k)
    if published.tzinfo is None:
        published = published.replace(tzinfo=timezone.utc)
    return (0, published.timestamp(), k)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, eq=False)
class StoryPool:
    """Articles, their sentences and copy families, built by ``build_pool``."""

    articles: tuple[AnalyzedArticle, ...]  # publication order
    outlets: tuple[Outlet, ...]  # same order
    family: tuple[int, ...]  # article position -> position of the original it copies (itself if none)
    texts: tuple[str, ...]  # every content sentence, article by article
    vectors: np.ndarray  # (n_sentences, 512) unit vectors
    article_of: tuple[int, ...]  # sentence -> article position
    position: tuple[int, ...]  # sentence -> index within its article
    language: str  # the report's language
    specifics: tuple[Specifics, ...] = ()  # sentence -> what it states (``coverage.claims``)

    @property
    def languages(self) -> list[str]:
        return list(dict.fromkeys(x.language for x in self.articles))

    def label(self, k: int) -> str:
        return self.outlets[k].outlet

    def is_copy(self, k: int) -> bool:
        return self.family[k] != k


def _families(ids: list[str], copies: Mapping[str, CopyOf]) -> list[int]:
    index = {a: k for k, a in enumerate(ids)}
    family = list(range(len(ids)))
    for k, article_id in enumerate(ids):
        seen, current = {k}, k
        while ids[current] in copies and copies[ids[current]].of in index:
            nxt = index[copies[ids[current]].of]
            if nxt in seen:  # a cycle in the given copies: stop at the earliest-listed
                break
            seen.add(nxt)
            current = nxt
        family[k] = current
    return family


def story_language(articles: Sequence[AnalyzedArticle], wanted: str | None) -> str:
    """``wanted`` if some article is in it; by default the most common language (ties: first)."""
    languages = [x.language for x in articles]
    if wanted:
        wanted = wanted.strip().lower()
        if wanted not in languages:
            raise ConfigError(f"no article of this story is in {wanted!r}; its languages are "
                              f"{', '.join(dict.fromkeys(languages))}: pass one of these with --lang")
        return wanted
    counts = Counter(languages)
    return max(dict.fromkeys(languages), key=lambda lang: counts[lang])


def build_pool(analyzed: Sequence[AnalyzedArticle], language: str | None = None,
               copies: Mapping[str, CopyOf] | None = None) -> StoryPool:
    """Check the articles and lay them out; ``copies`` maps a copy's id to what it copies."""
    if len(analyzed) < MIN_ARTICLES:
        raise ConfigError(f"a coverage report needs at least {MIN_ARTICLES} articles, got {len(analyzed)}: "
                          "give two or more articles of one story")
    seen: set[str] = set()
    for x in analyzed:
        if x.id in seen:
            raise ConfigError(f"article id {x.id!r} appears twice; each article of a report needs its own id")
        seen.add(x.id)
    ordered = [x for _, x in sorted(enumerate(analyzed), key=lambda t: publication_key(t[1].article.published, t[0]))]
    copies = dict(copies or {})
    ids = [x.id for x in ordered]
    family = _families(ids, copies)
    outlets = []
    for k, x in enumerate(ordered):
        a = x.article
        copy = copies.get(x.id) if family[k] != k else None
        outlets.append(Outlet(article=x.id, outlet=a.label, title=a.title, language=x.language,
                              published=_iso(a.published), url=a.url, source=a.source, sentences=len(x.sentences),
                              copy_of=copy))
    texts, article_of, position, blocks, specifics = [], [], [], [], []
    for k, x in enumerate(ordered):
        specifics.extend(article_specifics(x))
        for s in x.sentences:
            texts.append(s.text)
            article_of.append(k)
            position.append(s.index)
        if len(x.sentences):
            blocks.append(np.asarray(x.sentence_embeddings, dtype=np.float32).reshape(len(x.sentences), -1))
    vectors = np.vstack(blocks) if blocks else np.zeros((0, DIM), dtype=np.float32)
    # The store keeps vectors as float16: rounding fresh ones the same way makes a report
    # from a fresh analysis and one from a stored analysis byte-identical.
    vectors = vectors.astype(np.float16).astype(np.float32)
    return StoryPool(tuple(ordered), tuple(outlets), tuple(family), tuple(texts), vectors, tuple(article_of),
                     tuple(position), story_language(ordered, language), tuple(specifics))
