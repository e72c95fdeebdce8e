"""`kb.open(lang)`: search a language's knowledge base and look its concepts up.

A hybrid search runs three rankers over the store's passages and fuses their
rankings: BM25 over the query's words and the words of its concepts' labels,
dense similarity with the query's vector, and the passages that mention the
query's concepts. Each hit says which rankers found it, at what rank and score,
and which query terms and concepts it holds.
"""

from __future__ import annotations

import math
from functools import cached_property
from pathlib import Path
from typing import Literal, get_args

import numpy as np

from medkb.align.graph import ConceptGraph
from medkb.retrieve.analyzer import query_terms
from medkb.retrieve.embedding import encode_query
from medkb.retrieve.expansion import ConceptExpander, QueryConcept
from medkb.retrieve.fusion import normalised_scores, reciprocal_rank, top_k
from medkb.retrieve.hits import Explanation, Hit
from medkb.retrieve.index import ensure_index, load_index
from medkb.retrieve.lookup import ConceptRecord, concept_nodes, lookup_concepts
from medkb.retrieve.query_lang import guess_query_langs
from medkb.store import database
from medkb.store.errors import UsageError
from medkb.store.languages import get_language
from medkb.store.schema import node_id

Mode = Literal["hybrid", "bm25", "dense"]
MODES: tuple[str, ...] = get_args(Mode)
FUSIONS = ("rrf", "normalised")
DEPTH = 100  # passages each ranker hands to fusion
EXPANSION_WEIGHT = 0.5  # a concept label's word counts half as much as a word the user typed
MAX_K = 1000
MAX_QUERY_CHARS = 2000


