"""`storylens compare` on a busy machine: wall time idle and beside a competing CPU load,
for two thread budgets, side by side in one run (issue M).

    .venv/bin/python benchmarks/busy_compare.py [--repeat 3]

Runs the whole `storylens compare` process on the seed pair (../shared/examples/seed-pair),
`--repeat` times per cell, in six cells: {idle, one competing process, one competing
process per core} x {`--threads` = every core (the default), `--threads 1`}. A competing
process spins in Python while compare runs. The cells are interleaved, so drift hits all of
them alike. Prints the median wall time of each cell and the busy/idle ratios.
"""

from __future__ import annotations

import argparse
import multiprocessing
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


def run_compare(threads: int) -> float:
    a, b = sorted(SEED.glob("*.txt"))[:2]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "storylens.cli", "--threads", str(threads), "compare", str(a), str(b)],
                   check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def timed_beside(load: int, threads: int) -> float:
    """Wall time of one compare while ``load`` processes spin."""
    stop = multiprocessing.Event()
    spinners = [multiprocessing.Process(target=spin, args=(stop,)) for _ in range(load)]
    for p in spinners:
        p.start()
    try:
        return run_compare(threads)
    finally:
        stop.set()
        for p in spinners:
            p.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not SEED.exists():
        raise SystemExit(f"benchmark data absent: {SEED} (../shared beside the checkout)")
    from storylens.threads import available_cores

    cores = available_cores()
    loads = {"idle": 0, "one competing process": 1, f"{cores} competing processes": cores}
    budgets = {f"--threads {cores} (default)": cores, "--threads 1": 1}
    run_compare(1)  # warm the file cache
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeat):
        for load_name, load in loads.items():
            for budget_name, threads in budgets.items():
                times.setdefault((load_name, budget_name), []).append(timed_beside(load, threads))
    print(f"Medians of {args.repeat} runs, {cores} cores.\n")
    print("| threads | " + " | ".join(f"{name} (s)" for name in loads) + " | " +
          " | ".join(f"{name} / idle" for name in list(loads)[1:]) + " |")
    print("|---|" + "--:|" * (2 * len(loads) - 1))
    for budget_name in budgets:
        medians = [statistics.median(times[(load_name, budget_name)]) for load_name in loads]
        print(f"| {budget_name} | " + " | ".join(f"{m:.1f}" for m in medians) + " | " +
              " | ".join(f"{m / medians[0]:.2f}" for m in medians[1:]) + " |")


if __name__ == "__main__":
    main()
