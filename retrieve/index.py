"""The retrieval index of a language's store, in a folder beside it (`HOME/<lang>.index/`).

It holds plain arrays, memory-mapped when loaded: the BM25 index of one engine (bm25s's
matrix, or a Lucene index: retrieve.lucene),
the passage vectors of one embedder, which passages mention which concepts,
the passage and document ids in row order, and what a hit shows of each
passage (text, section, document title), read by row. `manifest.json` names
the store build it was made from and the engine; an index of an older build is stale and is
rebuilt. Passages are read from the store in batches, so that with the lucene engine no step
holds every passage's text or terms at once.
Passage vectors of unchanged passage texts are carried over from the previous
index, so that an incremental build embeds only what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from medkb.retrieve.analyzer import index_terms
from medkb.retrieve.dense import ANN_FILE, DenseIndex
from medkb.retrieve.embedding import encode_passages, passage_embedder
from medkb.retrieve.packed import PackedStrings, PackedWriter
from medkb.retrieve.sparse import BM25Params, CorpusTerms, SparseIndex
from medkb.store import database
from medkb.store.errors import UsageError
from medkb.store.lock import build_lock
from medkb.store.results import Result

INDEX_VERSION = 3  # 2: passage records (records.bin); 3: the sparse engine in the manifest
ENGINES = ("bm25s", "lucene")
EMBED_BATCH = 128
READ_BATCH = 1024  # passages read from the store at a time
RECORDS = "records"
Progress = Callable[[int, int, str], None]


class SparseWriter(Protocol):
    """What an engine's index writer takes: every passage's index terms, batch by batch in row order."""

    def add(self, batch: list[list[str]]) -> None: ...

    def finish(self) -> None: ...


@dataclass
class Manifest(Result):
    """What a retrieval index was built from and with: the store's build, the BM25 engine, the embedder."""

    version: int
    lang: str
    build_id: int
    settings_key: str
    passages: int
    bm25: dict
    embedder: str | None  # None: no passage vectors (the embedder is not installed, or was turned off)
    dim: int | None
    ann: bool = False  # an approximate vector index beside the vectors (retrieve.dense)
    engine: str = "bm25s"  # the sparse engine: bm25s, or lucene (retrieve.lucene)


