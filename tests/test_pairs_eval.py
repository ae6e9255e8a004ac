"""`storylens eval pairs` / `train pairs` on a small labelled sample, and bad pair files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from storylens.errors import InputError
from storylens.evaluate.pairs import read_pairs
from storylens.match.learned import FAST_MODEL_PATH, MODEL_PATH, LearnedScorer


@pytest.fixture(scope="module")
def sample(tmp_path_factory, semeval_rows) -> Path:
    """24 real pairs: the first of each language pair plus a spread of gold scores."""
    chosen, seen = [], set()
    for row in semeval_rows:
        key = (row["lang1"], row["lang2"], row["scores"]["Overall"] <= 2)
        if key not in seen:
            seen.add(key)
            chosen.append(row)
    path = tmp_path_factory.mktemp("pairs") / "sample.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in chosen[:24]) + "\n", encoding="utf-8")
    return path


def test_eval_pairs_json(sample: Path):
    # the scorer without e5 (the e5 features are exercised by train pairs with-e5 and by compare)
    result = run_cli("eval", "pairs", str(sample), "--fast", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["pairs"] == len(sample.read_text().splitlines())
    assert set(data["pearson"]) == {"overall", "geography", "entities", "time", "narrative", "style", "tone"}
    assert data["pearson"]["overall"] > 0.3  # real agreement, even on a small sample
    assert "de-en" in data["by_language"] and data["by_language"]["de-en"]["pairs"] >= 1
    assert data["pairs_per_second"] > 0


@pytest.fixture(scope="module")
def tiny(sample: Path, tmp_path_factory) -> Path:
    """The first 12 pairs of the sample: training in a test is on tiny data."""
    path = tmp_path_factory.mktemp("tiny") / "tiny.jsonl"
    path.write_text("\n".join(sample.read_text(encoding="utf-8").splitlines()[:12]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fast", [False, True], ids=["with-e5", "fast"])
def test_train_pairs_writes_a_loadable_model(tiny: Path, tmp_path: Path, fast: bool):
    model = tmp_path / "model.joblib"
    flags = ["--fast"] if fast else []
    result = run_cli("train", "pairs", str(tiny), "--out", str(model), "--folds", "2", "--json", *flags)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert model.exists() and data["model_bytes"] < 5_000_000 and data["fast"] is fast
    assert LearnedScorer.load(model).uses_deep_ is not fast
    if not fast:
        return  # scoring with the e5 model again costs a minute; the fast model shows the round trip
    again = run_cli("eval", "pairs", str(tiny), "--model", str(model), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["pearson"]["overall"] > 0.5  # it was trained on these pairs


def test_shipped_models_load_and_stay_small():
    for path, deep in ((MODEL_PATH, True), (FAST_MODEL_PATH, False)):
        assert path.stat().st_size < 5_000_000
        assert LearnedScorer.load(path).uses_deep_ is deep


@pytest.mark.parametrize("mutate,message", [
    (lambda r: r["scores"].pop("Overall"), "bad.jsonl:2: field 'scores.Overall'"),
    (lambda r: r.pop("text2"), "bad.jsonl:2: field 'text2' is missing"),
    (lambda r: r["scores"].update(Tone="high"), "bad.jsonl:2: field 'scores.Tone' must be a number"),
    (lambda r: r.pop("pair_id"), "bad.jsonl:2: field 'pair_id'"),
])
def test_bad_pair_line_is_named(tmp_path: Path, semeval_rows, mutate, message):
    rows = [dict(semeval_rows[0], scores=dict(semeval_rows[0]["scores"])),
            dict(semeval_rows[1], scores=dict(semeval_rows[1]["scores"]))]
    mutate(rows[1])
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_pairs(path)
    result = run_cli("eval", "pairs", str(path))
    assert result.returncode == 2 and message.split(": ", 1)[1] in result.stderr
