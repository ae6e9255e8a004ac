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


def test_towns_the_tagger_calls_companies_are_places():
    riverside = _entities("teval-spill-en-riverside")
    assert riverside["Coldbrook"] == "PLACE"  # "intake at Coldbrook, 22 kilometres downstream"
    echo = _entities("teval-spill-en-valley-echo")
    assert echo["Hatherby"] == "PLACE"  # "the village of Hatherby", then "a vigil ... at Hatherby"


def test_a_courtesy_title_is_no_part_of_a_name():
    types = _entities("teval-spill-en-riverside")
    assert types.get("Anwen Roos") == "PERSON" and "Dr Anwen Roos" not in types


def test_a_river_is_not_the_village_named_after_it():
    analysed = storylens.analyze(read_article(f"{DEMO}#teval-spill-fr-echo-teve"))
    by_variant = {v: e for e in analysed.entities for v in e.variants}
    village = by_variant["Saint-Aubry-sur-Tève"]
    assert village.type == "PLACE"
    assert "Tève" not in village.variants  # the river (and the outlet's name) stays apart
    assert by_variant["Saint-Aubry"] is village  # the village's short form is the village
