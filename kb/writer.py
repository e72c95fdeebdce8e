"""Rows of the store from one file's ingest result."""
from __future__ import annotations

from ingest.pipeline import DocumentResult, FileResult
from kb import store


def write_file_result(con, result: FileResult, taken_ids: set[str]) -> list[str]:
    """Insert a file's documents and all derived rows; returns problems (documents left out)."""
    problems = []
    kept = []
    for doc in result.documents:
        if doc.doc_id in taken_ids:
            problems.append(f"document id {doc.doc_id!r} is already used by another document; left out")
            continue
        taken_ids.add(doc.doc_id)
        kept.append(doc)
    store.insert(con, "documents", [_document_row(result.path, d) for d in kept])
    store.insert(con, "sections", [
        (d.doc_id, i, list(s.path), s.start, s.end) for d in kept for i, s in enumerate(d.document.sections)
    ])
    store.insert(con, "passages", [_passage_row(d, p) for d in kept for p in d.passages])
    store.insert(con, "mentions", [
        (m.concept_id, m.passage_id, d.doc_id, m.start, m.end, m.surface, m.method) for d in kept for m in d.mentions
    ])
    store.insert(con, "abbreviations", [(d.doc_id, *a) for d in kept for a in d.abbreviations])
    store.insert(con, "term_candidates", [(d.doc_id, t, n) for d in kept for t, n in d.candidates.items()])
    return problems


def _document_row(path: str, doc: DocumentResult) -> tuple:
    document = doc.document
    return (doc.doc_id, path, document.title, document.text, store.to_json(document.metadata))


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
