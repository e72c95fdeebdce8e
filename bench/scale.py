"""Build and search at scale: ingest with 1 and N workers and on Dask, bm25s against Lucene, ANN against exact.

    python bench/scale.py [--sizes 100000 1000000] [--workers 2] [--steps builds engines dense] [--work DIR] [--json PATH]

For each size, a synthetic English corpus (bench/synthetic.py: JSONL files of 500 documents of
10 one-passage sections, seed lexicon labels put in) is written once under `--work`, then:

- **build**: `kb build` of the corpus with the seed lexicon and no passage vectors, three times
  into fresh homes: one worker, `--workers` processes, and Dask in local mode (a LocalCluster of
  `--workers` processes, Parquet shards merged into the store); the three stores are checked to
  hold the same row counts (tests/kb compare them row by row). The time of reading, segmenting and
  matching (ingest) and of the whole build are reported.
- **index**: the retrieval index built anew from the one-worker store with each engine, bm25s
  and Lucene, in its own home: time, size on disk, peak memory.
- **search**: each engine's knowledge base searched in `bm25` mode and in `hybrid` mode (BM25 and
  the query's concepts: the stores have no vectors), after a warm-up, with medians and 95th
  percentiles; beside each, in the same process and interleaved query by query, the engine's
  own search on the same index and terms (bm25s `retrieve`, pyserini's `LuceneSearcher`).
- **dense**: synthetic passage vectors around real embeddings of the passages' topics, with the
  approximate index medkb builds (retrieve.dense), against exact search of the same vectors:
  recall@10 and latency for the embedder's real query vectors.

`--steps` picks among `builds`, `engines` (index and search; they need the builds' store) and
`dense`, so that `--steps dense` measures the approximate index alone.

Each step runs in a child process; its peak memory is the largest total resident size of the
child and every process it started (pool workers, the Dask cluster, the JVM), sampled every
0.2 s by the parent.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from synthetic import LANG, log, passage_vectors, queries, recall, stats, timed, topic_vectors, vocabulary, write_corpus

GENERATOR = 1  # bump when the corpus changes: cached corpora are keyed by it
SIZES = (100_000, 1_000_000)
ENGINES = ("bm25s", "lucene")
STEPS = ("builds", "engines", "dense")
DEPTH = 100  # passages a ranker hands to fusion


# ---------------------------------------------------------------- children


def build_child(spec: dict) -> dict:
    import medkb

    home = Path(spec["home"])
    shutil.rmtree(home, ignore_errors=True)
    options = {"workers": spec["workers"]}
    if spec["dask"]:
        options |= {"cluster": "local", "shards": str(home / "shards")}
    t = time.perf_counter()
    report = medkb.build(LANG, corpus=[spec["corpus"]], home=home, embedder=None, **options)
    return {"seconds": time.perf_counter() - t, "timings": report.timings, "counts": report.counts}


def index_child(spec: dict) -> dict:
    import medkb
    from medkb.store import database

    home = Path(spec["home"])
    t = time.perf_counter()
    medkb.index(LANG, home=home, embedder=None, engine=spec["engine"], rebuild=True)
    seconds = time.perf_counter() - t
    folder = database.store_path(LANG, home).with_suffix(".index")
    return {"seconds": seconds, "index_mb": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20}


def search_child(spec: dict) -> dict:
    from medkb.retrieve.searcher import KnowledgeBase

    texts, warmup = query_texts(spec["queries"]), query_texts(spec["warmup"])
    out: dict = {"engine": spec["engine"]}
    with KnowledgeBase(LANG, home=spec["home"], embedder=None) as base:  # BM25 only: auto would embed every passage first
        reference = raw_search(spec["engine"], base)
        for mode in ("bm25", "hybrid"):
            for text in warmup:
                base.search(text, mode=mode)
                reference(text)
            out[mode] = [timed(base.search, text, k=10, mode=mode)[0] for text in texts]
        paired = {"medkb": [], "raw": []}
        for text in texts:  # interleaved, so that outside load hits both alike
            paired["medkb"].append(timed(base.search, text, k=10, mode="bm25")[0])
            paired["raw"].append(timed(reference, text)[0])
        out["paired"] = paired
    return out


def raw_search(engine: str, base):
    """The engine's own top-10 search on the knowledge base's index, with the terms medkb searches."""
    from medkb.retrieve.analyzer import query_terms
    from medkb.retrieve.sparse import BM25Params

    folder = base.index.folder
    if engine == "bm25s":
        import bm25s

        # Under numpy 2 (the lucene environment) bm25s's top-k, np.argpartition(scores, -k) over scores
        # that are 99% zeros, takes 11 ms at 100k passages against 0.5 ms under numpy 1.26.
        model = bm25s.BM25.load(str(folder / "bm25"))
        return lambda text: model.retrieve([query_terms(LANG, text)], k=10, show_progress=False, n_threads=0)
    from medkb.retrieve.lucene import LUCENE_DIR
    from medkb.retrieve.lucene_jvm import java_class, lucene

    params = BM25Params()
    searcher = lucene().LuceneSearcher(str(folder / LUCENE_DIR))
    searcher.set_bm25(params.k1, params.b)
    searcher.set_analyzer(java_class("org.apache.lucene.analysis.core.WhitespaceAnalyzer")())  # the index is pre-tokenised
    return lambda text: searcher.search(" ".join(query_terms(LANG, text)), k=10)


def dense_child(spec: dict) -> dict:
    """Exact against approximate search of synthetic passage vectors with real query vectors."""
    from medkb.retrieve.dense import DenseIndex
    from medkb.retrieve.fusion import top_k
    from medkb.store.embedders import get_embedder

    seed, embedder = spec["seed"], spec["embedder"]
    vocab = vocabulary(seed)
    vectors = passage_vectors(topic_vectors(vocab, seed, embedder), np.load(spec["topics"]), seed)
    folder = Path(spec["folder"])
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    DenseIndex.save(folder, vectors, ann=True)
    ann_build_s = time.perf_counter() - t
    del vectors
    approximate = DenseIndex.load(folder)
    exact = DenseIndex(approximate.vectors)
    encoder = get_embedder(embedder)
    query_vectors = encoder.encode_queries(query_texts(spec["queries"]))
    for v in encoder.encode_queries(query_texts(spec["warmup"])):
        top_k(exact.scores(v), DEPTH), top_k(approximate.scores(v, depth=DEPTH), DEPTH)
    exact_runs = [timed(lambda v: top_k(exact.scores(v), DEPTH), v) for v in query_vectors]
    ann_runs = [timed(lambda v: top_k(approximate.scores(v, depth=DEPTH), DEPTH), v) for v in query_vectors]
    shutil.rmtree(folder)
    return {
        "embedder": embedder,
        "ann_build_s": ann_build_s,
        "exact": [ms for ms, _ in exact_runs],
        "ann": [ms for ms, _ in ann_runs],
        "recall_at_10": float(np.mean([recall(a[:10], e[:10]) for (_, a), (_, e) in zip(ann_runs, exact_runs)])),
        "recall_at_100": float(np.mean([recall(a, e) for (_, a), (_, e) in zip(ann_runs, exact_runs)])),
    }


def query_texts(path: str) -> list[str]:
    return [q["text"] for q in json.loads(Path(path).read_text())]


CHILDREN = {"build": build_child, "index": index_child, "search": search_child, "dense": dense_child}


# ---------------------------------------------------------------- parent


def run_child(kind: str, spec: dict) -> dict:
    """Run one step in a child process and add its peak memory, with every process it started."""
    child = subprocess.Popen([sys.executable, __file__, "--child", kind, json.dumps(spec)], stdout=subprocess.PIPE, text=True)
    peak = PeakMemory(child.pid)
    output, _ = child.communicate()
    peak.stop()
    if child.returncode:
        raise SystemExit(f"the {kind} step failed ({child.returncode}): {json.dumps(spec)}")
    return json.loads(output.strip().splitlines()[-1]) | {"peak_mb": peak.mb}


class PeakMemory:
    """The largest total resident size of a process and its descendants, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.2):
        import psutil

        self.process, self.every, self.mb = psutil.Process(pid), every, 0.0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        import psutil

        while not self.done.wait(self.every):
            try:
                tree = [self.process, *self.process.children(recursive=True)]
            except psutil.Error:  # the child has ended
                return
            self.mb = max(self.mb, sum(_resident(process) for process in tree) / 2**20)

    def stop(self) -> None:
        self.done.set()
        self.thread.join()


