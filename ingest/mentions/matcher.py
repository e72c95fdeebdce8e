"""Terminology labels found in running text, in every language.

Labels and text are compared after NFKC normalisation and case folding
(normalize.py), with one Aho-Corasick pass over the text for all labels.
A hit counts only where it sits on word boundaries, and what a boundary is
depends on the language:

- spaced languages (en, sw, yo): both ends on token boundaries; English
  also takes a plural "s"/"es" left over in the last token;
- Korean: the start on a token boundary, the end on one or followed inside its
  token only by a particle ("당뇨병은" holds "당뇨병");
- Thai and Chinese, whose tokenizers may fuse a term with its neighbour
  ("โรคเบาหวาน" holds "เบาหวาน") or split it: an end may fall inside a token
  when the rest of that token is itself made of dictionary words, which keeps
  "ตา" (eye) out of "ตาย" (die), and the label has at least three letters,
  which keeps "รก" (placenta) out of "ทารก" (infant);
- Japanese: both ends on token boundaries (Sudachi's finest split mode).

Where hits overlap, the longest wins: "type 2 diabetes" over "diabetes".

Abbreviation-shaped labels ("AS", "HbA1c") match only in their own case, and a label that is only a
generic word ("disease", "โรค") is not matched (label_policy.py says why, with the measurement).
A hyphen and a space are the same to the matcher: "ataxia-telangiectasia" holds the ontology's
"ataxia telangiectasia".
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from medkb.ingest.mentions.label_policy import case_sensitive, is_generic
from medkb.ingest.segment.dictionaries import known_words, stop_words
from medkb.ingest.segment.korean import is_particle
from medkb.ingest.segment.normalize import normalize, normalize_with_offsets
from medkb.ingest.segment.tokenize import Token, tokenize
from medkb.store.languages import get_language

_ENGLISH_PLURALS = ("s", "es")
# Hyphens (ASCII, Unicode hyphen, non-breaking hyphen) read as spaces: one character for one, so offsets hold.
_HYPHENS_AS_SPACES = str.maketrans({"-": " ", "\u2010": " ", "\u2011": " "})
# A label found inside a longer Thai or Chinese token needs this many letters (marks not
# counted): two-letter words hide in too many others, such as รก (placenta) in ทารก (infant).
MIN_LETTERS_INSIDE_A_TOKEN = 3


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    concept_ids: tuple[str, ...]


def matchable(norm_label: str) -> bool:
    """Labels too short or too generic to find in text alone (a lone kanji, a number)."""
    core = "".join(ch for ch in norm_label if ch.isalnum())
    return len(core) >= 2 and not core.isdigit()


class TermMatcher:
    """Finds labels of one language's concepts in text of that language."""

    def __init__(self, lang: str, labels: Iterable[tuple[str, str]], typed: bool = False):
        """`labels` holds (label text, concept id) pairs. `typed`: the text is what a user typed (a query),
        where "hiv" and "copd" mean HIV and COPD: abbreviation-shaped labels match in any case there,
        except where they are one of the language's stop words ("as", "or", "was")."""
        self.lang = get_language(lang).code
        self._concepts: dict[str, set[str]] = defaultdict(set)
        # Case-sensitive labels by their normalised form: {NFKC label: concepts} for each.
        self._exact: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        stops = stop_words(self.lang) if typed else frozenset()
        for text, concept_id in labels:
            norm = _matching_form(text)
            if not matchable(norm) or is_generic(self.lang, norm):
                continue
            if case_sensitive(text) and (not typed or norm in stops):
                form = unicodedata.normalize("NFKC", text).strip()
                for written in {form, form.upper()}:  # HbA1c also as HBA1C, as text in capitals has it
                    self._exact[norm][written].add(concept_id)
            else:
                self._concepts[norm].add(concept_id)
        self._automaton = ahocorasick.Automaton()
        for norm in self._concepts.keys() | self._exact.keys():
            self._automaton.add_word(norm, norm)
        if len(self._automaton):
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._concepts.keys() | self._exact.keys())

    def concepts_for(self, label: str) -> list[str]:
        """Concepts that have exactly this label (after normalisation; an abbreviation-shaped label in its own case)."""
        norm = _matching_form(label)
        exact = self._exact.get(norm, {}).get(unicodedata.normalize("NFKC", label).strip(), set())
        return sorted(self._concepts.get(norm, set()) | exact)

    def _concepts_at(self, norm: str, surface: str) -> set[str]:
        """The concepts a hit of `norm` names where the text reads `surface`."""
        found = self._concepts.get(norm, set())
        exact = self._exact.get(norm)
        if exact:
            found = found | exact.get(unicodedata.normalize("NFKC", surface), set())
        return found

    def find(self, text: str, tokens: list[Token], nested: bool = False) -> list[Match]:
        """Matches in `text`, whose tokens (offsets into `text`) are `tokens`.

        Overlapping matches give way to the longest, unless `nested`: a query wants both
        "ผู้ป่วยวัณโรค" (TB patient) and the "วัณโรค" (tuberculosis) inside it.
        """
        if not len(self._automaton):
            return []
        normalized = normalize_with_offsets(text)
        bounds = _Boundaries(text, tokens)
        hits = []
        for norm_end, norm in self._automaton.iter(normalized.text.translate(_HYPHENS_AS_SPACES)):
            start, end = normalized.original_span(norm_end + 1 - len(norm), norm_end + 1)
            concepts = self._concepts_at(norm, text[start:end])
            accepted = self._accepted_end(bounds, start, end) if concepts else None
            if accepted is not None:
                hits.append(Match(start, accepted, tuple(sorted(concepts))))
        return sorted(hits, key=lambda m: (m.start, -m.end)) if nested else _longest_first(hits)

    def _accepted_end(self, bounds: _Boundaries, start: int, end: int) -> int | None:
        """Where the mention ends if the hit sits on word boundaries here, else None."""
        lang = self.lang
        if lang in ("th", "zh"):
            whole = bounds.starts_word(start) and bounds.ends_word(end)
            if whole:
                return end
            if _letters(bounds.text[start:end]) < MIN_LETTERS_INSIDE_A_TOKEN:
                return None
            ok = bounds.starts_word(start) or _known_words(lang, bounds.before_in_token(start))
            ok = ok and (bounds.ends_word(end) or _known_words(lang, bounds.after_in_token(end)))
            return end if ok else None
        if not bounds.starts_word(start):
            return None
        if bounds.ends_word(end):
            return end
        rest = bounds.after_in_token(end)
        if lang == "ko" and is_particle(rest):
            return end
        if lang == "en" and rest in _ENGLISH_PLURALS:
            return end + len(rest)
        return None


