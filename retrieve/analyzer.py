"""The terms BM25 indexes and searches: ingest's word tokens, minus stop words.

Passages are indexed from the tokens `kb build` stored, and queries are cut by
the same tokenizer, so that both sides meet on the same search forms (NFKC,
case-folded, Korean particles stripped).
"""

from __future__ import annotations

from medkb.ingest.segment.dictionaries import stop_words
from medkb.ingest.segment.tokenize import tokenize


def index_terms(lang: str, tokens: list[str]) -> list[str]:
    """Search terms from stored passage tokens: stop words and bare punctuation left out, and
    in Thai lone letters, the leftovers of loanwords that the dictionary cut into syllables."""
    stops = stop_words(lang)
    shortest = 2 if lang == "th" else 1
    return [t for t in tokens if len(t) >= shortest and t not in stops and any(ch.isalnum() for ch in t)]


def query_terms(lang: str, text: str) -> list[str]:
    """Search terms of a query, cut as ingest cuts passages of `lang`."""
    return index_terms(lang, [t.norm for t in tokenize(lang, text) if t.is_word])
