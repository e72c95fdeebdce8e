"""Concept lookup: term -> concepts -> labels in every language, aligned concepts with their
evidence, graph neighbours, evidence passages."""

from __future__ import annotations

import shutil

import pytest

from medkb.align.relations import intra_language_edges
from medkb.retrieve.index import index_dir
from medkb.retrieve.searcher import KnowledgeBase, lookup
from medkb.store import database
from medkb.store.schema import node_id

EVIDENCE = '{"fixture": "a same_as edge as kb align writes it"}'


@pytest.fixture(scope="module")
def linked_home(built_home, tmp_path_factory):
    """The search stores with their intra-language edges and one same_as edge, as kb align leaves them."""
    home = tmp_path_factory.mktemp("linked")
    for lang in ("th", "en"):
        shutil.copy(database.store_path(lang, built_home), database.store_path(lang, home))
        shutil.copytree(index_dir(lang, built_home), index_dir(lang, home))
        with database.connect(database.store_path(lang, home)) as con:
            database.insert(con, "edges", intra_language_edges(con, lang))
    with database.connect(database.store_path("th", home)) as con:
        edge = (node_id("th", "medkb:tuberculosis"), node_id("en", "medkb:tuberculosis"), "same_as", 1.0, ["shared_id"], EVIDENCE)
        database.insert(con, "edges", [edge])
    return home


@pytest.fixture(scope="module")
def thai(linked_home):
    with KnowledgeBase("th", home=linked_home) as kb:
        yield kb


def test_a_thai_term_gives_its_concept_with_labels_in_every_language(thai):
    (record,) = thai.lookup("วัณโรค")
    assert record.concept_id == "medkb:tuberculosis" and record.node == "th:medkb:tuberculosis"
    assert "tuberculosis" in record.labels["en"] and "结核病" in record.labels["zh"]
    assert record.labels["th"][0] == "วัณโรค"  # the preferred label first


def test_aligned_concepts_carry_their_edge_evidence(thai):
    (record,) = thai.lookup("วัณโรค")
    (aligned,) = record.aligned
    assert aligned.node == "en:medkb:tuberculosis" and aligned.methods == ["shared_id"]
    assert aligned.evidence == {"fixture": "a same_as edge as kb align writes it"}


def test_neighbours_and_evidence_passages(thai):
    (record,) = thai.lookup("วัณโรค")
    assert {n.relation for n in record.neighbors} == {"related"}
    assert record.passages and all("วัณโรค" in p["text"] for p in record.passages)
    mentions = [p["mentions"] for p in record.passages]
    assert mentions == sorted(mentions, reverse=True)


def test_an_english_term_finds_the_thai_concept(thai):
    assert [r.concept_id for r in thai.lookup("Tuberculosis")] == ["medkb:tuberculosis"]


def test_a_phrase_gives_the_concepts_it_contains(thai):
    found = {r.concept_id for r in thai.lookup("ผู้ป่วยวัณโรคที่มีไข้")}
    assert {"medkb:tuberculosis", "medkb:fever"} <= found


def test_an_unknown_term_gives_nothing(thai):
    assert thai.lookup("ไม่ใช่ชื่อโรค") == []


def test_the_one_call_form_matches(linked_home):
    assert [r.to_dict() for r in lookup("วัณโรค", "th", home=linked_home)] == [r.to_dict() for r in KnowledgeBase("th", home=linked_home).lookup("วัณโรค")]