class KnowledgeBase:
    """A built store opened for search; its retrieval index is built first if missing or stale.

    Args:
        lang: the language code of the store to open (th, zh, ja, ko, sw, yo or en).
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
        embedder: the passage embedder of the index: "auto" (the index's own, else the measured
            default if installed), use, e5, a sentence-transformers model on disk, or None (BM25
            and concepts only).

    Raises:
        UsageError: an unknown language, or no `lang` store under `home`.
    """

    def __init__(self, lang: str, *, home: str | Path | None = None, embedder: str | None = "auto"):
        self.lang = get_language(lang).code
        self.home = home
        ensure_index(self.lang, home, embedder)
        self.index = load_index(self.lang, home)
        self.embedder = self.index.manifest.embedder
        self.con = database.open_existing(self.lang, home)
        self.expander = ConceptExpander(self.lang, home)

    def close(self) -> None:
        """Close the store; the knowledge base cannot be searched after."""
        self.con.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        mode: str = "hybrid",
        query_lang: str | None = None,
        fusion: str = "rrf",
        expand: bool | None = None,
    ) -> list[Hit]:
        """The k best passages of the store for the query, and why each was found.

        Args:
            query: what to search for, in any of medkb's languages (at most 2,000 characters).
            k: how many passages to return (1 to 1000).
            mode: hybrid (BM25 + dense + concepts, fused), bm25 or dense.
            query_lang: the query's language code (default: guessed from its script).
            fusion: rrf (reciprocal rank fusion, k=60) or normalised (min-max scores, summed).
            expand: add the words of the query's concepts' labels (default: on in hybrid mode).

        Returns:
            Up to k hits, best first.

        Raises:
            UsageError: an empty or too long query, k out of range, an unknown mode, fusion or
                query language, or dense search of an index without passage vectors.
        """
        self._check(query, k, mode, fusion)
        query_langs = (get_language(query_lang).code,) if query_lang else guess_query_langs(query, self.lang)
        query_lang = query_langs[0]
        expand = mode == "hybrid" if expand is None else expand
        concepts = self.expander.concepts(query, query_langs) if expand else []
        terms = self._weighted_terms(query, query_lang, concepts)
        rankings, scores = self._rank(query, mode, terms, concepts, k)
        if len(rankings) == 1:
            ((name, ranked),) = rankings.items()
            fused = dict(zip(ranked.tolist(), scores[name].tolist()))
        else:
            weights = {"concepts": _concept_share(query, concepts)}
            fused = reciprocal_rank(rankings, weights) if fusion == "rrf" else normalised_scores(rankings, scores, weights)
        best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        return self._hits(best, rankings, scores, terms, concepts, query_lang)

    def lookup(self, term: str, *, term_lang: str | None = None) -> list[ConceptRecord]:
        """The store's concepts that the term names, with their labels in every language, aligned
        concepts, graph neighbours and evidence passages.

        Args:
            term: a term, a label or a concept id.
            term_lang: the term's language code (default: guessed from its script).

        Returns:
            The concepts' records, best first (at most 5); [] when the term names none.

        Raises:
            UsageError: an empty term, or an unknown term language.
        """
        if not term or not term.strip():
            raise UsageError("the term is empty")
        term_langs = (get_language(term_lang).code,) if term_lang else guess_query_langs(term, self.lang)
        nodes = list(dict.fromkeys(n for guess in term_langs for n in concept_nodes(self.graph, term, self.lang, guess)))
        if not nodes:  # no label is the term itself: the concepts it contains
            nodes = [node_id(self.lang, c.concept_id) for c in self.expander.concepts(term, term_langs)]
        return lookup_concepts(self.con, self.graph, self.lang, nodes)

    @cached_property
    def graph(self) -> ConceptGraph:
        """The concept graph of this store, English, and the other stores beside it."""
        return ConceptGraph.load(home=self.home)

    def _check(self, query: str, k: int, mode: str, fusion: str) -> None:
        if not query or not query.strip():
            raise UsageError("the query is empty")
        if len(query) > MAX_QUERY_CHARS:
            raise UsageError(f"the query has {len(query)} characters; the most is {MAX_QUERY_CHARS}")
        if not 1 <= k <= MAX_K:
            raise UsageError(f"k must be from 1 to {MAX_K}, not {k}")
        if mode not in MODES:
            raise UsageError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        if fusion not in FUSIONS:
            raise UsageError(f"unknown fusion {fusion!r}: use one of {', '.join(FUSIONS)}")
        if mode == "dense" and not self.embedder:
            raise UsageError(f"the {self.lang} index has no passage vectors: install medkb[embed] and search again")

    def _weighted_terms(self, query: str, query_lang: str, concepts: list[QueryConcept]) -> dict[str, float]:
        terms = {term: EXPANSION_WEIGHT * weight for term, weight in self.expander.expansion_terms(concepts).items()}
        for term in query_terms(query_lang, query):
            terms[term] = 1.0
            if not get_language(query_lang).spaced and not self.index.sparse.known(term):
                terms |= {piece: 1.0 for piece in self.index.sparse.known_pieces(term)}
        return terms

    def _rank(self, query, mode, terms, concepts, k) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Each ranker's best rows, best first, and their scores (row for row)."""
        rankers = [
            name
            for name, on in (("bm25", mode in ("bm25", "hybrid")), ("dense", mode in ("dense", "hybrid") and self.embedder), ("concepts", bool(concepts)))
            if on
        ]
        # Fusion reads each ranker's DEPTH best; a ranker alone, only its k best: ranking 100 to
        # return 10 took 40 of a BM25 search's 230 microseconds at 10k passages.
        depth = DEPTH if len(rankers) > 1 else min(k, DEPTH)
        rankings, scores = {}, {}
        for name in rankers:
            if name == "bm25":  # the sparse engine ranks by itself (bm25s here, or a Lucene index)
                rankings[name], scores[name] = self.index.sparse.top(terms, depth)
                continue
            values = self._dense_scores(query) if name == "dense" else self._concept_scores(concepts)
            rankings[name] = top_k(values, depth)
            scores[name] = values[rankings[name]]
        return rankings, scores

    def _dense_scores(self, query: str) -> np.ndarray:
        # search() refuses dense mode without an embedder, and _rank ranks by vectors only with one
        if self.index.dense is None or self.embedder is None:
            raise RuntimeError(f"the {self.lang} index has no passage vectors to rank by")
        return self.index.dense.scores(encode_query(self.embedder, query))

    def _concept_scores(self, concepts: list[QueryConcept]) -> np.ndarray:
        """Mentions of the query's concepts: weight x idf x (1 + log count), summed over concepts."""
        n = self.index.sparse.n_passages
        scores = np.zeros(n, dtype=np.float32)
        for concept in concepts:
            rows, counts = self.index.concept_postings(concept.concept_id)
            if len(rows):
                idf = math.log(1 + n / len(rows))
                scores[rows] += concept.weight * idf * (1 + np.log(counts.astype(np.float32)))
        return scores

    def _hits(self, best, rankings, scores, terms, concepts, query_lang) -> list[Hit]:
        ranks = {name: {row: rank for rank, row in enumerate(ranked.tolist(), start=1)} for name, ranked in rankings.items()}
        score_of = {name: dict(zip(ranked.tolist(), scores[name].tolist())) for name, ranked in rankings.items()}
        rows = np.array([row for row, _ in best], dtype=np.int64)
        # Which hits mention each concept, tested for the hits alone: a common concept has postings
        # in a large share of the passages, too many to turn into a Python set on every search.
        mentioned = {c.concept_id: np.isin(rows, self.index.concept_postings(c.concept_id)[0]) for c in concepts}
        held = self.index.sparse.holding(terms, rows)
        hits = []
        for i, ((row, score), row_terms) in enumerate(zip(best, held)):
            # Read from the index by row, not from the store: DuckDB would scan every passage.
            text, section, title = self.index.record(row)
            explanation = Explanation(
                query_lang=query_lang,
                terms=sorted(row_terms),
                concepts=[_concept_dict(c) for c in concepts if mentioned[c.concept_id][i]],
                rankers={name: {"rank": ranks[name][row], "score": round(score_of[name][row], 4)} for name in rankings if row in ranks[name]},
            )
            hits.append(Hit(self.index.passage_ids[row], self.index.doc_ids[row], self.lang, round(score, 6), text, title, list(section or ()), explanation))
        return hits


