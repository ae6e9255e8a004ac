"""A thread as a timeline: each story (event) in time order, what happened at that step, and
why it was linked to the thread (the earlier story it was linked to, the names they share).

The step's one-line summary is the first content sentence of its first report; the shared
names are the named entities of the two stories' first reports (``analyze.entities``: spaCy
for English, capitalised names elsewhere) matched spelling-insensitively, as the thread
rule's own evidence weighs names, less the outlets' own names (a wire's tag is no actor).
How many names a link lists and how long a summary runs are settings
(``coverage.thread_shared_names``, ``coverage.thread_summary_chars``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import regex

from storylens.analyze.entities import entities_match, extract_entities
from storylens.analyze.sentences import split_paragraphs, split_sentences
from storylens.article import Entity
from storylens.records import StoryId
from storylens.settings import DEFAULTS, current
from storylens.store.base import Store, Thread, ThreadStory, _jsonable

MAX_SHARED = DEFAULTS.coverage.thread_shared_names  # names listed per link
MAX_EXPLAINED = 50  # links whose shared names are found (the latest): each reads two first reports through NER
SUMMARY_CHARS = DEFAULTS.coverage.thread_summary_chars


@dataclass(frozen=True)
class TimelineStep:
    """One step of the timeline."""

    step: ThreadStory
    summary: str  # what happened: the first sentence of the step's first report
    article_ids: tuple[str, ...]
    linked_to: str | None  # the story of the thread this one was linked to (as it is now)
    joined: str  # "opened" (the thread's first step), "linked" (to ``linked_to``) or "merged" (with its thread)
    shared_names: tuple[str, ...]  # names this step's first report shares with the linked story's

    def to_dict(self) -> dict[str, Any]:
        s = self.step.story
        return {"id": s.id, "title": s.title, "first_published": _jsonable(s.first_published),
                "last_published": _jsonable(s.last_published), "languages": list(s.languages),
                "outlets": list(s.outlets), "reports": s.reports, "copies": s.copies,
                "articles": list(self.article_ids), "summary": self.summary,
                "joined": self.joined, "linked_to": self.linked_to, "link_score": self.step.link_score,
                "shared_names": list(self.shared_names)}


@dataclass(frozen=True)
class ThreadReport:
    thread: Thread
    steps: tuple[TimelineStep, ...]
    merged_from: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.thread.to_dict(), "story_count": self.thread.stories, "merged_from": list(self.merged_from),
                "stories": [s.to_dict() for s in self.steps]}


def _names(text: str, title: str, language: str) -> tuple[Entity, ...]:
    return extract_entities(split_sentences(split_paragraphs(text, title), language), language)


def shared_names(a: tuple[Entity, ...], b: tuple[Entity, ...], outlets: frozenset[str] = frozenset(),
                 most: int | None = None) -> tuple[str, ...]:
    """Names of ``a`` that ``b`` also has (in any spelling), most mentioned first, at most
    ``most`` (default: the setting ``coverage.thread_shared_names``); none that is made of an
    outlet's name's words (``outlets``, lower case: "CPA" of "Continental Press Agency
    (CPA)", but not "Paris" of "Le Parisien")."""
    outlet_words = {w for o in outlets for w in regex.findall(r"\w+", o)}
    return tuple(e.name for e in a if not set(regex.findall(r"\w+", e.name.lower())) <= outlet_words
                 and any(entities_match(e, o) for o in b))[:most or current().coverage.thread_shared_names]


# A wire dateline opening the first sentence: "NORTHBRIDGE, March 27 (CPA) - ", "PARIS (AFP) — ".
_DATELINE = regex.compile(r"^\p{Lu}[\p{Lu}\p{M} .'’-]{1,40}(?:,[^-–—()\n]{1,30})?(?:\s*\([^()\n]{1,40}\))?\s*[-–—]+\s+(?=\p{Lu})")


def first_sentence(text: str, title: str, language: str, chars: int | None = None) -> str:
    """What a step reports, in one line: its first report's first content sentence, without
    the wire's dateline, cut at a word within ``chars`` (default: the setting
    ``coverage.thread_summary_chars``)."""
    chars = chars or current().coverage.thread_summary_chars
    sentences = split_sentences(split_paragraphs(text, title), language)
    line = _DATELINE.sub("", sentences[0].text) if sentences else title
    return line if len(line) <= chars else line[:chars].rsplit(" ", 1)[0] + " …"


def thread_report(store: Store, thread_id: str, explain: bool = True) -> ThreadReport:
    """The timeline of a thread (``thread_id``, or a story id: that story's thread);
    ``explain``: with the names each of the latest ``MAX_EXPLAINED`` links shares (their
    two first reports read whole, through NER). Without, only the store's thread query runs."""
    if StoryId.written(thread_id):
        thread_id = store.story(thread_id).story.thread_id or thread_id
    detail = store.thread(thread_id)
    limits = current().coverage
    live = {s.story.id for s in detail.steps}
    linked_to: dict[str, str | None] = {}
    for step in detail.steps:
        linked = step.linked_story
        if linked is not None and linked not in live:  # merged since into another story of the thread
            linked = store.story(linked).story.id
        linked_to[step.story.id] = linked if linked != step.story.id else None  # (merged into this one since)
    names: dict[str, tuple[Entity, ...]] = {}
    shared: dict[str, tuple[str, ...]] = {}
    if explain:
        lead_of = {s.story.id: s.lead.id for s in detail.steps}
        with store.snapshot():
            for step in detail.steps[-MAX_EXPLAINED:]:
                linked = linked_to[step.story.id]
                if linked is None:
                    continue
                for sid in (step.story.id, linked):
                    if sid not in names:
                        lead = store.stored_article(lead_of[sid])
                        names[sid] = _names(lead["text"], lead["title"], lead["detected_language"])
                outlets = frozenset(o.lower() for d in detail.steps if d.story.id in (step.story.id, linked)
                                    for o in d.story.outlets)
                shared[step.story.id] = shared_names(names[step.story.id], names[linked], outlets,
                                                     limits.thread_shared_names)
    steps = []
    for index, step in enumerate(detail.steps):
        linked = linked_to[step.story.id]
        joined = "opened" if index == 0 else "linked" if linked is not None else "merged"
        summary = first_sentence(step.lead_text, step.lead.title, step.lead.language, limits.thread_summary_chars)
        steps.append(TimelineStep(step=step, summary=summary,
                                  article_ids=step.article_ids, linked_to=linked, joined=joined,
                                  shared_names=shared.get(step.story.id, ())))
    return ThreadReport(thread=detail.thread, steps=tuple(steps), merged_from=detail.merged_from)
