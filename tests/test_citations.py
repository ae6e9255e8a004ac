"""Citations you can check: a fact or summary sentence cites an outlet only when that outlet's
own sentence reports the same claim (same quantities, dates, names; a different figure is a
variant), across languages too; and the same story gives the same report on every run.

Real articles (the seed pair, the AirAsia pages, the demo corpus, MEANTIME, giveme5w1h),
real analysis, a real SQLite store in ``tmp_path``.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import DATASETS, DEMO, need
from storylens.cli import app
from storylens.coverage.claims import (AGREE, CONFLICT, VARIANT, compare_claims, figure, sentence_specifics,
                                       supports)
from storylens.coverage.files import coverage_of_files

PAGES = DATASETS / "real-world" / "pages" / "np"
AIRASIA = ("reuters.com2.html", "reuters.com3.html", "telegraph.co.uk1.html", "theglobeandmail.com1.html")


def _items(report: dict) -> list[tuple[str, set[str]]]:
    return ([(s["text"], set(s["cited"])) for s in report["summary"]]
            + [(f["text"], set(f["outlets"])) for f in report["facts"]])


def _demo(prefix: str) -> list[str]:
    ids = [json.loads(line)["id"] for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [f"{DEMO}#{i}" for i in ids if i.startswith(prefix)]


# --- the claim check on single sentences -------------------------------------------------

def test_a_different_figure_is_a_variant_not_support():
    a = sentence_specifics("The fire injured 21 people on Tuesday, police said.", "en")
    b = sentence_specifics("The fire injured 25 people on Tuesday, police said.", "en")
    assert compare_claims(a, b) == VARIANT
    assert not supports(b, a, same_language=True)
    same = sentence_specifics("Police said 21 people were injured in the fire on Tuesday.", "en")
    assert compare_claims(a, same) == AGREE and supports(same, a, same_language=True)


def test_number_words_and_multipliers_meet_across_languages():
    en = sentence_specifics("About 12 tonnes escaped, a fee of €38m, the worst in twenty years.", "en")
    fr = sentence_specifics("Environ douze tonnes, 38 millions d'euros, la pire depuis vingt ans.", "fr")
    assert {12.0, 38.0, 20.0} <= en.numbers & fr.numbers
    assert figure(38_000_000) == figure(38) == 38
    assert supports(fr, en, same_language=False)


def test_a_negated_claim_or_a_quotation_needs_one_in_the_cited_sentence():
    shown = sentence_specifics("There have been no confirmed signs of wreckage from the plane.", "en")
    other = sentence_specifics("The plane lost contact with air traffic control on Sunday.", "en")
    assert compare_claims(shown, other) == CONFLICT
    assert not supports(other, shown, same_language=True)
    quote = sentence_specifics('"You need to move quickly," said Charitha Pattiaratchi.', "en")
    plain = sentence_specifics("Flight MH370 went missing on March 8 with 239 on board.", "en")
    assert quote.quoted and not plain.quoted
    assert not supports(plain, quote, same_language=True)


# --- real stories --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def airasia() -> dict:
    need(PAGES)
    return coverage_of_files([str(PAGES / name) for name in AIRASIA]).to_dict()


def test_no_wreckage_sentence_does_not_cite_the_bodies_and_debris_article(airasia):
    titles = {o["article"]: o["title"] for o in airasia["outlets"]}
    debris = next(a for a, t in titles.items() if t.startswith("Bodies, debris"))
    found = [(text, cited) for text, cited in _items(airasia) if "no confirmed signs of wreckage" in text]
    assert found, "the sentence should still be reported"
    for _, cited in found:
        assert debris not in cited


def test_a_quote_printed_by_one_outlet_is_cited_to_that_outlet_only(airasia):
    lesson = [q for q in airasia["quotes"] if "lesson that should be learned" in q["text"]]
    assert lesson and lesson[0]["outlets"] == 1
    for text, cited in _items(airasia):
        if "lesson that should be learned" in text:
            assert len(cited) == 1


def test_citations_checked_is_reported(airasia):
    checked = airasia["citations_checked"]
    assert checked["checked"] >= checked["supported"] > 0
    assert checked["supported"] == sum(len(s["cited"]) - 1 for s in airasia["summary"]) + \
        sum(len(f["outlets"]) - 1 for f in airasia["facts"])
    assert 0 < checked["precision"] <= 1


def test_seed_pair_claims_cite_exactly_their_outlets(seed_paths):
    report = coverage_of_files([str(p) for p in seed_paths]).to_dict()
    a, b = (o["article"] for o in report["outlets"])
    for text, cited in _items(report):
        if "insurgents" in text.lower():
            assert cited == {a}, text
        if "ousted" in text.lower():
            assert cited == {b}, text
        if "no joint fighting" in text.lower():
            assert cited == {a, b}, text


def test_two_unrelated_stories_share_no_cited_fact():
    path = need(DATASETS / "giveme5w1h-news-cluster" / "articles.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    first = rows[0]
    other = next(r for r in rows if r["story"] != first["story"] and r.get("category") == first.get("category"))
    report = coverage_of_files([f"{path}#{first['id']}", f"{path}#{other['id']}"]).to_dict()
    assert report["facts"] == []
    assert all(len(cited) == 1 for _, cited in _items(report))


def test_two_unrelated_finnish_pages_share_no_cited_fact():
    # Finnish is outside the encoder's languages: every pair of sentences scores high, so a
    # link must stand out from each sentence's nearest neighbours (the margin), and a
    # "Read more:" lead-in is no claim.
    html = need(DATASETS / "real-world" / "pages" / "html")
    report = coverage_of_files([str(html / "uusisuomi.fi.angela.html"), str(html / "yle.fi.3-11212601.html")]).to_dict()
    assert report["facts"] == []
    assert all(len(cited) == 1 for _, cited in _items(report))


def test_meantime_translations_cite_all_four_versions():
    path = need(DATASETS / "meantime" / "articles.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    story = rows[0]["story"]
    report = coverage_of_files([f"{path}#{r['id']}" for r in rows if r["story"] == story]).to_dict()
    facts = report["facts"]
    assert len(facts) >= 10
    assert sum(len(f["outlets"]) == 4 for f in facts) >= 0.9 * len(facts)


def test_french_spill_report_is_aligned_with_the_english_facts():
    report = coverage_of_files(_demo("teval-spill")).to_dict()
    fr = next(o["article"] for o in report["outlets"] if o["language"] == "fr")
    cited = [f for f in report["facts"] if fr in f["outlets"]]
    assert cited, "the French article reports the 12 tonnes the English ones do"
    tonnes = next(f for f in report["facts"] if "12 tonnes" in f["text"])
    assert fr in tonnes["outlets"]
    fr_adds = next(a for a in report["adds"] if a["article"] == fr)
    assert not any("douze tonnes" in s["text"] for s in fr_adds["sentences"])


def test_fee_reported_in_four_languages_cites_all_four():
    specs = _demo("mansour-transfer")
    report = coverage_of_files(specs, language="en").to_dict()
    fee = [f for f in report["facts"] if "38 million" in f["text"]]
    assert fee and len(fee[0]["outlets"]) == 4


# --- determinism ---------------------------------------------------------------------------

def test_coverage_of_a_stored_story_is_byte_identical_on_the_second_run(tmp_path):
    from storylens.engine import StoryEngine, article_files
    from storylens.store import open_store

    db = str(tmp_path / "s.db")
    with open_store(db) as store, StoryEngine(store, workers=1) as engine:
        engine.ingest(article_files([str(DEMO)]))
        stories = [s.id for s in store.stories() if s.articles >= 2]
    assert stories
    runner = CliRunner()
    for story in stories:
        first = runner.invoke(app, ["coverage", story, "--db", db, "--format", "json"])  # analyses and stores
        second = runner.invoke(app, ["coverage", story, "--db", db, "--format", "json"])  # reads them back
        assert first.exit_code == 0, first.output
        assert first.output == second.output, story


# --- entities in the report ----------------------------------------------------------------

def test_story_entities_keep_apart_a_country_and_a_person(airasia):
    for entity in airasia["entities"]:
        variants = set(entity["variants"])
        assert not ({"Malaysia", "Moazzam Malik"} <= variants), entity
        assert not ({"Airbus", "Qatar Airways"} <= variants), entity


def test_us_spellings_are_one_entity_and_types_must_agree():
    from storylens.analyze.entities import merge_mentions

    merged = merge_mentions([("U.S", "PLACE"), ("U.S.", "PLACE"), ("United States", "PLACE"), ("US", "NAME"),
                             ("Malaysia", "PLACE"), ("Moazzam Malik", "PERSON"), ("Airbus", "ORG"),
                             ("Qatar Airways", "ORG")])
    by_variant = {v: e for e in merged for v in e.variants}
    assert by_variant["U.S"] is by_variant["United States"] is by_variant["U.S."] is by_variant["US"]
    assert by_variant["Malaysia"] is not by_variant["Moazzam Malik"]
    assert by_variant["Airbus"] is not by_variant["Qatar Airways"]


def test_german_names_lose_leading_roles_and_articles():
    from storylens.analyze.entities import extract_entities
    from storylens.article import Sentence

    text = ("Der Verein hat Flügelstürmer Chalil Mansur verpflichtet. Die Fans zogen durch den Lindenpark. "
            "Chalil Mansur kommt aus Almarena.")
    sentences = tuple(Sentence(index=i, text=t.strip() + ".", paragraph=0)
                      for i, t in enumerate(text.split(".")) if t.strip())
    names = {v for e in extract_entities(sentences, "de") for v in e.variants}
    assert "Chalil Mansur" in names and "Flügelstürmer Chalil Mansur" not in names
    assert "Lindenpark" in names and "den Lindenpark" not in names


def test_compare_never_lists_an_entity_as_shared_and_only_in_one():
    from storylens.article import Entity
    from storylens.match.entities import match_entities

    a = (Entity("United States", "PLACE", ("United States",), "us"), Entity("U.S.", "PLACE", ("U.S.",), "us"))
    b = (Entity("U.S", "PLACE", ("U.S",), "us"),)
    shared, only_a, only_b = match_entities(a, b)
    assert len(shared) == 1 and only_a == [] and only_b == []
    assert {"United States", "U.S."} <= set(shared[0][0].variants)
