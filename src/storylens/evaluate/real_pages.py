"""The labelled real pages of ``real-world/pages`` (shared data): reading them with their
labels, and the story engine's two errors on them (wrong merges, split groups).

``labels.jsonl`` gives every page a kind (``news`` or ``not_news``) and a story label;
pages with one label report one event. Three pairs are doubtful and scored neither way.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from storylens.article import Article
from storylens.errors import StorylensError
from storylens.ingest import read_articles

DOUBTFUL_PAIRS = ({"np/247wallst.com1.html", "np/247wallst.com2.html"}, {"np/cnn_main_site.html", "np/yahoo_main_site.html"},
                  {"html/independent.co.uk.penalty.html", "html/standard.co.uk.caribbean.html"})


@dataclass(frozen=True)
class LabelledPage:
    article: Article  # its id is the page's path under pages/
    kind: str  # news | not_news
    story: str


def read_labelled_pages(folder: str | Path) -> list[LabelledPage]:
    """Every labelled page that reads as an article (a page the readers refuse, such as an
    error or home page, is left out), in the labels' order."""
    folder = Path(folder)
    out = []
    for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        try:
            found = list(read_articles(folder / label["file"]))
        except StorylensError:
            continue
        out += [LabelledPage(replace(a, id=label["file"]), label["kind"], label["story"]) for a in found]
    return out


def wrong_merges(ids: Sequence[str], predicted: Sequence[str], gold: Sequence[str]) -> list[tuple[str, str]]:
    """Pairs of pages in one predicted story whose labels differ (doubtful pairs aside)."""
    return [(ids[i], ids[j]) for i, j in itertools.combinations(range(len(ids)), 2)
            if predicted[i] == predicted[j] and gold[i] != gold[j] and {ids[i], ids[j]} not in DOUBTFUL_PAIRS]


def split_groups(predicted: Sequence[str], gold: Sequence[str]) -> list[str]:
    """Labels whose pages were put in more than one story."""
    stories: dict[str, set[str]] = {}
    for p, g in zip(predicted, gold):
        stories.setdefault(g, set()).add(p)
    return sorted(g for g, s in stories.items() if len(s) > 1)
