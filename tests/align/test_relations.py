"""Edges within one store: hierarchy, abbreviations and co-occurrence (align.relations)."""

from __future__ import annotations

import json
import math
from collections import defaultdict

import duckdb
import pytest

from medkb.align.relations import intra_language_edges
from medkb.store import database


def _edges_by_relation(edges) -> dict[str, list]:
    grouped = defaultdict(list)
    for edge in edges:
        grouped[edge[2]].append(edge)
    return grouped


def _edges(con, lang: str, relation: str, min_count: int = 2) -> list:
    return _edges_by_relation(intra_language_edges(con, lang, min_count))[relation]


def _memory_store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    database.create_tables(con)
    return con


def test_is_a_parents_become_broader_and_narrower_edges(obo_home):
    with database.open_existing("en", obo_home) as con:
        edges = _edges_by_relation(intra_language_edges(con, "en"))
    pairs = {(source, target) for source, target, *_ in edges["broader"]}
    assert pairs == {("en:DM:0000002", "en:DM:0000001"), ("en:DM:0000003", "en:DM:0000002")}  # XX:0000009 is no concept here
    assert {(target, source) for source, target, *_ in edges["narrower"]} == pairs
    for _, _, _, score, methods, evidence in edges["broader"] + edges["narrower"]:
        assert score == 1.0 and methods == ["hierarchy"] and json.loads(evidence) == {"terminology": "demo"}


@pytest.mark.abbreviations
def test_english_corpus_abbreviations_point_at_the_concepts_they_abbreviate(built_home):
    with database.open_existing("en", built_home) as con:
        edges = _edges(con, "en", "abbreviation_of")
        definitions = dict(con.execute("SELECT short_form || ' ' || concept_id, count(*) FROM abbreviations GROUP BY ALL").fetchall())
        concepts = {row[0] for row in con.execute("SELECT concept_id FROM concepts").fetchall()}
    assert len(edges) >= 20
    ckd = [e for e in edges if e[0] == "en:abbr:CKD"]
    assert [e[1:5] for e in ckd] == [("en:medkb:chronic_kidney_disease", "abbreviation_of", 1.0, ["corpus_definitions"])]
    assert json.loads(ckd[0][5]) == {"short_form": "CKD", "definitions": 3, "short_form_definitions": 3, "short_form_concepts": 1}
    for source, target, _, score, _, evidence in edges:
        evidence = json.loads(evidence)
        assert source == "en:abbr:" + evidence["short_form"] and target.removeprefix("en:") in concepts
        assert evidence["definitions"] == definitions[f"{evidence['short_form']} {target.removeprefix('en:')}"]
        assert 0 < score <= 1


def test_abbreviation_score_is_the_share_of_the_corpus_definitions():
    con = _memory_store()
    database.insert(
        con,
        "abbreviations",
        [
            ("d1", "BP", "blood pressure", "c:bp"),
            ("d2", "BP", "blood pressure", "c:bp"),
            ("d3", "BP", "blood pressure", "c:bp"),
            ("d4", "BP", "bullous pemphigoid", "c:pemphigoid"),
        ],
    )
    database.insert(
        con,
        "labels",
        [
            ("c:bp", "en", "BP", "bp", "abbreviation"),
            ("c:pemphigoid", "en", "BP", "bp", "abbreviation"),
            # a terminology's abbreviation the corpus never defines: its concepts share it equally
            ("c:t2dm", "en", "T2D", "t2d", "abbreviation"),
            ("c:type2", "en", "T2D", "t2d", "abbreviation"),
        ],
    )
    scores = {(source, target): (score, methods) for source, target, _, score, methods, _ in _edges(con, "en", "abbreviation_of")}
    assert scores == {
        ("en:abbr:BP", "en:c:bp"): (0.75, ["corpus_definitions"]),
        ("en:abbr:BP", "en:c:pemphigoid"): (0.25, ["corpus_definitions"]),
        ("en:abbr:T2D", "en:c:t2dm"): (0.5, ["terminology"]),
        ("en:abbr:T2D", "en:c:type2"): (0.5, ["terminology"]),
    }


def test_npmi_of_a_small_corpus_and_shared_labels_do_not_count():
    con = _memory_store()
    database.insert(con, "passages", [(f"p{i}", "d", i, [], 0, 10, "", [], [], []) for i in range(4)])
    mentions = {"a": ["p0", "p1"], "c": ["p0", "p1"], "d": ["p0", "p1", "p2"]}
    rows = [(concept, passage, "d", 3 * i, 3 * i + 2, "", "terminology") for i, (concept, passages) in enumerate(mentions.items()) for passage in passages]
    # "b" is matched exactly where "a" is: one label of two concepts, not a co-occurrence
    rows += [("b", passage, "d", 0, 2, "", "terminology") for passage in mentions["a"]]
    database.insert(con, "mentions", rows)
    npmi = {(source, target): score for source, target, _, score, *_ in _edges(con, "xx", "related")}
    assert npmi[("xx:a", "xx:c")] == pytest.approx(1.0)  # always together
    assert npmi[("xx:a", "xx:d")] == pytest.approx(math.log(0.5 / (0.5 * 0.75)) / -math.log(0.5))
    assert npmi[("xx:d", "xx:a")] == npmi[("xx:a", "xx:d")]
    assert ("xx:a", "xx:b") not in npmi and ("xx:b", "xx:c") in npmi


def test_related_edges_have_positive_npmi_and_enough_passages_both_ways(built_home):
    with database.open_existing("th", built_home) as con:
        related = _edges(con, "th", "related", min_count=2)
        stricter = _edges(con, "th", "related", min_count=3)
    assert len(related) > 100
    edges = {(source, target): (score, json.loads(evidence)) for source, target, _, score, _, evidence in related}
    for (source, target), (score, evidence) in edges.items():
        assert 0 < score <= 1 and evidence["passages"] >= 2 and evidence["npmi"] == pytest.approx(score, abs=1e-6)
        assert edges[(target, source)][0] == score
    assert {(s, t) for s, t, *_ in stricter} < set(edges)
    assert all(json.loads(evidence)["passages"] >= 3 for *_, evidence in stricter)


def test_a_related_pair_matches_npmi_computed_by_hand(built_home):
    with database.open_existing("th", built_home) as con:
        related = _edges(con, "th", "related")
        n_passages = con.execute("SELECT count(*) FROM passages").fetchone()[0]
        mentions = con.execute("SELECT concept_id, passage_id, start_char, end_char FROM mentions").fetchall()
    spans = defaultdict(lambda: defaultdict(set))  # concept -> passage -> spans
    for concept, passage, start, end in mentions:
        spans[concept][passage].add((start, end))
    source, target, _, score, _, evidence = max(related, key=lambda e: (json.loads(e[5])["passages"], e[0], e[1]))
    x, y = spans[source.removeprefix("th:")], spans[target.removeprefix("th:")]
    together = [p for p in x.keys() & y.keys() if x[p] != y[p]]
    p_xy, p_x, p_y = len(together) / n_passages, len(x) / n_passages, len(y) / n_passages
    assert json.loads(evidence)["passages"] == len(together) >= 2
    assert score == pytest.approx(math.log(p_xy / (p_x * p_y)) / -math.log(p_xy))


@pytest.mark.abbreviations
def test_intra_language_edges_gathers_every_relation(built_home):
    with database.open_existing("en", built_home) as con:
        edges = _edges_by_relation(intra_language_edges(con, "en"))
    assert set(edges) == {"abbreviation_of", "related"}  # the seed lexicon has no parents
