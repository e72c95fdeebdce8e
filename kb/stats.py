"""`kb stats`: what a built store holds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from medkb.store import database
from medkb.store.results import Result
from medkb.store.schema import NAME_KINDS


@dataclass(frozen=True)
class MentionedConcept(Result):
    """One of the store's most mentioned concepts."""

    concept_id: str
    label: str | None  # its preferred (or discovered) label in the store's language, None if it has none
    mentions: int  # distinct places in passages that mention it


@dataclass(frozen=True)
class LastBuild(Result):
    """The store's latest build, as the `builds` table records it."""

    build_id: int
    finished_at: str  # ISO 8601, to the second
    tool_version: str  # the medkb version that built it
    timings: dict[str, float]  # seconds of each step


@dataclass(frozen=True)
class Stats(Result):
    """What `medkb.stats` (and `kb stats --json`) reports of a store."""

    lang: str
    path: str  # the store's file
    tables: dict[str, int]  # rows of each table
    concepts_by_source: dict[str, int]
    mentions_by_method: dict[str, int]
    top_concepts: list[MentionedConcept]  # most mentioned first
    last_build: LastBuild


def stats(lang: str, *, home: str | Path | None = None, top: int = 10) -> Stats:
    """Counts per table, mentions per method, the most mentioned concepts and the last build of a store.

    Args:
        lang: the store's language code (th, zh, ja, ko, sw, yo or en).
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
        top: how many of the most mentioned concepts to list.

    Returns:
        The store's `Stats`; `to_dict()` is what `kb stats --json` prints.

    Raises:
        UsageError: there is no `lang` store under `home`.
    """
    with database.open_existing(lang, home) as con:
        build = database.require_build(con, lang)
        by_method = dict(con.execute("SELECT method, count(*) FROM mentions GROUP BY method ORDER BY method").fetchall())
        by_source = dict(con.execute("SELECT source, count(*) FROM concepts GROUP BY source ORDER BY source").fetchall())
        top_concepts = con.execute(
            """
            SELECT m.concept_id, any_value(l.text) FILTER (WHERE l.lang = ? AND list_contains(?, l.kind)),
                   count(DISTINCT (m.passage_id, m.start_char)) AS n
            FROM mentions m LEFT JOIN labels l USING (concept_id)
            GROUP BY m.concept_id ORDER BY n DESC, m.concept_id LIMIT ?
            """,
            [lang, list(NAME_KINDS), top],
        ).fetchall()
        return Stats(
            lang=lang,
            path=str(database.store_path(lang, home)),
            tables=database.table_counts(con),
            concepts_by_source=by_source,
            mentions_by_method=by_method,
            top_concepts=[MentionedConcept(c, label, n) for c, label, n in top_concepts],
            last_build=LastBuild(build["build_id"], build["finished_at"].isoformat(timespec="seconds"), build["tool_version"], json.loads(build["timings"])),
        )
