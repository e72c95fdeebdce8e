"""Fusing rankings from different retrievers.

BM25 scores are unbounded and dense scores are cosines in [-1, 1]: summing them
lets BM25 decide alone. Reciprocal rank fusion uses only ranks; normalised score
fusion rescales each ranker's scores to [0, 1] over its own top hits first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

RRF_K = 60
BLOCK = 256  # scores per block, when bounding the k-th highest score from below


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest positive scores, best first (ties by index, so results are stable)."""
    positive = scores > 0
    floor = _floor(scores, k) if np.count_nonzero(positive) > len(scores) // 16 else 0
    candidates = np.flatnonzero(scores >= floor) if floor > 0 else np.flatnonzero(positive)
    if len(candidates) > k:
        candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
    return candidates[np.lexsort((candidates, -scores[candidates]))]


def _floor(scores: np.ndarray, k: int):
    """A lower bound on the k-th highest score: the k-th highest of the maxima of blocks of scores
    (k different blocks each hold a score at least that high). Where most passages score (every
    dense cosine, a common query word), choosing among the few above it instead of among all of
    them is ten times faster at a million passages."""
    if len(scores) < k * BLOCK:
        return 0
    maxima = np.maximum.reduceat(scores, np.arange(0, len(scores), BLOCK))
    return np.partition(maxima, len(maxima) - k)[len(maxima) - k]


def reciprocal_rank(rankings: Mapping[Any, np.ndarray | Sequence], weights: Mapping[Any, float] | None = None, k: int = RRF_K) -> dict[Any, float]:
    """RRF: each ranker adds weight / (k + rank) to every passage it ranked (rank 1 is best).

    A ranking is an array of passage rows (the keys come back as ints) or a list of any keys."""
    fused: dict[Any, float] = {}
    for name, ranked in rankings.items():
        weight = (weights or {}).get(name, 1.0)
        keys = ranked.tolist() if isinstance(ranked, np.ndarray) else ranked
        for rank, key in enumerate(keys, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return fused


def normalised_scores(rankings: dict[str, np.ndarray], scores: dict[str, np.ndarray], weights: dict[str, float] | None = None) -> dict[int, float]:
    """Min-max normalise each ranker's scores over the passages it ranked, then add them up
    (`scores[name]` holds the scores of the rows `rankings[name]` lists, in that order)."""
    fused: dict[int, float] = {}
    for name, ranked in rankings.items():
        if len(ranked) == 0:
            continue
        values = scores[name]
        low, high = float(values.min()), float(values.max())
        spread = high - low or 1.0
        weight = (weights or {}).get(name, 1.0)
        for row, value in zip(ranked.tolist(), values.tolist()):
            fused[row] = fused.get(row, 0.0) + weight * ((value - low) / spread if high > low else 1.0)
    return fused
