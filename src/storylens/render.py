"""Terminal rendering of a comparison with rich: the verdict first, then the evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from storylens.match import Comparison
from storylens.match.records import ComparedArticle, SharedQuote
from storylens.match.quotes import _WORD
from storylens.match.scoring import DIMENSIONS

if TYPE_CHECKING:
    from storylens.evaluate.run import PairEval

MAX_LISTED = 8


def _article_line(side: ComparedArticle) -> str:
    bits = [side.outlet or side.id, side.language]
    if side.published:
        bits.append(side.published[:10])
    title = side.title or "(no title)"
    return f"{title}  [{' · '.join(b for b in bits if b)}]"


def _marked(text: str, changed_words: set[str], style: str) -> Text:
    """The quote with the words that differ from the other wording highlighted."""
    out, pos = Text(), 0
    for match in _WORD.finditer(text):
        out.append(text[pos : match.start()])
        word = match.group(0)
        out.append(word, style=style if word.lower() in changed_words else "")
        pos = match.end()
    out.append(text[pos:])
    return out


def _quote_block(quote: SharedQuote) -> Group:
    header = Text(f"{quote.speaker or 'unattributed'}", style="bold")
    header.append("  identical" if quote.identical else "  reworded", style="green" if quote.identical else "yellow")
    changed_a = {w.lower() for a, _ in quote.changes for w in a.split()}
    changed_b = {w.lower() for _, b in quote.changes for w in b.split()}
    a = Text("  A: ") + _marked(quote.a.text, changed_a, "bold red") + Text(f"  ({quote.a.source or 'no source credited'})", style="dim")
    b = Text("  B: ") + _marked(quote.b.text, changed_b, "bold green") + Text(f"  ({quote.b.source or 'no source credited'})", style="dim")
    return Group(header, a, b)


def render_comparison(result: Comparison, console: Console) -> None:
    scores = result.scores
    verdict = "SAME STORY" if scores.same_story else "DIFFERENT STORIES"
    colour = "green" if scores.same_story else "red"
    console.print(Panel(
        Text.assemble((verdict, f"bold {colour}"), f"   similarity {scores.similarity:.2f}   overall {scores.overall:.2f} (1 = very similar, 4 = very dissimilar)\n",
                      f"A: {_article_line(result.a)}\nB: {_article_line(result.b)}"),
        title="storylens compare", expand=False))

    dims = Table(title="SemEval-2022 Task 8 dimensions", show_header=True, header_style="bold")
    for name in DIMENSIONS:
        dims.add_column(name)
    dims.add_row(*(f"{scores.dimensions[n]:.2f}" for n in DIMENSIONS))
    console.print(dims)

    ents = result.entities
    console.print(Text(f"\nShared people, places and organisations ({len(ents.shared)})", style="bold"))
    for e in ents.shared:
        variants = f"  spelled: {' / '.join(e.variants)}" if len(e.variants) > 1 else ""
        console.print(f"  • {e.name} [dim]{e.type}[/dim]{variants}", highlight=False)
    for side, only in (("a", ents.only_a), ("b", ents.only_b)):
        if only:
            console.print(f"  only in {side.upper()}: " + ", ".join(e.name for e in only[:20]), highlight=False)

    quotes = result.quotes
    console.print(Text(f"\nShared quotes ({len(quotes.shared)})", style="bold"))
    for quote in quotes.shared:
        console.print(_quote_block(quote))
    for side, only in (("a", quotes.only_a), ("b", quotes.only_b)):
        if only:
            console.print(f"  quotes only in {side.upper()}: {len(only)}")

    console.print(Text(f"\nSentences reported by both ({len(result.shared)})", style="bold"))
    for pair in result.shared[:MAX_LISTED]:
        console.print(f"  [{pair.score:.2f}] A: {pair.a}\n         B: {pair.b}", highlight=False)
    for side, added in (("a", result.only_a), ("b", result.only_b)):
        console.print(Text(f"\nWhat only {side.upper()} reports ({len(added)})", style="bold"))
        for sentence in added[:MAX_LISTED]:
            console.print(f"  • {sentence}", highlight=False)
        if len(added) > MAX_LISTED:
            console.print(f"  … and {len(added) - MAX_LISTED} more (see --json)")


def render_pair_eval(result: PairEval, console: Console, title: str = "Agreement with gold scores (Pearson r)") -> None:
    """Tables of an ``eval pairs`` result, or of ``train pairs``'s cross-validation."""
    table = Table(title=f"{title}: {result.pairs} pairs", header_style="bold")
    table.add_column("score")
    table.add_column("Pearson r", justify="right")
    for name, r in result.agreement.pearson.items():
        table.add_row(name, f"{r:.3f}")
    console.print(table)
    langs = Table(title="Overall, by language pair", header_style="bold")
    for column in ("languages", "pairs", "Pearson r"):
        langs.add_column(column, justify="right" if column != "languages" else "left")
    for lang, row in result.agreement.by_language.items():
        langs.add_row(lang, str(row.pairs), f"{row.overall:.3f}")
    console.print(langs)
    if result.same_story is not None:
        s = result.same_story
        console.print(f"same_story (overall <= {s.threshold}): precision {s.precision:.3f}, recall {s.recall:.3f} "
                      f"on {s.pairs} pairs with gold <= 1.5 or >= 2.5")
    if result.pairs_per_second is not None:
        console.print(f"{result.pairs_per_second:.1f} pairs/s end to end (analysis included)")


