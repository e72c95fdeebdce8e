"""The retrieval index of a language's store, in a folder beside it (`HOME/<lang>.index/`).

It holds plain arrays, memory-mapped when loaded: the BM25 matrix (bm25s),
the passage vectors of one embedder, which passages mention which concepts,
the passage and document ids in row order, and what a hit shows of each
passage (text, section, document title), read by row. `manifest.json` names
the store build it was made from; an index of an older build is stale and is rebuilt.
Passage vectors of unchanged passage texts are carried over from the previous
index, so that an incremental build embeds only what changed.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from bisect import bisect_left
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from kb import store
from kb.errors import UsageError
from kb.lock import build_lock
from retrieve.analyzer import index_terms
from retrieve.dense import ANN_FILE, DenseIndex
from retrieve.embedding import encode_passages, passage_embedder
from retrieve.sparse import BM25Params, SparseIndex

INDEX_VERSION = 2  # 2: passage records (records.bin)
EMBED_BATCH = 128
RECORDS, RECORD_OFFSETS = "records.bin", "record_offsets.npy"
Progress = Callable[[int, int, str], None]


@dataclass
class Manifest:
    version: int
    lang: str
    build_id: int
    settings_key: str
    passages: int
    bm25: dict
    embedder: str | None  # None: no passage vectors (the embedder is not installed, or was turned off)
    dim: int | None
    ann: bool = False  # an approximate vector index beside the vectors (retrieve.dense)


@dataclass
class Index:
    folder: Path
    manifest: Manifest
    passage_ids: list[str]
    doc_ids: list[str]
    sparse: SparseIndex
    dense: DenseIndex | None
    concepts: list[str]  # concept ids, sorted; row i of the postings below
    concept_indptr: np.ndarray
    concept_rows: np.ndarray  # passage rows that mention each concept
    concept_counts: np.ndarray  # how often
    records: np.ndarray  # bytes: each passage's JSON [text, section path, document title], row after row
    record_offsets: np.ndarray  # row i's record is records[offsets[i]:offsets[i + 1]]

    def record(self, row: int) -> tuple[str, list[str], str | None]:
        """The passage's text, section path and document title."""
        text, section, title = json.loads(self.records[self.record_offsets[row] : self.record_offsets[row + 1]].tobytes())
        return text, section, title

    def concept_postings(self, concept_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Passage rows that mention the concept, and how many times each does."""
        i = _find(self.concepts, concept_id)
        if i is None:
            return np.zeros(0, np.int64), np.zeros(0, np.int32)
        start, end = self.concept_indptr[i], self.concept_indptr[i + 1]
        return self.concept_rows[start:end], self.concept_counts[start:end]


def index_dir(lang: str, home: str | Path | None = None) -> Path:
    return store.store_path(lang, home).with_suffix(".index")


def ensure_index(lang: str, home=None, embedder: str | None = "auto", params: BM25Params = BM25Params(), progress: Progress | None = None) -> Manifest:
    """The current index of the store, built first if missing or stale (or made with other settings).

    `auto` keeps the embedder of the index already there (a user who chose `use` keeps it across
    builds); a new index takes the measured default, if installed.
    """
    with store.open_existing(lang, home) as con:
        build = store.latest_build(con)
    current = read_manifest(index_dir(lang, home))
    name = current.embedder if embedder == "auto" and current and current.embedder else passage_embedder(lang, embedder)
    wanted = (build["build_id"], build["settings_key"], asdict(params), name)
    if current and (current.build_id, current.settings_key, current.bm25, current.embedder) == wanted and current.version == INDEX_VERSION:
        return current
    return build_index(lang, home, name, params, progress)


def build_index(
    lang: str, home=None, embedder: str | None = None, params: BM25Params = BM25Params(), progress: Progress | None = None,
    vectors: np.ndarray | None = None,
) -> Manifest:
    """Write the index of the store's current build; the previous index stays until the new one is whole.

    `vectors`, when given, are passage vectors already made by `embedder`, one row per passage in
    index order (`ORDER BY doc_id, ordinal`): they are written as they are instead of embedding the
    texts (bench/retrieve_speed.py gives synthetic ones to stores too large to embed).
    """
    target = index_dir(lang, home)
    with build_lock(store.store_path(lang, home)):
        with store.open_existing(lang, home) as con:
            build = store.latest_build(con)
            passages = con.execute(
                "SELECT p.passage_id, p.doc_id, p.tokens, p.text, p.section_path, d.title FROM passages p "
                "LEFT JOIN documents d USING (doc_id) ORDER BY p.doc_id, p.ordinal"
            ).fetchall()
            mentions = con.execute("SELECT concept_id, passage_id, count(*) FROM mentions GROUP BY ALL ORDER BY ALL").fetchall()
        work = target.with_name(f".{target.name}.building-{os.getpid()}")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            manifest = _write(work, lang, build, passages, mentions, embedder, params, previous=target, progress=progress, vectors=vectors)
            _swap(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return manifest


def _write(folder, lang, build, passages, mentions, embedder, params, previous: Path, progress, vectors=None) -> Manifest:
    passage_ids = [p[0] for p in passages]
    (folder / "passages.json").write_text(json.dumps({"passage_ids": passage_ids, "doc_ids": [p[1] for p in passages]}, ensure_ascii=False))
    SparseIndex.build([index_terms(lang, list(p[2])) for p in passages], params).save(folder / "bm25")
    _write_concepts(folder, passage_ids, mentions)
    _write_records(folder, passages)
    dim = None
    if embedder:
        texts = [p[3] for p in passages]
        hashes = _text_hashes(texts)
        if vectors is None:
            vectors = _passage_vectors(embedder, texts, hashes, previous, progress)
        elif len(vectors) != len(passages):
            raise ValueError(f"{len(vectors)} passage vectors given for {len(passages)} passages")
        DenseIndex.save(folder, vectors)
        np.save(folder / "text_hashes.npy", hashes)
        dim = int(vectors.shape[1])
    ann = (folder / ANN_FILE).exists()
    manifest = Manifest(INDEX_VERSION, lang, build["build_id"], build["settings_key"], len(passages), asdict(params), embedder, dim, ann)
    (folder / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2))
    return manifest


def _write_concepts(folder: Path, passage_ids: list[str], mentions: list[tuple]) -> None:
    row_of = {pid: i for i, pid in enumerate(passage_ids)}
    concepts = sorted({m[0] for m in mentions})
    indptr = np.zeros(len(concepts) + 1, dtype=np.int64)
    rows, counts = [], []
    position = {c: i for i, c in enumerate(concepts)}
    for concept_id, passage_id, count in mentions:  # ordered by concept
        indptr[position[concept_id] + 1] += 1
        rows.append(row_of[passage_id])
        counts.append(count)
    np.save(folder / "concept_indptr.npy", np.cumsum(indptr))
    np.save(folder / "concept_rows.npy", np.asarray(rows, dtype=np.int64))
    np.save(folder / "concept_counts.npy", np.asarray(counts, dtype=np.int32))
    (folder / "concepts.json").write_text(json.dumps(concepts, ensure_ascii=False))


def _write_records(folder: Path, passages: list[tuple]) -> None:
    """What a hit shows of each passage, read by row at search time: DuckDB has no point lookup,
    and fetching ten passages by id from the store scans its whole passages table (30 ms at 10k
    passages, seconds at a million)."""
    offsets = np.zeros(len(passages) + 1, dtype=np.int64)
    with open(folder / RECORDS, "wb") as out:
        for i, p in enumerate(passages):
            offsets[i + 1] = offsets[i] + out.write(json.dumps([p[3], list(p[4] or ()), p[5]], ensure_ascii=False).encode("utf-8"))
    np.save(folder / RECORD_OFFSETS, offsets)


def _passage_vectors(embedder: str, texts: list[str], hashes: np.ndarray, previous: Path, progress: Progress | None) -> np.ndarray:
    """Vectors of the texts (whose hashes are given), reusing those the previous index holds for
    the same texts and embedder."""
    reused = _previous_vectors(previous, embedder)
    missing = [i for i, h in enumerate(hashes) if h not in reused]
    new = {}
    for start in range(0, len(missing), EMBED_BATCH):
        if progress:
            progress(start, len(missing), "embedding passages")
        batch = missing[start : start + EMBED_BATCH]
        for i, vector in zip(batch, encode_passages(embedder, [texts[i] for i in batch])):
            new[i] = vector
    if progress:
        progress(len(missing), len(missing), "embedding passages")
    rows = [new[i] if i in new else reused[h] for i, h in enumerate(hashes)]
    if not rows:
        return np.zeros((0, encode_passages(embedder, ["."]).shape[1]), np.float32)
    return np.vstack(rows).astype(np.float32)


def _previous_vectors(folder: Path, embedder: str) -> dict[bytes, np.ndarray]:
    manifest = read_manifest(folder)
    if manifest is None or manifest.embedder != embedder or not (folder / "text_hashes.npy").exists():
        return {}
    vectors = np.load(folder / "vectors.npy", mmap_mode="r")
    return {h: vectors[i] for i, h in enumerate(np.load(folder / "text_hashes.npy").tolist())}


def _text_hashes(texts: list[str]) -> np.ndarray:
    return np.array([hashlib.sha1(t.encode("utf-8")).digest() for t in texts], dtype="S20")


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
    return Index(
        folder=folder,
        manifest=manifest,
        passage_ids=ids["passage_ids"],
        doc_ids=ids["doc_ids"],
        sparse=SparseIndex.load(folder / "bm25"),
        dense=DenseIndex.load(folder) if manifest.embedder else None,
        concepts=json.loads((folder / "concepts.json").read_text()),
        concept_indptr=_mapped(folder / "concept_indptr.npy"),
        concept_rows=_mapped(folder / "concept_rows.npy"),
        concept_counts=_mapped(folder / "concept_counts.npy"),
        records=_mapped(folder / RECORDS),
        record_offsets=_mapped(folder / RECORD_OFFSETS),
    )


def _mapped(path: Path) -> np.ndarray:
    """An array file (a raw file: its bytes), memory-mapped, as a plain ndarray view: slicing an
    np.memmap runs Python code each time, which a search does for every hit."""
    if path.suffix != ".npy":
        return np.memmap(path, dtype=np.uint8, mode="r").view(np.ndarray) if path.stat().st_size else np.zeros(0, np.uint8)
    return np.load(path, mmap_mode="r").view(np.ndarray)


def _find(sorted_items: list[str], item: str) -> int | None:
    i = bisect_left(sorted_items, item)
    return i if i < len(sorted_items) and sorted_items[i] == item else None


def index(lang: str, home=None, embedder: str | None = "auto", rebuild: bool = False, progress: Progress | None = None) -> Manifest:
    """Bring the `lang` retrieval index up to date, or build it anew (the Python side of `kb index`)."""
    if rebuild:
        return build_index(lang, home, passage_embedder(lang, embedder), progress=progress)
    return ensure_index(lang, home, embedder, progress=progress)
