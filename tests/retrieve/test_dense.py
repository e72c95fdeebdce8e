"""Dense search: exact inner products over memory-mapped vectors, and the approximate index."""

from __future__ import annotations

import re

import numpy as np
import pytest

from medkb.retrieve.dense import ANN_FILE, ANN_MIN_PASSAGES, NPROBE, DenseIndex
from medkb.retrieve.fusion import top_k


def unit_rows(n: int, dim: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def clustered(n: int, dim: int = 64) -> np.ndarray:
    """Vectors around 50 centres, as passage embeddings are: topics, not uniform noise."""
    centres = unit_rows(50, dim, 1)
    noisy = centres[np.random.default_rng(2).integers(0, 50, n)] + 0.35 * unit_rows(n, dim, 3)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def test_exact_search_is_the_cosine(tmp_path):
    vectors = unit_rows(500, 32, 0)
    DenseIndex.save(tmp_path, vectors)
    index = DenseIndex.load(tmp_path)
    assert isinstance(index.vectors, np.memmap) and index.ann is None
    query = vectors[42]
    scores = index.scores(query)
    assert top_k(scores, 1).tolist() == [42]
    assert np.allclose(scores, vectors @ query, atol=1e-6)


def test_the_approximate_index_recalls_what_exact_search_finds(tmp_path):
    pytest.importorskip("faiss", reason="the ann extra (faiss-cpu) is not installed")
    vectors = clustered(20_000)
    DenseIndex.save(tmp_path, vectors, ann=True)
    assert (tmp_path / ANN_FILE).exists()
    approximate, exact = DenseIndex.load(tmp_path), DenseIndex(vectors)
    queries = clustered(20_100)[20_000:]
    recall = np.mean([len(set(top_k(approximate.scores(q, depth=10), 10).tolist()) & set(top_k(exact.scores(q), 10).tolist())) / 10 for q in queries])
    assert recall >= 0.9
    # Candidates are re-scored exactly: the scores it reports are true cosines.
    q = queries[0]
    found = top_k(approximate.scores(q, depth=10), 10)
    assert np.allclose(approximate.scores(q, depth=10)[found], vectors[found] @ q, atol=1e-6)


def test_from_its_threshold_the_approximate_index_finds_the_top_hits_of_exact_search(tmp_path):
    pytest.importorskip("faiss", reason="the ann extra (faiss-cpu) is not installed")
    vectors = clustered(ANN_MIN_PASSAGES, dim=16)
    DenseIndex.save(tmp_path, vectors[:-1])
    assert not (tmp_path / ANN_FILE).exists()
    DenseIndex.save(tmp_path, vectors)
    approximate, exact = DenseIndex.load(tmp_path), DenseIndex(vectors)
    assert approximate.ann.nprobe == NPROBE
    queries = clustered(ANN_MIN_PASSAGES + 50, dim=16)[ANN_MIN_PASSAGES:]
    found = [(top_k(approximate.scores(q), 10), top_k(exact.scores(q), 10)) for q in queries]
    assert all(a[0] == e[0] for a, e in found)
    assert np.mean([len(set(a.tolist()) & set(e.tolist())) / 10 for a, e in found]) >= 0.95


def test_without_faiss_a_large_store_is_searched_exactly(tmp_path, monkeypatch):
    import medkb.retrieve.dense

    monkeypatch.setattr(medkb.retrieve.dense, "ann_installed", lambda: False)
    vectors = clustered(ANN_MIN_PASSAGES, dim=8)
    DenseIndex.save(tmp_path, vectors)
    assert not (tmp_path / ANN_FILE).exists()
    index = DenseIndex.load(tmp_path)
    assert index.ann is None and np.allclose(index.scores(vectors[0]), vectors @ vectors[0], atol=1e-6)


def test_the_approximate_index_trains_on_enough_points_for_its_clusters(tmp_path, monkeypatch, capfd):
    """A sample smaller than faiss's 39 points per cluster trains poor clusters (faiss warns on stderr)."""
    pytest.importorskip("faiss", reason="the ann extra (faiss-cpu) is not installed")
    import medkb.retrieve.dense

    monkeypatch.setattr(medkb.retrieve.dense, "TRAIN_SAMPLE", 1_000)
    vectors = clustered(20_000, dim=16)
    index = medkb.retrieve.dense.build_ann(vectors)
    assert index.ntotal == 20_000 and index.nlist > 1_000 // medkb.retrieve.dense.TRAIN_PER_CLUSTER
    assert "training points" not in capfd.readouterr().err


def test_faiss_threads_wait_passively_and_the_environment_is_left_as_it_was(run_python):
    """faiss's OpenMP runtime reads OMP_WAIT_POLICY once, as it is loaded: 0 spins unless the user chose."""
    pytest.importorskip("faiss", reason="the ann extra (faiss-cpu) is not installed")
    result = run_python(
        """
        import os
        before = dict(os.environ)
        import numpy as np
        from medkb.retrieve.dense import build_ann
        build_ann(np.eye(64, dtype=np.float32))
        print(dict(os.environ) == before)
        """,
        OMP_WAIT_POLICY=None,
        OMP_DISPLAY_ENV="verbose",  # each OpenMP runtime prints its settings as it starts
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]
    assert re.findall(r"GOMP_SPINCOUNT = '(\d+)'", result.stderr) == ["0"]
