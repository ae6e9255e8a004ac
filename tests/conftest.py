"""Shared fixtures. Real articles are read from ../shared (skipped with a reason when absent)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("STORYLENS_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "examples" / "seed-pair"
DATASETS = SHARED / "datasets"
DEMO = ROOT / "demo" / "articles.jsonl"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: real articles come from ../shared, beside the checkout")
    return path


@pytest.fixture(scope="session")
def seed_paths() -> tuple[Path, Path]:
    folder = need(SEED)
    return folder / "000_8bb758b5f74a674e.txt", folder / "001_9bde91d0daee0ede.txt"


@pytest.fixture(scope="session")
def seed_comparison(seed_paths):
    import storylens

    return storylens.compare_files(str(seed_paths[0]), str(seed_paths[1])).to_dict()


@pytest.fixture(scope="session")
def semeval_rows() -> list[dict]:
    path = need(DATASETS / "semeval2022-task8" / "pairs.dev.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real ``storylens`` command in a child process."""
    return subprocess.run([sys.executable, "-m", "storylens.cli", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300)


# The slowest tests (half a minute and more of e5, model loads and killed subprocesses) start
# first, so that neither worker is left with one of them at the end of the run.
HEAVY = ("test_pairs_eval.py::test_train_pairs", "test_pairs_eval.py::test_eval_pairs_json",
         "test_seed_pair.py::test_cli_report_and_json", "test_story_engine.py::test_killed_ingest",
         "test_watch.py::test_killed_watch", "test_story_decisions.py::test_all_real_pages",
         "test_real_input.py::test_every_real_file", "test_summary_eval.py::", "test_coverage.py::test_text_and_markdown",
         "test_store_errors.py::test_two_concurrent_ingests", "test_story_decisions.py::test_follow_up",
         "test_web.py::test_thread_timeline", "test_threads.py::test_cli_threads",
         "test_spark.py::test_a_killed_job")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not any(h in item.nodeid for h in HEAVY))
