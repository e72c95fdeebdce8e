"""Hybrid search over the embedded Thai and English knowledge bases: same-language, cross-language,
explanations, modes, fusion and input checks."""
from __future__ import annotations

import pytest

from medkb.store.errors import UsageError
from medkb.retrieve.searcher import KnowledgeBase


@pytest.fixture(scope="module")
def thai(built_home):
    with KnowledgeBase("th", home=built_home) as kb:
        yield kb


@pytest.fixture(scope="module")
def english(built_home):
    with KnowledgeBase("en", home=built_home) as kb:
        yield kb


def docs(hits) -> list[str]:
    return [h.doc_id for h in hits]


def test_thai_query_finds_thai_passages_and_says_why(thai):
    hits = thai.search("ไข้เลือดออก", k=3)
    assert docs(hits)[0].startswith("dengue-")
    why = hits[0].explanation
    assert why.query_lang == "th"
    assert "ไข้เลือดออก" in why.terms
    assert "medkb:dengue_haemorrhagic_fever" in [c["concept_id"] for c in why.concepts]
    assert {"bm25", "dense", "concepts"} <= set(why.rankers)
    assert "ไข้เลือดออก" in hits[0].text
    assert hits[0].title and hits[0].lang == "th"


@pytest.mark.parametrize(("query", "topic"), [("dengue fever", "dengue-"), ("tuberculosis", "tuberculosis-"), ("metformin", "diabetes-type2-")])
def test_english_query_finds_thai_passages(thai, query, topic):
    hits = thai.search(query, k=3)
    assert hits[0].explanation.query_lang == "en"
    assert any(d.startswith(topic) for d in docs(hits)), docs(hits)
    # The Thai words came from the concept's Thai labels, not from the query.
    assert any(t for t in hits[0].explanation.terms if not t.isascii())


@pytest.mark.parametrize(("query", "doc"), [("วัณโรค", "tuberculosis"), ("ไข้เลือดออก", "dengue"), ("kifua kikuu", "tuberculosis"), ("结核病", "tuberculosis")])
def test_other_languages_find_english_passages(english, query, doc):
    hits = english.search(query, k=3)
    assert hits and docs(hits)[0] == doc, docs(hits)
    # The English words it matched came from the English labels of the query's concepts.
    assert hits[0].explanation.terms and all(t.isascii() for t in hits[0].explanation.terms)


def test_bm25_alone_needs_shared_words(thai):
    assert thai.search("dengue fever", mode="bm25") == []
    assert docs(thai.search("ไข้เลือดออก", mode="bm25", k=1))[0].startswith("dengue-")


def test_modes_use_their_rankers(thai):
    assert set(thai.search("หอบหืด", mode="bm25")[0].explanation.rankers) == {"bm25"}
    assert set(thai.search("หอบหืด", mode="dense")[0].explanation.rankers) == {"dense"}
    assert len(thai.search("หอบหืด", mode="dense", k=7)) == 7


def test_expansion_can_be_turned_off(thai):
    hits = thai.search("ไข้เลือดออก", expand=False)
    assert all(not h.explanation.concepts and "concepts" not in h.explanation.rankers for h in hits)


def test_normalised_fusion_ranks_the_same_topic_first(thai):
    rrf = thai.search("โรคหืด การรักษา", k=3)
    normalised = thai.search("โรคหืด การรักษา", k=3, fusion="normalised")
    assert docs(rrf)[0].startswith("asthma-") and docs(normalised)[0].startswith("asthma-")
    assert all(0 < h.score <= 3 for h in normalised)  # three rankers, each scaled to [0, 1]


def test_results_are_deterministic(thai):
    first = [(h.passage_id, h.score) for h in thai.search("ความดันโลหิตสูง", k=10)]
    assert first == [(h.passage_id, h.score) for h in thai.search("ความดันโลหิตสูง", k=10)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"query": "   "}, "empty"),
        ({"query": "x" * 2001}, "2000"),
        ({"query": "เบาหวาน", "k": 0}, "k must be"),
        ({"query": "เบาหวาน", "k": 1001}, "k must be"),
        ({"query": "เบาหวาน", "mode": "sparse"}, "unknown mode"),
        ({"query": "เบาหวาน", "fusion": "sum"}, "unknown fusion"),
        ({"query": "เบาหวาน", "query_lang": "xx"}, "unknown language"),
    ],
)
def test_bad_requests_are_refused_clearly(thai, kwargs, message):
    with pytest.raises(UsageError, match=message):
        thai.search(**kwargs)


def test_a_missing_store_says_how_to_build_it(tmp_path):
    with pytest.raises(UsageError, match="kb build --lang sw"):
        KnowledgeBase("sw", home=tmp_path)
