"""`kb stats`: what a built store holds."""
from __future__ import annotations

import json
from pathlib import Path

from medkb.store import database


def stats(lang: str, home: str | Path | None = None, top: int = 10) -> dict:
    """Counts per table, mentions per method, the most mentioned concepts and the last build."""
    with database.open_existing(lang, home) as con:
        build = database.require_build(con, lang)
        by_method = dict(con.execute("SELECT method, count(*) FROM mentions GROUP BY method ORDER BY method").fetchall())
        by_source = dict(con.execute("SELECT source, count(*) FROM concepts GROUP BY source ORDER BY source").fetchall())
        top_concepts = con.execute(
            """
            SELECT m.concept_id, any_value(l.text) FILTER (WHERE l.lang = ? AND l.kind IN ('preferred', 'discovered')),
                   count(DISTINCT (m.passage_id, m.start_char)) AS n
            FROM mentions m LEFT JOIN labels l USING (concept_id)
            GROUP BY m.concept_id ORDER BY n DESC, m.concept_id LIMIT ?
            """,
            [lang, top],
        ).fetchall()
        return {
            "lang": lang,
            "path": str(database.store_path(lang, home)),
            "tables": database.table_counts(con),
            "concepts_by_source": by_source,
            "mentions_by_method": by_method,
            "top_concepts": [{"concept_id": c, "label": label, "mentions": n} for c, label, n in top_concepts],
            "last_build": {
                "build_id": build["build_id"],
                "finished_at": build["finished_at"].isoformat(timespec="seconds"),
                "tool_version": build["tool_version"],
                "timings": json.loads(build["timings"]),
            },
        }
