"""A real ``storylens serve`` process on a free loopback port, for the server and web tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo" / "articles.jsonl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_records() -> list[dict]:
    return [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]


@contextmanager
def running_server(db: Path | str, token: str | None = None, timeout: float = 60.0, args: tuple[str, ...] = (),
                   log_path: Path | None = None):
    """Start ``python -m storylens.cli serve`` on 127.0.0.1 (with more ``args``); yield its base URL; stop it.
    ``db`` is a store file or location; the server's output goes to ``log_path`` (default: beside the file)."""
    import httpx

    log_path = log_path or Path(db).with_suffix(".log")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "STORYLENS_TOKEN"}
    if token:
        env["STORYLENS_TOKEN"] = token
    log = log_path.open("w")
    proc = subprocess.Popen([sys.executable, "-m", "storylens.cli", "serve", "--db", str(db), "--port", str(port), *args],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}: {log_path.read_text()}")
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not answer /health within {timeout} s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
