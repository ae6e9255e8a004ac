"""``storylens eval`` and ``storylens train``: measure storylens against labelled data, train
the pair scorer. Thin over ``storylens.evaluate``."""

from __future__ import annotations

from enum import Enum

import typer

from storylens.cli_output import out, print_json, progress_run


class Level(str, Enum):
    story = "story"
    thread = "thread"


eval_app = typer.Typer(help="Measure storylens against labelled data.", no_args_is_help=True)
train_app = typer.Typer(help="Train storylens models on labelled data.", no_args_is_help=True)


@eval_app.command("pairs")
def eval_pairs_command(
    pairs_file: str = typer.Argument(..., metavar="PAIRS.jsonl", help="Labelled pairs (SemEval-2022 Task 8 format)."),
    model: str = typer.Option(None, "--model", help="A model file from `storylens train pairs`; default: the shipped one."),
    fast: bool = typer.Option(False, "--fast", help="The shipped scorer without e5 (as `compare --fast`)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Pearson correlation of predicted with gold scores, overall, per dimension and per language pair."""
    from storylens.evaluate.run import eval_pairs
    from storylens.match import scorer_arrays

    scorer = scorer_arrays.load(model) if model else scorer_arrays.default_scorer(fast)
    result = progress_run(eval_pairs, "analysing pairs", path=pairs_file, scorer=scorer)
    if as_json:
        print_json(result.to_dict())
        return
    from storylens.render import render_pair_eval

    render_pair_eval(result, out)


@eval_app.command("clusters")
def eval_clusters_command(
    articles_file: str = typer.Argument(..., metavar="ARTICLES.jsonl", help="Articles with a gold `story` field."),
    level: Level = typer.Option(Level.story, "--level",
                                help="Score the engine's stories (events) or its threads against the gold labels."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Cluster labelled articles in a fresh temporary store; B-cubed against the gold labels."""
    from storylens.evaluate.clusters import eval_clusters

    level = level.value
    result = progress_run(eval_clusters, "clustering", path=articles_file, level=level)
    if as_json:
        print_json(result.to_dict())
        return
    score = result.bcubed
    out.print(f"{result.articles} articles, {level} level: B-cubed precision {score.precision:.3f}, "
              f"recall {score.recall:.3f}, F1 {score.f1:.3f}; "
              f"{result.predicted} {'stories' if level == 'story' else 'threads'} predicted, {result.gold} gold; "
              f"{result.articles_per_second:.0f} articles/s")


@eval_app.command("summaries")
def eval_summaries_command(
    roundups_file: str = typer.Argument(..., metavar="ROUNDUPS.jsonl", help="Stories with a human `summary` (AllSides roundups format)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """ROUGE-1/2/L F1 of the story summary against human roundups, beside lead baselines of the same length."""
    from storylens.evaluate.summaries import eval_summaries

    result = progress_run(eval_summaries, "summarising", path=roundups_file)
    if as_json:
        print_json(result.to_dict())
        return
    from rich.table import Table

    table = Table(title=f"{result.stories} stories, ROUGE F1 x 100 against summary.text "
                        f"(budget: its words, mean {result.reference_words:.0f})")
    for column in ("system", "ROUGE-1", "ROUGE-2", "ROUGE-L", "words"):
        table.add_column(column, justify="left" if column == "system" else "right")
    rows = [("ours", result.ours), *result.leads.items(), ("round_robin", result.round_robin),
            (f"best lead ({result.best_lead.name})", result.best_lead.score),
            (f"first N words of {result.lead_words.name} (not verbatim)", result.lead_words.score)]
    for name, row in rows:
        table.add_row(name, *(f"{100 * f1:.2f}" for f1 in row.measures), f"{row.words:.1f}")
    out.print(table)
    out.print(f"{result.stories_per_second:.1f} stories/s")


@train_app.command("pairs")
def train_pairs_command(
    pairs_file: str = typer.Argument(..., metavar="PAIRS.jsonl", help="Labelled pairs (SemEval-2022 Task 8 format)."),
    out_path: str = typer.Option(..., "--out", help="Where to write the model file."),
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds (grouped by article)."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same model."),
    fast: bool = typer.Option(False, "--fast", help="Train the scorer without e5 features (for `compare --fast`)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Train the pair scorer: grouped cross-validation, then a fit on the whole file."""
    from storylens.evaluate.run import train_pairs

    result = progress_run(train_pairs, "analysing pairs", path=pairs_file, out=out_path, folds=folds, seed=seed,
                           fast=fast)
    if as_json:
        print_json(result.to_dict())
        return
    from storylens.render import render_pair_eval

    render_pair_eval(result.evaluation, out, title=f"{folds}-fold cross-validation (grouped by article), seed {seed}")
    out.print(f"model written to {result.model} ({result.model_bytes / 1e6:.2f} MB)")
