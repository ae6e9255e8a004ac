"""The acceptance test of the foundation: the seed pair (../shared/examples/seed-pair)."""

from __future__ import annotations

import json

from conftest import run_cli


def test_same_story(seed_comparison):
    assert seed_comparison["same_story"] is True
    assert 0.5 <= seed_comparison["similarity"] <= 1
    assert 1 <= seed_comparison["overall"] <= 2
    assert set(seed_comparison["dimensions"]) == {"geography", "entities", "time", "narrative", "style", "tone"}


def test_same_story_without_e5(seed_paths):
    import storylens

    fast = storylens.compare_files(str(seed_paths[0]), str(seed_paths[1]), fast=True)
    assert fast.same_story is True
    assert fast.features.e5_whole_cosine != fast.features.e5_whole_cosine  # NaN: e5 was not run


def test_e5_vectors_computed_in_the_background_are_the_ones_computed_in_line(seed_paths, seed_comparison):
    """compare_files embeds both articles with e5 while it analyses them: the features are
    those of embedding each one when it is compared."""
    import numpy as np

    import storylens
    from storylens.analyze import deep
    from storylens.ingest import read_article

    articles = [read_article(str(p)) for p in seed_paths]
    deep.clear_cache()
    in_line = [deep.deep_vectors(a) for a in articles]
    deep.clear_cache()
    deep.prefetch(articles)
    deep.prefetch(articles)  # asked twice: embedded once
    background = [deep.deep_vectors(a) for a in articles]
    for x, y in zip(in_line, background):
        assert x is not y and np.allclose(x.whole, y.whole, atol=1e-6) and np.allclose(x.passages, y.passages, atol=1e-6)
    again = storylens.compare_files(str(seed_paths[0]), str(seed_paths[1])).to_dict()
    assert again["overall"] == seed_comparison["overall"] and again["dimensions"] == seed_comparison["dimensions"]


def test_minister_spellings_are_one_entity(seed_comparison):
    shared = seed_comparison["entities"]["shared"]
    minister = [e for e in shared if any("Muallem" in v for v in e["variants"]) and any("Moualem" in v for v in e["variants"])]
    assert len(minister) == 1
    assert minister[0]["type"] == "PERSON"
    names = [e["name"] for e in seed_comparison["entities"]["only_a"] + seed_comparison["entities"]["only_b"]]
    assert not any("Muallem" in n or "Moualem" in n for n in names)


def test_reworded_quote_credited_to_two_wires(seed_comparison):
    quotes = seed_comparison["quotes"]["shared"]
    reworded = [q for q in quotes if q["a"].endswith("study it and ask") or q["b"].endswith("study it and demand")]
    assert len(reworded) == 1
    q = reworded[0]
    assert q["identical"] is False
    assert {q["source_a"], q["source_b"]} == {"Reuters", "TASS"}
    assert q["changes"] == [{"a": "ask", "b": "demand"}]
    assert "Moualem" in q["speaker"] or "Muallem" in q["speaker"]


def test_identical_quote(seed_comparison):
    same = [q for q in seed_comparison["quotes"]["shared"] if q["a"].startswith("So far the Syrian army is able (on its own)")]
    assert len(same) == 1 and same[0]["identical"] is True


def test_each_article_adds_its_own(seed_comparison):
    assert any("Kerry" in s and "three times" in s for s in seed_comparison["only_a"])
    assert not any("Kerry" in s for s in seed_comparison["only_b"])
    assert any("Iran or Russia" in s for s in seed_comparison["only_b"])


def test_boilerplate_is_not_content(seed_comparison):
    sentences = seed_comparison["only_a"] + seed_comparison["only_b"] + [
        s[k] for s in seed_comparison["shared"] for k in ("a", "b")]
    assert sentences
    assert not any("al-Manar" in s for s in sentences), "photo caption leaked into content"
    assert not any("Contact the writer" in s for s in sentences), "footer leaked into content"
    assert not any(s.strip().startswith("Ben Ariel") for s in sentences), "byline leaked into content"


def test_cli_report_and_json(seed_paths):
    report = run_cli("compare", str(seed_paths[0]), str(seed_paths[1]))
    assert report.returncode == 0, report.stderr
    assert report.stdout.index("SAME STORY") < report.stdout.index("Shared quotes")
    assert "TASS" in report.stdout and "Reuters" in report.stdout
    as_json = run_cli("compare", str(seed_paths[0]), str(seed_paths[1]), "--json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["same_story"] is True
    assert {"entities", "quotes", "shared", "only_a", "only_b", "dimensions", "overall"} <= set(data)