def _matching_form(label: str) -> str:
    """A label as the automaton holds it: normalised, hyphens as spaces."""
    return normalize(label).translate(_HYPHENS_AS_SPACES).strip()


class _Boundaries:
    """Token boundaries of a text, and what lies between a position and its token's edge."""

    def __init__(self, text: str, tokens: list[Token]):
        self.text = text
        self.tokens = tokens
        self._starts = [t.start for t in tokens]
        self._start_set = set(self._starts)
        self._end_set = {t.end for t in tokens}

    def starts_word(self, pos: int) -> bool:
        return pos in self._start_set

    def ends_word(self, pos: int) -> bool:
        return pos in self._end_set

    def _token_at(self, pos: int) -> Token | None:
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and self.tokens[i].start <= pos < self.tokens[i].end:
            return self.tokens[i]
        return None

    def before_in_token(self, pos: int) -> str:
        token = self._token_at(pos)
        return self.text[token.start : pos] if token else ""

    def after_in_token(self, pos: int) -> str:
        token = self._token_at(pos - 1)
        return self.text[pos : token.end] if token else ""


@lru_cache(maxsize=1 << 16)
def _known_words(lang: str, piece: str) -> bool:
    """True when `piece` (part of a token) is made entirely of dictionary words."""
    if not piece:
        return False
    words = known_words(lang)
    return piece in words or all(t.norm in words for t in tokenize(lang, piece))


def _letters(text: str) -> int:
    return sum(1 for ch in text if not unicodedata.category(ch).startswith("M"))


def _longest_first(hits: list[Match]) -> list[Match]:
    """Non-overlapping matches, longer ones first, in text order."""
    taken: list[Match] = []
    occupied: set[int] = set()
    for hit in sorted(hits, key=lambda m: (m.start - m.end, m.start)):
        span = range(hit.start, hit.end)
        if not occupied.intersection(span):
            taken.append(hit)
            occupied.update(span)
    return sorted(taken, key=lambda m: m.start)
