"""A thread as a timeline: each story (event) in time order, what happened at that step, and
why it was linked to the thread (the earlier story it was linked to, the names they share).

The step's one-line summary is the first content sentence of its first report; the shared
names are the named entities of the two stories' first reports (``analyze.entities``: spaCy
for English, capitalised names elsewhere) matched spelling-insensitively, as the thread
rule's own evidence weighs names, less the outlets' own names (a wire's tag is no actor).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import regex

from storylens.analyze.entities import entities_match, extract_entities
from storylens.analyze.sentences import split_paragraphs, split_sentences
from storylens.article import Entity
from storylens.store.base import Store, Thread, ThreadStory, _jsonable

MAX_SHARED = 8  # names listed per link
MAX_EXPLAINED = 50  # links whose shared names are found (the latest): each reads two first reports through NER
SUMMARY_CHARS = 240


@dataclass(frozen=True)
class ThreadStep:
    """One step of the timeline."""

    step: ThreadStory
    summary: str  # what happened: the first sentence of the step's first report
    article_ids: tuple[str, ...]
    linked_to: str | None  # the story of the thread this one was linked to (as it is now), None for the first
    shared_names: tuple[str, ...]  # names this step's first report shares with the linked story's

    def to_dict(self) -> dict[str, Any]:
        s = self.step.story
        return {"id": s.id, "title": s.title, "first_published": _jsonable(s.first_published),
                "last_published": _jsonable(s.last_published), "languages": list(s.languages),
                "outlets": list(s.outlets), "reports": s.reports, "copies": s.copies,
                "articles": list(self.article_ids), "summary": self.summary,
                "linked_to": self.linked_to, "link_score": self.step.link_score,
                "shared_names": list(self.shared_names)}


@dataclass(frozen=True)
class ThreadReport:
    thread: Thread
    steps: tuple[ThreadStep, ...]
    merged_from: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.thread.to_dict(), "story_count": self.thread.stories, "merged_from": list(self.merged_from),
                "stories": [s.to_dict() for s in self.steps]}


def _names(text: str, title: str, language: str) -> tuple[Entity, ...]:
    return extract_entities(split_sentences(split_paragraphs(text, title), language), language)


def shared_names(a: tuple[Entity, ...], b: tuple[Entity, ...], outlets: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Names of ``a`` that ``b`` also has (in any spelling), most mentioned first; none that
    is part of an outlet's name (``outlets``, lower case)."""
    return tuple(e.name for e in a if not any(e.name.lower() in o for o in outlets)
                 and any(entities_match(e, o) for o in b))[:MAX_SHARED]


# A wire dateline opening the first sentence: "NORTHBRIDGE, March 27 (CPA) - ", "PARIS (AFP) — ".
_DATELINE = regex.compile(r"^\p{Lu}[\p{Lu}\p{M} .'’-]{1,40}(?:,[^-–—()\n]{1,30})?(?:\s*\([^()\n]{1,40}\))?\s*[-–—]+\s+(?=\p{Lu})")


def first_sentence(text: str, title: str, language: str) -> str:
    """What a step reports, in one line: its first report's first content sentence, without
    the wire's dateline."""
    sentences = split_sentences(split_paragraphs(text, title), language)
    line = _DATELINE.sub("", sentences[0].text) if sentences else title
    return line if len(line) <= SUMMARY_CHARS else line[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


def thread_report(store: Store, thread_id: str, explain: bool = True) -> ThreadReport:
    """The timeline of a thread (``thread_id``, or a story id: that story's thread);
    ``explain``: with the names each of the latest ``MAX_EXPLAINED`` links shares."""
    if thread_id.startswith("s"):
        thread_id = store.story(thread_id).story.thread_id or thread_id
    detail = store.thread(thread_id)
    explained = {s.story.id for s in detail.steps[-MAX_EXPLAINED:]} if explain else set()
    texts: dict[str, tuple[str, str, str]] = {}
    names: dict[str, tuple[Entity, ...]] = {}
    members: dict[str, tuple[str, ...]] = {}
    with store.snapshot():
        for step in detail.steps:
            lead = store.stored_article(step.lead.id)
            texts[step.story.id] = (lead["text"], lead["title"], lead["detected_language"])
            members[step.story.id] = tuple(m.id for m in store.story(step.story.id).members)
    live = {step.story.id for step in detail.steps}
    steps = []
    for step in detail.steps:
        text, title, language = texts[step.story.id]
        shared: tuple[str, ...] = ()
        linked = step.linked_story
        if linked is not None and linked not in live:  # merged since into another story of the thread
            linked = store.story(linked).story.id
        if step.story.id in explained and linked is not None:
            for sid in (step.story.id, linked):
                if sid not in names and sid in texts:
                    names[sid] = _names(*texts[sid])
            if linked in names:
                outlets = frozenset(o.lower() for d in detail.steps if d.story.id in (step.story.id, linked)
                                    for o in d.story.outlets)
                shared = shared_names(names[step.story.id], names[linked], outlets)
        steps.append(ThreadStep(step=step, summary=first_sentence(text, title, language),
                                article_ids=members[step.story.id], linked_to=linked, shared_names=shared))
    return ThreadReport(thread=detail.thread, steps=tuple(steps), merged_from=detail.merged_from)
