"""Query latency and peak memory of the retrieval layer (retrieve/) on synthetic English stores.

    python bench/retrieve_speed.py [--sizes 10000 100000 1000000] [--embedder {use,e5}] [--queries 300]
        [--seed 0] [--ann-min-passages N] [--work DIR] [--json PATH]

For each size, a store of that many synthetic passages is written (once: it is cached under
`--work`, keyed by embedder, size, seed, generator and index version, and whether the index has
an approximate vector index) and searched through `KnowledgeBase.search` in the three modes,
`bm25`, `dense` and `hybrid`: median and 95th percentile latency of a few hundred fixed
queries, k=10.

Passages are 60 to 120 words drawn from a Zipf distribution over 50k made-up words and the
words of the seed lexicon's English labels; 45% of them have one or two lexicon labels put in,
recorded as concept mentions. Queries are lexicon labels, labels with passage words, and
passage words alone. The store is written with medkb.store.database and medkb.kb.build.corpus_terms (the seed
lexicon's concepts and labels, so that hybrid search expands queries as it does on a real
store), and the index with medkb.retrieve.index's own builder. Passage vectors cannot come from a
real embedder at a million passages (an hour of `use`, most of a day of e5), so they are synthetic
unit vectors of the `--embedder`'s size (`use` 512 dimensions, e5 384; default: the project's
default for English, `use`) scattered around that embedder's embeddings of topics (the lexicon
labels, and made-up phrases): passages that mention a concept lie near its label's embedding, so
the embedder's real query vectors have true neighbours, as the approximate index needs to be
judged fairly. From medkb.retrieve.dense.ANN_MIN_PASSAGES passages on (or `--ann-min-passages`),
the index adds its faiss approximate index, as a real build would.

In the same process and on the same tokens, two references: raw bm25s (`BM25.retrieve` on
an index built from the same index terms, same k1, b and method; the medkb/bm25s ratio is
taken from runs interleaved query by query, so that load from other processes hits both
alike) and rank-bm25 (`BM25Okapi.get_scores` and a top-10; on a subset of queries past 100k
passages, as it takes most of a second a query there). Also: exact against approximate dense
search on the index's own vectors (recall of the approximate index against exact search, on the
same query vectors, in the top 10 and in the top 100 that hybrid search hands to fusion); the
time to embed one query with each installed embedder, alone and back to back; and where a
search's time goes, its parts (query embedding, BM25 and dense scores, the query's concepts,
top-k, hits) timed where they run, inside the searches.

Each size runs in its own child process, so that its peak memory (max RSS) is its own:
"medkb" is the peak after opening the knowledge base and running every medkb search, before
the references are loaded; the build of the synthetic store runs in another child.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from synthetic import (
    CHUNK,
    LABELS_PER_PASSAGE,
    LANG,
    LENGTHS,
    TOPICS,
    Vocabulary,
    log,
    passage_vectors,
    peak_rss_mb,
    queries,
    recall,
    stats,
    timed,
    top10,
    topic_vectors,
    vocabulary,
)

GENERATOR = 1  # bump when the synthetic data changes: cached stores are keyed by it
SIZES = (10_000, 100_000, 1_000_000)
DOC_PASSAGES = 10
RANK_BM25_SUBSET = 20  # queries for rank-bm25 past 100k passages
EMBED_QUERIES = 100  # queries embedded alone, back to back, by each embedder
GOAL_RATIO = 2.0  # medkb bm25 median / raw bm25s median
GOAL_HYBRID_MS = 20.0  # hybrid median at 100k passages
# Thread settings as the user gave them.
GIVEN_ENV = {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "OPENBLAS_NUM_THREADS") if k in os.environ}


# ---------------------------------------------------------------- synthetic data


def generate(vocab: Vocabulary, size: int, seed: int, folder: Path) -> tuple[list[tuple], np.ndarray]:
    """Write the passages as a TSV for DuckDB (id, document, ordinal, text, space-joined tokens) and
    their word ids (flat, with offsets) for the references; return the mention rows and each
    passage's topic (a concept it mentions, else a made-up topic)."""
    rng = np.random.default_rng([seed, 3, size])
    words = np.array(vocab.words, dtype=object)
    concept_index = {c: i for i, (c, _) in enumerate(vocab.concepts)}
    all_ids, mentions = [], []
    topics = len(vocab.concepts) + rng.integers(0, TOPICS, size).astype(np.int32)
    with open(folder / "passages.tsv", "w", encoding="utf-8") as tsv:
        for start in range(0, size, CHUNK):
            count = min(CHUNK, size - start)
            lengths = rng.integers(LENGTHS[0], LENGTHS[1] + 1, count)
            drawn = rng.choice(len(words), size=int(lengths.sum()), p=vocab.weights).astype(np.int32)
            inserts = rng.choice(LABELS_PER_PASSAGE[0], size=count, p=LABELS_PER_PASSAGE[1])
            ends = np.cumsum(lengths)
            lines = []
            for j in range(count):
                row = start + j
                doc_id, ordinal = f"syn{row // DOC_PASSAGES:07d}", row % DOC_PASSAGES
                passage_id = f"{doc_id}#{ordinal}"
                ids = drawn[ends[j] - lengths[j] : ends[j]]
                if inserts[j]:
                    ids, text = _put_labels(vocab, rng, words, ids, int(inserts[j]), (passage_id, doc_id), mentions)
                    topics[row] = concept_index[mentions[-1][0]]
                else:
                    text = " ".join(words[ids].tolist())
                lines.append(f"{passage_id}\t{doc_id}\t{ordinal}\t{text}\t{' '.join(words[ids].tolist())}\n")
                all_ids.append(ids)
            tsv.writelines(lines)
            log(f"  {start + count} / {size} passages generated")
    np.save(folder / "word_ids.npy", np.concatenate(all_ids))
    np.save(folder / "offsets.npy", np.concatenate([[0], np.cumsum([len(ids) for ids in all_ids])]))
    return mentions, topics