@dataclass
class Index:
    folder: Path
    manifest: Manifest
    passage_ids: list[str]
    doc_ids: list[str]
    sparse: SparseIndex  # or a retrieve.lucene.LuceneIndex, which ranks alike
    dense: DenseIndex | None
    concepts: list[str]  # concept ids, sorted; row i of the postings below
    concept_indptr: np.ndarray
    concept_rows: np.ndarray  # passage rows that mention each concept
    concept_counts: np.ndarray  # how often
    records: PackedStrings  # each passage's JSON [text, section path, document title], by row

    def record(self, row: int) -> tuple[str, list[str], str | None]:
        """The passage's text, section path and document title."""
        text, section, title = json.loads(self.records[row])
        return text, section, title

    def concept_postings(self, concept_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Passage rows that mention the concept, and how many times each does."""
        i = _find(self.concepts, concept_id)
        if i is None:
            return np.zeros(0, np.int64), np.zeros(0, np.int32)
        start, end = self.concept_indptr[i], self.concept_indptr[i + 1]
        return self.concept_rows[start:end], self.concept_counts[start:end]


def index_dir(lang: str, home: str | Path | None = None) -> Path:
    return database.store_path(lang, home).with_suffix(".index")


def ensure_index(
    lang: str,
    home=None,
    embedder: str | None = "auto",
    params: BM25Params = BM25Params(),
    progress: Progress | None = None,
    engine: str = "auto",
    threads: int | None = None,
) -> Manifest:
    """The current index of the store, built first if missing or stale (or made with other settings).

    `auto` keeps the embedder and the engine of the index already there (a user who chose `use`
    or `lucene` keeps it across builds); a new index takes the measured default embedder, if
    installed, and bm25s. `threads`: Lucene's indexing threads (default: one per core).
    """
    with database.open_existing(lang, home) as con:
        build = database.require_build(con, lang)
    current = read_manifest(index_dir(lang, home))
    name = current.embedder if embedder == "auto" and current and current.embedder else passage_embedder(lang, embedder)
    engine = _engine(engine, current)
    wanted = (build["build_id"], build["settings_key"], asdict(params), name, engine)
    if current and (current.build_id, current.settings_key, current.bm25, current.embedder, current.engine) == wanted and current.version == INDEX_VERSION:
        return current
    return build_index(lang, home, name, params, progress, engine=engine, threads=threads)


def build_index(
    lang: str,
    home=None,
    embedder: str | None = None,
    params: BM25Params = BM25Params(),
    progress: Progress | None = None,
    vectors: np.ndarray | None = None,
    engine: str = "bm25s",
    threads: int | None = None,
) -> Manifest:
    """Write the index of the store's current build; the previous index stays until the new one is whole.

    `vectors`, when given, are passage vectors already made by `embedder`, one row per passage in
    index order (`ORDER BY doc_id, ordinal`): they are written as they are instead of embedding the
    texts (bench/retrieve_speed.py gives synthetic ones to stores too large to embed).
    """
    _check_engine(engine)
    target = index_dir(lang, home)
    with build_lock(database.store_path(lang, home)), database.open_existing(lang, home) as con:
        work = target.with_name(f".{target.name}.building-{os.getpid()}")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            manifest = _write(work, con, lang, embedder, params, engine, threads, previous=target, progress=progress, vectors=vectors)
            _swap(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return manifest


def _write(folder, con, lang, embedder, params, engine, threads, previous: Path, progress, vectors=None) -> Manifest:
    build = database.require_build(con, lang)
    total = con.execute("SELECT count(*) FROM passages").fetchone()[0]
    if vectors is not None and len(vectors) != total:
        raise ValueError(f"{len(vectors)} passage vectors given for {total} passages")
    sparse = _sparse_writer(engine, folder, params, threads)
    embedding = _PassageVectors(embedder, previous) if embedder and vectors is None else None
    passage_ids: list[str] = []
    doc_ids: list[str] = []
    hashes: list[np.ndarray] = []
    with PackedWriter(folder, RECORDS) as records:
        for batch in _passage_batches(con):
            if progress:
                progress(len(passage_ids), total, "embedding passages" if embedding else "indexing passages")
            passage_ids += [p[0] for p in batch]
            doc_ids += [p[1] for p in batch]
            # What a hit shows of each passage, read by row at search time: DuckDB has no point lookup,
            # and fetching ten passages by id from the store scans its whole passages table.
            records.add(json.dumps([p[3], list(p[4] or ()), p[5]], ensure_ascii=False) for p in batch)
            sparse.add([index_terms(lang, list(p[2])) for p in batch])
            if embedder:
                hashes.append(_text_hashes([p[3] for p in batch]))
            if embedding:
                embedding.add([p[3] for p in batch], hashes[-1])
    if progress:
        progress(total, total, "indexing passages")
    sparse.finish()
    (folder / "passages.json").write_text(json.dumps({"passage_ids": passage_ids, "doc_ids": doc_ids}, ensure_ascii=False))
    _write_concepts(folder, passage_ids, con)
    dim = None
    if embedder:
        vectors = embedding.vectors() if embedding else vectors
        DenseIndex.save(folder, vectors)
        np.save(folder / "text_hashes.npy", np.concatenate(hashes) if hashes else np.zeros(0, "S20"))
        dim = int(vectors.shape[1])
    ann = (folder / ANN_FILE).exists()
    manifest = Manifest(INDEX_VERSION, lang, build["build_id"], build["settings_key"], total, asdict(params), embedder, dim, ann, engine)
    (folder / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2))
    return manifest


def _passage_batches(con):
    """The store's passages in index order (`doc_id`, `ordinal`), READ_BATCH at a time."""
    cursor = con.execute(
        "SELECT p.passage_id, p.doc_id, p.tokens, p.text, p.section_path, d.title FROM passages p "
        "LEFT JOIN documents d USING (doc_id) ORDER BY p.doc_id, p.ordinal"
    )
    while batch := cursor.fetchmany(READ_BATCH):
        yield batch


def _sparse_writer(engine: str, folder: Path, params: BM25Params, threads: int | None) -> SparseWriter:
    if engine == "lucene":
        from medkb.retrieve.lucene import LuceneWriter

        return LuceneWriter(folder, params, threads)
    return _Bm25sWriter(folder, params)


class _Bm25sWriter:
    """bm25s indexes its whole corpus at once: the terms are gathered, as ids, then indexed."""

    def __init__(self, folder: Path, params: BM25Params):
        self.folder, self.params, self.corpus = folder, params, CorpusTerms()

    def add(self, batch: list[list[str]]) -> None:
        self.corpus.add(batch)

    def finish(self) -> None:
        SparseIndex.build(self.corpus, self.params).save(self.folder / "bm25")


def _write_concepts(folder: Path, passage_ids: list[str], con) -> None:
    row_of = {pid: i for i, pid in enumerate(passage_ids)}
    cursor = con.execute("SELECT concept_id, passage_id, count(*) FROM mentions GROUP BY ALL ORDER BY ALL")
    concepts: list[str] = []
    indptr, rows, counts = [0], [], []
    while batch := cursor.fetchmany(READ_BATCH):
        for concept_id, passage_id, count in batch:  # ordered by concept
            if not concepts or concepts[-1] != concept_id:
                concepts.append(concept_id)
                indptr.append(indptr[-1])
            indptr[-1] += 1
            rows.append(row_of[passage_id])
            counts.append(count)
    np.save(folder / "concept_indptr.npy", np.asarray(indptr, dtype=np.int64))
    np.save(folder / "concept_rows.npy", np.asarray(rows, dtype=np.int64))
    np.save(folder / "concept_counts.npy", np.asarray(counts, dtype=np.int32))
    (folder / "concepts.json").write_text(json.dumps(concepts, ensure_ascii=False))


class _PassageVectors:
    """Vectors of the passages, batch by batch, reusing those the previous index holds for the
    same texts and embedder (so that an incremental build embeds only what changed)."""

    def __init__(self, embedder: str, previous: Path):
        self.embedder, self.reused = embedder, _previous_vectors(previous, embedder)
        self.rows: list[np.ndarray] = []

    def add(self, texts: list[str], hashes: np.ndarray) -> None:
        missing = [i for i, h in enumerate(hashes) if h not in self.reused]
        new: dict[int, np.ndarray] = {}
        for start in range(0, len(missing), EMBED_BATCH):
            chunk = missing[start : start + EMBED_BATCH]
            new.update(zip(chunk, encode_passages(self.embedder, [texts[i] for i in chunk])))
        self.rows += [new[i] if i in new else self.reused[h] for i, h in enumerate(hashes)]

    def vectors(self) -> np.ndarray:
        if not self.rows:
            return np.zeros((0, encode_passages(self.embedder, ["."]).shape[1]), np.float32)
        return np.vstack(self.rows).astype(np.float32)


def _previous_vectors(folder: Path, embedder: str) -> dict[bytes, np.ndarray]:
    manifest = read_manifest(folder)
    if manifest is None or manifest.embedder != embedder or not (folder / "text_hashes.npy").exists():
        return {}
    vectors = np.load(folder / "vectors.npy", mmap_mode="r")
    return {h: vectors[i] for i, h in enumerate(np.load(folder / "text_hashes.npy").tolist())}


def _text_hashes(texts: list[str]) -> np.ndarray:
    return np.array([hashlib.sha1(t.encode("utf-8")).digest() for t in texts], dtype="S20")


def _engine(engine: str, current: Manifest | None) -> str:
    """The engine to index with: `auto` keeps the current index's (bm25s for a new index)."""
    if engine == "auto":
        return current.engine if current else "bm25s"
    _check_engine(engine)
    return engine


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}: use one of auto, {', '.join(ENGINES)}")