def _resident(process) -> int:
    import psutil

    try:
        return process.memory_info().rss
    except psutil.Error:  # ended between listing and reading
        return 0


def corpus_for(size: int, seed: int, work: Path) -> Path:
    """The synthetic corpus of `size` passages (written once) and its passages' topics."""
    folder = work / f"corpus-n{size}-s{seed}-g{GENERATOR}"
    if not (folder / "topics.npy").exists():
        log(f"{size}: writing the synthetic corpus in {folder}")
        shutil.rmtree(folder, ignore_errors=True)
        topics = write_corpus(vocabulary(seed), size, seed, folder / "files")
        np.save(folder / "topics.npy", topics)
    return folder


def measure(size: int, args, query_files: list[Path]) -> dict:
    """`query_files`: the timed queries, then the warm-up queries."""
    folder = corpus_for(size, args.seed, args.work)
    homes = {name: args.work / f"home-n{size}-{name}" for name in ("1", "n", "dask", "lucene")}
    result: dict = {"size": size, "workers": args.workers, "load_before": os.getloadavg()[0], "builds": {}, "index": {}, "search": {}}
    if "builds" in args.steps:
        measure_builds(size, args, folder, homes, result)
    if "engines" in args.steps:
        measure_engines(size, args, homes, query_files, result)
    if "dense" in args.steps and args.embedder:
        log(f"{size}: dense, exact and approximate")
        spec = {
            "seed": args.seed,
            "embedder": args.embedder,
            "topics": str(folder / "topics.npy"),
            "queries": str(query_files[0]),
            "warmup": str(query_files[1]),
            "folder": str(args.work / f"dense-n{size}"),
        }
        result["dense"] = run_child("dense", spec)
    if not args.keep:
        for home in homes.values():
            shutil.rmtree(home, ignore_errors=True)
    return result


