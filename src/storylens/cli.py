"""The ``storylens`` command: a thin layer over the library API.

Errors from the library (``StorylensError``) become one line on stderr and the
error's exit code; nothing else is caught here.
"""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console

from storylens.errors import StorylensError

app = typer.Typer(help="Follow a news story across outlets and languages.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.callback()
def _root() -> None:
    """storylens: same-story detection, comparison and coverage of news articles."""


@app.command()
def compare(
    article_a: str = typer.Argument(..., metavar="ARTICLE_A", help="Text, HTML or JSON file; FILE#ID picks one record of a JSONL file."),
    article_b: str = typer.Argument(..., metavar="ARTICLE_B", help="The article to compare it with."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the report."),
) -> None:
    """Do two articles report the same story? How similar are they, and why?"""
    from storylens import compare_files

    result = compare_files(article_a, article_b)
    if as_json:
        _print_json(result.to_dict())
    else:
        from storylens.render import render_comparison

        render_comparison(result, out)


eval_app = typer.Typer(help="Measure storylens against labelled data.", no_args_is_help=True)
train_app = typer.Typer(help="Train storylens models on labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")


def _progress_run(job, label: str, **kwargs):
    """Run a library job with a rich progress bar fed by its progress callbacks."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=err, transient=True) as bar:
        task = bar.add_task(label, total=None)
        return job(progress=lambda n: bar.advance(task, n),
                   on_total=lambda total: bar.update(task, total=total), **kwargs)


@eval_app.command("pairs")
def eval_pairs_command(
    pairs_file: str = typer.Argument(..., metavar="PAIRS.jsonl", help="Labelled pairs (SemEval-2022 Task 8 format)."),
    model: str = typer.Option(None, "--model", help="A model file from `storylens train pairs`; default: the shipped one."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Pearson correlation of predicted with gold scores, overall, per dimension and per language pair."""
    from storylens.evaluate.run import eval_pairs
    from storylens.match.learned import LearnedScorer

    scorer = LearnedScorer.load(model) if model else None
    result = _progress_run(eval_pairs, "analysing pairs", path=pairs_file, scorer=scorer)
    if as_json:
        _print_json(result)
        return
    from storylens.render import render_pair_eval

    render_pair_eval(result, out)


@train_app.command("pairs")
def train_pairs_command(
    pairs_file: str = typer.Argument(..., metavar="PAIRS.jsonl", help="Labelled pairs (SemEval-2022 Task 8 format)."),
    out_path: str = typer.Option(..., "--out", help="Where to write the model file."),
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds (grouped by article)."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same model."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Train the pair scorer: grouped cross-validation, then a fit on the whole file."""
    from storylens.evaluate.run import train_pairs

    result = _progress_run(train_pairs, "analysing pairs", path=pairs_file, out=out_path, folds=folds, seed=seed)
    if as_json:
        _print_json(result)
        return
    from storylens.render import render_pair_eval

    render_pair_eval({"pairs": result["pairs"], **result["cross_validated"], "same_story": result["same_story"]}, out,
                     title=f"{folds}-fold cross-validation (grouped by article), seed {seed}")
    out.print(f"model written to {result['model']} ({result['model_bytes'] / 1e6:.2f} MB)")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except StorylensError as exc:
        err.print(f"storylens: error: {exc}", soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("storylens: interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
