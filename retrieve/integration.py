"""What the HTTP server (kb.server) and the retriever adapters (retrieve.adapters) share.

They are long-lived and may be called from a thread pool (FastAPI runs sync endpoints in one,
LangChain's `ainvoke` runs retrievers in an executor), while a DuckDB connection must not be used
by two threads at once: so each knowledge base is opened once, on first use, and used under a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from medkb.retrieve.hits import Hit
from medkb.retrieve.searcher import KnowledgeBase
from medkb.store.languages import get_language


class SharedKnowledgeBase:
    """A knowledge base opened on first use and used by one thread at a time."""

    def __init__(self, lang: str, *, home: str | Path | None = None, embedder: str | None = "auto"):
        self.lang = get_language(lang).code
        self.home = home
        self.embedder = embedder
        self._base: KnowledgeBase | None = None
        self._lock = threading.Lock()

    @contextmanager
    def using(self) -> Iterator[KnowledgeBase]:
        """The open knowledge base, held under the lock until the block ends."""
        with self._lock:
            if self._base is None:
                self._base = KnowledgeBase(self.lang, home=self.home, embedder=self.embedder)
            yield self._base

    def open(self) -> None:
        """Open now rather than on first use (a server does, before it takes requests)."""
        with self.using():
            pass

    def search(self, query: str, **options) -> list[Hit]:
        """`KnowledgeBase.search` under the lock."""
        with self.using() as base:
            return base.search(query, **options)

    def close(self) -> None:
        with self._lock:
            if self._base is not None:
                self._base.close()
                self._base = None


def hit_metadata(hit: Hit) -> dict:
    """Everything a hit says but its text, for frameworks that keep text and metadata apart."""
    metadata = hit.to_dict()
    del metadata["text"]
    return metadata
