"""The concepts of a query, carried into the language of the passages searched.

A query is matched with ingest's TermMatcher against concept labels in the
query's language: the labels the searched store holds in that language (a
Japanese store built with NANDO also holds its English labels), and, when the
query is in another language, the labels of that language's own store, whose
concepts reach the searched store through `same_as` edges (through English when
neither side is English). Each concept found is weighted: 1 for a label match,
the edge score for an aligned one (the product along a two-edge path).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from medkb.ingest.mentions.matcher import TermMatcher
from medkb.ingest.segment.tokenize import tokenize
from medkb.retrieve.analyzer import query_terms
from medkb.store import database
from medkb.store.languages import PIVOT
from medkb.store.schema import QUERY_EXPANSION_KINDS, node_id, split_node


@dataclass(frozen=True)
class QueryConcept:
    concept_id: str  # in the searched store
    label: str  # its preferred label in the searched language, else any
    matched: str  # the words of the query that named it
    weight: float
    via: tuple[str, ...] = ()  # the same_as edges followed, as "source -> target (score)"


@dataclass
class _Labels:
    by_lang: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))  # lang: [(text, concept)]
    preferred: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))  # concept: {lang: label}
    expansion: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # concept: labels in the store's language
    named: set[str] = field(default_factory=set)  # concepts with terminology labels (not only discovered ones)


class ConceptExpander:
    """Finds a query's concepts for the store of `lang` under `home`."""

    def __init__(self, lang: str, home=None):
        self.lang = lang
        self.home = home
        self._matchers: dict[tuple[str, str], TermMatcher] = {}
        self._labels: dict[str, _Labels] = {}
        self._edges: dict[str, dict[str, list[tuple[str, float]]]] = {}

    def concepts(self, query: str, query_langs: tuple[str, ...]) -> list[QueryConcept]:
        """The query's concepts in the searched store, looking for labels in each candidate language."""
        found: dict[str, QueryConcept] = {}
        for query_lang in query_langs:
            for concept in self._concepts_in(query, query_lang):
                if concept.concept_id not in found or found[concept.concept_id].weight < concept.weight:
                    found[concept.concept_id] = concept
        return sorted(found.values(), key=lambda c: (-c.weight, c.concept_id))

    def _concepts_in(self, query: str, query_lang: str) -> list[QueryConcept]:
        tokens = tokenize(query_lang, query)
        named = self._store_labels(self.lang).named
        # A concept discovered in the corpus is a phrase of its passages: BM25 already finds its words.
        found = [
            (span, QueryConcept(cid, self._label(cid), query[span[0] : span[1]], 1.0))
            for cid, span in self._matches(self.lang, query_lang, query, tokens)
            if cid in named
        ]
        if query_lang != self.lang and database.store_path(query_lang, self.home).exists():
            for concept_id, span in self._matches(query_lang, query_lang, query, tokens):
                found += [
                    (span, QueryConcept(target, self._label(target), query[span[0] : span[1]], weight, via))
                    for target, weight, via in self._aligned(query_lang, concept_id)
                ]
        return _outermost(found, named)

    def expansion_terms(self, concepts: list[QueryConcept]) -> dict[str, float]:
        """Search terms of the concepts' labels in the searched language, each at its concept's weight."""
        terms: dict[str, float] = {}
        for concept in concepts:
            for label in self._store_labels(self.lang).expansion.get(concept.concept_id, ()):
                for term in query_terms(self.lang, label):
                    terms[term] = max(terms.get(term, 0.0), concept.weight)
        return terms

    def _matches(self, store_lang: str, query_lang: str, query: str, tokens) -> list[tuple[str, tuple[int, int]]]:
        """Concepts of the store whose `query_lang` labels occur in the query, nested ones included, with their spans."""
        matcher = self._matcher(store_lang, query_lang)
        return [(cid, (m.start, m.end)) for m in matcher.find(query, tokens, nested=True) for cid in m.concept_ids]

    def _matcher(self, store_lang: str, label_lang: str) -> TermMatcher:
        key = (store_lang, label_lang)
        if key not in self._matchers:
            self._matchers[key] = TermMatcher(label_lang, self._store_labels(store_lang).by_lang.get(label_lang, []), typed=True)
        return self._matchers[key]

    def _aligned(self, query_lang: str, concept_id: str) -> list[tuple[str, float, tuple[str, ...]]]:
        """Concepts of the searched store that a query-store concept is the same as, with the path's weight."""
        start = node_id(query_lang, concept_id)
        paths: list[tuple[str, float, tuple[str, ...]]] = []
        for english, score in self._same_as(query_lang).get(start, []):
            if self.lang == PIVOT:
                paths.append((english, score, (f"{start} -> {english} ({score:.2f})",)))
                continue
            for local, score2 in self._same_as(self.lang).get(english, []):
                paths.append((local, score * score2, (f"{start} -> {english} ({score:.2f})", f"{english} -> {local} ({score2:.2f})")))
        return [(split_node(node)[1], weight, via) for node, weight, via in paths if split_node(node)[0] == self.lang]

    def _same_as(self, lang: str) -> dict[str, list[tuple[str, float]]]:
        """same_as edges of a non-English store, both ways: local node -> English nodes and back."""
        if lang == PIVOT:
            return {}
        if lang not in self._edges:
            self._edges[lang] = _read_same_as(lang, self.home)
        return self._edges[lang]

    def _store_labels(self, lang: str) -> _Labels:
        if lang not in self._labels:
            self._labels[lang] = _read_labels(lang, self.home)
        return self._labels[lang]

    def _label(self, concept_id: str) -> str:
        names = self._store_labels(self.lang).preferred.get(concept_id, {})
        return names.get(self.lang) or names.get(PIVOT) or next(iter(names.values()), concept_id)


