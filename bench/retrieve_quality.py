"""Retrieval quality on the development queries: MRR and recall@5 of bm25, dense and hybrid search.

    python bench/retrieve_quality.py [--data ../shared/data] [--work DIR] [--embedders e5 use] [--json out.json]

The queries (made by bench/retrieve_queries.py) are the Japanese and the English labels of the NANDO
classes of the dev half (`ja_nando_dev.tsv`), each against the MHLW documents filed under it, in the
ja_nando corpus. Two stores of that corpus, in WORK/<setting>/:

- `terminology`: built with `ja_nando_dev.tsv` as a terminology, the setting of a user who holds the
  terminology of their documents: a query's concept is in the store, with its English label;
- `seed`: built with the seed lexicon only: what search does with no terminology of these diseases.

Both are aligned to the embedded English store (`kb align`), through which English queries find
their concepts when the Japanese store has no English label for them. Every store is indexed once
per embedder; the `seed` index takes the passage vectors of the `terminology` one (same texts).
Modes: bm25, dense, hybrid (BM25 + dense + concepts, fused by RRF) and hybrid without concept
expansion. Last, the passages embedded per second by each embedder, in one process. Everything
is built on the first run and kept in WORK (default: a folder under the system temp dir), so a
second run only searches.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from retrieve_queries import nando_queries  # noqa: E402

SETTINGS = {"terminology": ["terms/ja_nando_dev.tsv"], "seed": []}
MODES = {"bm25": ("bm25", None), "dense": ("dense", None), "hybrid, no expansion": ("hybrid", False), "hybrid": ("hybrid", True)}
METRICS = ("mrr", "recall@5")


def prepare(data: Path, work: Path, embedders: list[str]) -> dict[str, Path]:
    """The query files, and each setting's ja store (aligned to English), with an index per embedder."""
    from medkb.align.store_alignment import align
    from medkb.kb.build.builder import build
    from medkb.retrieve.index import build_index, index_dir
    from medkb.store import database

    queries = {}
    for lang, rows in nando_queries(data).items():
        queries[lang] = work / f"ja_nando_{lang}.jsonl"
        queries[lang].write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for setting, terms in SETTINGS.items():
        home = work / setting
        if not database.store_path("ja", home).exists():
            _log(f"building the {setting} stores")
            build("en", home=home, embedder=None)
            build("ja", corpus=[data / "corpora" / "ja_nando"], terms=[data / t for t in terms], home=home, embedder=None)
            align("ja", home=home)
        for embedder in embedders:
            saved = work / "indexes" / f"{setting}-{embedder}"
            if not saved.exists():
                donor = work / "indexes" / f"terminology-{embedder}"
                if donor.exists():  # same passage texts: its vectors are reused, not recomputed
                    shutil.rmtree(index_dir("ja", home), ignore_errors=True)
                    shutil.copytree(donor, index_dir("ja", home))
                _log(f"indexing {setting} with {embedder}")
                build_index("ja", home, embedder)
                shutil.copytree(index_dir("ja", home), saved)
    return queries


def evaluate(work: Path, queries: dict[str, Path], embedders: list[str]) -> list[dict]:
    from medkb.retrieve.index import index_dir
    from medkb.retrieve.retrieval_eval import eval_retrieve

    rows = []
    for setting in SETTINGS:
        home = work / setting
        for embedder in embedders:
            shutil.rmtree(index_dir("ja", home), ignore_errors=True)
            shutil.copytree(work / "indexes" / f"{setting}-{embedder}", index_dir("ja", home))
            for label, (mode, expand) in MODES.items():
                if mode == "bm25" and embedder != embedders[0]:
                    continue  # the same with every embedder
                for query_lang, path in queries.items():
                    started = time.perf_counter()
                    result = eval_retrieve("ja", queries=path, home=home, mode=mode, embedder=embedder, expand=expand).to_dict()
                    result |= {"setting": setting, "mode_label": label, "query_lang": query_lang, "seconds": round(time.perf_counter() - started, 1)}
                    rows.append(result)
                    _log(f"{setting} {embedder} {label} {query_lang}: mrr {result['mrr']:.3f}")
    return rows


