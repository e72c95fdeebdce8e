"""Candidate terms found by statistics where no terminology covers the text.

Each document yields its multi-word candidates (runs of 2 to 4 word tokens
inside a sentence, neither starting nor ending with a stop word or a number,
and holding inside at most one stop word, and only a connector that terms are
made with: "of" in "family history of cancer", "wa"/"ya" in Swahili, の in
Japanese): that part is per document, so it runs with the rest of ingest.
Clinical terms are noun phrases; without connectors as the only stop words
inside, a run such as "gene is associated" or "loss of the wild" was a
candidate, and so were "것이 중요합니다" (Korean: "it is important") and
"sọ pe" (Yoruba, untoned: "said that"). Korean predicates (ending in 다 or 요)
and boilerplate words ("et al", "rights reserved") never start or end a term,
and Yoruba stop words are recognised with or without their tone marks. Across the
corpus, candidates are ranked by C-value (Frantzi, Ananiadou & Mima 2000),
which rewards frequent, longer strings and discounts a string that mostly
occurs inside one longer candidate ("blood glucose" inside "fasting blood
glucose"), and kept when they recur in several documents.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from medkb.ingest.segment.dictionaries import stop_words
from medkb.ingest.segment.sentences import sentence_spans
from medkb.ingest.segment.tokenize import Token
from medkb.store.languages import get_language
from medkb.store.records import Document

MIN_TOKENS, MAX_TOKENS = 2, 4

# Stop words a term may hold inside (one at most): what noun phrases are joined with in each language.
CONNECTORS: dict[str, frozenset[str]] = {
    "en": frozenset({"of", "and"}),
    "sw": frozenset({"wa", "ya", "za", "la", "cha", "vya", "kwa"}),
    "yo": frozenset({"ti"}),
    "ja": frozenset({"の"}),
    "zh": frozenset({"的"}),
    "ko": frozenset(),
    "th": frozenset(),
}
# Words of the page, not of the text, that no term starts or ends with (written for medkb).
_BOILERPLATE: dict[str, frozenset[str]] = {
    "en": frozenset(
        "et al rights reserved copyright licence license licensed doi http https www pmid pmc "
        "figure fig table supplementary author authors manuscript journal published publisher".split()
    ),
}
_KOREAN_PREDICATE_ENDINGS = ("다", "요")
_SARA_AM, _SPLIT_SARA_AM = "\u0e33", "\u0e4d\u0e32"  # 같습니다, 중요합니다, 있어요: a predicate, not a noun


@dataclass(frozen=True)
class DiscoveredTerm:
    words: tuple[str, ...]  # normalised word tokens
    frequency: int
    documents: int
    c_value: float

    def label(self, lang: str) -> str:
        """The term written as the language writes it: no spaces in Thai, Chinese and
        Japanese, except between two Latin words ("covid 19"), and Thai's sara am as one
        letter again (the words are NFKC forms, which split ำ into nikhahit and sara aa)."""
        if get_language(lang).spaced:
            return " ".join(self.words)
        text = self.words[0]
        for previous, word in zip(self.words, self.words[1:]):
            text += (" " if previous[-1].isascii() and word[0].isascii() else "") + word
        return text.replace(_SPLIT_SARA_AM, _SARA_AM) if lang == "th" else text


def candidate_terms(lang: str, document: Document, tokens: list[Token]) -> Counter[str]:
    """Multi-word candidates in the sections of one document (not its headings or front
    matter), as space-joined word tokens, with their frequencies."""
    stops = _term_stops(lang)
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


@dataclass(frozen=True)
class _TermStops:
    lang: str
    stops: frozenset[str]  # compared as written and, in Yoruba, without tone marks
    connectors: frozenset[str]


@lru_cache(maxsize=8)
def _term_stops(lang: str) -> _TermStops:
    stops = stop_words(lang) | _BOILERPLATE.get(lang, frozenset())
    if lang == "yo":  # Yoruba is often written without its tone marks: "pe" is "pé"
        stops = stops | {_untoned(word) for word in stops}
    return _TermStops(lang, frozenset(stops), CONNECTORS.get(lang, frozenset()))


def _untoned(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))


def _count_ngrams(words: list[str], stops: _TermStops, counts: Counter) -> None:
    for n in range(MIN_TOKENS, MAX_TOKENS + 1):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            if _is_content(gram[0], stops) and _is_content(gram[-1], stops) and _joined_as_a_term(gram[1:-1], stops):
                counts[" ".join(gram)] += 1


def _joined_as_a_term(inner: list[str], stops: _TermStops) -> bool:
    """At most one stop word inside, and that one a connector."""
    inside = [word for word in inner if _is_stop(word, stops)]
    return not inside or (len(inside) == 1 and inside[0] in stops.connectors)


@lru_cache(maxsize=1 << 16)
def _is_stop(word: str, stops: _TermStops) -> bool:
    if word in stops.stops or (stops.lang == "yo" and _untoned(word) in stops.stops):
        return True
    return stops.lang == "ko" and word.endswith(_KOREAN_PREDICATE_ENDINGS)


@lru_cache(maxsize=1 << 16)
def _is_content(word: str, stops: _TermStops) -> bool:
    """Not a stop word and has a letter; one Latin letter alone is not a word, one kanji is."""
    has_letter = any(ch.isalpha() for ch in word)
    return not _is_stop(word, stops) and has_letter and (len(word) > 1 or not word.isascii())


def salient_terms(aggregates: list[tuple[str, int, int]], known: set[str], limit: int = 500) -> list[DiscoveredTerm]:
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
