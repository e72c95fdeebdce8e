"""English abbreviations defined in the text, with scispacy's AbbreviationDetector.

The detector (Schwartz & Hearst) finds "long form (SHORT)" definitions; it
runs on the blank English pipeline medkb already tokenizes with, so it needs
no model download. scispacy is an optional extra (it pins numpy below 2): where
it is missing, `available()` says so and every English build reports UNAVAILABLE
rather than failing.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy is slow to import (see ingest/segment/tokenize.py): only what runs on Docs imports it
    from spacy.tokens import Doc


@dataclass(frozen=True)
class Abbreviation:
    short: str
    long: str
    short_start: int  # offsets into the document text
    long_start: int


UNAVAILABLE = (
    "English abbreviation detection: scispacy is not installed (medkb[abbrev], which needs numpy below 2 "
    "and so cannot join medkb[lucene]); short forms defined as 'long form (SHORT)' are not found"
)


@lru_cache(maxsize=1)
def available() -> bool:
    try:
        import scispacy.abbreviation  # noqa: F401  (registers the pipeline component)
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _detector():
    import spacy
    from scispacy.abbreviation import AbbreviationDetector

    return AbbreviationDetector(spacy.blank("en"))


# What a short form looks like: one word of 2 to 10 characters with a capital letter ("CTG", "sCD30",
# "HbA1c"); the detector also returned "and", "or", "ii", "cancer" as short forms of whatever preceded
# them (seen on PubMed Central articles), each then applied to every later use of the word.
_SHORT_FORM = re.compile(r"^(?=.*[A-Z])[^\s]{2,10}$")
_SENTENCE_BREAK = re.compile(r"[.;:!?]\s")  # "CTGs. The size of the": a long form that crosses a sentence
_MAX_LONG_WORDS = 10


def plausible(short: str, long: str) -> bool:
    """Whether a detected pair reads as an abbreviation and its expansion, not as words that preceded a parenthesis.

    A long form that starts or ends with a stop word ("has recently been mapped to ...", "the size of the")
    or runs across a sentence or a citation ("et al") is not an expansion.
    """
    if not _SHORT_FORM.match(short):  # a capital is required, so "WAS" (Wiskott-Aldrich syndrome) stays
        return False
    words = long.split()
    if not words or len(words) > _MAX_LONG_WORDS or _SENTENCE_BREAK.search(long) or "et al" in long:
        return False
    return words[0].casefold() not in _stop_words() and words[-1].casefold() not in _stop_words()


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def find_abbreviations(docs: list[tuple[int, Doc]]) -> list[Abbreviation]:
    """Definitions found in the chunk Docs of one document (offset, Doc)."""
    detector = _detector()
    found: dict[tuple[str, str], Abbreviation] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # spaCy warns when a chunk has no parenthesis to match
        for offset, doc in docs:
            for short in detector(doc)._.abbreviations:
                long = short._.long_form
                if not plausible(short.text, long.text):
                    continue
                # The detector also returns later uses of a short form: keep the first, the definition.
                found.setdefault(
                    (short.text, long.text),
                    Abbreviation(short.text, long.text, offset + short.start_char, offset + long.start_char),
                )
    return list(found.values())
