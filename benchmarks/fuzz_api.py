"""A bounded schemathesis run against a real `storylens serve` on loopback.

    .venv/bin/python benchmarks/fuzz_api.py [--max-examples 25] [--checks not_a_server_error] [--seed 1]

Starts the server on a free 127.0.0.1 port over a fresh store holding three demo articles,
lets schemathesis (the `bench` extra) generate requests from /openapi.json for every
operation, and prints the counts of its JSON report: operations, test cases, requests and
failures by check. Nothing leaves the machine. Exit code 1 when a check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serverproc import demo_records, running_server  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25, help="test cases per operation and phase")
    parser.add_argument("--checks", default="not_a_server_error", help="schemathesis checks (all: every one)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    import httpx

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "fuzz.db"
        with running_server(db) as base:
            httpx.post(base + "/articles", json=demo_records()[:3], timeout=300).raise_for_status()
            report = Path(tmp) / "report.json"
            command = [str(Path(sys.executable).with_name("schemathesis")), "run", base + "/openapi.json",
                       "--checks", args.checks, "--max-examples", str(args.max_examples), "--seed", str(args.seed),
                       "--request-timeout", "120", "--report", "json", "--report-json-path", str(report),
                       "--no-color"]
            done = subprocess.run(command, cwd=tmp, capture_output=True, text=True,
                                  env={**os.environ, "SCHEMATHESIS_HOOKS": ""})
            log = db.with_suffix(".log").read_text()
        try:
            data = json.loads(report.read_text()) if report.exists() else None
        except json.JSONDecodeError:
            data = None
    tail = "\n".join(done.stdout.strip().splitlines()[-25:])
    print(tail)
    errors = log.count("unexpected error on")
    print(f"\nserver log: {errors} unexpected errors (500s)")
    if data is not None:
        print(json.dumps({k: data[k] for k in list(data)[:12]}, indent=1)[:3000])
    return 0 if done.returncode == 0 and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
