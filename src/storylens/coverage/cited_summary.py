"""The report's summary: sentences chosen by ``summary.select_summary``, each with citations.

Candidates are the content sentences in the report's language, outside wire copies (a copy
repeats its original). Each sentence's ``support`` is the number of independent outlets
whose sentences fall in its fact group (``facts.cluster_sentences``), so a sentence that
many outlets report, in any language, ranks higher; it cites every article whose sentence
in the group reports its claim (``claims.supports``: same specifics, not only a cosine). The
ranking is walked in order and a second sentence of a fact already chosen is passed over,
so no fact is told twice. With ``max_words`` (``eval summaries`` gives the reference's
length) the ranking is made within that budget and a sentence that would overrun the words
left is passed over too, shorter ones further down still tried: whole sentences, never over
the budget.
"""

from __future__ import annotations

from storylens.coverage.facts import SentenceGroups, checked_count, cited_members, citation
from storylens.coverage.pool import StoryPool
from storylens.coverage.records import SummarySentence
from storylens.coverage.summary import select_summary, word_count
from storylens.settings import DEFAULTS, current

SUMMARY_SENTENCES = DEFAULTS.coverage.summary_sentences
MIN_SENTENCES, MAX_SENTENCES = 3, 7  # the range the setting allows (``coverage.summary_sentences``)


def cited_summary(pool: StoryPool, sg: SentenceGroups, fact_ids: dict[int, str],
                  sentences: int | None = None, max_words: int | None = None) -> list[SummarySentence]:
    """``sentences`` (3 to 7; default: the setting ``coverage.summary_sentences``) verbatim
    sentences, most important first, with citations; at most ``max_words`` words in all when given."""
    wanted = min(max(sentences or current().coverage.summary_sentences, MIN_SENTENCES), MAX_SENTENCES)
    candidates = [i for i in range(len(pool.texts))
                  if pool.articles[pool.article_of[i]].language == pool.language and not pool.is_copy(pool.article_of[i])]
    if not candidates:
        return []
    ranking = select_summary([pool.texts[i] for i in candidates], pool.vectors[candidates],
                             [pool.article_of[i] for i in candidates], [pool.position[i] for i in candidates],
                             [sg.support[sg.group_of[i]] for i in candidates], max_sentences=len(candidates),
                             max_words=max_words)
    out, told, left = [], set(), max_words
    for r in ranking:
        i = candidates[r]
        g = sg.group_of[i]
        if g in told:
            continue
        if left is not None:
            if word_count(pool.texts[i]) > left:
                continue
            left -= word_count(pool.texts[i])
        told.add(g)
        k = pool.article_of[i]
        cited = cited_members(pool, sg, i)
        checked, supported = checked_count(pool, sg, i, cited)
        support = len({pool.family[pool.article_of[j]] for j in cited})
        out.append(SummarySentence(text=pool.texts[i], article=pool.articles[k].id, outlet=pool.label(k),
                                   sentence=pool.position[i], support=support,
                                   fact=fact_ids.get(g) if support >= 2 else None,
                                   citations=tuple(citation(pool, j) for j in cited),
                                   checked=checked, supported=supported))
        if len(out) == wanted:
            break
    return out
