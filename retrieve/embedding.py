"""Which embedder makes a language's passage vectors, and embedding passages and queries with it.

The default was chosen by measurement (README, "Retrieval quality", bench/retrieve_quality.py):
in hybrid search `use` ranked the development documents as well as `e5` (MRR 0.994 / 0.993
against 0.988 / 0.975 for Japanese / English queries with a terminology in the store; 0.961 /
0.530 against 0.983 / 0.500 without), while embedding passages 17 times faster (278 against
16 a second) and queries four times faster. `use` was not trained on Swahili or Yoruba: their stores take `e5`.
"""

from __future__ import annotations

import numpy as np

from medkb.store.embedders import get_embedder, installed, supports

PASSAGE_EMBEDDERS = ("use", "e5")  # the default: the first one installed and trained on the language


def passage_embedder(lang: str, choice: str | None = "auto") -> str | None:
    """The embedder name to use: `auto` is the default for the language when installed (else none, BM25 only)."""
    if choice != "auto":
        return choice
    return next((name for name in PASSAGE_EMBEDDERS if supports(name, lang) and installed(name)), None)


def encode_passages(name: str, texts: list[str]) -> np.ndarray:
    return get_embedder(name).encode_passages(texts)


def encode_query(name: str, text: str) -> np.ndarray:
    return get_embedder(name).encode_queries([text])[0]