def _day(value) -> str:
    return value.date().isoformat() if value else "?"


def _span(first, last) -> str:
    if not first:
        return "?"
    if not last or first.date() == last.date():
        return _day(first)
    return f"{_day(first)}…{last.date().isoformat()[5:]}"


def _listing(console: Console, kind: str, counts: tuple[str, ...], rows: list[tuple], footer: str) -> None:
    """A table of stories or threads: id, title, the ``counts`` columns, languages, time span.
    ``rows``: (id, title, *counts, languages, first published, last published)."""
    table = Table(box=None, pad_edge=False)
    table.add_column(kind, no_wrap=True, min_width=7)
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=max(20, console.width - 44 - 9 * len(counts)))
    for name in counts:
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("languages", no_wrap=True)
    table.add_column("published", no_wrap=True, min_width=10)
    for ident, title, *rest in rows:
        *numbers, languages, first, last = rest
        table.add_row(ident, Text(title), *numbers, " ".join(languages), _span(first, last))
    console.print(table)
    console.print(footer)


def render_stories(stories: list, console: Console) -> None:
    """A table of stories: id, title, reports (and copies), languages, time span."""
    if not stories:
        console.print("no stories (ingest articles with `storylens ingest PATH`)")
        return
    rows = [(s.id, s.title, f"{s.reports}" + (f" +{s.copies} cop{'y' if s.copies == 1 else 'ies'}" if s.copies else ""),
             s.languages, s.first_published, s.last_published) for s in stories]
    _listing(console, "story", ("reports",), rows, f"{len(stories)} stories; `storylens story ID` shows one")


