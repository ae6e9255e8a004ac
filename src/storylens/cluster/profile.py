"""The light analysis that story clustering needs, cheap enough for a stream.

Full analysis (``storylens.analyze``) embeds every sentence and runs NER; at 30-60
articles/s it is too slow for ingest. A ``StoryProfile`` keeps only what deciding
"same story?" needs: the language, one vector of the title and lead, the name keys and
the numbers and dates of the whole text, its content-word stems (lexical evidence that does
not depend on the encoder), and a MinHash fingerprint for wire copies.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import lru_cache

import regex

from storylens.analyze.embed import embed
from storylens.analyze.entities import capitalised_mentions
from storylens.analyze.language import detect_language
from storylens.analyze.mentions import extract_mentions
from storylens.analyze.names import name_tokens, word_key
from storylens.analyze.sentences import quick_split
from storylens.article import Article, Sentence
from storylens.match.duplicates import DuplicateIndex, fingerprint
from storylens.records import Fingerprint, StoryProfile

LEAD_CHARS = 400  # title plus this much of the text make the retrieval vector
MENTION_KINDS = ("date", "number")
TERM_CHARS = 3000  # content words are read from the title and this much of the text
STEM_CHARS = 6  # a word's first six letters stand for it: a crude stem that serves most languages
_WORD = regex.compile(r"\p{L}{4,}")


def lead_text(article: Article) -> str:
    """Title and the start of the text, cut at a word boundary."""
    text = article.text[:LEAD_CHARS]
    if len(article.text) > LEAD_CHARS and " " in text:
        text = text[: text.rfind(" ")]
    return f"{article.title}\n{text}".strip()


def content_terms(title: str, text: str) -> frozenset[str]:
    """Stems of the words of four letters or more of the title and the start of the text:
    lower case, cut to ``STEM_CHARS`` letters. Weighted by IDF they compare two articles
    in one language whether or not the sentence encoder covers it."""
    sample = f"{title}\n{text[:TERM_CHARS]}".lower()
    return frozenset(sys.intern(w[:STEM_CHARS]) for w in _WORD.findall(sample))  # interned: stems recur across articles


def quick_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences by end punctuation: rougher than ``sentencex`` but several times faster."""
    return tuple(Sentence(index=i, text=p, paragraph=0) for i, p in enumerate(quick_split(text)))


def name_keys(sentences: tuple[Sentence, ...], language: str) -> frozenset[str]:
    """Keys of capitalised names (``word_key`` of each word), plus the key of the last
    word alone, so that "Walid al-Moualem" and a bare "Muallem" share a key. Keys of
    two characters or fewer are too common to mean anything and are dropped."""
    keys: set[str] = set()
    for surface, _ in capitalised_mentions(sentences, language):
        keys.update(_surface_keys(surface))
    return frozenset(keys)


@lru_cache(maxsize=65536)
def _surface_keys(surface: str) -> tuple[str, ...]:
    """The whole-name key and the last word's key of one name (names recur: cached)."""
    words = [k for k in map(word_key, name_tokens(surface)) if len(k) > 2]
    return (" ".join(words), words[-1]) if words else ()


def copies_within(prints: Sequence[Fingerprint]) -> dict[int, int]:
    """{i: j}: article i of a batch is an exact or near copy of the earlier article j
    (the tests of ``match.duplicates``), so j's lead vector serves i too. The default shares,
    not the ``[copies]`` settings: a profile depends on its article alone, whichever process
    (a spawned worker, a Spark executor) computes it."""
    index, source = DuplicateIndex(), {}
    for i, fp in enumerate(prints):
        found = index.find(fp)
        if found is not None and found.kind in ("exact", "near"):
            source[i] = source.get(int(found.of), int(found.of))
        index.add(str(i), fp)
    return source


def profile_articles(articles: Sequence[Article]) -> list[StoryProfile]:
    """Profiles of a batch: one embedding call for the whole batch, skipping the articles
    that copy an earlier one of the batch (wire copies; they take its vector)."""
    prints = [fingerprint(a.text) for a in articles]
    source = copies_within(prints)
    fresh = [i for i in range(len(articles)) if i not in source]
    vectors = dict(zip(fresh, embed([lead_text(articles[i]) or articles[i].id for i in fresh])))
    out = []
    for i, article in enumerate(articles):
        whole = f"{article.title}\n{article.text}"
        language = detect_language(whole, article.language)
        sentences = quick_sentences(whole)
        numbers = frozenset(m.value for m in extract_mentions(sentences, weekdays=False) if m.kind in MENTION_KINDS)
        out.append(StoryProfile(
            article_id=article.id, language=language, published=article.published,
            vector=vectors[source.get(i, i)], keys=name_keys(sentences, language), numbers=numbers,
            fingerprint=prints[i], terms=content_terms(article.title, article.text),
            outlet=article.outlet.lower() if article.outlet else None,
        ))
    return out