def table(rows: list[dict], embedders: list[str]) -> str:
    lines = ["| store | embedder | mode | ja queries: MRR / R@5 | en queries: MRR / R@5 | en / ja MRR |", "|---|---|---|---:|---:|---:|"]
    for setting in SETTINGS:
        for embedder in embedders:
            for label in MODES:
                cells = {
                    r["query_lang"]: r for r in rows if r["setting"] == setting and r["mode_label"] == label and (r["embedder"] == embedder or label == "bm25")
                }
                if not cells or (label == "bm25" and embedder != embedders[0]):
                    continue
                shown = "-" if label == "bm25" else embedder
                ja, en = cells["ja"], cells["en"]
                ratio = en["mrr"] / ja["mrr"] if ja["mrr"] else 0.0
                lines.append(f"| {setting} | {shown} | {label} | {_cell(ja)} | {_cell(en)} | {ratio:.0%} |")
    n = {r["query_lang"]: r["n"] for r in rows}
    lines.append("")
    lines.append(f"{n.get('ja')} Japanese and {n.get('en')} English queries; hybrid minus the better of bm25 and dense (MRR points):")
    lines.append("")
    lines.append("| store | embedder | ja queries | en queries |")
    lines.append("|---|---|---:|---:|")
    for setting in SETTINGS:
        for embedder in embedders:
            gains = []
            for query_lang in ("ja", "en"):
                hybrid, bm25, dense = (_mrr(rows, setting, embedder, query_lang, label) for label in ("hybrid", "bm25", "dense"))
                gains.append(f"{100 * (hybrid - max(bm25, dense)):+.1f}")
            lines.append(f"| {setting} | {embedder} | {gains[0]} | {gains[1]} |")
    return "\n".join(lines)


def _mrr(rows: list[dict], setting: str, embedder: str, query_lang: str, label: str) -> float:
    """The MRR of one cell; bm25 does not depend on the embedder."""
    return next(
        r["mrr"]
        for r in rows
        if r["setting"] == setting and r["mode_label"] == label and r["query_lang"] == query_lang and (r["embedder"] == embedder or label == "bm25")
    )


def embedding_rates(work: Path, embedders: list[str], n: int = 256) -> str:
    """Passages embedded per second by each embedder, on the first n passages of the corpus, in this process."""
    from medkb.retrieve.embedding import encode_passages
    from medkb.store import database

    with database.open_existing("ja", work / "terminology") as con:
        texts = [row[0] for row in con.execute("SELECT text FROM passages ORDER BY passage_id LIMIT ?", [n]).fetchall()]
    rates = []
    for embedder in embedders:
        encode_passages(embedder, texts[:8])  # load the model outside the timing
        started = time.perf_counter()
        encode_passages(embedder, texts)
        rates.append(f"{embedder} {len(texts) / (time.perf_counter() - started):.1f}")
    return f"Passages embedded per second ({len(texts)} ja_nando passages): " + ", ".join(rates)


def _cell(result: dict) -> str:
    return " / ".join(f"{result[m]:.3f}" for m in METRICS)


def _log(message: str) -> None:
    print(f"<!-- {message} -->", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "medkb-retrieve-quality")
    parser.add_argument("--embedders", nargs="+", default=["e5", "use"])
    parser.add_argument("--json", type=Path, help="also write every eval_retrieve result here")
    parser.add_argument("--embedding-rate-only", action="store_true", help="only time passage embedding")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    queries = prepare(args.data, args.work, args.embedders)
    if args.embedding_rate_only:
        print(embedding_rates(args.work, args.embedders))
        return
    rows = evaluate(args.work, queries, args.embedders)
    print(table(rows, args.embedders))
    print()
    print(embedding_rates(args.work, args.embedders))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
