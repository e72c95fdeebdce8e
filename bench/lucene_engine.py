"""The Lucene engine against bm25s on one store: `kb eval retrieve` quality and query time.

    python bench/lucene_engine.py --home HOME --queries QUERIES.jsonl [--lang en] [--mode bm25 --mode hybrid]

Run it in the lucene environment (README, "The Lucene engine"), on a store built with
`kb build --home HOME`. The store is copied beside itself (HOME-lucene) and indexed there with
`--engine lucene`; both indexes use the same BM25 parameters, the same embedder and the same
concept postings, so the engine is the only difference. Query time: `KnowledgeBase.search`,
k=10, median and p95 over TIMED queries, after WARMUP others (the JVM's compiler needs hundreds).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from pathlib import Path

from medkb.retrieve.index import ensure_index, index_dir
from medkb.retrieve.retrieval_eval import eval_retrieve, read_queries
from medkb.retrieve.searcher import KnowledgeBase
from medkb.store import database

WARMUP = 500
TIMED = 300


def lucene_copy(lang: str, home: Path) -> Path:
    """HOME-lucene: the same store, its index (vectors included) copied, then re-indexed with Lucene."""
    copy = home.with_name(home.name + "-lucene")
    if not (copy / database.store_path(lang, copy).name).exists():
        copy.mkdir(exist_ok=True)
        shutil.copyfile(database.store_path(lang, home), database.store_path(lang, copy))
        shutil.copytree(index_dir(lang, home), index_dir(lang, copy))  # its vectors are reused
    started = time.perf_counter()
    ensure_index(lang, copy, engine="lucene")
    print(f"lucene index of {copy}: {time.perf_counter() - started:.1f}s (0 if it was there)", flush=True)
    return copy


def query_times(lang: str, home: Path, queries: list[dict], mode: str) -> dict:
    with KnowledgeBase(lang, home=home) as kb:
        for q in queries[TIMED : TIMED + WARMUP]:
            kb.search(q["query"], k=10, mode=mode)
        times = []
        for q in queries[:TIMED]:
            started = time.perf_counter()
            kb.search(q["query"], k=10, mode=mode)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(0.95 * len(times))], 2), "timed": len(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--mode", action="append", help="bm25, hybrid or dense (repeatable; default bm25 and hybrid)")
    args = parser.parse_args()
    homes = {"bm25s": args.home, "lucene": lucene_copy(args.lang, args.home)}
    queries = read_queries(args.queries)
    for mode in args.mode or ["bm25", "hybrid"]:
        for engine, home in homes.items():
            quality = eval_retrieve(args.lang, queries=args.queries, home=home, mode=mode).to_dict()
            speed = query_times(args.lang, home, queries, mode)
            print(json.dumps({"engine": engine, "mode": mode, **{k: quality[k] for k in ("n", "mrr", "recall@10", "ndcg@10")}, **speed}), flush=True)


if __name__ == "__main__":
    main()
