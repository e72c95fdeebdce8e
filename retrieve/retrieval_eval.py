"""`kb eval retrieve`: document-level MRR, recall@1/5/10 and nDCG@10 over a JSONL of queries.

Each line: {"qid": ..., "query": ..., "relevant": [doc_id, ...]}, optionally with
"grades": {doc_id: gain} (default gain 1 for each relevant document) and "lang"
(else the query's language is guessed from its script). A document ranks where
its best passage ranks, among the documents of the first DEPTH passages.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from medkb.retrieve.searcher import KnowledgeBase
from medkb.store.errors import InputError
from medkb.store.jsonl import json_objects

DEPTH = 100  # passages searched per query
RECALL_AT = (1, 5, 10)


def read_queries(path: str | Path) -> list[dict]:
    queries = []
    for number, query in json_objects(path, "queries"):
        if not isinstance(query.get("query"), str) or not query["query"].strip():
            raise InputError(path, f"line {number} has no \"query\" text")
        relevant = query.get("relevant")
        if not isinstance(relevant, list) or not relevant:
            raise InputError(path, f"line {number} has no \"relevant\" list of doc_ids")
        queries.append({"qid": str(query.get("qid", number)), "query": query["query"], "relevant": [str(d) for d in relevant],
                        "grades": {str(k): float(v) for k, v in (query.get("grades") or {}).items()}, "lang": query.get("lang")})
    return queries


def eval_retrieve(
    lang: str, queries: str | Path, home=None, mode: str = "hybrid", embedder: str | None = "auto",
    per_query: bool = False, expand: bool | None = None,
) -> dict:
    """Mean document-level metrics of searching the `lang` store with every query (the Python side of
    `kb eval retrieve`); `expand` as in KnowledgeBase.search."""
    questions = read_queries(queries)
    rows = []
    with KnowledgeBase(lang, home, embedder) as kb:
        for q in questions:
            hits = kb.search(q["query"], k=DEPTH, mode=mode, query_lang=q["lang"], expand=expand)
            ranking = list(dict.fromkeys(hit.doc_id for hit in hits))
            rows.append({"qid": q["qid"], **_metrics(ranking, q["relevant"], q["grades"])})
        embedder_name = kb.embedder
    names = [name for name in rows[0] if name != "qid"]
    result: dict[str, Any] = {"lang": lang, "queries": str(queries), "mode": mode, "embedder": embedder_name, "n": len(rows)}
    result |= {name: round(sum(r[name] for r in rows) / len(rows), 4) for name in names}
    if per_query:
        result["per_query"] = rows
    return result


def _metrics(ranking: list[str], relevant: list[str], grades: dict[str, float]) -> dict:
    relevant_set = set(relevant)
    first = next((i for i, doc in enumerate(ranking, start=1) if doc in relevant_set), None)
    metrics = {"mrr": 1 / first if first else 0.0}
    for k in RECALL_AT:
        metrics[f"recall@{k}"] = len(relevant_set & set(ranking[:k])) / len(relevant_set)
    gain = {doc: grades.get(doc, 1.0) for doc in relevant_set} | grades
    dcg = sum(gain.get(doc, 0.0) / math.log2(i + 1) for i, doc in enumerate(ranking[:10], start=1))
    ideal = sum(g / math.log2(i + 1) for i, g in enumerate(sorted(gain.values(), reverse=True)[:10], start=1))
    metrics["ndcg@10"] = dcg / ideal if ideal > 0 else 0.0
    return metrics
