"""The story summary: ``select_summary`` on hand-made sentences, and ``eval summaries``
on the first stories of the AllSides roundups (../shared), with bad lines named."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import DATASETS, need, run_cli
from storylens.coverage.summary import select_summary, sentence_support
from storylens.errors import InputError
from storylens.evaluate.summaries import MEASURES, StoryScores, read_roundups, summary_table

ROUNDUPS = DATASETS / "allsides-roundups" / "val.jsonl"


def _unit(*weights: float) -> np.ndarray:
    v = np.zeros(8, dtype=np.float32)
    v[: len(weights)] = weights
    return v / np.linalg.norm(v)


@pytest.fixture
def story() -> dict:
    """Three articles on a storm: a fact all three carry (0, 3, 6, in other words), a near
    copy of it (4), side details, and one off-topic sentence (8)."""
    sentences = [
        "The storm hit the coast on Monday and cut power to 40,000 homes.",       # 0  a1
        "The mayor said schools would stay closed until Thursday at least.",      # 1  a1
        "Local shops boarded up their windows the night before it arrived.",     # 2  a1
        "A storm struck the coast Monday, leaving 40,000 homes without power.",   # 3  a2
        "The storm hit the coast on Monday and cut power to 40,000 homes!",       # 4  a2
        "Forecasters had warned of winds above 100 miles an hour for days.",      # 5  a2
        "Monday's storm knocked out electricity for some 40,000 coastal homes.",  # 6  a3
        "Insurers expect claims to run into the hundreds of millions.",           # 7  a3
        "In other news, the city council approved a new bicycle lane plan.",      # 8  a3
    ]
    fact, topic = _unit(1, 0, 0, 0, 0, 0, 0, .05), _unit(1)
    detail = [.6 * topic + .8 * _unit(*[0] * k, 1) for k in range(1, 6)]  # own angle each, cos .6 with the fact
    vectors = np.stack([fact, detail[0], detail[1], _unit(1, 0, 0, 0, 0, 0, .1), fact, detail[2],
                        _unit(1, 0, 0, 0, 0, 0, .15, .1), detail[3], _unit(*[0] * 6, 1, 0)])
    article_of = [0, 0, 0, 1, 1, 1, 2, 2, 2]
    return {"sentences": sentences, "vectors": vectors, "article_of": article_of,
            "position": [0, 1, 2, 0, 1, 2, 0, 1, 2], "support": sentence_support(vectors, article_of)}


def test_supported_sentence_first_and_no_repeats(story):
    assert story["support"][0] == 3 and story["support"][8] == 1  # aligned in all three articles
    chosen = select_summary(**story, max_sentences=3)
    assert len(chosen) == 3 and len(set(chosen)) == 3
    assert chosen[0] in (0, 3, 4, 6)  # the fact every outlet carries leads the summary
    assert sum(i in (0, 3, 4, 6) for i in chosen) == 1  # and is not said twice
    assert 8 not in chosen  # off topic


def test_word_budget_is_never_exceeded(story):
    words = [len(s.split()) for s in story["sentences"]]
    for budget in (5, 12, 20, 25, 40):
        chosen = select_summary(**story, max_words=budget)
        assert sum(words[i] for i in chosen) <= budget
    assert select_summary(**story, max_words=5) == []  # no sentence fits: empty, not over budget
    assert len(select_summary(**story, max_words=25)) == 2  # one sentence of 13 words, then one of 12


def test_select_summary_edge_cases(story):
    assert select_summary([], np.zeros((0, 512)), [], [], []) == []
    assert select_summary(**story, max_sentences=0) == []
    with pytest.raises(ValueError, match="support has 2 entries for 9 sentences"):
        select_summary(**{**story, "support": [1, 1]})


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    lines = need(ROUNDUPS).read_text(encoding="utf-8").splitlines()[:5]
    path = tmp_path_factory.mktemp("roundups") / "sample.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_eval_summaries_json(sample: Path):
    result = run_cli("eval", "summaries", str(sample), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["stories"] == 5 and data["stories_per_second"] > 0
    assert {"rouge1", "rouge2", "rougeL"} <= set(data)
    assert {"lead_1", "lead_2", "lead_3", "best_lead", "round_robin", "lead_words"} == set(data["baselines"])
    for row in [data, *data["baselines"].values()]:
        assert 0 <= row["rouge2"] <= row["rouge1"] <= 1 and 0 <= row["rougeL"] <= 1
    assert data["words"] <= data["reference_words"]  # the budget is the reference's length
    assert data["rouge1"] > 0.25  # a real summary, even on five stories


def test_the_summary_table_names_the_best_leads_and_keeps_its_json_form():
    systems = ("ours", "as_shipped", "lead_1", "lead_2", "round_robin", "words_1", "words_2",
               "shipped_lead_1", "shipped_lead_2")
    r1 = {"ours": .3, "as_shipped": .25, "lead_1": .2, "lead_2": .4, "round_robin": .1, "words_1": .5,
          "words_2": .45, "shipped_lead_1": .35, "shipped_lead_2": .3}
    scored = StoryScores(systems, {s: [{"rouge1": r1[s], "rouge2": .1, "rougeL": .2}] * 2 for s in systems},
                         {s: [30, 31] for s in systems}, [40, 41], 0.5, {s: ["", ""] for s in systems})
    table = summary_table(scored)
    assert table.best_lead.name == "lead_2" and table.shipped_best_lead.name == "shipped_lead_1"
    assert table.lead_words.name == "lead_1"  # words_1 cuts best, named by its article's lead
    assert table.ours.measures == (.3, .1, .2) and table.stories_per_second == 4.0
    data = table.to_dict()  # the JSON `eval summaries --json` prints, key order included
    assert list(data) == ["stories", *MEASURES, "words", "reference_words", "as_shipped", "baselines",
                          "stories_per_second"]
    assert list(data["baselines"]) == ["lead_1", "lead_2", "best_lead", "round_robin", "lead_words"]
    assert data["baselines"]["lead_words"] == {"name": "lead_1", "rouge1": .5, "rouge2": .1, "rougeL": .2,
                                               "words": 30.5}
    assert data["as_shipped"]["best_lead"]["name"] == "shipped_lead_1"


def test_eval_summaries_table(sample: Path):
    result = run_cli("eval", "summaries", str(sample))
    assert result.returncode == 0, result.stderr
    assert "ROUGE-1" in result.stdout and "best lead" in result.stdout and "round_robin" in result.stdout


@pytest.mark.parametrize("mutate,message", [
    (lambda r: r["summary"].pop("text"), "bad.jsonl:2: field 'summary.text'"),
    (lambda r: r.pop("articles"), "bad.jsonl:2: field 'articles'"),
    (lambda r: r["articles"][1].update(text=7), "bad.jsonl:2: field 'articles[1].text'"),
    (lambda r: r.update(summary="just text"), "bad.jsonl:2: field 'summary' must be an object"),
])
def test_bad_line_is_named(tmp_path: Path, sample: Path, mutate, message):
    rows = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()[:2]]
    mutate(rows[1])
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_roundups(bad)


def test_bad_line_exit_code(tmp_path: Path, sample: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(sample.read_text(encoding="utf-8").splitlines()[0] + "\n{\"id\": \"x\", \"articles\": \n",
                   encoding="utf-8")
    result = run_cli("eval", "summaries", str(bad))
    assert result.returncode == 2
    assert "bad.jsonl:2:" in result.stderr and "invalid JSON" in result.stderr


def test_support_breaks_a_tie_in_centrality():
    """Two sentences equally central: the one more outlets carry is chosen first."""
    a, b = _unit(1, .5), _unit(1, -.5)
    sentences = ["Ministers agreed a ceasefire on Friday evening.", "Ministers met in Geneva on Friday evening."]
    for support, first in (([3, 1], 0), ([1, 3], 1)):
        assert select_summary(sentences, np.stack([a, b]), [0, 1], [1, 1], support)[0] == first
