"""Concepts from a generic terminology TSV or the seed lexicon."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from medkb.ingest.terms.cells import clean
from medkb.ingest.terms.columns import LabelColumn, TableLayout, table_layout
from medkb.ingest.terms.concepts import ConceptCollector, add_code, add_label
from medkb.ingest.terms.naming import namespace
from medkb.ingest.terms.slugs import term_slug
from medkb.ingest.terms.terminology import Terminology
from medkb.ingest.terms.tsv import Row
from medkb.store.errors import InputError
from medkb.store.records import Concept

SEED_SOURCE = "seed"

RowKey = Callable[[int, list[str]], str]


def read_table(path: Path, header: list[str], rows: Iterator[Row], lang: str | None) -> Terminology:
    """One Concept per id, or per English term when the file has no id column."""
    layout = table_layout(path, header, lang)
    source = SEED_SOURCE if layout.is_lexicon else namespace(path)
    row_key = _row_key(path, layout)
    collector = ConceptCollector(source)
    for line, cells in rows:
        _add_row(collector.concept(row_key(line, cells)), layout, cells)
    return Terminology(name=source, path=str(path), concepts=collector.concepts())


def _add_row(concept: Concept, layout: TableLayout, cells: list[str]) -> None:
    for column in layout.label_columns:
        for text, kind in column.read(cells[column.index]):
            add_label(concept, column.lang, text, kind)
    for system, index in layout.code_columns.items():
        add_code(concept, system, cells[index])
    if layout.type_index is not None and not concept.semantic_type:
        concept.semantic_type = clean(cells[layout.type_index]) or ""


def _row_key(path: Path, layout: TableLayout) -> RowKey:
    if layout.id_index is not None:
        return _id_key(path, layout.id_index)
    english = layout.english_column()
    if english is None:
        raise InputError(
            path,
            "no id column (id, concept_id, code) and no English term column (en_term, en_label, en) to derive ids from",
        )
    return _english_key(path, english, namespace(path))


def _id_key(path: Path, index: int) -> RowKey:
    def key(line: int, cells: list[str]) -> str:
        concept_id = clean(cells[index])
        if concept_id is None:
            raise InputError(path, f"line {line}: the id cell is empty")
        return concept_id

    return key


def _english_key(path: Path, english: LabelColumn, prefix: str) -> RowKey:
    # Ids of the form namespace:slug, so pair files of one terminology in
    # different languages share concepts (th_tico_dev and en_tico both give tico:...).
    def key(line: int, cells: list[str]) -> str:
        texts = english.read(cells[english.index])
        if not texts:
            raise InputError(path, f"line {line}: the English term is empty")
        return f"{prefix}:{term_slug(texts[0][0])}"

    return key
