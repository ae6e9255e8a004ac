"""Where the ``storylens`` command writes: the report on standard output, progress and errors
on standard error, JSON as one indented document."""

from __future__ import annotations

import json
import sys

from rich.console import Console

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def progress_run(job, label: str, total: int | None = None, **kwargs):
    """Run a library job with a rich progress bar fed by its progress callbacks."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=err, transient=True) as bar:
        task = bar.add_task(label, total=total)
        return job(progress=lambda n: bar.advance(task, n),
                   on_total=lambda total: bar.update(task, total=total), **kwargs)
