"""How the SQLite store's rows are written and read back: dates, key sets, the story row.

Shared by ``sqlite.py`` (the store) and the query modules (``queries.py``,
``thread_queries.py``), which import this module and never the store's.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone

from storylens.store.base import Story
from storylens.records import CopyOf

ANALYSIS_VERSION = 4  # bump when analysis changes what it produces: stored analyses are then redone
# (2: quote confidences kept; speakers found with the article language's verbs of saying; 3: entity types and
# names; 4: speakers named inside the marks or by the sentence of reported speech before, places never speakers)
SEP = "\x1f"  # between the members of a stored set
IDS_PER_QUERY = 500  # ids bound in one IN (...) list: under the 999 variables of older SQLite builds


def read_date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def utc_text(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, so that dates from any offset sort and compare as text."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat()


def copy_row(of: str | None, kind: str | None, overlap: float | None) -> CopyOf | None:
    """The stored columns ``duplicate_of, duplicate_kind, overlap`` as a ``CopyOf``."""
    return CopyOf(of, kind or "exact", overlap) if of else None


def split_set(value: str) -> frozenset[str]:
    """A stored set of keys, numbers or stems; interned, as they recur across articles."""
    return frozenset(map(sys.intern, value.split(SEP))) if value else frozenset()


STORY_SQL = """
    SELECT s.id, s.title, COUNT(a.rowid), SUM(a.duplicate_of IS NULL), SUM(a.duplicate_of IS NOT NULL),
           json_group_array(DISTINCT a.language), json_group_array(DISTINCT a.outlet), MIN(a.published),
           MAX(a.published), s.updated_at, s.thread_id
    FROM stories s JOIN articles a ON a.story_id = s.id
    WHERE s.merged_into IS NULL {where}
    GROUP BY s.id {having}
    ORDER BY s.updated_at DESC, s.seq DESC
"""


def story_row(row: tuple) -> Story:
    """A ``Story`` from a row of ``STORY_SQL``."""
    return Story(id=row[0], title=row[1], articles=row[2], reports=row[3], copies=row[4],
                 languages=tuple(sorted(v for v in json.loads(row[5]) if v)),
                 outlets=tuple(sorted(v for v in json.loads(row[6]) if v)),
                 first_published=read_date(row[7]), last_published=read_date(row[8]), updated_at=row[9],
                 thread_id=row[10])


# The ids whose member articles ``m`` meet a condition (``{cond}``), for stories and threads.
STORY_MEMBERS = "SELECT m.story_id FROM articles m WHERE {cond}"
THREAD_MEMBERS = "SELECT s2.thread_id FROM stories s2 JOIN articles m ON m.story_id = s2.id WHERE {cond}"


def filtered(template: str, alias: str, members: str, *, language: str | None = None, outlet: str | None = None,
             since: datetime | None = None, until: datetime | None = None, q: str | None = None) -> tuple[str, list]:
    """``template`` (a query over ``alias``, a story ``s`` or thread ``t``, joined to its
    articles ``a``, with ``{where}`` and ``{having}`` to fill) with its filters, and its parameters.

    ``language``/``outlet``: a member article has it; ``since``/``until``: the publication
    span overlaps the range; ``q``: each word occurs in the title or a member's title.
    ``outlet`` and ``q`` compare with the SQL function ``casefold`` (``store.queries.prepare``).
    """
    where, having, params, having_params = [], [], [], []
    if language:
        where.append(f"{alias}.id IN ({members.format(cond='m.language = ?')})")
        params.append(language.lower())
    if outlet:
        where.append(f"{alias}.id IN ({members.format(cond='casefold(m.outlet) = ?')})")
        params.append(outlet.casefold())
    for word in (q or "").split():
        where.append(f"(instr(casefold({alias}.title), ?) > 0 OR {alias}.id IN "
                     f"({members.format(cond='instr(casefold(m.title), ?) > 0')}))")
        params += [word.casefold()] * 2
    if since:
        having.append("MAX(a.published) >= ?")
        having_params.append(utc_text(since))
    if until:
        having.append("MIN(a.published) <= ?")
        having_params.append(utc_text(until))
    sql = template.format(where="".join(f" AND {w}" for w in where),
                          having="HAVING " + " AND ".join(having) if having else "")
    return sql, [*params, *having_params]


def story_query(**filters) -> tuple[str, list]:
    """The live-story query (most recently updated first) with ``filtered``'s filters."""
    return filtered(STORY_SQL, "s", STORY_MEMBERS, **filters)


def follow_merges(conn, table: str, ident: str) -> str | None:
    """The id that ``ident`` of ``table`` (``stories`` or ``threads``) leads to through
    ``merged_into``: itself when never merged; None when there is no such row."""
    seen = set()
    while True:
        row = conn.execute(f"SELECT merged_into FROM {table} WHERE id = ?", (ident,)).fetchone()
        if row is None:
            return None
        if row[0] is None or ident in seen:
            return ident
        seen.add(ident)
        ident = row[0]
