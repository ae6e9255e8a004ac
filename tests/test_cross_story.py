"""Different stories stay apart; one story across languages is recognised."""

from __future__ import annotations

import json

import storylens
from conftest import DATASETS, DEMO, need
from storylens.ingest.records import article_from_record


def _analyze_row(row: dict, side: str):
    record = {"id": f"{row['pair_id']}-{side}", "title": row[f"title{side}"], "text": row[f"text{side}"],
              "language": row[f"lang{side}"]}
    return storylens.analyze(article_from_record(record, "semeval", record["id"]))


def test_unrelated_articles_are_different_stories():
    path = need(DATASETS / "giveme5w1h-news-cluster" / "articles.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    first = rows[0]
    other = next(r for r in rows if r["category"] != first["category"])
    a = storylens.analyze(article_from_record(first, "g", first["id"]))
    b = storylens.analyze(article_from_record(other, "g", other["id"]))
    result = storylens.compare(a, b)
    assert result.same_story is False
    assert result.scores.overall >= 2.5


def test_german_and_english_report_one_story(semeval_rows):
    # Cardinal Pell's appeal, in German and English; gold Overall 1.0 (same story)
    row = next(r for r in semeval_rows if r["pair_id"] == "1544736457_1545760741")
    assert (row["lang1"], row["lang2"], row["scores"]["Overall"]) == ("de", "en", 1.0)
    result = storylens.compare(_analyze_row(row, "1"), _analyze_row(row, "2"))
    assert result.same_story is True
    assert result.a.language == "de" and result.b.language == "en"
    assert any("Pell" in e.name for e in result.entities.shared)
    assert any("Pell" in e["name"] for e in result.to_dict()["entities"]["shared"]), "the JSON form names it too"


def test_demo_wire_copy_and_cross_lingual():
    wire = storylens.compare_files(f"{DEMO}#harbor-fire-en-cpa", f"{DEMO}#harbor-fire-en-lakeshore")
    assert wire.same_story and wire.scores.similarity > 0.8
    # a wire copy: every sentence of the copy has its original, the original lost one
    assert wire.only_b == () and len(wire.only_a) <= 1 and len(wire.shared) >= 10
    assert not any("Contact the writer" in s for s in wire.only_b)
    transfer = storylens.compare_files(f"{DEMO}#mansour-transfer-en-pitchside", f"{DEMO}#mansour-transfer-fr-tribune")
    assert transfer.same_story
    names = [v for e in transfer.entities.shared for v in e.variants]
    assert "Khalil al-Mansour" in names and "Khalil Mansour" in names
