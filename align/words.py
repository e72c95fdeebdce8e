"""The words that term translation learns from: content words, lightly normalised."""

from __future__ import annotations

from functools import lru_cache

from medkb.ingest.segment import tokenize

# Function words carry no concept; English labels are full of them ("Abnormality of the bladder").
ENGLISH_FUNCTION_WORDS = frozenset(["a", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with", "without"])


@lru_cache(maxsize=200_000)
def english_words(text: str) -> tuple[str, ...]:
    """Content words, plurals folded onto singulars (labels mix "kidney" and "kidneys")."""
    words = (token.norm for token in tokenize("en", text) if token.is_word)
    return tuple(_singular(word) for word in words if word not in ENGLISH_FUNCTION_WORDS)


@lru_cache(maxsize=200_000)
def local_words(lang: str, text: str) -> tuple[str, ...]:
    """Word tokens in the language's own segmentation; the whole term when it has none."""
    words = tuple(token.norm for token in tokenize(lang, text) if token.is_word)
    return words or (text.strip().casefold(),)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
