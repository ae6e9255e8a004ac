"""Comparing two analysed articles: the verdict, the scores and the evidence behind them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storylens.analyze.deep import deep_vectors
from storylens.analyze.embed import embed
from storylens.article import AnalyzedArticle, Entity, Quote
from storylens.match.align import align_sentences, best_match_mean
from storylens.match.entities import match_entities
from storylens.match.features import PairFeatures, pair_features
from storylens.match.quotes import identical, match_quotes, word_changes
from storylens.match.records import AlignedSentences, ComparedArticle, EntityMatch, QuoteMatch, SharedEntity, SharedQuote
from storylens.match.scorer_arrays import default_scorer, uses_deep
from storylens.match.scoring import Scorer, Scores


@dataclass(frozen=True)
class Comparison:
    """Everything ``compare`` found; ``to_dict`` gives the JSON form."""

    a: ComparedArticle
    b: ComparedArticle
    scores: Scores
    features: PairFeatures
    entities: EntityMatch
    quotes: QuoteMatch
    shared: tuple[AlignedSentences, ...]  # sentences both report, in a's order
    only_a: tuple[str, ...]  # sentences of a that b does not report
    only_b: tuple[str, ...]

    @property
    def same_story(self) -> bool:
        return self.scores.same_story

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "same_story": self.scores.same_story,
            "similarity": self.scores.similarity,
            "overall": self.scores.overall,
            "dimensions": self.scores.dimensions,
            "entities": self.entities.to_dict(),
            "quotes": self.quotes.to_dict(),
            "shared": [s.to_dict() for s in self.shared],
            "only_a": list(self.only_a),
            "only_b": list(self.only_b),
            "evidence": self.evidence,
        }

    @property
    def evidence(self) -> dict[str, Any]:
        """Whether the sentence encoder covers both languages (``encoder``), one (``mixed``)
        or neither (``lexical``): where it does not, its cosines are noise, so read the
        verdict with the shared names, numbers, dates and quotes beside it."""
        from storylens.analyze.embed import evidence_basis

        return evidence_basis([self.a.language, self.b.language])


def _shared_quote(qa: Quote, qb: Quote, score: float, shared_people: list[tuple[Entity, Entity]],
                  cross_lingual: bool) -> SharedQuote:
    speaker = qa.speaker or qb.speaker
    for ea, eb in shared_people:  # name the speaker as the shared entity when both agree
        if qa.speaker in (ea.name, eb.name) or qb.speaker in (ea.name, eb.name):
            speaker = SharedEntity.of(ea, eb).name
            break
    same = identical(qa.text, qb.text)
    changes = () if same or cross_lingual else tuple((c["a"], c["b"]) for c in word_changes(qa.text, qb.text))
    return SharedQuote(a=qa, b=qb, speaker=speaker, identical=same, score=score, changes=changes)


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
        a=ComparedArticle.of(a),
        b=ComparedArticle.of(b),
        scores=scorer.score(m.features),
        features=m.features,
        entities=EntityMatch(shared=tuple(SharedEntity.of(ea, eb) for ea, eb in shared_ents),
                             only_a=tuple(only_a_ents), only_b=tuple(only_b_ents)),
        quotes=QuoteMatch(shared=tuple(_shared_quote(qa, qb, s, people, m.cross_lingual) for qa, qb, s in shared_q),
                          only_a=tuple(only_a_q), only_b=tuple(only_b_q)),
        shared=tuple(AlignedSentences(a.sentences[i].text, b.sentences[j].text, s) for i, j, s in m.sentences),
        only_a=tuple(s.text for s in a.sentences if s.index not in aligned_a),
        only_b=tuple(s.text for s in b.sentences if s.index not in aligned_b),
    )
