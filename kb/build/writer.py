"""Rows of the store from one file's ingest result."""

from __future__ import annotations

from medkb.ingest.pipeline import DocumentResult, FileResult
from medkb.store import database
from medkb.store.schema import PER_DOCUMENT


def write_file_result(con, result: FileResult, taken_ids: set[str]) -> list[str]:
    """Insert a file's documents and all derived rows; returns problems (documents left out)."""
    problems = []
    kept = []
    for doc in result.documents:
        if doc.doc_id in taken_ids:
            problems.append(collision_problem(doc.doc_id))
            continue
        taken_ids.add(doc.doc_id)
        kept.append(doc)
    for table, rows in table_rows(result.path, kept).items():
        database.insert(con, table, rows)
    return problems


def collision_problem(doc_id: str) -> str:
    """Why a document is left out: the first file (in corpus order) to use an id keeps it."""
    return f"document id {doc_id!r} is already used by another document; left out"


def table_rows(path: str, documents: list[DocumentResult]) -> dict[str, list[tuple]]:
    """Each per-document table's rows for `documents`, in their order."""
    rows: dict[str, list[tuple]] = {table: [] for table in PER_DOCUMENT}
    for doc in documents:
        for table, doc_rows in document_rows(path, doc).items():
            rows[table] += doc_rows
    return rows


def document_rows(path: str, doc: DocumentResult) -> dict[str, list[tuple]]:
    """One document's rows of each per-document table."""
    return {
        "documents": [_document_row(path, doc)],
        "sections": [(doc.doc_id, i, list(s.path), s.start, s.end) for i, s in enumerate(doc.document.sections)],
        "passages": [_passage_row(doc, p) for p in doc.passages],
        "mentions": [(m.concept_id, m.passage_id, doc.doc_id, m.start, m.end, m.surface, m.method) for m in doc.mentions],
        "abbreviations": [(doc.doc_id, *a) for a in doc.abbreviations],
        "term_candidates": [(doc.doc_id, t, n) for t, n in doc.candidates.items()],
    }


def _document_row(path: str, doc: DocumentResult) -> tuple:
    document = doc.document
    return (doc.doc_id, path, document.title, document.text, database.to_json(document.metadata))


def _passage_row(doc: DocumentResult, passage) -> tuple:
    return (
        passage.passage_id,
        doc.doc_id,
        passage.ordinal,
        list(passage.section_path),
        passage.start,
        passage.end,
        passage.text,
        list(passage.tokens),
        list(passage.token_starts),
        list(passage.token_ends),
    )
