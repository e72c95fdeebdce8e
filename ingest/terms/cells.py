"""How one TSV cell becomes labels, as (text, kind) pairs."""

from __future__ import annotations

from collections.abc import Callable, Iterable

LabelTexts = list[tuple[str, str]]
CellReader = Callable[[str], LabelTexts]

MISSING = frozenset({"", "NA"})


def single_label(cell: str) -> LabelTexts:
    """The whole cell is one label; a `|` in it is part of the label."""
    return _ranked([cell])


def variant_labels(cell: str) -> LabelTexts:
    """Google TICO puts two local variants in one cell as `A : B`."""
    return _ranked(cell.split(" : "))


def listed_labels(cell: str) -> LabelTexts:
    """A `|`-separated list, preferred label first (the seed lexicon)."""
    return _ranked(cell.split("|"))


def synonym_labels(cell: str) -> LabelTexts:
    """A `|`-separated list of synonyms."""
    return [(text, "synonym") for text, _ in _ranked(cell.split("|"))]


def clean(cell: str) -> str | None:
    """The cell without surrounding whitespace, or None when it holds no value."""
    text = cell.strip()
    return None if text in MISSING else text


def _ranked(parts: Iterable[str]) -> LabelTexts:
    texts = [text for text in map(clean, parts) if text is not None]
    return [(text, "preferred" if rank == 0 else "synonym") for rank, text in enumerate(texts)]
