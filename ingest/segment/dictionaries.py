"""Word lists per language: the Thai and Chinese tokenizers' dictionaries, and stop words.

Stop words come from spaCy's language defaults by language code, not from
the pipeline medkb tokenizes with: Japanese runs SudachiPy in a blank
multi-language pipeline, whose defaults have no stop words.
"""

from __future__ import annotations

import logging
from functools import cache

from medkb.ingest.segment.normalize import normalize

# spaCy ships no Swahili stop words; these are its commonest function words.
_SWAHILI_STOP_WORDS = frozenset(
    "na ya wa za la cha vya kwa ni katika kama au pia hii hizi huo hiyo hayo ili lakini kuwa "
    "ambao ambayo ambacho ambapo baada kabla kati bila zaidi sana tu je nini kila wakati mtu "
    "watu si hata hivyo vile kuna hana wana ana iko yake zake wake lake chake vyake kwamba".split()
)


def quiet_jieba() -> None:
    """jieba reports loading its dictionary on stderr at INFO level."""
    import jieba

    jieba.setLogLevel(logging.WARNING)


@cache
def known_words(lang: str) -> frozenset[str]:
    if lang == "th":
        from pythainlp.corpus import thai_words

        return frozenset(normalize(w) for w in thai_words())
    if lang == "zh":
        import jieba

        quiet_jieba()
        jieba.initialize()
        return frozenset(w for w, freq in jieba.dt.FREQ.items() if freq > 0)
    raise ValueError(f"no word list for {lang!r}")


@cache
def stop_words(lang: str) -> frozenset[str]:
    if lang == "sw":
        return _SWAHILI_STOP_WORDS
    import spacy  # here: it is slow to import (see tokenize.py), and a build with nothing to do needs no stop words

    return frozenset(w.casefold() for w in spacy.util.get_lang_class(lang).Defaults.stop_words)
