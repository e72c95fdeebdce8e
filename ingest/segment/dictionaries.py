"""The word lists of the Thai and Chinese tokenizers, as sets of normalised words."""
from __future__ import annotations

from functools import lru_cache

from ingest.segment.normalize import normalize


@lru_cache(maxsize=None)
def known_words(lang: str) -> frozenset[str]:
    if lang == "th":
        from pythainlp.corpus import thai_words

        return frozenset(normalize(w) for w in thai_words())
    if lang == "zh":
        import jieba

        from ingest.segment.tokenize import pipeline

        pipeline("zh")  # quiets jieba's logging before it loads its dictionary
        jieba.initialize()
        return frozenset(w for w, freq in jieba.dt.FREQ.items() if freq > 0)
    raise ValueError(f"no word list for {lang!r}")
