"""The coverage report: the seed pair end to end through the CLI, the demo corpus through the
library, and the pure parts (sentence clustering, summary selection) on small arrays."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import DEMO, run_cli
from storylens.coverage import SECTIONS, build_coverage
from storylens.coverage.facts import cluster_sentences
from storylens.coverage.render import HEADINGS
from storylens.coverage.summary import select_summary
from storylens.errors import ConfigError

A, B = "000_8bb758b5f74a674e", "001_9bde91d0daee0ede"


@pytest.fixture(scope="module")
def seed_coverage(seed_paths) -> dict:
    result = run_cli("coverage", str(seed_paths[0]), str(seed_paths[1]), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_has_every_section(seed_coverage):
    assert {*SECTIONS, "schema", "language", "languages", "outlets"} <= set(seed_coverage)
    assert [o["article"] for o in seed_coverage["outlets"]] == [A, B]
    assert seed_coverage["language"] == "en"


def test_summary_is_verbatim_and_cites_both_outlets(seed_coverage, seed_paths):
    summary = seed_coverage["summary"]
    assert 3 <= len(summary) <= 7
    texts = {A: seed_paths[0].read_text(encoding="utf-8"), B: seed_paths[1].read_text(encoding="utf-8")}
    for s in summary:
        assert s["text"] in texts[s["article"]], "a summary sentence must be taken verbatim"
        assert s["article"] in s["cited"]
    shared = [s for s in summary if s["support"] >= 2]
    assert shared, "shared facts lead the summary"
    assert all(set(s["cited"]) == {A, B} for s in shared)
    assert len({s["fact"] for s in summary if s["fact"]}) == len([s for s in summary if s["fact"]]), "a fact told twice"


def test_facts_cite_each_outlet_once(seed_coverage):
    facts = seed_coverage["facts"]
    assert len(facts) >= 4
    assert all(f["support"] == 2 and sorted(f["outlets"]) == [A, B] for f in facts)
    assert any("Walid Muallem said on Thursday" in c["text"] for f in facts for c in f["citations"])


def test_reworded_quote_and_wires(seed_coverage):
    quotes = seed_coverage["quotes"]
    reworded = [q for q in quotes if any(v["text"].endswith("study it and ask") for v in q["variants"])]
    assert len(reworded) == 1
    q = reworded[0]
    assert "Moualem" in q["speaker"] or "Muallem" in q["speaker"]
    assert set(q["sources"]) == {"Reuters", "TASS"}
    ask, demand = q["variants"]
    assert ask["text"].endswith("study it and ask") and demand["text"].endswith("study it and demand")
    assert demand["identical"] is False and demand["changes"] == [{"a": "ask", "b": "demand"}]
    start, end = demand["spans"][0]
    assert demand["text"][start:end] == "demand"
    assert {c["source"] for v in q["variants"] for c in v["carriers"]} == {"Reuters", "TASS"}
    same = [q for q in quotes if q["text"].startswith("So far the Syrian army is able (on its own)")]
    assert len(same) == 1 and len(same[0]["variants"]) == 1 and same[0]["outlets"] == 2


def test_minister_spellings_are_one_entity(seed_coverage):
    minister = [e for e in seed_coverage["entities"]
                if any("Muallem" in v for v in e["variants"]) or any("Moualem" in v for v in e["variants"])]
    assert len(minister) == 1
    m = minister[0]
    assert m["type"] == "PERSON"
    assert {"Muallem", "Moualem", "Walid al-Moualem"} <= set(m["variants"])
    assert set(m["counts"]) == {A, B} and m["outlets"] == 2


def test_each_outlet_adds_its_own(seed_coverage):
    adds = {a["article"]: [s["text"] for s in a["sentences"]] for a in seed_coverage["adds"]}
    assert any("Kerry" in s and "three times" in s for s in adds[A])
    assert not any("Kerry" in s for s in adds[B])
    assert any("Iran or Russia" in s for s in adds[B])


def test_framing_contrasts_terms_and_reads_tone(seed_coverage):
    contrasts = seed_coverage["framing"]["contrasts"]
    assert contrasts
    assert {"ask", "demand"} in [{c["a"], c["b"]} for c in contrasts]
    assert all(c["a"].lower() != c["b"].lower() for c in contrasts)
    tone = seed_coverage["framing"]["tone"]
    assert [t["article"] for t in tone] == [A, B]
    assert all(t["label"] in ("negative", "neutral", "positive") and t["score"] is not None for t in tone)


def test_timeline_lists_undated_articles(seed_coverage):
    assert [(t["article"], t["published"], t["copies"]) for t in seed_coverage["timeline"]] == [(A, None, []), (B, None, [])]


def test_text_and_markdown_have_the_headings(seed_paths, tmp_path):
    text = run_cli("coverage", str(seed_paths[0]), str(seed_paths[1]))
    assert text.returncode == 0, text.stderr
    md_file = tmp_path / "report.md"
    md = run_cli("coverage", str(seed_paths[0]), str(seed_paths[1]), "--format", "md", "--out", str(md_file))
    assert md.returncode == 0 and md.stdout == "", md.stderr
    markdown = md_file.read_text(encoding="utf-8")
    for heading in HEADINGS.values():
        assert heading.upper() in text.stdout
        assert f"## {heading}" in markdown
    assert "**demand**" in markdown and "Kerry" in markdown


@pytest.mark.parametrize("args, message", [
    (("{a}",), "at least 2 articles"),
    (("{a}", "/nonexistent/article.txt"), "no such file"),
    (("{a}", "{b}", "--format", "xml"), "--format"),
])
def test_errors_are_one_line_and_exit_2(seed_paths, args, message):
    result = run_cli("coverage", *(x.format(a=seed_paths[0], b=seed_paths[1]) for x in args))
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def demo_fire():
    import storylens

    articles = [a for a in storylens.read_articles(DEMO) if a.id.startswith("harbor-fire")]
    return articles, storylens.Analyzer().analyze_many(articles)


def test_wire_copy_folds_and_other_language_is_cited(demo_fire):
    from storylens.coverage.copies import find_copies

    articles, analyzed = demo_fire
    copies = find_copies(articles)
    assert copies["harbor-fire-en-lakeshore"].of == "harbor-fire-en-cpa"
    d = build_coverage(analyzed, copies=copies).to_dict()
    assert d["language"] == "en" and set(d["languages"]) == {"en", "de"}
    assert [t["article"] for t in d["timeline"]] == ["harbor-fire-en-cpa", "harbor-fire-de-hollerstadt"]
    assert d["timeline"][0]["copies"][0]["article"] == "harbor-fire-en-lakeshore"
    assert all(s["article"] != "harbor-fire-en-lakeshore" for s in d["summary"]), "a copy is never the summary's source"
    assert any("harbor-fire-de-hollerstadt" in s["cited"] for s in d["summary"]), "German sentences aligned to the summary"
    assert all(f["support"] <= 2 for f in d["facts"]), "a copy does not count as an independent outlet"
    german = build_coverage(analyzed, language="de", copies=copies).to_dict()
    assert {s["article"] for s in german["summary"]} == {"harbor-fire-de-hollerstadt"}
    with pytest.raises(ConfigError, match="at least 2"):
        build_coverage(analyzed[:1])
    with pytest.raises(ConfigError, match="twice"):
        build_coverage([analyzed[0], analyzed[0]])


def test_cluster_sentences_keeps_one_sentence_per_article():
    v = np.array([[1, 0, 0], [0.95, 0.31, 0], [0.9, 0.44, 0], [0, 0, 1]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    assert cluster_sentences(v, [0, 0, 1, 1]) == [[0], [1, 2], [3]]
    assert cluster_sentences(v, [0, 1, 2, 3]) == [[0, 1, 2], [3]]
    assert cluster_sentences(np.zeros((0, 3)), []) == []


def test_select_summary_prefers_supported_leads_without_repeats():
    sentences = ["The minister said the army needs weapons today.", "The army needs weapons, the minister said today.",
                 "Officials in the capital met for talks on Thursday.", "Short one.",
                 "Markets rose slightly in afternoon trading in the city."]
    v = np.array([[1, 0, 0], [0.99, 0.14, 0], [0.6, 0.8, 0], [0.5, 0.5, 0.7], [0.3, 0.2, 0.93]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    chosen = select_summary(sentences, v, [0, 1, 0, 1, 1], [0, 0, 1, 1, 2], [2, 2, 1, 1, 1], max_sentences=3)
    assert chosen[0] in (0, 1) and not {0, 1} <= set(chosen)
    assert 3 not in chosen
    within = select_summary(sentences, v, [0, 1, 0, 1, 1], [0, 0, 1, 1, 2], [2, 2, 1, 1, 1], max_words=9)
    assert len(within) == 1 and within[0] in (0, 1)


def test_framing_lexicon_contrasts_contested_words():
    from storylens.coverage.files import coverage_of_files

    ids = ["ribalta-election-es-voz", "ribalta-election-es-cronica", "ribalta-election-en-nordicwire"]
    report = coverage_of_files([f"{DEMO}#{i}" for i in ids]).to_dict()
    pairs = {(c["a"], c["b"]): c for c in report["framing"]["contrasts"]}
    crowd = pairs[("alborotadores", "manifestantes")]
    assert crowd["origin"] == "lexicon: crowd"
    assert crowd["articles_a"] == ["ribalta-election-es-voz"] and crowd["articles_b"] == ["ribalta-election-es-cronica"]
    assert "alborotadores" in crowd["context_a"].lower() and "manifestantes" in crowd["context_b"].lower()


def test_margin_of_a_pool_where_an_article_has_no_sentence_warns_of_nothing():
    """An article whose sentences were all left out (boilerplate, copies) leaves a gap in
    the owners; the margin of the others is computed without a NumPy warning."""
    import warnings

    from storylens.coverage.facts import margin

    sims = np.array([[1.0, 0.8, 0.1], [0.8, 1.0, 0.2], [0.1, 0.2, 1.0]], dtype=np.float32)
    owner = np.array([0, 2, 2])  # article 1 has no sentence here
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = margin(sims, owner)
    assert np.isfinite(out).all() and out.shape == (3, 3)
