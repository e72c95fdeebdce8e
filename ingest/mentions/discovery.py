"""Candidate terms found by statistics where no terminology covers the text.

Each document yields its multi-word candidates (runs of 2 to 4 word tokens
inside a sentence, neither starting nor ending with a stop word or a number):
that part is per document, so it runs with the rest of ingest. Across the
corpus, candidates are ranked by C-value (Frantzi, Ananiadou & Mima 2000),
which rewards frequent, longer strings and discounts a string that mostly
occurs inside one longer candidate ("blood glucose" inside "fasting blood
glucose"), and kept when they recur in several documents.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from medkb.ingest.segment.dictionaries import stop_words
from medkb.ingest.segment.sentences import sentence_spans
from medkb.ingest.segment.tokenize import Token
from medkb.store.languages import get_language
from medkb.store.records import Document

MIN_TOKENS, MAX_TOKENS = 2, 4

@dataclass(frozen=True)
class DiscoveredTerm:
    words: tuple[str, ...]  # normalised word tokens
    frequency: int
    documents: int
    c_value: float

    def label(self, lang: str) -> str:
        """The term written as the language writes it: no spaces in Thai, Chinese and
        Japanese, except between two Latin words ("covid 19")."""
        if get_language(lang).spaced:
            return " ".join(self.words)
        text = self.words[0]
        for previous, word in zip(self.words, self.words[1:]):
            text += (" " if previous[-1].isascii() and word[0].isascii() else "") + word
        return text


def candidate_terms(lang: str, document: Document, tokens: list[Token]) -> Counter[str]:
    """Multi-word candidates in the sections of one document (not its headings or front
    matter), as space-joined word tokens, with their frequencies."""
    stops = stop_words(lang)
    counts: Counter[str] = Counter()
    cursor = 0
    spans = [span for section in document.sections for span in sentence_spans(lang, document.text, section.start, section.end)]
    for start, end in spans:
        run: list[str] = []
        while cursor < len(tokens) and tokens[cursor].start < end:
            token = tokens[cursor]
            cursor += 1
            if token.start < start:
                continue
            if not token.is_word:  # punctuation breaks a term
                _count_ngrams(run, stops, counts)
                run = []
            else:
                run.append(token.norm)
        _count_ngrams(run, stops, counts)
    return counts


def _count_ngrams(words: list[str], stops: frozenset[str], counts: Counter) -> None:
    for n in range(MIN_TOKENS, MAX_TOKENS + 1):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            if _is_content(gram[0], stops) and _is_content(gram[-1], stops):
                counts[" ".join(gram)] += 1


@lru_cache(maxsize=1 << 16)
def _is_content(word: str, stops: frozenset[str]) -> bool:
    """Not a stop word and has a letter; one Latin letter alone is not a word, one kanji is."""
    has_letter = any(ch.isalpha() for ch in word)
    return word not in stops and has_letter and (len(word) > 1 or not word.isascii())


def salient_terms(
    aggregates: list[tuple[str, int, int]], known: set[str], limit: int = 500
) -> list[DiscoveredTerm]:
    """The most salient candidates by C-value, leaving out `known` labels (normalised).

    `aggregates` holds (space-joined words, corpus frequency, document frequency)
    of the candidates frequent enough to consider.
    """
    frequency = {term: freq for term, freq, _ in aggregates}
    longer_ones = _containing(frequency)
    ranked = []
    for term, freq, docs in aggregates:
        words = tuple(term.split(" "))
        if term in known or "".join(words) in known:
            continue
        longer = longer_ones.get(term, [])
        discount = sum(frequency[t] for t in longer) / len(longer) if longer else 0.0
        # log2(n + 1) rather than log2(n), so that two-word terms are not scored zero.
        score = math.log2(len(words) + 1) * (freq - discount)
        if score > 0:
            ranked.append(DiscoveredTerm(words, freq, docs, round(score, 3)))
    ranked.sort(key=lambda t: (-t.c_value, t.words))
    return ranked[:limit]


def _containing(frequency: dict[str, int]) -> dict[str, list[str]]:
    """For each candidate, the longer candidates that contain it as a run of words."""
    containing = defaultdict(list)
    for term in frequency:
        words = term.split(" ")
        for n in range(MIN_TOKENS, len(words)):
            for i in range(len(words) - n + 1):
                inner = " ".join(words[i : i + n])
                if inner in frequency:
                    containing[inner].append(term)
    return containing