def _concept_share(query: str, concepts: list[QueryConcept]) -> float:
    """The share of the query's characters that its concepts name: the weight of the concepts ranker
    in fusion. A whole disease name found is strong evidence; 症候群 (syndrome) found inside an
    unknown syndrome's name is weak, and at full weight it would rank every syndrome's passages up."""
    named = np.zeros(len(query), dtype=bool)
    for matched in {c.matched for c in concepts}:
        start = query.find(matched)
        while start >= 0:
            named[start : start + len(matched)] = True
            start = query.find(matched, start + 1)
    letters = np.array([not ch.isspace() for ch in query], dtype=bool)
    return float(named[letters].mean()) if letters.any() else 0.0


def _concept_dict(concept: QueryConcept) -> dict:
    return {"concept_id": concept.concept_id, "label": concept.label, "matched": concept.matched, "weight": round(concept.weight, 4), "via": list(concept.via)}


def open(lang: str, *, home: str | Path | None = None, embedder: str | None = "auto") -> KnowledgeBase:  # noqa: A001 (medkb.open)
    """The knowledge base of `lang` under `home`, ready to search; use it as a context manager.

    Args:
        lang: the language code of the store to open (th, zh, ja, ko, sw, yo or en).
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
        embedder: the passage embedder, as `KnowledgeBase` takes it.

    Returns:
        The open `KnowledgeBase`; its retrieval index is brought up to date first.

    Raises:
        UsageError: an unknown language, or no `lang` store under `home`.
    """
    return KnowledgeBase(lang, home=home, embedder=embedder)


def query(
    text: str,
    lang: str,
    *,
    home: str | Path | None = None,
    k: int = 10,
    mode: str = "hybrid",
    query_lang: str | None = None,
    fusion: str = "rrf",
) -> list[Hit]:
    """Search the `lang` knowledge base once (the Python side of `kb query`).

    Args:
        text: what to search for, in any of medkb's languages.
        lang: the language code of the store to search.
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
        k: how many passages to return (1 to 1000).
        mode: hybrid (BM25 + dense + concepts, fused), bm25 or dense.
        query_lang: the query's language code (default: guessed from its script).
        fusion: rrf (reciprocal rank fusion, k=60) or normalised (min-max scores, summed).

    Returns:
        Up to k hits, best first, as `KnowledgeBase.search` returns them.

    Raises:
        UsageError: no `lang` store, or a search `KnowledgeBase.search` refuses.
    """
    with KnowledgeBase(lang, home=home) as kb:
        return kb.search(text, k=k, mode=mode, query_lang=query_lang, fusion=fusion)


def lookup(term: str, lang: str, *, home: str | Path | None = None, term_lang: str | None = None) -> list[ConceptRecord]:
    """Look a term up in the `lang` knowledge base once (the Python side of `kb lookup`).

    Args:
        term: a term, a label or a concept id.
        lang: the language code of the store to look in.
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
        term_lang: the term's language code (default: guessed from its script).

    Returns:
        The concepts' records, as `KnowledgeBase.lookup` returns them.

    Raises:
        UsageError: no `lang` store, an empty term, or an unknown term language.
    """
    with KnowledgeBase(lang, home=home) as kb:
        return kb.lookup(term, term_lang=term_lang)