def measure_builds(size: int, args, folder: Path, homes: dict, result: dict) -> None:
    """Build the corpus with one worker, `--workers` processes and on Dask; keep the one-worker store."""
    for name, workers, dask in (("1", 1, False), ("n", args.workers, False), ("dask", args.workers, True)):
        if name == "dask" and args.no_dask:
            continue
        log(f"{size}: build, {workers} worker(s){' on Dask (local)' if dask else ''}")
        spec = {"home": str(homes[name]), "corpus": str(folder / "files"), "workers": workers, "dask": dask}
        result["builds"][name] = run_child("build", spec)
        if name != "1":  # a million passages' store takes gigabytes: keep one
            shutil.rmtree(homes[name], ignore_errors=True)
    counts = {name: b["counts"] for name, b in result["builds"].items()}
    result["same_counts"] = all(c == counts["1"] for c in counts.values())


def measure_engines(size: int, args, homes: dict, query_files: list[Path], result: dict) -> None:
    """Index and search the one-worker build's store with each engine."""
    shutil.rmtree(homes["lucene"], ignore_errors=True)
    homes["lucene"].mkdir(parents=True)
    os.link(homes["1"] / f"{LANG}.duckdb", homes["lucene"] / f"{LANG}.duckdb")  # indexing and search only read the store
    for engine in args.engines:
        home = homes["1"] if engine == "bm25s" else homes["lucene"]
        log(f"{size}: {engine} index")
        result["index"][engine] = run_child("index", {"home": str(home), "engine": engine})
        log(f"{size}: {engine} search")
        result["search"][engine] = run_child("search", {"home": str(home), "engine": engine, "queries": str(query_files[0]), "warmup": str(query_files[1])})


def report(results: list[dict], args) -> list[str]:
    """Markdown tables of the steps measured, and the conditions of the run."""
    built = [r for r in results if r["builds"]]
    footer = (
        f"Machine: {os.cpu_count()} cores; load average before each size: "
        + ", ".join(f"{r['size']:,}: {r['load_before']:.1f}" for r in results)
        + f", after: {os.getloadavg()[0]:.1f}. "
        f"{args.queries} queries (seed {args.seed}), {args.warmup} other queries to warm up each mode."
    )
    if built:
        footer += (
            " Stores of the three builds hold the same row counts: " + ", ".join(f"{r['size']:,}: {'yes' if r['same_counts'] else 'NO'}" for r in built) + "."
        )
    return build_table(built) + search_table(results) + dense_table(results, args.embedder) + [footer]


def build_table(results: list[dict]) -> list[str]:
    lines = []
    for r in results:
        one = r["builds"]["1"]["seconds"]
        for name, b in r["builds"].items():
            how = {"1": "1 worker", "n": f"{r['workers']} workers", "dask": f"Dask, local, {r['workers']} workers"}[name]
            lines.append(
                f"| {r['size']:,} | {how} | {b['timings'].get('ingest_s', 0):.0f} | {b['seconds']:.0f} | "
                f"{r['size'] / b['seconds']:.0f} | {one / b['seconds']:.2f}x | {b['peak_mb']:.0f} |"
            )
    return (
        [
            "### Build (ingest: read, segment, match; the store written; the bm25s index)",
            "",
            "| passages | how | ingest s | build s | passages/s | vs 1 worker | peak memory MB |",
            "|---:|---|---:|---:|---:|---:|---:|",
            *lines,
            "",
        ]
        if lines
        else []
    )


