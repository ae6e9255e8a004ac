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
