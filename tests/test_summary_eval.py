"""``eval summaries`` measures the summary ``storylens coverage`` ships, not a sibling
selection: on AllSides roundups (../shared), the text it scores is the coverage report's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DATASETS, need, run_cli
from storylens.coverage.summary import word_count
from storylens.errors import InputError
from storylens.evaluate.summaries import read_roundups, score_stories

ROUNDUPS = DATASETS / "allsides-roundups" / "val.jsonl"


@pytest.fixture(scope="module")
def roundups(tmp_path_factory) -> tuple[Path, list]:
    lines = need(ROUNDUPS).read_text(encoding="utf-8").splitlines()[:3]
    path = tmp_path_factory.mktemp("roundups") / "three.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, read_roundups(path)


@pytest.fixture(scope="module")
def scored(roundups):
    return score_stories(roundups[1])


def test_the_scored_summary_is_what_coverage_prints(roundups, scored, tmp_path):
    path, stories = roundups
    for k, story in enumerate(stories):
        records = tmp_path / f"{story.id}.jsonl"
        records.write_text("".join(json.dumps({"id": a.id, "title": a.title, "text": a.text}) + "\n"
                                   for a in story.articles), encoding="utf-8")
        done = run_cli("coverage", *(f"{records}#{a.id}" for a in story.articles), "--format", "json")
        assert done.returncode == 0, done.stderr
        printed = [s["text"] for s in json.loads(done.stdout)["summary"]]
        assert scored.texts["as_shipped"][k] == " ".join(printed)
        ours = scored.texts["ours"][k]
        assert word_count(ours) <= word_count(story.reference)  # within the reference's length
        assert not any(a.title in ours for a in story.articles)  # titles are no summary sentences

def test_the_budgeted_summary_comes_from_build_coverage(roundups, scored):
    from storylens.coverage.report import build_coverage
    from storylens.evaluate.summaries import analyse_story

    for k, story in enumerate(roundups[1]):
        analyzed, copies = analyse_story(story)
        budget = word_count(story.reference)
        report = build_coverage(analyzed, copies=copies, summary_words=budget)
        assert scored.texts["ours"][k] == " ".join(s.text for s in report.summary)
        assert sum(word_count(s.text) for s in report.summary) <= budget
        assert len({s.fact for s in report.summary if s.fact}) == sum(1 for s in report.summary if s.fact)


def test_a_story_of_one_article_is_named(tmp_path):
    row = json.loads(need(ROUNDUPS).read_text(encoding="utf-8").splitlines()[0])
    row["articles"] = row["articles"][:1]
    bad = tmp_path / "one.jsonl"
    bad.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="one.jsonl:1: field 'articles' lists one article"):
        read_roundups(bad)