def search_table(results: list[dict]) -> list[str]:
    lines = []
    for r in results:
        for engine, s in r["search"].items():
            i, bm25, hybrid = r["index"][engine], stats(s["bm25"]), stats(s["hybrid"])
            own, paired = stats(s["paired"]["raw"])["median"], stats(s["paired"]["medkb"])["median"]
            lines.append(
                f"| {r['size']:,} | {engine} | {i['seconds']:.0f} | {i['index_mb']:.0f} | {i['peak_mb']:.0f} | "
                f"{bm25['median']:.2f} ({bm25['p95']:.2f}) | {hybrid['median']:.2f} ({hybrid['p95']:.2f}) | "
                f"{own:.2f} | {paired / own:.2f}x | {s['peak_mb']:.0f} |"
            )
    return (
        [
            "### Index and search (bm25 mode, k=10; hybrid adds the query's concepts)",
            "",
            "| passages | engine | index s | index MB | index peak MB | bm25 median (p95) ms | hybrid median (p95) ms | "
            "engine's own search median ms | medkb / own | search peak MB |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            *lines,
            "",
        ]
        if lines
        else []
    )


def dense_table(results: list[dict], embedder: str) -> list[str]:
    lines = []
    for r in (r for r in results if "dense" in r):
        d = r["dense"]
        e, a = stats(d["exact"]), stats(d["ann"])
        lines.append(
            f"| {r['size']:,} | {e['median']:.2f} ({e['p95']:.2f}) | {a['median']:.2f} ({a['p95']:.2f}) | "
            f"{e['median'] / a['median']:.1f}x | {d['recall_at_10']:.3f} | {d['recall_at_100']:.3f} | "
            f"{d['ann_build_s']:.0f} | {d['peak_mb']:.0f} |"
        )
    return (
        [
            f"### Dense: approximate (faiss IVF,SQ8, re-scored) against exact, {embedder} query vectors, top 100",
            "",
            "| passages | exact median (p95) ms | ANN median (p95) ms | speed-up | recall@10 | recall@100 | ANN build s | peak MB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
            *lines,
            "",
        ]
        if lines
        else []
    )


def query_file(work: Path, corpus_seed: int, n: int, seed: int) -> Path:
    """`n` queries over the vocabulary of the corpus of `corpus_seed`, drawn with `seed`, cached under `work`."""
    name = f"queries-s{corpus_seed}-n{n}.json" if seed == corpus_seed else f"queries-s{corpus_seed}-q{seed}-n{n}.json"
    if not (work / name).exists():
        (work / name).write_text(json.dumps(queries(vocabulary(corpus_seed), n, seed)))
    return work / name


def main() -> None:
    from medkb.retrieve.embedding import passage_embedder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--steps", nargs="+", default=list(STEPS), choices=STEPS, help="what to measure (engines index the one-worker build's store)")
    parser.add_argument(
        "--embedder",
        default=passage_embedder(LANG),
        help="the embedder whose vectors the dense step imitates and whose "
        "query vectors it searches with (default: the project's default for English, if installed; '' to skip)",
    )
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--warmup",
        type=int,
        default=500,
        help="queries, other than the timed ones, run before timing each mode (the JVM's compiler needs hundreds before Lucene's times settle)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-dask", action="store_true", help="leave the Dask build out")
    parser.add_argument("--keep", action="store_true", help="keep the built homes under --work")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "medkb-scale")
    parser.add_argument("--json", type=Path, help="write every measurement here")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if "engines" in args.steps and "builds" not in args.steps:
        parser.error("the engines step indexes the store that the builds step makes: give both")
    if args.child:
        kind, spec = args.child
        print(json.dumps(CHILDREN[kind](json.loads(spec))))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    query_files = [query_file(args.work, args.seed, args.queries, args.seed), query_file(args.work, args.seed, args.warmup, args.seed + 1)]
    results = []
    for size in args.sizes:
        results.append(measure(size, args, query_files))
        if args.json:  # after each size: a million passages take hours
            args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "results": results}, indent=1))
    print("\n".join(report(results, args)))


if __name__ == "__main__":
    main()
