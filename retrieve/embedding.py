"""Which embedder makes a language's passage vectors, and embedding passages and queries with it.

The default was chosen by measurement (README, "Retrieval quality"): `e5`
(multilingual-e5-small) ranked documents better than `use` on the development
queries, in one language and across languages, and it covers Swahili and
Yoruba, which `use` was not trained on.
"""
from __future__ import annotations

import numpy as np

from ingest.embedders import get_embedder, installed

DEFAULT_PASSAGE_EMBEDDER = "e5"


def passage_embedder(lang: str, choice: str | None = "auto") -> str | None:
    """The embedder name to use: `auto` is the default when installed (else none, BM25 only)."""
    if choice != "auto":
        return choice
    return DEFAULT_PASSAGE_EMBEDDER if installed(DEFAULT_PASSAGE_EMBEDDER) else None


def encode_passages(name: str, texts: list[str]) -> np.ndarray:
    return get_embedder(name).encode_passages(texts)


def encode_query(name: str, text: str) -> np.ndarray:
    return get_embedder(name).encode_queries([text])[0]
