"""Edges within one language's store, derived from the tables `kb build` writes.

Rows are `(source, target, relation, score, methods, evidence_json)`, ready for
`kb.store.insert(con, "edges", rows)`. Every relation is stored in both of its
directions where it has a node on each side in this store: `broader` and
`narrower` for each parent link, and `related` from each end of a co-occurring
pair, so that `WHERE source = ?` alone finds every edge of a concept in SQL.
(`abbreviation_of` is stored once: a short form's node exists only as its source.)

- broader/narrower: `concepts.parents` (OBO `is_a`), where the parent is a concept of the store.
- abbreviation_of: a short form (`labels.kind = 'abbreviation'`) as its own node, pointing at
  the concept it abbreviates; scored by how the corpus uses the short form.
- related: concepts mentioned in the same passages more often than chance, scored by NPMI.
"""

from __future__ import annotations

from medkb.store.database import to_json
from medkb.store.schema import node_id

# A short form's node is node_id(lang, "abbr:" + short form as written, "BP"). Concepts made
# from corpus long forms share the prefix but are case-folded slugs (abbr:blood_pressure).
SHORT_FORM_PREFIX = "abbr:"

Edge = tuple[str, str, str, float, list[str], str]


def intra_language_edges(con, lang: str, min_count: int = 2) -> list[Edge]:
    """Every broader, narrower, abbreviation_of and related edge of the `lang` store behind `con`."""
    return [*_hierarchy_edges(con, lang), *_abbreviation_edges(con, lang), *_cooccurrence_edges(con, lang, min_count)]


def _hierarchy_edges(con, lang: str) -> list[Edge]:
    """child -broader-> parent and parent -narrower-> child; parents outside the store have no node here."""
    rows = con.execute(
        """
        SELECT DISTINCT c.concept_id, parent, c.source
        FROM concepts c, unnest(c.parents) AS p(parent)
        WHERE parent IN (SELECT concept_id FROM concepts) AND parent <> c.concept_id
        ORDER BY ALL
        """
    ).fetchall()
    edges: list[Edge] = []
    for child, parent, source in rows:
        evidence = to_json({"terminology": source})
        edges.append((node_id(lang, child), node_id(lang, parent), "broader", 1.0, ["hierarchy"], evidence))
        edges.append((node_id(lang, parent), node_id(lang, child), "narrower", 1.0, ["hierarchy"], evidence))
    return edges


def _abbreviation_edges(con, lang: str) -> list[Edge]:
    """short form -abbreviation_of-> concept, scored by the share of the corpus definitions of
    the short form that name this concept ("BP" defined 3 times as blood pressure, once as
    bullous pemphigoid: 0.75 and 0.25).

    A short form the corpus never defines (a terminology's abbreviation synonym) has no
    definitions to count: its concepts share the score equally.
    """
    rows = con.execute(
        """
        WITH labelled AS (SELECT DISTINCT text AS short_form, concept_id FROM labels WHERE kind = 'abbreviation'),
             defined AS (SELECT short_form, concept_id, count(*) AS n FROM abbreviations GROUP BY ALL),
             definitions AS (SELECT short_form, count(*) AS n FROM abbreviations GROUP BY short_form),
             sharing AS (SELECT short_form, count(*) AS n FROM labelled GROUP BY short_form)
        SELECT l.short_form, l.concept_id, coalesce(d.n, 0), coalesce(t.n, 0), s.n
        FROM labelled l JOIN sharing s USING (short_form)
        LEFT JOIN defined d USING (short_form, concept_id) LEFT JOIN definitions t USING (short_form)
        ORDER BY ALL
        """
    ).fetchall()
    edges: list[Edge] = []
    for short_form, concept_id, definitions, all_definitions, n_concepts in rows:
        if all_definitions:
            score, method = definitions / all_definitions, "corpus_definitions"
        else:
            score, method = 1 / n_concepts, "terminology"
        evidence = {"short_form": short_form, "definitions": definitions, "short_form_definitions": all_definitions, "short_form_concepts": n_concepts}
        edges.append((node_id(lang, SHORT_FORM_PREFIX + short_form), node_id(lang, concept_id), "abbreviation_of", score, [method], to_json(evidence)))
    return edges


def _cooccurrence_edges(con, lang: str, min_count: int = 2) -> list[Edge]:
    """`related` both ways between concepts mentioned together in at least `min_count` passages
    and more often than chance (NPMI > 0).

    NPMI = log(p(x,y) / (p(x) p(y))) / -log p(x,y), with probabilities over every passage of
    the store: 1 when two concepts only ever occur together, 0 when independent. A pair found
    in every passage has no defined NPMI and is left out, as it says nothing about the pair.
    Two concepts matched at exactly the same places of a passage do not co-occur there: that
    is one mention of a label they share (HPO and NANDO both name 低ゴナドトロピン性性腺機能低下症),
    not two concepts discussed together.
    """
    rows = con.execute(
        """
        WITH occurrences AS (
                 SELECT concept_id, passage_id, list_sort(list(DISTINCT [start_char, end_char])) AS spans
                 FROM mentions GROUP BY ALL),
             concept_passages AS (SELECT concept_id, count(*) AS n FROM occurrences GROUP BY concept_id),
             pairs AS (
                 SELECT a.concept_id AS x, b.concept_id AS y, count(*) AS n_xy
                 FROM occurrences a JOIN occurrences b ON a.passage_id = b.passage_id AND a.concept_id < b.concept_id AND a.spans <> b.spans
                 GROUP BY ALL HAVING count(*) >= $min_count),
             total AS (SELECT count(*)::DOUBLE AS n FROM passages),
             scored AS (
                 -- least(): two concepts that only occur together reach 1 give or take rounding
                 SELECT x, y, n_xy, least(ln(n_xy * total.n / (cx.n * cy.n)) / -ln(n_xy / total.n), 1.0) AS npmi
                 FROM pairs, total
                 JOIN concept_passages cx ON cx.concept_id = x
                 JOIN concept_passages cy ON cy.concept_id = y
                 WHERE n_xy < total.n)
        SELECT x, y, n_xy, npmi FROM scored WHERE npmi > 0 ORDER BY x, y
        """,
        {"min_count": min_count},
    ).fetchall()
    edges: list[Edge] = []
    for x, y, n_xy, npmi in rows:
        evidence = to_json({"passages": n_xy, "npmi": round(npmi, 6)})
        edges.append((node_id(lang, x), node_id(lang, y), "related", npmi, ["cooccurrence"], evidence))
        edges.append((node_id(lang, y), node_id(lang, x), "related", npmi, ["cooccurrence"], evidence))
    return edges