def _put_labels(vocab, rng, words, ids, count, where, mentions) -> tuple[np.ndarray, str]:
    """Put lexicon labels at random places among the passage's words, as written (their tokens
    are the tokenizer's search forms), and record each as a mention."""
    units = [(w, [i], None) for w, i in zip(words[ids].tolist(), ids.tolist())]
    for _ in range(count):
        concept_id, text, label_ids = vocab.labels[rng.integers(len(vocab.labels))]
        units.insert(int(rng.integers(0, len(units) + 1)), (text, label_ids, concept_id))
    at, parts, token_ids = 0, [], []
    for surface, unit_ids, concept_id in units:
        if concept_id:
            mentions.append((concept_id, *where, at, at + len(surface), surface, "terminology"))
        parts.append(surface)
        token_ids += unit_ids
        at += len(surface) + 1
    return np.asarray(token_ids, np.int32), " ".join(parts)


def write_store(home: Path, vocab: Vocabulary, size: int, seed: int, folder: Path) -> np.ndarray:
    """The store as `kb build` lays it out: the seed lexicon's concepts and labels (medkb.kb.build.corpus_terms),
    documents, passages and mentions, and one build row. Returns each passage's topic.

    Passages go in from a TSV through DuckDB's reader: kb.store.insert would carry ~90 million token
    strings through Python lists at a million passages. Documents keep an empty text (search never
    reads it) and passages no token offsets (used only when terms are discovered, at build time)."""
    from medkb import corpora
    from medkb.ingest.pipeline import IngestSettings, TermSource, terminologies
    from medkb.kb.build.corpus_terms import write_terminologies
    from medkb.store import database
    from medkb.store.fingerprint import sha256_of
    from medkb.store.schema import SCHEMA_VERSION
    from medkb.store.version import __version__

    settings = IngestSettings(lang=LANG, terms=(TermSource(str(corpora.SEED_LEXICON), sha256_of(corpora.SEED_LEXICON), LANG),))
    mentions, topics = generate(vocab, size, seed, folder)
    documents = [(f"syn{d:07d}", "synthetic", f"Synthetic document {d}", "", "{}") for d in range(-(-size // DOC_PASSAGES))]
    tsv = str(folder / "passages.tsv").replace("'", "''")
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    path = database.store_path(LANG, home)
    path.parent.mkdir(parents=True, exist_ok=True)
    with database.connect(path) as con:
        database.create_tables(con)
        write_terminologies(con, settings, terminologies(settings.terms))
        database.insert(con, "documents", documents)
        con.execute(
            "INSERT INTO passages SELECT passage_id, doc_id, ordinal, []::VARCHAR[], 0, length(text), text, "
            "string_split(tokens, ' '), []::INTEGER[], []::INTEGER[] FROM read_csv("
            f"'{tsv}', delim = '\t', header = false, quote = '', escape = '', columns = "
            "{'passage_id': 'VARCHAR', 'doc_id': 'VARCHAR', 'ordinal': 'INTEGER', 'text': 'VARCHAR', 'tokens': 'VARCHAR'})"
        )
        database.insert(con, "mentions", mentions)
        counts = database.table_counts(con)
        database.insert(
            con,
            "builds",
            [
                (
                    1,
                    started,
                    time.strftime("%Y-%m-%d %H:%M:%S"),
                    __version__,
                    SCHEMA_VERSION,
                    LANG,
                    database.to_json(asdict(settings)),
                    f"synthetic-g{GENERATOR}-n{size}-s{seed}",
                    database.to_json({"synthetic": True}),
                    database.to_json(counts),
                    "{}",
                    "{}",
                )
            ],
        )
        con.execute("CHECKPOINT")
    os.remove(folder / "passages.tsv")
    return topics


def reference_corpus(vocab: Vocabulary, folder: Path) -> list[list[str]]:
    """Every passage's index terms, from the word ids saved at generation (the same strings, shared)."""
    ids, offsets = np.load(folder / "word_ids.npy"), np.load(folder / "offsets.npy")
    kept = vocab.keep[ids]
    starts = np.concatenate([[0], np.cumsum(kept)])[offsets]
    terms = np.array(vocab.words, dtype=object)[ids[kept]]
    return [terms[a:b].tolist() for a, b in zip(starts[:-1], starts[1:])]


# ---------------------------------------------------------------- children


def build_child(spec: dict) -> dict:
    import medkb.retrieve.dense
    from medkb.retrieve.index import build_index, load_index

    medkb.retrieve.dense.ANN_MIN_PASSAGES = spec["ann_min_passages"]  # read by build_index when it saves the vectors
    size, seed, folder = spec["size"], spec["seed"], Path(spec["folder"])
    home = folder / "home"
    shutil.rmtree(home, ignore_errors=True)
    t = time.perf_counter()
    vocab = vocabulary(seed)
    topics = write_store(home, vocab, size, seed, folder)
    store_s = time.perf_counter() - t
    vectors, vectors_s, embedder = None, 0.0, spec["embedder"]
    if embedder:
        t = time.perf_counter()
        vectors = passage_vectors(topic_vectors(vocab, seed, embedder), topics, seed)
        vectors_s = time.perf_counter() - t
    t = time.perf_counter()
    manifest = build_index(LANG, home, embedder, vectors=vectors)
    index_s = time.perf_counter() - t
    # The vectors and the reference corpus are in generation order: the index must be too.
    ids = load_index(LANG, home).passage_ids
    assert ids == [f"syn{r // DOC_PASSAGES:07d}#{r % DOC_PASSAGES}" for r in range(size)], "index rows are not in generation order"
    return {
        "size": size,
        "store_s": store_s,
        "vectors_s": vectors_s,
        "index_s": index_s,
        "manifest": asdict(manifest),
        "tokens": int(np.load(folder / "offsets.npy")[-1]),
        "max_rss_mb": peak_rss_mb(),
    }


def query_child(spec: dict) -> dict:
    import bm25s

    import medkb.retrieve.index
    from medkb.retrieve.analyzer import index_terms, query_terms
    from medkb.retrieve.dense import DenseIndex
    from medkb.retrieve.fusion import top_k
    from medkb.retrieve.searcher import DEPTH, KnowledgeBase
    from medkb.retrieve.sparse import BM25Params
    from medkb.store import database
    from medkb.store.embedders import get_embedder, installed
    from medkb.store.environment import openmp_wait_policy

    def stale(*args):
        raise RuntimeError("the cached synthetic index is out of date and would be embedded for real: delete --work and rerun")

    medkb.retrieve.index.encode_passages = stale  # a stale index must fail here, not spend hours embedding
    size, seed, folder = spec["size"], spec["seed"], Path(spec["folder"])
    home = folder / "home"
    asked = json.loads(Path(spec["queries"]).read_text())
    texts = [q["text"] for q in asked]
    out: dict = {"size": size, "queries": len(texts)}
    t = time.perf_counter()
    kb = KnowledgeBase(LANG, home=home)
    out["open_s"] = time.perf_counter() - t
    modes = ["bm25", "dense", "hybrid"] if kb.embedder else ["bm25", "hybrid"]
    out["ann"] = kb.index.dense is not None and kb.index.dense.ann is not None
    for mode in modes:  # load the embedder and the label matchers, and warm the page cache
        for text in texts[: spec["warmup"]]:
            kb.search(text, mode=mode)
    out["medkb"], out["parts"] = {}, {}
    for mode in modes:
        with Stopwatch(kb) as parts:
            out["medkb"][mode] = [timed(kb.search, text, k=10, mode=mode)[0] for text in texts]
        out["parts"][mode] = {name: total / len(texts) for name, total in parts.totals.items()}
    out["medkb_rss_mb"] = peak_rss_mb()
    out["omp_wait_policy"] = openmp_wait_policy()  # what the embedders' and faiss's OpenMP runtimes were loaded with
    log(f"  {size}: medkb searches done")

    if kb.embedder:
        vectors = get_embedder(kb.embedder).encode_queries(texts)  # in one batch: inputs to the timings below
        exact = DenseIndex(kb.index.dense.vectors)  # the same memory-mapped vectors, no approximate index
        # Both rank DEPTH passages, as hybrid search asks of the dense ranker for fusion.
        exact_runs = [timed(lambda v: top_k(exact.scores(v), DEPTH), v) for v in vectors]
        out["dense_exact"] = [ms for ms, _ in exact_runs]
        if out["ann"]:
            ann_runs = [timed(lambda v: top_k(kb.index.dense.scores(v, depth=DEPTH), DEPTH), v) for v in vectors]
            out["dense_ann"] = [ms for ms, _ in ann_runs]
            found = [(a, e) for (_, a), (_, e) in zip(ann_runs, exact_runs)]
            at_10 = [recall(a[:10], e[:10]) for a, e in found]
            out["ann_recall_at_10"] = float(np.mean(at_10))
            out["ann_recall_at_depth"] = float(np.mean([recall(a, e) for a, e in found]))
            out["ann_recall_by_kind"] = {
                kind: float(np.mean([r for r, q in zip(at_10, asked) if q["kind"] == kind])) for kind in sorted({q["kind"] for q in asked})
            }
        log(f"  {size}: dense references done")

    vocab = vocabulary(seed)
    corpus = reference_corpus(vocab, folder)
    with database.open_existing(LANG, home) as con:  # the saved word ids are the store's index terms
        stored = con.execute("SELECT tokens FROM passages ORDER BY doc_id, ordinal LIMIT 2000").fetchall()
    assert [index_terms(LANG, list(tokens)) for (tokens,) in stored] == corpus[: len(stored)], "reference corpus differs from the store"
    params = BM25Params()
    raw = bm25s.BM25(k1=params.k1, b=params.b, method=params.method)
    t = time.perf_counter()
    raw.index(corpus, show_progress=False)
    out["bm25s_index_s"] = time.perf_counter() - t
    tokens = [query_terms(LANG, text) for text in texts]
    paired, same = {"medkb": [], "bm25s": []}, 0
    for text, terms in zip(texts, tokens):  # interleaved, so that outside load hits both alike
        ms, hits = timed(kb.search, text, k=10, mode="bm25")
        paired["medkb"].append(ms)
        ms, (_, scores) = timed(raw.retrieve, [terms], k=10, show_progress=False, n_threads=0)
        paired["bm25s"].append(ms)
        positive = [s for s in scores[0].tolist() if s > 0]
        same += np.allclose([h.score for h in hits], positive, rtol=1e-4) if len(hits) == len(positive) else 0
    out["paired"], out["same_top10_scores"] = paired, same
    out["repeat_a_word"] = sum(len(set(terms)) < len(terms) for terms in tokens)
    del raw
    log(f"  {size}: bm25s done")

    if spec["rank_bm25"]:
        from rank_bm25 import BM25Okapi

        t = time.perf_counter()
        reference = BM25Okapi(corpus, k1=params.k1, b=params.b)
        out["rank_bm25_index_s"] = time.perf_counter() - t
        chosen = list(range(len(texts))) if size <= 100_000 else list(range(0, len(texts), max(1, len(texts) // RANK_BM25_SUBSET)))[:RANK_BM25_SUBSET]
        out["rank_bm25_queries"] = chosen
        out["rank_bm25"] = [timed(lambda q: top10(reference.get_scores(q)), tokens[i])[0] for i in chosen]
        del reference
        log(f"  {size}: rank-bm25 done")
    del corpus

    out["embed"] = {}
    for name in (n for n in ("e5", "use") if installed(n)):
        embedder = get_embedder(name)
        for text in texts[:3]:
            embedder.encode_queries([text])
        out["embed"][name] = [timed(embedder.encode_queries, [text])[0] for text in texts[:EMBED_QUERIES]]
    out["end_rss_mb"] = peak_rss_mb()
    out["index_mb"] = sum(p.stat().st_size for p in (home / f"{LANG}.index").rglob("*") if p.is_file()) / 2**20
    out["store_mb"] = database.store_path(LANG, home).stat().st_size / 2**20
    kb.close()
    return out


class Stopwatch:
    """Time the parts of KnowledgeBase.search where they run, by wrapping them for the duration:
    an embedder timed alone, back to back, is not timed as a search calls it."""

    def __init__(self, kb):
        import medkb.retrieve.searcher

        self.totals: dict[str, float] = {}
        self.targets = [
            ("embed query", medkb.retrieve.searcher, "encode_query"),
            ("bm25 scores and top-k", kb.index.sparse, "top"),
            ("concepts of the query", kb.expander, "concepts"),
            ("top-k", medkb.retrieve.searcher, "top_k"),
            ("hits", kb, "_hits"),
        ] + ([("dense scores", kb.index.dense, "scores")] if kb.index.dense is not None else [])

    def __enter__(self):
        self.saved = [(owner, attribute, vars(owner).get(attribute)) for _, owner, attribute in self.targets]
        for name, owner, attribute in self.targets:
            setattr(owner, attribute, self._wrap(name, getattr(owner, attribute)))
        return self

    def __exit__(self, *exc):
        for owner, attribute, own in self.saved:
            if own is not None:  # a module's function
                setattr(owner, attribute, own)
            else:  # an instance's method: drop the wrapper and the class's method shows through
                delattr(owner, attribute)

    def _wrap(self, name, fn):
        def timed_part(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.totals[name] = self.totals.get(name, 0.0) + (time.perf_counter() - t) * 1000

        return timed_part


# ---------------------------------------------------------------- parent


def run_child(kind: str, spec: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, json.dumps(spec)], check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(results: list[dict]) -> list[str]:
    lines = [
        "| passages | search | median ms | p95 ms | vs raw bm25s | peak RSS MB |",
        "|---:|---|---:|---:|---:|---:|",
    ]

    def row(size, name, values, ratio="", rss=""):
        s = stats(values)
        lines.append(f"| {size:,} | {name} | {s['median']:.2f} | {s['p95']:.2f} | {ratio} | {rss} |")

    for r in results:
        q, size = r["query"], r["size"]
        raw = stats(q["paired"]["bm25s"])["median"]
        ratio = stats(q["paired"]["medkb"])["median"] / raw
        dense_kind = "ANN" if q["ann"] else "exact"
        for mode, values in q["medkb"].items():
            name = f"medkb {mode}" + (f" ({dense_kind})" if mode != "bm25" and "dense" in q["medkb"] else "")
            row(size, name, values, f"{ratio:.2f}x (paired)" if mode == "bm25" else "", f"{q['medkb_rss_mb']:.0f}")
        row(size, "raw bm25s `retrieve`", q["paired"]["bm25s"], "1.00x", f"{q['end_rss_mb']:.0f} (process, all references)")
        if "rank_bm25" in q:
            chosen = q["rank_bm25_queries"]
            raw_subset = stats([q["paired"]["bm25s"][i] for i in chosen])["median"]
            row(size, f"rank-bm25 `get_scores` + top-10 ({len(chosen)} queries)", q["rank_bm25"], f"{stats(q['rank_bm25'])['median'] / raw_subset:.1f}x")
        if "dense_exact" in q:
            row(size, "dense exact, query vector given, top 100", q["dense_exact"])
        if "dense_ann" in q:
            recalls = f"recall@10 {q['ann_recall_at_10']:.3f}, @100 {q['ann_recall_at_depth']:.3f}"
            row(size, f"dense ANN, query vector given, top 100 ({recalls})", q["dense_ann"])
        for name, values in q.get("embed", {}).items():
            row(size, f"embed one query alone: {name} ({len(values)} queries, back to back)", values)
    return lines


def notes(results: list[dict], args) -> list[str]:
    load = f"load average {results[0]['load_before']:.1f} before, {os.getloadavg()[0]:.1f} after" if results else ""
    given = ", ".join(f"{k}={v}" for k, v in GIVEN_ENV.items())
    policy = {r["query"].get("omp_wait_policy") for r in results}
    out = [
        "",
        f"Machine: {os.cpu_count()} cores, {load}; environment: {given or 'no OMP_*/OPENBLAS_* variables set'}; "
        f"OpenMP wait policy in the searching processes: {', '.join(map(str, sorted(policy, key=str)))}.",
        "",
        f"Queries: {args.queries} (lexicon labels, labels + passage words, passage words), k=10, seed {args.seed}; "
        f"each mode warmed up on {args.warmup} queries first. The medkb/bm25s ratio compares runs interleaved query by query; "
        "medkb rows' RSS is the child's peak after opening the knowledge base and "
        f"every medkb search ({args.embedder} loaded), before any reference.",
    ]
    for r in results:
        b, q, size = r["build"], r["query"], r["size"]
        cached = " (cached)" if r["cached"] else ""
        out.append(
            f"- {size:,} passages, {b['tokens']:,} tokens: store {q['store_mb']:.0f} MB, index {q['index_mb']:.0f} MB on disk "
            f"({'with' if q['ann'] else 'no'} ANN); synthetic build{cached}: store {b['store_s']:.0f} s, vectors {b['vectors_s']:.0f} s, "
            f"`build_index` {b['index_s']:.0f} s, peak RSS {b['max_rss_mb']:.0f} MB. Opening the knowledge base {q['open_s']:.2f} s. "
            f"Raw bm25s indexes the same terms in {q['bm25s_index_s']:.1f} s"
            + (f", rank-bm25 in {q['rank_bm25_index_s']:.1f} s" if "rank_bm25_index_s" in q else "")
            + f". medkb bm25 and raw bm25s give the same top-10 scores on {q['same_top10_scores']}/{q['queries']} queries "
            f"({q['repeat_a_word']} queries repeat a word, which bm25s counts each time and medkb once)."
        )
        if "ann_recall_by_kind" in q:
            by_kind = ", ".join(f"{kind} {recall:.3f}" for kind, recall in q["ann_recall_by_kind"].items())
            out.append(
                f"  - ANN recall@10 against exact search by query kind: {by_kind}; exact {stats(q['dense_exact'])['median']:.1f} ms "
                f"against ANN {stats(q['dense_ann'])['median']:.1f} ms a query (median, query vector given)"
            )
        for mode, parts in q["parts"].items():
            total = float(np.mean(q["medkb"][mode]))
            named = ", ".join(f"{name} {ms:.2f}" for name, ms in sorted(parts.items(), key=lambda item: -item[1]) if ms >= 0.005)
            out.append(f"  - {mode}: mean {total:.2f} ms a query = {named}, other {total - sum(parts.values()):.2f}")
    out.append("")
    for r in results:
        q = r["query"]
        raw, medkb = stats(q["paired"]["bm25s"])["median"], stats(q["paired"]["medkb"])["median"]
        verdict = "met" if medkb / raw < GOAL_RATIO else "missed"
        out.append(f"- Goal bm25 overhead < {GOAL_RATIO:g}x raw bm25s at {r['size']:,}: **{verdict}** ({medkb:.2f} / {raw:.2f} ms = {medkb / raw:.2f}x)")
    at_100k = [r for r in results if r["size"] == 100_000]
    if at_100k:
        q = at_100k[0]["query"]
        hybrid = stats(q["medkb"]["hybrid"])["median"]
        parts = q["parts"]["hybrid"]
        out.append(
            f"- Goal hybrid median < {GOAL_HYBRID_MS:g} ms at 100,000: **{'met' if hybrid < GOAL_HYBRID_MS else 'missed'}** "
            f"({hybrid:.1f} ms; mean parts: query embedding {parts.get('embed query', 0):.1f} ms, dense scores {parts.get('dense scores', 0):.1f} ms, "
            f"everything else {float(np.mean(q['medkb']['hybrid'])) - parts.get('embed query', 0) - parts.get('dense scores', 0):.1f} ms)"
        )
    return out


def main() -> None:
    from medkb.retrieve.dense import ANN_MIN_PASSAGES
    from medkb.retrieve.embedding import passage_embedder
    from medkb.retrieve.index import INDEX_VERSION
    from medkb.store.embedders import BUILT_IN

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--embedder",
        choices=BUILT_IN,
        default=passage_embedder(LANG),
        help="the embedder whose vector size and topic embeddings the synthetic passage vectors take, "
        "and which embeds the queries (default: the project's default for English, if installed)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "medkb-retrieve-speed",
        help="where synthetic stores are cached (by embedder, size, seed, generator and index version, and dense index kind)",
    )
    parser.add_argument(
        "--ann-min-passages",
        type=int,
        default=ANN_MIN_PASSAGES,
        help="the size from which the index adds its approximate vector index (default: retrieve.dense's, "
        f"{ANN_MIN_PASSAGES:,}); lower it to measure the approximate index on a small store",
    )
    parser.add_argument("--no-rank-bm25", action="store_true", help="leave the rank-bm25 reference out")
    parser.add_argument("--json", type=Path, help="write every measurement here")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, spec = args.child
        print(json.dumps({"build": build_child, "query": query_child}[kind](json.loads(spec))))
        return

    args.work.mkdir(parents=True, exist_ok=True)
    query_file = args.work / f"queries-s{args.seed}-g{GENERATOR}-n{args.queries}.json"
    if not query_file.exists():
        query_file.write_text(json.dumps(queries(vocabulary(args.seed), args.queries, args.seed), ensure_ascii=False, indent=0))
    results = []
    for size in args.sizes:
        # A store cached before ANN_MIN_PASSAGES moved would be searched with the other kind of dense index.
        dense = "ann" if args.embedder and size >= args.ann_min_passages else "exact"
        folder = args.work / f"{LANG}-{args.embedder}-n{size}-s{args.seed}-g{GENERATOR}-i{INDEX_VERSION}-{dense}"
        cached = (folder / "build.json").exists()
        if not cached:
            log(f"{size}: writing the synthetic store in {folder}")
            folder.mkdir(parents=True, exist_ok=True)
            build = {"size": size, "seed": args.seed, "folder": str(folder), "embedder": args.embedder, "ann_min_passages": args.ann_min_passages}
            (folder / "build.json").write_text(json.dumps(run_child("build", build)))
        log(f"{size}: searching")
        load_before = os.getloadavg()[0]
        spec = {"size": size, "seed": args.seed, "folder": str(folder), "queries": str(query_file), "warmup": args.warmup, "rank_bm25": not args.no_rank_bm25}
        results.append(
            {
                "size": size,
                "cached": cached,
                "load_before": load_before,
                "build": json.loads((folder / "build.json").read_text()),
                "query": run_child("query", spec),
            }
        )
    print("\n".join(report(results) + notes(results, args)))
    if args.json:
        args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "results": results}, indent=1))


if __name__ == "__main__":
    main()