def render_story(detail, console: Console) -> None:
    """One story: a heading, then its articles in time order with copies marked."""
    s = detail.story
    console.print(Text(f"{s.id}  {s.title}", style="bold"))
    console.print(f"{s.reports} reports, {s.copies} copies; languages {' '.join(s.languages) or '?'}; "
                  f"{_day(s.first_published)} to {_day(s.last_published)}")
    if detail.merged_from:
        console.print(f"merged from: {', '.join(detail.merged_from)}")
    if s.thread_id:
        console.print(f"thread: {s.thread_id} (`storylens thread {s.thread_id}`)")
    if s.outlets:
        console.print(Text("outlets: " + ", ".join(s.outlets)))
    table = Table(box=None, pad_edge=False)
    table.add_column("published", no_wrap=True)
    table.add_column("lang")
    table.add_column("outlet", overflow="fold")
    table.add_column("title", ratio=1, overflow="fold")
    table.add_column("article / copy of", overflow="fold")
    for m in detail.members:
        ident = Text(m.id)
        if m.copy_of:
            overlap = f", {m.copy_of.overlap:.2f}" if m.copy_of.overlap is not None else ""
            ident.append(f"\n↳ copy of {m.copy_of.of} ({m.copy_of.kind}{overlap})", style="yellow")
        table.add_row(_day(m.published), m.language, Text(m.outlet or ""), Text(m.title), ident)
    console.print(table)


def render_predictions(predicted: list, titles: dict[str, str], console: Console) -> None:
    """Where each article would go (``StoryEngine.predict``): its story and thread, and the
    candidate stories with the join rule's probability."""
    for p in predicted:
        if p.stored:
            where = f"already stored, in {p.story_id} {titles.get(p.story_id, '')}"
        elif p.copy_of:
            where = f"a copy ({p.copy_of.kind}) of {p.copy_of.of}: joins {p.story_id} {titles.get(p.story_id, '')}"
        elif p.story_id:
            where = f"joins {p.story_id} {titles.get(p.story_id, '')} (probability {p.score:.2f})"
        else:
            where = "opens a new story"
        thread = f"thread {p.thread_id}" if p.thread_id else "a new thread"
        console.print(Text(f"{p.article_id}: ", style="bold") + Text(f"{where}; {thread}"))
        for story_id, probability in p.candidates:
            console.print(Text(f"    {probability:.2f}  {story_id}  {titles.get(story_id, '')}", style="dim"))


def render_threads(threads: list, console: Console) -> None:
    """A table of threads: id, title, stories, articles, languages, time span."""
    if not threads:
        console.print("no threads (ingest articles with `storylens ingest PATH`)")
        return
    rows = [(t.id, t.title, str(t.stories), str(t.articles), t.languages, t.first_published, t.last_published)
            for t in threads]
    _listing(console, "thread", ("stories", "articles"), rows,
             f"{len(threads)} threads; `storylens thread ID` shows one as a timeline")


def render_thread(report, console: Console) -> None:
    """A thread as a timeline: per story its date, title, outlets, languages, size, what
    happened, and why it was linked."""
    t = report.thread
    console.print(Text(f"{t.id}  {t.title}", style="bold"))
    console.print(f"{t.stories} stor{'y' if t.stories == 1 else 'ies'}, {t.articles} articles; languages "
                  f"{' '.join(t.languages) or '?'}; {_day(t.first_published)} to {_day(t.last_published)}")
    if report.merged_from:
        console.print(f"merged from: {', '.join(report.merged_from)}")
    for step in report.steps:
        s = step.step.story
        size = f"{s.reports} report{'s' if s.reports != 1 else ''}" + (f" +{s.copies} cop{'y' if s.copies == 1 else 'ies'}"
                                                                      if s.copies else "")
        console.print()
        console.print(Text(f"{_day(s.first_published)}  {s.id}  ", style="bold") + Text(s.title, style="bold"))
        console.print(Text(f"  {size}; {' '.join(s.languages)}; " + ", ".join(s.outlets), style="dim"))
        console.print(Text(f"  {step.summary}"))
        if step.joined == "opened":
            console.print(Text("  opened the thread", style="dim"))
        elif step.joined == "merged":
            console.print(Text("  in the thread since the story it was linked to was merged into it", style="dim"))
        else:
            why = f"  linked to {step.linked_to}"
            if step.step.link_score is not None:
                why += f" (thread rule {step.step.link_score:.2f})"
            if step.shared_names:
                why += ": shares " + ", ".join(step.shared_names)
            console.print(Text(why, style="dim"))
