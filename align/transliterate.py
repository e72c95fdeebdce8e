"""Loanwords by sound: romanise a term, fold spelling variants, fuzzy-match English labels.

uroman (ISI's universal romaniser) reads every script medkb handles: Thai,
kana, hangul, Chinese (pinyin) and Latin with diacritics. Romanisations follow
the local sound system ("koronauirusu", "wairatkhoronaa"), so both sides are
folded onto a coarse spelling that ignores the usual differences (c/k, v/b,
l/r, ph/f, doubled letters) before rapidfuzz compares them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

# Digraphs first: Thai and Korean romanisations write aspirates as kh, th, ph, ch.
_DIGRAPHS = (("ph", "f"), ("th", "t"), ("kh", "k"), ("ch", "c"), ("sh", "s"), ("ck", "k"), ("qu", "k"))
_LETTERS = str.maketrans({"c": "k", "q": "k", "g": "k", "v": "b", "w": "b", "p": "b", "l": "r", "z": "s", "x": "s", "d": "t", "j": "y", "f": "b", "h": ""})
_REPEATS = re.compile(r"(.)\1+")
_NOT_LETTERS = re.compile(r"[^a-z0-9 ]+")


@lru_cache(maxsize=1)
def _uroman():
    import uroman

    return uroman.Uroman()


@lru_cache(maxsize=200_000)
def romanize(text: str) -> str:
    """Latin letters for any script; diacritics dropped."""
    roman = _uroman().romanize_string(text) if not text.isascii() else text
    decomposed = unicodedata.normalize("NFKD", roman)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=200_000)
def sound_key(text: str) -> str:
    """A coarse spelling shared by a word and its loanword forms ("coronavirus" ~ "koronauirusu")."""
    key = _NOT_LETTERS.sub(" ", romanize(text).replace("-", ""))
    for digraph, letter in _DIGRAPHS:
        key = key.replace(digraph, letter)
    key = key.translate(_LETTERS)
    key = re.sub(r"[aeiouy]+", "a", key)  # vowels differ most between languages; keep only where they are
    return " ".join(_REPEATS.sub(r"\1", word) for word in key.split())


class TransliterationScorer:
    """Sound-key similarity of terms to every English candidate, in [0, 1]."""

    def __init__(self, candidates: list[str]):
        self.keys = [sound_key(c) for c in candidates]

    def scores(self, terms: list[str]) -> np.ndarray:
        """A (terms x candidates) matrix; word order is ignored, as loanword phrases reorder."""
        queries = [sound_key(t) for t in terms]
        matrix = process.cdist(queries, self.keys, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=-1)
        return matrix.astype(np.float32) / 100.0
