"""The combined aligner: every method scores every English candidate; one fused score ranks them.

Methods (each kept as evidence on the match it proposes):
- memory: the term is a known translation of the candidate (terminology labels, pair files);
- translation: word translations learned from the known pairs (align.translation);
- transliteration: the term sounds like the candidate (align.transliterate);
- one per embedder: cosine similarity of multilingual sentence embeddings.

Scores of different methods live on different scales, so each is standardised
per term over all candidates (how far above the typical candidate this one
stands) before the weighted sum. Weights were chosen by cross-fitting on the
development pairs (bench/align_quality.py reproduces the choice).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from medkb.align.pairs import Pair
from medkb.align.translation import FLOOR, TermTranslator, TranslationScorer
from medkb.align.transliterate import TransliterationScorer
from medkb.ingest.segment.normalize import normalize
from medkb.store.embedders import DEFAULT_EMBEDDERS, encode_cached, supports

# Scales differ by method (log probabilities, cosines, similarity ratios); these weights put
# them on one footing. Chosen by cross-fitting on the dev pairs: bench/align_quality.py.
DEFAULT_WEIGHTS = {"memory": 100.0, "translation": 0.02, "transliteration": 0.5, "use": 1.0, "e5": 1.5}
EMBEDDER_WEIGHT = 1.0  # for embedders other than the built-in ones
SOUND_FLOOR = 0.8  # sound-key similarity below this is chance resemblance, not a loanword
COMPETITORS = 5  # how many of a candidate's best-scoring terms it is compared with
BATCH = 256  # terms whose method scores are held at once


@dataclass
class Match:
    english: str
    score: float
    evidence: dict[str, float] = field(default_factory=dict)  # each method's own score
    ranks: dict[str, int] = field(default_factory=dict)  # where each method alone would rank it

    def proposed_by(self, within: int = 10) -> list[str]:
        """The methods that, alone, rank this candidate among their first `within`."""
        return [method for method, rank in self.ranks.items() if rank <= within]


class CandidateSpace:
    """The English side, prepared once: word index, sound keys, embeddings."""

    def __init__(self, candidates: list[str], translator: TermTranslator | None, embedders: tuple[str, ...], cache_dir: Path | None):
        self.candidates = candidates
        self.by_norm: dict[str, list[int]] = defaultdict(list)
        for index, candidate in enumerate(candidates):
            self.by_norm[normalize(candidate)].append(index)
        self.translation = TranslationScorer(translator, candidates) if translator else None
        self.transliteration = TransliterationScorer(candidates)
        self.vectors = {name: encode_cached(name, candidates, cache_dir) for name in embedders}


def method_names(methods=None, embedders=None) -> tuple[str, ...]:
    """The methods asked for, or all of them with the given (default) embedders."""
    return tuple(methods or ("memory", "translation", "transliteration", *(embedders or DEFAULT_EMBEDDERS)))


class Aligner:
    """Aligns terms of one language to English candidates, using what is known of that language."""

    def __init__(
        self,
        lang: str,
        knowledge: list[Pair],
        embedders: tuple[str, ...] = DEFAULT_EMBEDDERS,
        methods: tuple[str, ...] | None = None,
        weights: dict[str, float] | None = None,
        cache_dir: Path | None = None,
    ):
        self.lang = lang
        self.embedders = tuple(name for name in embedders if supports(name, lang))
        self.methods = tuple(m for m in method_names(methods, embedders) if m not in embedders or m in self.embedders)
        self.weights = {m: (weights or DEFAULT_WEIGHTS).get(m, EMBEDDER_WEIGHT) for m in self.methods}
        self.cache_dir = cache_dir
        self.memory: dict[str, set[str]] = defaultdict(set)
        for pair in knowledge:
            self.memory[normalize(pair.local)].add(normalize(pair.english))
        learn = "translation" in self.methods and knowledge
        self.translator = TermTranslator.fit(lang, knowledge) if learn else None

    def prepare(self, candidates: list[str]) -> CandidateSpace:
        used = tuple(name for name in self.embedders if name in self.methods)
        return CandidateSpace(candidates, self.translator, used, self.cache_dir)

    def rank(self, terms: list[str], space: CandidateSpace, top: int = 10) -> list[list[Match]]:
        """The best `top` candidates of each term, best first, each with its per-method evidence."""
        embedded = self.embed(terms, space)
        fused = self.scores(terms, space, embedded)
        ranked: list[list[Match]] = []
        for start in range(0, len(terms), BATCH):
            evidence = self.method_scores(terms[start : start + BATCH], space, _rows(embedded, start))
            for row, scores in enumerate(fused[start : start + BATCH]):
                best = np.argsort(-scores, kind="stable")[:top]
                ranked.append([self._match(space, i, float(scores[i]), {m: e[row] for m, e in evidence.items()}) for i in best])
        return ranked

    def embed(self, terms: list[str], space: CandidateSpace) -> dict[str, np.ndarray]:
        """The terms' vectors for every embedder of the candidate space, computed once."""
        return {name: encode_cached(name, terms, None) for name in space.vectors}

    @staticmethod
    def _match(space: CandidateSpace, index: int, score: float, rows: dict[str, np.ndarray]) -> Match:
        return Match(
            space.candidates[index],
            score,
            {m: round(float(row[index]), 4) for m, row in rows.items()},
            {m: int(1 + np.count_nonzero(row > row[index])) for m, row in rows.items() if row[index] > 0 or m == "translation"},
        )

    def scores(self, terms: list[str], space: CandidateSpace, embedded: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """The fused score of every (term, candidate), after candidates compete for terms.

        Held whole (terms x candidates, float32) because the competition needs
        every term's score for each candidate.
        """
        embedded = self.embed(terms, space) if embedded is None else embedded
        fused = np.empty((len(terms), len(space.candidates)), dtype=np.float32)
        for start in range(0, len(terms), BATCH):
            fused[start : start + BATCH] = self.fuse(self.method_scores(terms[start : start + BATCH], space, _rows(embedded, start)))
        return compete(fused)

    def method_scores(self, terms: list[str], space: CandidateSpace, embedded: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Raw scores per method: a (terms x candidates) matrix each; `embedded` holds the terms' vectors if known."""
        scores: dict[str, np.ndarray] = {}
        if "memory" in self.methods:
            scores["memory"] = self._memory_scores(terms, space)
        if "translation" in self.methods and space.translation is not None:
            rows = np.vstack([space.translation.scores(t) for t in terms])
            scores["translation"] = np.maximum(rows, np.log(FLOOR) * 2).astype(np.float32)
        if "transliteration" in self.methods:
            scores["transliteration"] = space.transliteration.scores(terms)
        for name, vectors in space.vectors.items():
            query = embedded[name] if embedded is not None else encode_cached(name, terms, None)
            scores[name] = query @ np.asarray(vectors).T
        return scores

    def fuse(self, scores: dict[str, np.ndarray]) -> np.ndarray:
        """A weighted sum on each method's own scale: a method that cannot tell candidates apart adds nothing."""
        fused = np.zeros_like(next(iter(scores.values())), dtype=np.float32)
        for method, matrix in scores.items():
            if method == "transliteration":
                matrix = np.maximum(matrix - SOUND_FLOOR, 0.0)
            fused += self.weights[method] * matrix
        return fused

    def _memory_scores(self, terms: list[str], space: CandidateSpace) -> np.ndarray:
        matrix = np.zeros((len(terms), len(space.candidates)), dtype=np.float32)
        for row, term in enumerate(terms):
            for english in self.memory.get(normalize(term), ()):
                matrix[row, space.by_norm.get(english, [])] = 1.0
        return matrix


def _rows(embedded: dict[str, np.ndarray], start: int) -> dict[str, np.ndarray]:
    return {name: vectors[start : start + BATCH] for name, vectors in embedded.items()}


def compete(fused: np.ndarray, competitors: int = COMPETITORS) -> np.ndarray:
    """Discount candidates that score well for many terms (hubs), as CSLS does for embeddings.

    A local concept usually has one English equivalent: a candidate that is
    the best match of several terms is probably the right one for at most one.
    Each score is compared with the candidate's mean score over its best-matching terms.
    """
    k = min(competitors, fused.shape[0])
    if k == 0:
        return fused
    hub = np.partition(fused, fused.shape[0] - k, axis=0)[-k:].mean(axis=0)
    fused *= 2
    fused -= hub
    return fused
