"""Comparing two analysed articles: the verdict, the scores and the evidence behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storylens.analyze.deep import deep_vectors
from storylens.analyze.embed import embed
from storylens.article import AnalyzedArticle, Entity, Quote
from storylens.match.align import align_sentences, best_match_mean
from storylens.match.entities import entity_dict, match_entities, shared_entity_dict
from storylens.match.features import PairFeatures, pair_features
from storylens.match.quotes import identical, match_quotes, word_changes
from storylens.match.scorer_arrays import default_scorer, uses_deep
from storylens.match.scoring import Scorer, Scores


@dataclass(frozen=True)
class Comparison:
    """Everything ``compare`` found; ``to_dict`` gives the JSON form."""

    a: dict[str, Any]
    b: dict[str, Any]
    scores: Scores
    features: PairFeatures
    entities: dict[str, list[dict]]
    quotes: dict[str, list[dict]]
    shared: list[dict]
    only_a: list[str]
    only_b: list[str]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def same_story(self) -> bool:
        return self.scores.same_story

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "same_story": self.scores.same_story,
            "similarity": self.scores.similarity,
            "overall": self.scores.overall,
            "dimensions": self.scores.dimensions,
            "entities": self.entities,
            "quotes": self.quotes,
            "shared": self.shared,
            "only_a": self.only_a,
            "only_b": self.only_b,
            "evidence": self.evidence,
        }

    @property
    def evidence(self) -> dict[str, Any]:
        """Whether the sentence encoder covers both languages (``encoder``), one (``mixed``)
        or neither (``lexical``): where it does not, its cosines are noise, so read the
        verdict with the shared names, numbers, dates and quotes beside it."""
        from storylens.analyze.embed import evidence_basis

        return evidence_basis([self.a.get("language"), self.b.get("language")])


def _describe(x: AnalyzedArticle) -> dict[str, Any]:
    article = x.article
    return {
        "id": article.id, "title": article.title, "outlet": article.outlet, "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "language": x.language, "source": article.source, "sentences": len(x.sentences),
    }


def _quote_dict(quote: Quote) -> dict:
    return {"text": quote.text, "speaker": quote.speaker, "source": quote.source}


def _shared_quote(qa: Quote, qb: Quote, score: float, shared_people: list[tuple[Entity, Entity]], cross_lingual: bool) -> dict:
    speaker = qa.speaker or qb.speaker
    for ea, eb in shared_people:  # name the speaker as the shared entity when both agree
        if qa.speaker in (ea.name, eb.name) or qb.speaker in (ea.name, eb.name):
            speaker = shared_entity_dict(ea, eb)["name"]
            break
    same = identical(qa.text, qb.text)
    return {
        "a": qa.text, "b": qb.text, "identical": same, "speaker": speaker,
        "speaker_a": qa.speaker, "speaker_b": qb.speaker,
        "source_a": qa.source, "source_b": qb.source, "score": round(score, 3),
        "changes": [] if same or cross_lingual else word_changes(qa.text, qb.text),
    }


@dataclass(frozen=True)
class Matches:
    """What two articles have in common, before any scoring."""

    sentences: list[tuple[int, int, float]]
    entities: tuple[list, list, list]  # (shared pairs, only a, only b)
    quotes: tuple[list, list, list]  # (shared (qa, qb, score), only a, only b)
    cross_lingual: bool
    features: PairFeatures


def match_pair(a: AnalyzedArticle, b: AnalyzedArticle, deep: bool = True) -> Matches:
    """Align sentences and match entities and quotes of two analysed articles; no scoring.
    ``deep``: also compute the e5 features (0.3-0.9 s per article not seen before)."""
    cross_lingual = a.language != b.language
    pairs = align_sentences(a.sentence_embeddings, b.sentence_embeddings)
    entities = match_entities(a.entities, b.entities)
    q_emb_a = embed([q.text for q in a.quotes]) if cross_lingual and a.quotes and b.quotes else None
    q_emb_b = embed([q.text for q in b.quotes]) if q_emb_a is not None else None
    quotes = match_quotes(a.quotes, b.quotes, q_emb_a, q_emb_b, cross_lingual)
    features = pair_features(a, b, len(pairs), entities[0], len(quotes[0]),
                             best_match_mean(a.sentence_embeddings, b.sentence_embeddings),
                             *((deep_vectors(a), deep_vectors(b)) if deep else ()))
    return Matches(pairs, entities, quotes, cross_lingual, features)


def compare(a: AnalyzedArticle, b: AnalyzedArticle, scorer: Scorer | None = None, fast: bool = False) -> Comparison:
    """Compare two analysed articles, within one language or across two. ``fast``: the
    scorer without e5 features (about 0.5 s less per pair, less close to people's judgements)."""
    for side, x in (("a", a), ("b", b)):
        if not isinstance(x, AnalyzedArticle):
            raise TypeError(f"compare() takes analysed articles; {side} is {type(x).__name__}"
                            f"{' ' + repr(x.id) if hasattr(x, 'id') else ''}: pass storylens.analyze(article)")
    scorer = scorer or default_scorer(fast)
    m = match_pair(a, b, deep=uses_deep(scorer))
    shared_ents, only_a_ents, only_b_ents = m.entities
    shared_q, only_a_q, only_b_q = m.quotes
    aligned_a = {i for i, _, _ in m.sentences}
    aligned_b = {j for _, j, _ in m.sentences}
    people = [(ea, eb) for ea, eb in shared_ents if "PERSON" in (ea.type, eb.type) or ea.type == "NAME"]
    return Comparison(
        a=_describe(a),
        b=_describe(b),
        scores=scorer.score(m.features),
        features=m.features,
        entities={
            "shared": [shared_entity_dict(ea, eb) for ea, eb in shared_ents],
            "only_a": [entity_dict(e) for e in only_a_ents],
            "only_b": [entity_dict(e) for e in only_b_ents],
        },
        quotes={
            "shared": [_shared_quote(qa, qb, s, people, m.cross_lingual) for qa, qb, s in shared_q],
            "only_a": [_quote_dict(q) for q in only_a_q],
            "only_b": [_quote_dict(q) for q in only_b_q],
        },
        shared=[{"a": a.sentences[i].text, "b": b.sentences[j].text, "score": round(s, 3)} for i, j, s in m.sentences],
        only_a=[s.text for s in a.sentences if s.index not in aligned_a],
        only_b=[s.text for s in b.sentences if s.index not in aligned_b],
    )
