"""Known translations for a language: what the aligner learns from.

Two sources: concepts of the language's store labelled both locally and in
English (the seed lexicon, terminologies given to `kb build`), and term pair
files. Files under evaluation are excluded by content, so a terminology built
into the store from the very file being measured cannot leak into the answer.
"""

from __future__ import annotations

import re
from pathlib import Path

from medkb.align.pairs import Pair, read_pairs
from medkb.store import database
from medkb.store.errors import InputError
from medkb.store.fingerprint import sha256_of
from medkb.store.languages import PIVOT
from medkb.store.schema import FULL_FORM_KINDS


def store_pairs(lang: str, home=None, exclude_sha256: frozenset[str] = frozenset()) -> list[Pair]:
    """(local label, English label) of every store concept that has both, but not from excluded files."""
    path = database.store_path(lang, home)
    if not path.exists():
        return []
    with database.connect(path, read_only=True) as con:
        excluded = [name for name, sha in con.execute("SELECT name, sha256 FROM terminologies").fetchall() if sha in exclude_sha256]
        rows = con.execute(
            """
            SELECT DISTINCT l.text, e.text FROM labels l JOIN labels e USING (concept_id)
            JOIN concepts c USING (concept_id)
            WHERE l.lang = $lang AND e.lang = $pivot AND list_contains($kinds, l.kind) AND list_contains($kinds, e.kind)
              AND c.source NOT IN (SELECT unnest($excluded::VARCHAR[]))
            ORDER BY 1, 2
            """,
            {"lang": lang, "pivot": PIVOT, "kinds": list(FULL_FORM_KINDS), "excluded": excluded},
        ).fetchall()
    return [Pair(local, english) for local, english in rows if local != english]


def file_pairs(paths: list[Path], exclude_sha256: frozenset[str] = frozenset()) -> list[Pair]:
    pairs: list[Pair] = []
    for path in paths:
        if sha256_of(path) not in exclude_sha256:
            pairs += read_pairs(path)
    return pairs


def sibling_pair_files(lang: str, folders: list[Path]) -> list[Path]:
    """Pair files of the language beside the given ones (`th_tico_dev.tsv` for th)."""
    pattern = re.compile(rf"^{re.escape(lang)}_.+\.tsv$")
    found = {p.resolve() for folder in folders for p in Path(folder).glob("*.tsv") if pattern.match(p.name)}
    return sorted(p for p in found if _has_pair_columns(p))


def _has_pair_columns(path: Path) -> bool:
    try:
        return bool(read_pairs(path))
    except InputError:
        return False
