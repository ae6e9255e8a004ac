"""Entities two articles share, with every spelling each uses, and those only one names."""

from __future__ import annotations

from storylens.analyze.entities import entities_match
from storylens.article import Entity


def match_entities(a: tuple[Entity, ...], b: tuple[Entity, ...]) -> tuple[list[tuple[Entity, Entity]], list[Entity], list[Entity]]:
    """(shared pairs, only in a, only in b). Each entity is paired once, unused partners
    first; an entity whose only partners are taken joins the shared ones with one of them
    (two spellings one article kept apart), so no entity is both shared and only in one."""
    used_b: set[int] = set()
    shared, only_a = [], []
    for ea in a:
        partners = [j for j, eb in enumerate(b) if entities_match(ea, eb)]
        j = next((j for j in partners if j not in used_b), partners[0] if partners else None)
        if j is None:
            only_a.append(ea)
            continue
        if j in used_b:
            k = next(n for n, (_, eb) in enumerate(shared) if eb is b[j])
            merged = shared[k][0]
            shared[k] = (Entity(name=merged.name, type=merged.type, key=merged.key,
                                variants=tuple(dict.fromkeys((*merged.variants, *ea.variants))),
                                mentions=merged.mentions + ea.mentions), b[j])
            continue
        used_b.add(j)
        shared.append((ea, b[j]))
    only_b = [eb for j, eb in enumerate(b) if j not in used_b and not any(entities_match(ea, eb) for ea, _ in shared)]
    return shared, only_a, only_b
