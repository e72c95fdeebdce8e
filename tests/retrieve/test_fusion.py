"""Rank fusion: reciprocal rank (k = 60) and min-max normalised scores."""

from __future__ import annotations

import numpy as np
import pytest

from medkb.retrieve.fusion import RRF_K, normalised_scores, reciprocal_rank, top_k


def test_top_k_orders_by_score_then_row_and_drops_zeros():
    scores = np.array([0.0, 2.0, 5.0, 2.0, -1.0, 3.0], dtype=np.float32)
    assert top_k(scores, 10).tolist() == [2, 5, 1, 3]
    assert top_k(scores, 2).tolist() == [2, 5]


@pytest.mark.parametrize("share", [1.0, 0.3, 0.01])
def test_top_k_of_many_scores_is_the_k_highest(share):
    """Past a sixteenth of the passages scoring, top_k picks among those above a floor (block maxima)."""
    rng = np.random.default_rng(7)
    scores = np.zeros(300_000, dtype=np.float32)
    scoring = rng.choice(len(scores), int(share * len(scores)), replace=False)
    scores[scoring] = rng.integers(1, 5_000, len(scoring)).astype(np.float32)  # many ties
    expected = sorted(np.flatnonzero(scores > 0).tolist(), key=lambda row: (-scores[row], row))[:100]
    found = top_k(scores, 100)
    assert scores[found].tolist() == scores[expected].tolist()
    assert sorted(found.tolist(), key=lambda row: (-scores[row], row)) == found.tolist()


def test_rrf_adds_one_over_k_plus_rank():
    fused = reciprocal_rank({"bm25": np.array([7, 3]), "dense": np.array([3, 9])})
    assert fused[3] == pytest.approx(1 / 62 + 1 / 61)  # k = 60, as the README documents
    assert fused[7] == pytest.approx(1 / 61)
    assert max(fused, key=fused.get) == 3  # found by both beats first in one


def test_rrf_fuses_rankings_of_any_keys():
    """Evidence for the co-reasoning layer is ranked by passage id across stores, not by row."""
    fused = reciprocal_rank({"question": ["th:p1", "en:p7"], "step": ["en:p7"]})
    assert fused == {"th:p1": pytest.approx(1 / (RRF_K + 1)), "en:p7": pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))}


def test_rrf_ignores_the_scale_that_a_score_sum_would_not():
    """BM25 scores in the tens would decide a plain sum alone; ranks do not care."""
    bm25 = np.array([40.0, 39.0, 0, 0])
    dense = np.array([0, 0.2, 0.9, 0])
    rankings = {"bm25": top_k(bm25, 10), "dense": top_k(dense, 10)}
    fused = reciprocal_rank(rankings)
    assert max(fused, key=fused.get) == 1
    assert int(np.argmax(bm25 + dense)) == 0


def test_normalised_scores_rescale_each_ranker_to_unit_range():
    scores = {"bm25": np.array([10.0, 5.0, 0.0]), "dense": np.array([0.2, 0.4, 0.3])}
    rankings = {name: top_k(values, 10) for name, values in scores.items()}
    fused = normalised_scores(rankings, {name: scores[name][ranked] for name, ranked in rankings.items()})
    assert fused[0] == pytest.approx(1.0 + 0.0)
    assert fused[1] == pytest.approx(0.0 + 1.0)
    assert fused[2] == pytest.approx(0.5)
