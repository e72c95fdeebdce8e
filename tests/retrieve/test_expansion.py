"""Query concepts found across languages on the embedded stores: which spans of a query count."""

from __future__ import annotations

import pytest

from medkb.retrieve.expansion import ConceptExpander, QueryConcept
from medkb.retrieve.searcher import _concept_share


@pytest.fixture(scope="module")
def english(built_home):
    return ConceptExpander("en", built_home)


def ids(concepts) -> set[str]:
    return {c.concept_id for c in concepts}


def test_a_name_inside_a_longer_name_is_left_out(english):
    # ไข้เลือดออก (dengue haemorrhagic fever) holds เลือด (blood).
    found = ids(english.concepts("ไข้เลือดออก", ("th",)))
    assert "medkb:dengue_haemorrhagic_fever" in found and "medkb:blood" not in found


def test_concepts_inside_a_term_with_no_english_concept_still_count(english):
    # ผู้ป่วยวัณโรค (TB patient) is a term discovered in the Thai corpus, with no English concept.
    assert "medkb:tuberculosis" in ids(english.concepts("ผู้ป่วยวัณโรคที่มีไข้", ("th",)))


def test_expansion_words_are_the_english_labels(english):
    terms = english.expansion_terms(english.concepts("วัณโรค", ("th",)))
    assert {"tuberculosis", "tb"} <= set(terms) and all(t.isascii() for t in terms)


def test_a_term_discovered_in_the_corpus_is_left_to_bm25(built_home):
    # ผู้ป่วยวัณโรค (TB patient) is a discovered Thai term: in the Thai store it adds nothing to its words.
    found = ids(ConceptExpander("th", built_home).concepts("ผู้ป่วยวัณโรค", ("th",)))
    assert found == {"medkb:tuberculosis"}


def test_the_concepts_ranker_counts_as_much_as_the_query_it_names():
    whole = QueryConcept("medkb:dengue_haemorrhagic_fever", "", "ไข้เลือดออก", 1.0)
    part = QueryConcept("medkb:syndrome", "", "症候群", 1.0)
    assert _concept_share("ไข้เลือดออก", [whole]) == 1.0
    assert _concept_share("ไข้เลือดออก อาการเตือน", [whole]) == pytest.approx(11 / 21)  # spaces do not count
    assert _concept_share("チャージ症候群", [part]) == pytest.approx(3 / 7)
    assert _concept_share("dengue", []) == 0.0
