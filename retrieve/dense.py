"""Passage vectors on disk, memory-mapped, searched exactly or through an approximate index.

Vectors are unit rows, so the inner product is the cosine. Exact search reads
every row once per query: at 100k 512-dimension `use` vectors, 8 ms on two idle
cores and twice that on busy ones, more than embedding the query takes. From
ANN_MIN_PASSAGES on, a faiss inverted-file index with 8-bit scalar quantisation
(IVF, SQ8: a byte per dimension in memory) proposes candidates from the
`nprobe` nearest of its clusters, and the candidates are re-scored exactly
from the memory-mapped vectors.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np

from medkb.store.environment import loading_openmp
from medkb.store.errors import UsageError

VECTORS = "vectors.npy"
ANN_FILE = "ann.faiss"
ANN_MIN_PASSAGES = 50_000  # exact search of 50k vectors takes about as long as embedding a query with `use`
# Recall@10 against exact search on bench/retrieve_speed.py's stores, at 100k and 1M passages:
# 1.00 with `use` from 64 probes on; e5's vectors crowd closer together and need 256 for 0.97
# (0.80 with 32), at 2 to 3 ms a query at 100k passages and 5 to 6 ms at 1M.
NPROBE = 256
CANDIDATES = 4  # the approximate index proposes this many times the depth asked for
TRAIN_SAMPLE = 100_000
TRAIN_PER_CLUSTER = 39  # faiss warns of poor clusters below 39 training points each


class DenseIndex:
    def __init__(self, vectors: np.ndarray, ann=None):
        self.vectors = vectors
        self.ann = ann

    @classmethod
    def load(cls, folder: Path) -> DenseIndex:
        ann = _faiss().read_index(str(folder / ANN_FILE)) if (folder / ANN_FILE).exists() else None
        if ann is not None:
            ann.nprobe = NPROBE
        return cls(np.load(folder / VECTORS, mmap_mode="r"), ann)

    @staticmethod
    def save(folder: Path, vectors: np.ndarray, ann: bool | None = None) -> None:
        """Write the vectors, and an approximate index when `ann` (default: from ANN_MIN_PASSAGES on,
        where faiss is installed; without it search stays exact, right but slower)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        np.save(folder / VECTORS, vectors)
        if ann is None:
            ann = len(vectors) >= ANN_MIN_PASSAGES and ann_installed()
        if ann:
            _faiss().write_index(build_ann(vectors), str(folder / ANN_FILE))

    def scores(self, query_vector: np.ndarray, depth: int = 100) -> np.ndarray:
        """Cosine similarity of every passage to the query (with an approximate index: of its
        candidates only, the others 0)."""
        query = np.ascontiguousarray(query_vector, dtype=np.float32)
        if self.ann is None:
            return self.vectors @ query
        _, rows = self.ann.search(query[None, :], depth * CANDIDATES)
        rows = np.sort(rows[0][rows[0] >= 0])  # sorted rows read the memory map in order
        scores = np.zeros(len(self.vectors), dtype=np.float32)
        scores[rows] = self.vectors[rows] @ query
        return scores


def build_ann(vectors: np.ndarray):
    """An IVF index with about 4 sqrt(n) clusters, trained on a sample, holding every vector."""
    faiss = _faiss()
    n, dim = vectors.shape
    clusters = max(1, min(int(4 * math.sqrt(n)), n // TRAIN_PER_CLUSTER))
    index = faiss.index_factory(dim, f"IVF{clusters},SQ8", faiss.METRIC_INNER_PRODUCT)
    sample_size = min(n, max(TRAIN_SAMPLE, TRAIN_PER_CLUSTER * clusters))
    sample = np.random.default_rng(0).choice(n, size=sample_size, replace=False)
    index.train(np.ascontiguousarray(vectors[np.sort(sample)]))
    for start in range(0, n, TRAIN_SAMPLE):
        index.add(np.ascontiguousarray(vectors[start : start + TRAIN_SAMPLE]))
    index.nprobe = NPROBE
    return index


def ann_installed() -> bool:
    return importlib.util.find_spec("faiss") is not None


def _faiss():
    try:
        with loading_openmp():  # faiss brings its own OpenMP runtime
            import faiss
    except ImportError as error:
        raise UsageError("an approximate vector index needs faiss: pip install 'medkb[ann]'") from error
    return faiss
