"""The story's people, places and organisations, spelling variants merged across articles.

Each article's entities (already merged within the article by ``analyze.entities``) join a
story entity when ``entities_match`` says they denote the same referent as one of its
members. Candidates are found through the consonant skeleton of each variant's last word
(``analyze.names.skeleton``), which every match requires, so the merge stays near linear.
"""

from __future__ import annotations

from collections import Counter

from storylens.analyze.entities import entities_match
from storylens.analyze.names import name_tokens, skeleton
from storylens.article import Entity
from storylens.coverage.pool import StoryPool
from storylens.coverage.records import StoryEntity

VARIANTS_COMPARED = 4  # entities_match compares the first four variants of each side


def _keys(entity: Entity) -> set[str]:
    keys = set()
    for variant in entity.variants[:VARIANTS_COMPARED]:
        tokens = name_tokens(variant)
        if tokens:
            keys.add(skeleton(tokens[-1]))
    return keys


def _kind(types: Counter) -> str:
    if types["PERSON"]:
        return "PERSON"
    named = [t for t in types if t != "NAME"]
    return max(named, key=lambda t: types[t]) if named else "NAME"


def story_entities(pool: StoryPool) -> list[StoryEntity]:
    """Story entities, named by most outlets first, then by mentions."""
    groups: list[dict] = []
    by_key: dict[str, list[int]] = {}
    for k, x in enumerate(pool.articles):
        for entity in x.entities:
            keys = _keys(entity)
            candidates = sorted({g for key in keys for g in by_key.get(key, [])})
            found = next((g for g in candidates
                          if any(entities_match(entity, member) for member in groups[g]["members"])), None)
            if found is None:
                found = len(groups)
                groups.append({"members": [], "counts": Counter(), "types": Counter(), "variants": Counter()})
            group = groups[found]
            group["members"].append(entity)
            group["counts"][x.id] += entity.mentions
            group["types"][entity.type] += entity.mentions
            for variant in entity.variants:
                group["variants"][variant] += 1
            for key in keys:
                if found not in by_key.setdefault(key, []):
                    by_key[key].append(found)
    order = {x.id: k for k, x in enumerate(pool.articles)}
    out = []
    for group in groups:
        # the name most articles use, then one typed by a NER model, then the fullest
        head = max(group["members"], key=lambda e: (group["variants"][e.name], e.type != "NAME",
                                                      len(name_tokens(e.name)), e.mentions, e.name))
        variants = sorted(group["variants"], key=lambda v: (-group["variants"][v], v))
        counts = tuple(sorted(group["counts"].items(), key=lambda kv: order[kv[0]]))
        out.append(StoryEntity(name=head.name, type=_kind(group["types"]), variants=tuple(variants),
                               mentions=sum(group["counts"].values()), counts=counts))
    out.sort(key=lambda e: (-len(e.counts), -e.mentions, e.name))
    return out


def entity_lookup(entities: list[StoryEntity]) -> dict[str, StoryEntity]:
    """Every spelling (lower case) -> its story entity; the first (most widely named) wins."""
    lookup: dict[str, StoryEntity] = {}
    for entity in entities:
        for variant in entity.variants:
            lookup.setdefault(variant.lower(), entity)
    return lookup
