"""Concepts that come from a whole corpus or terminology set, not from one file.

Abbreviation concepts and discovered terms depend on every document, so they
are derived again from the per-document tables after each build that
changes anything; terminology concepts are written when the settings change.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict

from medkb.ingest.mentions.discovery import salient_terms
from medkb.ingest.mentions.matcher import TermMatcher
from medkb.ingest.segment import Token
from medkb.ingest.segment.normalize import normalize
from medkb.ingest.terms import Terminology
from medkb.store import database
from medkb.store.records import Concept

MATCH_BATCH = 20_000  # passages matched, and their mentions inserted, at a time

MIN_FREQUENCY, MIN_DOCUMENTS = 3, 2


def write_terminologies(con, settings, terminologies: list[Terminology]) -> None:
    """Concepts and labels of every terminology; one concept per id across files."""
    merged: dict[str, Concept] = {}
    for terminology in terminologies:
        for concept in terminology.concepts:
            _merge(merged, concept)
    database.insert(
        con,
        "terminologies",
        [(t.name, t.path, s.sha256, len(t.concepts), sum(len(c.labels) for c in t.concepts)) for t, s in zip(terminologies, settings.terms)],
    )
    database.insert(con, "concepts", [(c.concept_id, c.source, c.semantic_type, database.to_json(c.codes), c.parents, "{}") for c in merged.values()])
    database.insert(con, "labels", [(c.concept_id, label.lang, label.text, normalize(label.text), label.kind) for c in merged.values() for label in c.labels])


def _merge(merged: dict[str, Concept], concept: Concept) -> None:
    existing = merged.get(concept.concept_id)
    if existing is None:
        merged[concept.concept_id] = Concept(
            concept.concept_id,
            concept.source,
            list(dict.fromkeys(concept.labels)),
            concept.semantic_type,
            dict(concept.codes),
            list(concept.parents),
        )
        return
    seen = {(label.lang, label.text) for label in existing.labels}
    existing.labels += [label for label in concept.labels if (label.lang, label.text) not in seen]
    existing.codes = concept.codes | existing.codes
    existing.parents += [p for p in concept.parents if p not in existing.parents]
    existing.semantic_type = existing.semantic_type or concept.semantic_type


def refresh_abbreviation_concepts(con) -> None:
    """Short forms defined in the corpus become labels; unknown long forms become concepts."""
    con.execute("DELETE FROM labels WHERE kind = 'abbreviation'")
    con.execute("DELETE FROM labels WHERE concept_id IN (SELECT concept_id FROM concepts WHERE source = 'abbreviation')")
    con.execute("DELETE FROM concepts WHERE source = 'abbreviation'")
    known = {row[0] for row in con.execute("SELECT concept_id FROM concepts").fetchall()}
    long_forms: dict[str, Counter] = defaultdict(Counter)
    short_forms: dict[str, set] = defaultdict(set)
    for short, long, concept_id in con.execute("SELECT short_form, long_form, concept_id FROM abbreviations").fetchall():
        long_forms[concept_id][long] += 1
        short_forms[concept_id].add(short)
    new = sorted(set(long_forms) - known)
    database.insert(con, "concepts", [(cid, "abbreviation", "", "{}", [], "{}") for cid in new])
    labels = [(cid, "en", long_forms[cid].most_common(1)[0][0], "preferred") for cid in new]
    labels += [(cid, "en", short, "abbreviation") for cid in sorted(short_forms) for short in sorted(short_forms[cid])]
    database.insert(con, "labels", [(cid, lang, text, normalize(text), kind) for cid, lang, text, kind in labels])


def refresh_discovered_terms(con, lang: str) -> None:
    """Salient multi-word terms of the corpus as concepts, and their mentions in every passage."""
    con.execute("DELETE FROM mentions WHERE method = 'discovered'")
    con.execute("DELETE FROM labels WHERE kind = 'discovered'")
    con.execute("DELETE FROM concepts WHERE source = 'discovered'")
    # A document has one row per term (its candidates are counted), so count(*) counts its documents:
    # count(DISTINCT doc_id) gave the same terms at 100k passages with twice the memory, in 4x the time.
    aggregates = con.execute(
        "SELECT term, sum(frequency)::INTEGER, count(*)::INTEGER FROM term_candidates GROUP BY term HAVING sum(frequency) >= ? AND count(*) >= ? ORDER BY term",
        [MIN_FREQUENCY, MIN_DOCUMENTS],
    ).fetchall()
    known = {row[0] for row in con.execute("SELECT norm FROM labels WHERE lang = ?", [lang]).fetchall()}
    terms = salient_terms(aggregates, known)
    concept_ids = {term: discovered_concept_id(lang, term.label(lang)) for term in terms}
    database.insert(
        con,
        "concepts",
        [
            (cid, "discovered", "", "{}", [], database.to_json({"c_value": t.c_value, "frequency": t.frequency, "documents": t.documents}))
            for t, cid in concept_ids.items()
        ],
    )
    database.insert(con, "labels", [(cid, lang, t.label(lang), normalize(t.label(lang)), "discovered") for t, cid in concept_ids.items()])
    _find_discovered_mentions(con, lang, [(t.label(lang), cid) for t, cid in concept_ids.items()])


def discovered_concept_id(lang: str, label: str) -> str:
    """`disc:<lang>:` and the label with runs of other characters than letters, marks and digits as `_`
    (Thai vowels and tone marks are marks, which `\\W` counts out: ยาเคมีบำบัด became ยาเคม_บ_าบ_ด)."""
    kept = "".join(ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in label)
    return f"disc:{lang}:" + "_".join(kept.split())


def _find_discovered_mentions(con, lang: str, labels: list[tuple[str, str]]) -> None:
    if not labels:
        return
    matcher = TermMatcher(lang, labels)
    # Passages are read, and their mentions inserted, a batch at a time, in passage id order: a million
    # passages' mentions held as Python tuples would take gigabytes, and an insert would end an open scan.
    last_id = ""
    while passages := con.execute(
        "SELECT passage_id, doc_id, text, token_starts, token_ends FROM passages WHERE passage_id > ? ORDER BY passage_id LIMIT ?",
        [last_id, MATCH_BATCH],
    ).fetchall():
        last_id = passages[-1][0]
        rows = []
        for passage_id, doc_id, text, starts, ends in passages:
            tokens = [Token(s, e, "", True) for s, e in zip(starts, ends)]
            for match in matcher.find(text, tokens):
                rows += [(cid, passage_id, doc_id, match.start, match.end, text[match.start : match.end], "discovered") for cid in match.concept_ids]
        database.insert(con, "mentions", rows)
