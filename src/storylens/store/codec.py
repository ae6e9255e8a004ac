"""Full analyses to and from the store: JSON for the structure, float16 bytes for vectors.

A quote is ``[text, sentence, speaker, source, confidence]``; rows stored before the
confidence was kept have the first four, and read back with ``confidence=None``.
"""

from __future__ import annotations

import json

import numpy as np

from storylens.article import AnalyzedArticle, Article, Entity, Mention, Paragraph, Quote, Sentence
from storylens.records import DIM


def encode_analysis(x: AnalyzedArticle) -> tuple[str, bytes]:
    """(JSON text, vector bytes) of everything analysis added to the article."""
    data = {
        "language": x.language,
        "paragraphs": [[p.text, p.role] for p in x.paragraphs],
        "sentences": [[s.index, s.text, s.paragraph] for s in x.sentences],
        "entities": [[e.name, e.type, list(e.variants), e.key, e.mentions] for e in x.entities],
        "quotes": [[q.text, q.sentence, q.speaker, q.source, q.confidence] for q in x.quotes],
        "mentions": [[m.text, m.kind, m.value] for m in x.mentions],
        "stats": x.stats,
    }
    vectors = np.vstack([x.sentence_embeddings.reshape(-1, DIM), x.doc_embedding[None, :], x.title_embedding[None, :]])
    return json.dumps(data, ensure_ascii=False), vectors.astype(np.float16).tobytes()


def _quote(text: str, sentence: int, speaker: str | None, source: str | None, confidence: float | None = None) -> Quote:
    """A stored quote: five fields, or four in rows written before ``confidence`` was kept."""
    return Quote(text=text, sentence=sentence, speaker=speaker, source=source, confidence=confidence)


def decode_analysis(article: Article, text: str, blob: bytes) -> AnalyzedArticle:
    """The inverse of ``encode_analysis`` for ``article``."""
    data = json.loads(text)
    vectors = np.frombuffer(blob, dtype=np.float16).astype(np.float32).reshape(-1, DIM)
    return AnalyzedArticle(
        article=article,
        language=data["language"],
        paragraphs=tuple(Paragraph(text=t, role=r) for t, r in data["paragraphs"]),
        sentences=tuple(Sentence(index=i, text=t, paragraph=p) for i, t, p in data["sentences"]),
        sentence_embeddings=vectors[:-2],
        doc_embedding=vectors[-2],
        title_embedding=vectors[-1],
        entities=tuple(Entity(name=n, type=t, variants=tuple(v), key=k, mentions=m) for n, t, v, k, m in data["entities"]),
        quotes=tuple(_quote(*fields) for fields in data["quotes"]),
        mentions=tuple(Mention(text=t, kind=k, value=v) for t, k, v in data["mentions"]),
        stats=data["stats"],
    )
