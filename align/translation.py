"""Term translation learned from known term pairs: IBM Model 1 in both directions.

Clinical terms are compositional ("身長の異常" is "abnormality of body height"),
so word translations learned from the pairs a user already has (a terminology
with local and English labels, a dictionary) carry over to terms never seen
whole. A candidate scores well when its English words are explained by the
term's words (forward model) and the term's words by its English words
(backward model); each side is a per-word average of log probabilities, so
long and short labels compete fairly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from medkb.align.words import english_words, local_words

NULL = ""  # the empty word: explains words that translate to nothing
FLOOR = 1e-4  # probability of an unexplained word, so that one gap does not sink a label
MIN_PROBABILITY = 1e-3  # translations below this are dropped after training


def train_model1(pairs: list[tuple[tuple[str, ...], tuple[str, ...]]], iterations: int = 6) -> dict[str, dict[str, float]]:
    """t(target word | source word) by expectation maximisation over word-aligned pairs."""
    table = _cooccurrence_start(pairs)
    for _ in range(iterations):
        counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for source, target in pairs:
            sources = (*source, NULL)
            for word in target:
                weights = [table[s].get(word, 0.0) for s in sources]
                total = sum(weights)
                if total <= 0:
                    continue
                for s, weight in zip(sources, weights):
                    if weight:
                        counts[s][word] += weight / total
        table = _normalised(counts)
    return table


def _cooccurrence_start(pairs) -> dict[str, dict[str, float]]:
    counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for source, target in pairs:
        for s in {*source, NULL}:
            for word in set(target):
                counts[s][word] += 1.0
    return defaultdict(dict, _normalised(counts))


def _normalised(counts) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = defaultdict(dict)
    for source, row in counts.items():
        total = sum(row.values())
        table[source] = {word: c / total for word, c in row.items() if c / total >= MIN_PROBABILITY}
    return table


@dataclass
class TermTranslator:
    """Word translations between one language and English, learned from term pairs."""

    lang: str
    forward: dict[str, dict[str, float]]  # t(English word | local word)
    backward: dict[str, dict[str, float]]  # t(local word | English word)
    n_pairs: int

    @classmethod
    def fit(cls, lang: str, pairs, iterations: int = 6) -> TermTranslator:
        tokenised = [(local_words(lang, p.local), english_words(p.english)) for p in pairs]
        tokenised = [(source, target) for source, target in tokenised if source and target]
        forward = train_model1(tokenised, iterations)
        backward = train_model1([(target, source) for source, target in tokenised], iterations)
        return cls(lang, dict(forward), dict(backward), len(tokenised))

    def knows(self, word: str) -> bool:
        return word in self.forward

    def word_translations(self, word: str, top: int = 5) -> list[tuple[str, float]]:
        row = self.forward.get(word, {})
        return sorted(row.items(), key=lambda item: -item[1])[:top]


class TranslationScorer:
    """Scores one term against every English candidate at once (sparse matrix products)."""

    def __init__(self, translator: TermTranslator, candidates: list[str]):
        self.translator = translator
        words = [sorted(set(english_words(c))) for c in candidates]
        self.vocabulary = {w: i for i, w in enumerate(sorted({w for ws in words for w in ws}))}
        rows = [i for i, ws in enumerate(words) for _ in ws]
        cols = [self.vocabulary[w] for ws in words for w in ws]
        self.membership = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(candidates), len(self.vocabulary)))
        self.lengths = np.asarray(self.membership.sum(axis=1)).ravel()
        # Each candidate word weighs 1/len, so the forward score is a per-word average.
        self.averaging = sparse.diags(1.0 / np.maximum(self.lengths, 1)) @ self.membership
        self.null_backward = translator.backward.get(NULL, {})
        self.explaining = self._invert_backward(translator.backward)

    def scores(self, term: str) -> np.ndarray:
        """Forward plus backward mean log probability, per candidate; candidates without words get -inf."""
        words = local_words(self.translator.lang, term)
        explained = self._forward_word_probabilities(words)
        forward = self.averaging @ np.log(explained + FLOOR)
        backward = np.zeros(self.membership.shape[0])
        for word in words:
            backward += np.log(self._backward_probability(word) + FLOOR)
        total = forward + backward / len(words)
        total[self.lengths == 0] = -np.inf
        return total

    def _forward_word_probabilities(self, words: tuple[str, ...]) -> np.ndarray:
        """For each English word: the average of t(e|f) over the term's words and the empty word."""
        explained = np.zeros(len(self.vocabulary))
        for word in (*words, NULL):
            for english, p in self.translator.forward.get(word, {}).items():
                index = self.vocabulary.get(english)
                if index is not None:
                    explained[index] += p
        return explained / (len(words) + 1)

    def _backward_probability(self, word: str) -> np.ndarray:
        """For each candidate: t(f|e) summed over its English words and the empty word, averaged."""
        weights = np.zeros(len(self.vocabulary))
        for english, p in self.explaining.get(word, ()):
            weights[english] = p
        return (self.membership @ weights + self.null_backward.get(word, 0.0)) / (self.lengths + 1)

    def _invert_backward(self, backward) -> dict[str, list[tuple[int, float]]]:
        """Local word -> [(candidate vocabulary index, t(local word | English word))]."""
        inverted: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for english, row in backward.items():
            index = self.vocabulary.get(english)
            if index is not None:
                for word, p in row.items():
                    inverted[word].append((index, p))
        return dict(inverted)