def _swap(work: Path, target: Path) -> None:
    """Put the new index in place; a reader sees the old or the new folder, never a half-written one."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(work, target)
    shutil.rmtree(old, ignore_errors=True)


def read_manifest(folder: Path) -> Manifest | None:
    try:
        return Manifest(**json.loads((folder / "manifest.json").read_text()))
    except (OSError, ValueError, TypeError):
        return None


def load_index(lang: str, home=None) -> Index:
    """The index as it is on disk (see ensure_index for one that is current)."""
    folder = index_dir(lang, home)
    manifest = read_manifest(folder)
    if manifest is None:
        raise UsageError(f"no retrieval index at {folder}: run `kb index --lang {lang}`")
    if manifest.version != INDEX_VERSION:
        raise UsageError(f"the retrieval index at {folder} has an older layout: run `kb index --lang {lang}`")
    ids = json.loads((folder / "passages.json").read_text())
    params = BM25Params(**manifest.bm25)
    return Index(
        folder=folder,
        manifest=manifest,
        passage_ids=ids["passage_ids"],
        doc_ids=ids["doc_ids"],
        sparse=_load_sparse(folder, manifest.engine, params, manifest.passages),
        dense=DenseIndex.load(folder) if manifest.embedder else None,
        concepts=json.loads((folder / "concepts.json").read_text()),
        concept_indptr=_mapped(folder / "concept_indptr.npy"),
        concept_rows=_mapped(folder / "concept_rows.npy"),
        concept_counts=_mapped(folder / "concept_counts.npy"),
        records=PackedStrings(folder, RECORDS),
    )


def _load_sparse(folder: Path, engine: str, params: BM25Params, n_passages: int):
    if engine == "lucene":
        from medkb.retrieve.lucene import LuceneIndex

        return LuceneIndex(folder, params, n_passages)
    return SparseIndex.load(folder / "bm25")


def _mapped(path: Path) -> np.ndarray:
    """An array file, memory-mapped, as a plain ndarray view: slicing an np.memmap runs Python
    code each time, which a search does for every hit."""
    return np.load(path, mmap_mode="r").view(np.ndarray)


def _find(sorted_items: list[str], item: str) -> int | None:
    i = bisect_left(sorted_items, item)
    return i if i < len(sorted_items) and sorted_items[i] == item else None


def index(
    lang: str,
    *,
    home: str | Path | None = None,
    embedder: str | None = "auto",
    rebuild: bool = False,
    progress: Progress | None = None,
    engine: str = "auto",
    threads: int | None = None,
) -> Manifest:
    """Bring the `lang` retrieval index up to date with its store, or build it anew (the Python side of `kb index`).

    Args:
        lang: the language code of the store.
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
        embedder: passage vectors: "auto" (the index's own, else the measured default if
            installed), use, e5, a sentence-transformers model on disk, or None (BM25 only).
        rebuild: build anew even if the index is current.
        progress: called with (passages done, passages to do, step) as the index is built.
        engine: the BM25 engine: "auto" (the index's own, else bm25s), bm25s or lucene.
        threads: Lucene's indexing threads (default: one per core).

    Returns:
        The index's `Manifest`: its build, passages, engine and embedder.

    Raises:
        UsageError: no `lang` store, or an unknown embedder or engine.
    """
    if rebuild:
        engine = _engine(engine, read_manifest(index_dir(lang, home)))
        return build_index(lang, home, passage_embedder(lang, embedder), progress=progress, engine=engine, threads=threads)
    return ensure_index(lang, home, embedder, progress=progress, engine=engine, threads=threads)