def _outermost(found: list[tuple[tuple[int, int], QueryConcept]], named: set[str]) -> list[QueryConcept]:
    """The concepts of spans not inside a longer span that names a terminology concept.

    "ไข้เลือดออก" (dengue haemorrhagic fever) holds "เลือด" (blood): blood is noise once the
    whole name is found. Nested spans count where the longer one reached no terminology
    concept, as "ผู้ป่วยวัณโรค" (TB patient), a term discovered in the corpus, holds tuberculosis.
    """
    spans = {span for span, concept in found if concept.concept_id in named}
    return [c for span, c in found if not any(o != span and o[0] <= span[0] and span[1] <= o[1] for o in spans)]


def _read_labels(lang: str, home) -> _Labels:
    labels = _Labels()
    with database.open_existing(lang, home) as con:
        rows = con.execute(
            "SELECT concept_id, lang, text, kind FROM labels ORDER BY coalesce(list_position($kinds, kind), 99), text",
            {"kinds": list(QUERY_EXPANSION_KINDS)},
        ).fetchall()
    for concept_id, label_lang, text, kind in rows:
        labels.by_lang[label_lang].append((text, concept_id))
        labels.preferred[concept_id].setdefault(label_lang, text)
        if kind in QUERY_EXPANSION_KINDS:
            labels.named.add(concept_id)
            if label_lang == lang:
                labels.expansion[concept_id].append(text)
    return labels


def _read_same_as(lang: str, home) -> dict[str, list[tuple[str, float]]]:
    links: dict[str, list[tuple[str, float]]] = defaultdict(list)
    if not database.store_path(lang, home).exists():
        return links
    with database.open_existing(lang, home) as con:
        rows = con.execute("SELECT source, target, score FROM edges WHERE relation = 'same_as'").fetchall()
    for source, target, score in rows:
        weight = min(1.0, max(0.0, float(score)))
        links[source].append((target, weight))
        links[target].append((source, weight))
    return links
