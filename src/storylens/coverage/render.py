"""Plain-text and Markdown forms of a coverage report (a ``Coverage``).

Both list the sections in the order of ``HEADINGS`` (``report.SECTIONS``), under its headings;
citations are bracketed outlet numbers ([1], [2]) that refer to the outlets list.
Changed words in quote wordings are marked **bold** in Markdown and *starred* in text.
Facts and entities beyond the settings ``coverage.max_facts`` and ``coverage.max_entities``
are counted, not listed (the JSON form has them all).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storylens.display import shown_time
from storylens.records import shown_overlap
from storylens.settings import DEFAULTS, current

if TYPE_CHECKING:
    from storylens.coverage.report import Coverage

HEADINGS = {
    "summary": "Summary",
    "facts": "Facts reported by several outlets",
    "quotes": "Quotes",
    "entities": "People, places and organisations",
    "adds": "What each outlet adds",
    "framing": "Framing",
    "timeline": "Timeline",
}
MAX_FACTS = DEFAULTS.coverage.max_facts
MAX_ENTITIES = DEFAULTS.coverage.max_entities


def _marked(text: str, spans: tuple[tuple[int, int], ...], mark: str) -> str:
    out, pos = [], 0
    for start, end in sorted(spans):
        out.append(text[pos:start] + mark + text[start:end] + mark)
        pos = end
    return "".join(out) + text[pos:]


class _Writer:
    def __init__(self, report: Coverage, markdown: bool) -> None:
        self.report = report
        self.md = markdown
        self.lines: list[str] = []
        self.number = {o.article: n for n, o in enumerate(report.outlets, start=1)}
        self.limits = current().coverage

    def cite(self, articles) -> str:
        return "".join(f"[{self.number[a]}]" for a in dict.fromkeys(articles))

    def heading(self, key: str, level: int = 2) -> None:
        title = HEADINGS[key] if key in HEADINGS else key
        if self.lines:
            self.lines.append("")
        if self.md:
            self.lines.append(f"{'#' * level} {title}")
        else:
            self.lines.append(title.upper() if level == 2 else title)
            self.lines.append(("=" if level == 2 else "-") * len(title))
        self.lines.append("")

    def item(self, text: str, indent: int = 0) -> None:
        self.lines.append("  " * indent + ("- " if self.md else "• ") + text)

    def render(self) -> str:
        r = self.report
        title = "Coverage report"
        self.lines.append(f"# {title}" if self.md else title.upper())
        self.lines.append("")
        self.lines.append(f"{len(r.outlets)} articles in {', '.join(r.languages)}; report language {r.language}.")
        self.lines.append("")
        for n, o in enumerate(r.outlets, start=1):
            copy = f", copy of [{self.number[o.copy_of.of]}] ({o.copy_of.kind})" if o.copy_of else ""
            self.lines.append(f"{'' if not self.md else '- '}[{n}] {o.outlet} ({o.language}, "
                              f"{shown_time(o.published)}{copy})")
        for section in HEADINGS:
            self.heading(section)
            getattr(self, section)()
        return "\n".join(self.lines) + "\n"

    def summary(self) -> None:
        if not self.report.summary:
            self.lines.append("(no sentence in the report language)")
        for s in self.report.summary:
            self.item(f"{s.text} {self.cite(c.article for c in s.citations)}")

    def facts(self) -> None:
        facts = self.report.facts
        if not facts:
            self.lines.append("(no statement is aligned across outlets)")
        most = self.limits.max_facts
        for f in facts[:most]:
            self.item(f"{f.id} ({f.support} outlets) {f.text} {self.cite(c.article for c in f.citations)}")
        if len(facts) > most:
            self.lines.append(f"… and {len(facts) - most} more (see --format json)")

    def quotes(self) -> None:
        if not self.report.quotes:
            self.lines.append("(no quotes)")
        mark = "**" if self.md else "*"
        for q in self.report.quotes:
            sources = f"; credited to {', '.join(q.sources)}" if q.sources else ""
            self.item(f"{q.speaker or 'unattributed'}, in {q.outlets} outlet(s){sources}")
            for v in q.wordings:
                credits = ", ".join(f"[{self.number[c.article]}]" + (f" via {c.source}" if c.source else "")
                                    for c in v.carriers)
                state = "" if v.identical else " (reworded)" if v.changes else f" ({v.language})"
                self.item(f"“{_marked(v.text, v.spans, mark)}”{state} {credits}", indent=1)

    def entities(self) -> None:
        entities = self.report.entities
        most = self.limits.max_entities
        for e in entities[:most]:
            spelled = f"; spelled {' / '.join(e.variants)}" if len(e.variants) > 1 else ""
            counts = ", ".join(f"[{self.number[a]}] {c}" for a, c in e.counts)
            self.item(f"{e.name} ({e.type}{spelled}): {counts}")
        if len(entities) > most:
            self.lines.append(f"… and {len(entities) - most} more (see --format json)")

    def adds(self) -> None:
        for a in self.report.adds:
            self.item(f"[{self.number[a.article]}] {a.outlet}: {len(a.sentences)} sentence(s) no other outlet has")
            for s in a.sentences:
                self.item(s.text, indent=1)

    def framing(self) -> None:
        if not self.report.contrasts:
            self.lines.append("(no contrasting terms found in aligned sentences or quotes)")
        for c in self.report.contrasts:
            self.item(f"“{c.a}” {self.cite(c.articles_a)} vs “{c.b}” {self.cite(c.articles_b)} (in a {c.origin})")
        self.lines.append("")
        self.lines.append("Tone (loaded words per 100 words, positive minus negative):")
        for t in self.report.tones:
            score = "n/a" if t.score is None else f"{t.score:+.2f}"
            words = f": {', '.join(t.examples)}" if t.examples else ""
            self.item(f"[{self.number[t.article]}] {t.outlet}: {score} {t.label}{words}")

    def timeline(self) -> None:
        for t in self.report.timeline:
            self.item(f"{shown_time(t.published)}  [{self.number[t.article]}] {t.outlet} ({t.language})"
                      f"{': ' + t.title if t.title and t.title != t.outlet else ''}")
            for c in t.copies:
                kind = c.copy_of.kind if c.copy_of else None
                self.item(f"{shown_time(c.published)}  copy [{self.number[c.article]}] {c.outlet} "
                          f"({kind}, overlap {shown_overlap(c.copy_of)})", indent=1)


def render_text(report: Coverage) -> str:
    """The report as plain text (headings underlined)."""
    return _Writer(report, markdown=False).render()


def render_markdown(report: Coverage) -> str:
    """The report as Markdown (## headings, bullet lists)."""
    return _Writer(report, markdown=True).render()
