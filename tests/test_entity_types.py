"""Entity types put right where the name or its context says more than the small English
tagger: a wire service is no person, a town after "in" is no company, one name is one entity."""

from __future__ import annotations

from conftest import DEMO

import storylens
from storylens.ingest import read_article


def _entities(record: str) -> dict[str, str]:
    analysed = storylens.analyze(read_article(f"{DEMO}#{record}"))
    names = [e.name for e in analysed.entities]
    assert len(names) == len(set(names)), f"a name split into two entities: {names}"
    return {e.name: e.type for e in analysed.entities}


def test_a_wire_service_is_an_organisation_and_a_town_a_place():
    types = _entities("teval-spill-en-valley-echo")
    assert types["Nordic Wire"] == "ORG"  # the tagger says PERSON
    assert types["Maresbury"] == "PLACE"  # "a fertiliser plant in Maresbury": the tagger says ORG
    assert types["Graham Pell"] == "PERSON" and types["Halvern Chemicals"] == "ORG"
