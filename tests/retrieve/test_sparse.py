"""BM25 scores: medkb's weighted scorer against raw bm25s and against rank-bm25, the reference."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from medkb.retrieve.analyzer import index_terms, query_terms
from medkb.retrieve.sparse import BM25Params, SparseIndex
from medkb.store import database


@pytest.fixture(scope="module")
def thai_corpus(built_home) -> list[list[str]]:
    with database.open_existing("th", built_home) as con:
        rows = con.execute("SELECT tokens FROM passages ORDER BY doc_id, ordinal").fetchall()
    return [index_terms("th", list(tokens)) for (tokens,) in rows]


QUERIES = ["การรักษาโรคเบาหวานชนิดที่ 2", "วัณโรคดื้อยา", "ไข้เลือดออก เกล็ดเลือดต่ำ", "ความดันโลหิตสูง ยา"]


@pytest.mark.parametrize("query", QUERIES)
def test_unit_weights_give_bm25s_scores(thai_corpus, query):
    index = SparseIndex.build(thai_corpus)
    raw = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    raw.index(thai_corpus, show_progress=False)
    terms = [t for t in query_terms("th", query) if index.known(t)]
    assert terms, "the query shares no term with the corpus"
    expected = raw.get_scores(terms)
    assert np.allclose(index.scores({t: 1.0 for t in terms}), expected, rtol=1e-5)
    assert (expected > 0).sum() >= 2


@pytest.mark.parametrize("query", QUERIES)
def test_ranks_as_rank_bm25_where_the_variants_agree(thai_corpus, query):
    """Robertson idf (log((N - n + .5) / (n + .5))) is rank-bm25's Okapi idf wherever it is positive:
    for terms in fewer than half the passages both rank every passage identically. rank-bm25 keeps
    the constant factor (k1 + 1) of the original formula, which bm25s drops."""
    index = SparseIndex.build(thai_corpus, BM25Params(k1=1.5, b=0.75, method="robertson"))
    reference = BM25Okapi(thai_corpus, k1=1.5, b=0.75)
    n = len(thai_corpus)
    rare = [t for t in dict.fromkeys(query_terms("th", query)) if 0 < sum(t in doc for doc in thai_corpus) < n / 2]
    assert rare
    ours = index.scores({t: 1.0 for t in rare})
    theirs = reference.get_scores(rare)
    assert np.allclose(ours * (1.5 + 1), theirs, rtol=1e-4, atol=1e-5)
    top = np.argsort(-theirs, kind="stable")[:10]
    assert list(np.argsort(-ours, kind="stable")[:10]) == list(top)


def test_weights_scale_each_term(thai_corpus):
    index = SparseIndex.build(thai_corpus)
    a, b = "เบาหวาน", "ไต"
    combined = index.scores({a: 1.0, b: 0.25})
    assert np.allclose(combined, index.scores({a: 1.0}) + 0.25 * index.scores({b: 1.0}), rtol=1e-5)


def test_holding_is_membership_in_the_passage_terms(thai_corpus):
    index = SparseIndex.build(thai_corpus)
    csc = index.model.scores
    steps = np.diff(np.asarray(csc["indices"], dtype=np.int64))
    starts = np.asarray(csc["indptr"][1:-1], dtype=np.int64)
    steps[starts[(starts > 0) & (starts < len(csc["indices"]))] - 1] = 1  # a new column may start anywhere
    assert (steps > 0).all(), "bm25s lists each term's passages in row order: holding() searches them"
    rows = [0, len(thai_corpus) // 2, len(thai_corpus) - 1]
    assert index.holding([*index.model.vocab_dict, "ไม่มีคำนี้ในคลัง"], rows) == [set(thai_corpus[row]) for row in rows]


def test_unknown_terms_score_nothing(thai_corpus):
    index = SparseIndex.build(thai_corpus)
    assert not index.scores({"ไม่มีคำนี้ในคลัง": 1.0}).any()
    assert index.scores({}).shape == (len(thai_corpus),)


def test_saved_index_is_memory_mapped_and_scores_alike(thai_corpus, tmp_path):
    index = SparseIndex.build(thai_corpus)
    index.save(tmp_path / "bm25")
    loaded = SparseIndex.load(tmp_path / "bm25")
    assert isinstance(loaded.model.scores["data"], np.memmap)
    terms = {"เบาหวาน": 1.0, "อินซูลิน": 0.5}
    assert np.array_equal(loaded.scores(terms), index.scores(terms))


def test_query_terms_use_ingest_tokens_without_stop_words():
    assert query_terms("en", "The treatment of Diabetes") == ["treatment", "diabetes"]
    assert "และ" not in query_terms("th", "เบาหวานและความดัน")
    assert query_terms("ko", "당뇨병은") == ["당뇨병"]
