"""`storylens compare` on a busy machine: wall time with and without a competing CPU load,
for OpenMP's active and passive waiting, side by side in one run (issue M).

    .venv/bin/python benchmarks/busy_compare.py [--repeat 3]

Runs the whole `storylens compare` process on the seed pair (../shared/examples/seed-pair),
`--repeat` times per cell, in four cells: {idle, busy} x {OMP_WAIT_POLICY=ACTIVE (OpenMP's
default before storylens set it), PASSIVE (storylens's default now)}. "Busy" is one
process per core spinning in Python while compare runs. Prints the median wall time of each
cell and the busy/idle ratio per policy.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "examples" / "seed-pair"


def spin(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10000))


def run_compare(policy: str) -> float:
    env = {**os.environ, "OMP_WAIT_POLICY": policy}
    a, b = sorted(SEED.glob("*.txt"))[:2]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "storylens.cli", "compare", str(a), str(b)], env=env, check=True,
                   capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not SEED.exists():
        raise SystemExit(f"benchmark data absent: {SEED} (../shared beside the checkout)")
    run_compare("PASSIVE")  # warm the file cache
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeat):  # the cells interleaved, so drift hits all of them alike
        for policy in ("ACTIVE", "PASSIVE"):
            times.setdefault(("idle", policy), []).append(run_compare(policy))
            stop = multiprocessing.Event()
            load = [multiprocessing.Process(target=spin, args=(stop,)) for _ in range(os.cpu_count() or 2)]
            for p in load:
                p.start()
            try:
                times.setdefault(("busy", policy), []).append(run_compare(policy))
            finally:
                stop.set()
                for p in load:
                    p.join()
    print(f"| OMP_WAIT_POLICY | idle, median of {args.repeat} (s) | busy (s) | busy / idle |\n|---|--:|--:|--:|")
    for policy in ("ACTIVE", "PASSIVE"):
        idle, busy = statistics.median(times[("idle", policy)]), statistics.median(times[("busy", policy)])
        print(f"| {policy} | {idle:.1f} | {busy:.1f} | {busy / idle:.2f} |")


if __name__ == "__main__":
    main()
