"""`kb eval retrieve`: document-level MRR, recall@1/5/10 and nDCG@10 over a JSONL of queries.

Each line: {"qid": ..., "query": ..., "relevant": [doc_id, ...]}, optionally with
"grades": {doc_id: gain} (default gain 1 for each relevant document) and "lang"
(else the query's language is guessed from its script). A document ranks where
its best passage ranks, among the documents of the first DEPTH passages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from pathlib import Path

from medkb.retrieve.searcher import KnowledgeBase
from medkb.store.errors import InputError
from medkb.store.jsonl import json_objects
from medkb.store.results import FLATTENED, OMITTED_IF_NONE, Result, json_name

DEPTH = 100  # passages searched per query


@dataclass(frozen=True)
class RetrievalMetrics(Result):
    """Document-level metrics of one query's ranking, or their means over the queries."""

    mrr: float  # reciprocal rank of the first relevant document
    recall_at_1: float = field(metadata=json_name("recall@1"))  # share of the relevant documents in the first one
    recall_at_5: float = field(metadata=json_name("recall@5"))
    recall_at_10: float = field(metadata=json_name("recall@10"))
    ndcg_at_10: float = field(metadata=json_name("ndcg@10"))  # gains from "grades" (default 1), discounted by log2 of the rank

    @classmethod
    def mean(cls, rows: list[RetrievalMetrics]) -> RetrievalMetrics:
        """Each metric's mean over the rows, to 4 decimals."""
        return cls(*(round(sum(getattr(r, f.name) for r in rows) / len(rows), 4) for f in fields(cls)))


@dataclass(frozen=True)
class QueryEvaluation(Result):
    """One query's metrics (`kb eval retrieve --per-query`)."""

    qid: str
    metrics: RetrievalMetrics = field(metadata=FLATTENED)


@dataclass(frozen=True)
class RetrievalEvaluation(Result):
    """What `medkb.eval_retrieve` (and `kb eval retrieve --json`) reports."""

    lang: str
    queries: str  # the queries file
    mode: str
    embedder: str | None  # the index's passage embedder (None: BM25 and concepts only)
    n: int  # queries searched
    metrics: RetrievalMetrics = field(metadata=FLATTENED)  # means over the queries
    per_query: list[QueryEvaluation] | None = field(default=None, metadata=OMITTED_IF_NONE)  # with per_query=True


def read_queries(path: str | Path) -> list[dict]:
    queries = []
    for number, query in json_objects(path, "queries"):
        if not isinstance(query.get("query"), str) or not query["query"].strip():
            raise InputError(path, f'line {number} has no "query" text')
        relevant = query.get("relevant")
        if not isinstance(relevant, list) or not relevant:
            raise InputError(path, f'line {number} has no "relevant" list of doc_ids')
        queries.append(
            {
                "qid": str(query.get("qid", number)),
                "query": query["query"],
                "relevant": [str(d) for d in relevant],
                "grades": {str(k): float(v) for k, v in (query.get("grades") or {}).items()},
                "lang": query.get("lang"),
            }
        )
    return queries


def eval_retrieve(
    lang: str,
    *,
    queries: str | Path,
    home: str | Path | None = None,
    mode: str = "hybrid",
    embedder: str | None = "auto",
    per_query: bool = False,
    expand: bool | None = None,
) -> RetrievalEvaluation:
    """Mean document-level metrics of searching the `lang` store with every query of a JSONL file.

    Args:
        lang: the language code of the store to search.
        queries: JSONL, one query a line: {"qid", "query", "relevant": [doc_id, ...]}, optionally
            "grades" ({doc_id: gain}) and "lang" (the query's language; default: guessed).
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
        mode: hybrid (BM25 + dense + concepts, fused), bm25 or dense.
        embedder: the passage embedder, as in `medkb.open`.
        per_query: also give every query's metrics.
        expand: concept expansion, as in `KnowledgeBase.search` (default: on in hybrid mode).

    Returns:
        The `RetrievalEvaluation`; `to_dict()` is what `kb eval retrieve --json` prints.

    Raises:
        InputError: the queries file cannot be read, or a line is not a query.
        UsageError: no `lang` store, or a search it refuses (an unknown mode...).
    """
    questions = read_queries(queries)
    rows = []
    with KnowledgeBase(lang, home=home, embedder=embedder) as kb:
        for q in questions:
            hits = kb.search(q["query"], k=DEPTH, mode=mode, query_lang=q["lang"], expand=expand)
            ranking = list(dict.fromkeys(hit.doc_id for hit in hits))
            rows.append(QueryEvaluation(q["qid"], _metrics(ranking, q["relevant"], q["grades"])))
        embedder_name = kb.embedder
    return RetrievalEvaluation(
        lang=lang,
        queries=str(queries),
        mode=mode,
        embedder=embedder_name,
        n=len(rows),
        metrics=RetrievalMetrics.mean([row.metrics for row in rows]),
        per_query=rows if per_query else None,
    )


def _metrics(ranking: list[str], relevant: list[str], grades: dict[str, float]) -> RetrievalMetrics:
    relevant_set = set(relevant)
    first = next((i for i, doc in enumerate(ranking, start=1) if doc in relevant_set), None)
    gain = {doc: grades.get(doc, 1.0) for doc in relevant_set} | grades
    dcg = sum(gain.get(doc, 0.0) / math.log2(i + 1) for i, doc in enumerate(ranking[:10], start=1))
    ideal = sum(g / math.log2(i + 1) for i, g in enumerate(sorted(gain.values(), reverse=True)[:10], start=1))

    def recall(k: int) -> float:
        return len(relevant_set & set(ranking[:k])) / len(relevant_set)

    return RetrievalMetrics(
        mrr=1 / first if first else 0.0,
        recall_at_1=recall(1),
        recall_at_5=recall(5),
        recall_at_10=recall(10),
        ndcg_at_10=dcg / ideal if ideal > 0 else 0.0,
    )
