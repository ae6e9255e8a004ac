"""`storylens eval pairs` / `train pairs` on a small labelled sample, and bad pair files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from storylens.errors import ConfigError, InputError
from storylens.evaluate.pairs import read_pairs
from storylens.match import scorer_arrays
from storylens.match.scorer_arrays import FAST_MODEL_PATH, MODEL_PATH


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


def test_a_pair_evaluation_prints_only_what_it_measured():
    from storylens.evaluate.metrics import pearson_table, same_story_quality
    from storylens.evaluate.run import PairEval

    rng = np.random.default_rng(0)
    pred, gold = rng.uniform(1, 4, (8, 7)), rng.uniform(1, 4, (8, 7))
    table = pearson_table(pred, gold, np.array(["de-en", "en-en"] * 4))
    assert list(table.by_language) == ["de-en", "en-en"] and table.by_language["de-en"].pairs == 4
    assert list(PairEval(8, table).to_dict()) == ["pairs", "pearson", "by_language"]  # no threshold, not timed
    quality = same_story_quality(pred[:, 0], gold[:, 0], 2.0)
    assert list(PairEval(8, table, quality, 3.5).to_dict()) == ["pairs", "pearson", "by_language", "same_story",
                                                                "pairs_per_second"]
    assert PairEval(8, table, quality).to_dict()["same_story"] == {
        "threshold": 2.0, "pairs": quality.pairs, "precision": quality.precision, "recall": quality.recall}


@pytest.fixture(scope="module")
def tiny(sample: Path, tmp_path_factory) -> Path:
    """The first 12 pairs of the sample: training in a test is on tiny data."""
    path = tmp_path_factory.mktemp("tiny") / "tiny.jsonl"
    path.write_text("\n".join(sample.read_text(encoding="utf-8").splitlines()[:12]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fast", [False, True], ids=["with-e5", "fast"])
def test_train_pairs_writes_a_loadable_model(tiny: Path, tmp_path: Path, fast: bool):
    model = tmp_path / "model.npz"
    flags = ["--fast"] if fast else []
    pairs = tiny
    if not fast:  # e5 over each article is most of the suite's longest test: half the pairs show the format
        pairs = tmp_path / "six.jsonl"
        pairs.write_text("\n".join(tiny.read_text(encoding="utf-8").splitlines()[:6]) + "\n", encoding="utf-8")
    result = run_cli("train", "pairs", str(pairs), "--out", str(model), "--folds", "2", "--json", *flags)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert model.exists() and data["model_bytes"] < 5_000_000 and data["fast"] is fast
    assert scorer_arrays.load(model).uses_deep_ is not fast
    if not fast:
        return  # scoring with the e5 model again costs a minute; the fast model shows the round trip
    again = run_cli("eval", "pairs", str(tiny), "--model", str(model), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["pearson"]["overall"] > 0.5  # it was trained on these pairs


@pytest.mark.parametrize("deep", [True, False], ids=["with-e5", "fast"])
def test_the_scorer_as_arrays_predicts_what_scikit_learn_predicts(tmp_path: Path, deep: bool):
    """The exported arrays (trees, SVR, ridge) give scikit-learn's predictions, through a
    saved file, and reading them imports no scikit-learn."""
    from storylens.match.features import PRODUCT_DIM, PairFeatures
    from storylens.match.learned import TARGETS, fit_scorer

    rng = np.random.default_rng(3)
    n, width = 160, len(PairFeatures.names()) + PRODUCT_DIM
    X = rng.normal(size=(n, width))
    Y = np.clip(2.5 + X[:, :len(TARGETS)] + rng.normal(scale=0.3, size=(n, len(TARGETS))), 1, 4)
    fitted = fit_scorer(X[:120], Y[:120], deep=deep)
    saved = scorer_arrays.load(fitted.save(tmp_path / "model.npz"))
    assert np.abs(saved.predict(X[120:]) - fitted.predict(X[120:])).max() < 1e-9
    assert saved.uses_deep_ is deep and saved.same_story_max_overall_ == fitted.same_story_max_overall_
    probe = "import sys; from storylens.match import scorer_arrays; scorer_arrays.default_scorer(); print('sklearn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_a_model_file_of_another_kind_is_one_error(tmp_path: Path):
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(ConfigError, match="model.npz: not a storylens pair model"):
        scorer_arrays.load(bad)
    with pytest.raises(ConfigError, match="no such model file"):
        scorer_arrays.load(tmp_path / "missing.npz")


def test_shipped_models_load_and_stay_small():
    for path, deep in ((MODEL_PATH, True), (FAST_MODEL_PATH, False)):
        assert path.stat().st_size < 5_000_000
        assert scorer_arrays.load(path).uses_deep_ is deep


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
