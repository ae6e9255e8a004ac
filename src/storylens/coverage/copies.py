"""Wire copies among a handful of articles, for reports built from files rather than the store.

Articles are fingerprinted (``match.duplicates.fingerprint`` of the text, as the story
engine does) and taken in publication order (undated last, then as given): each is looked
up in a ``DuplicateIndex`` of the earlier ones before it is added, so a copy always names
an earlier article as its original. What counts as a copy is the ``[copies]`` settings in force.
"""

from __future__ import annotations

from collections.abc import Sequence

from storylens.article import Article
from storylens.coverage.pool import publication_key
from storylens.match.duplicates import DuplicateIndex, fingerprint
from storylens.records import CopyOf
from storylens.settings import current


def find_copies(articles: Sequence[Article]) -> dict[str, CopyOf]:
    """Copy's id -> what it copies, for every article that copies an earlier one."""
    shares = current().copies
    index = DuplicateIndex(shares.near, shares.partial, shares.min_partial_shingles)
    found: dict[str, CopyOf] = {}
    for _, article in sorted(enumerate(articles), key=lambda t: publication_key(t[1].published, t[0])):
        fp = fingerprint(article.text)
        duplicate = index.find(fp)
        if duplicate is not None and duplicate.of != article.id:
            found[article.id] = duplicate
        index.add(article.id, fp)
    return found
