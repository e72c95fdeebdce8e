"""Term pair files (a local and an English column) and English candidate lists, as TSV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from medkb.ingest.terms.textfile import read_text
from medkb.ingest.terms.tsv import split_tsv
from medkb.store.errors import InputError

LOCAL_COLUMNS = ("local_label", "local_term")
ENGLISH_COLUMNS = ("en_label", "en_term")
CANDIDATE_COLUMNS = ("label", "en_term", "en_label")


@dataclass(frozen=True)
class Pair:
    local: str
    english: str


def read_pairs(path: str | Path) -> list[Pair]:
    """Pairs from a TSV whose header names a local column and an English column.

    The local column is `local_label`, `local_term` or `<lang>_label` (as in
    ja_nando_dev.tsv); the English one is `en_label` or `en_term`.
    """
    path = Path(path)
    header, rows = _table(path)
    local = _column(path, header, [*LOCAL_COLUMNS, *(h for h in header if h.endswith("_label") and h not in ("en_label", "label"))], "local")
    english = _column(path, header, ENGLISH_COLUMNS, "English")
    pairs = [Pair(cells[local].strip(), cells[english].strip()) for _, cells in rows]
    return [pair for pair in pairs if pair.local and pair.english]


def read_candidates(path: str | Path) -> list[str]:
    """The distinct English candidates of a TSV's `label`, `en_term` or `en_label` column, in file order."""
    path = Path(path)
    header, rows = _table(path)
    column = _column(path, header, CANDIDATE_COLUMNS, "English candidate")
    candidates = dict.fromkeys(cells[column].strip() for _, cells in rows)
    candidates.pop("", None)
    if not candidates:
        raise InputError(path, "no English candidates")
    return list(candidates)


def _table(path: Path):
    if not path.is_file():
        raise InputError(path, "no such file")
    return split_tsv(path, read_text(path))


def _column(path: Path, header: list[str], names, role: str) -> int:
    for name in names:
        if name in header:
            return header.index(name)
    raise InputError(path, f"no {role} column: the header has {', '.join(header)}; expected one of {', '.join(dict.fromkeys(names))}")
