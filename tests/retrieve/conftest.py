"""Knowledge bases built once per session from the embedded corpora, with their retrieval indexes."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb.builder import build
from retrieve.searcher import KnowledgeBase


@pytest.fixture(scope="session")
def search_home(tmp_path_factory) -> Path:
    """Thai and English stores of the embedded corpora, indexed with the default embedder (e5)."""
    home = tmp_path_factory.mktemp("search")
    build("th", home=home)
    build("en", home=home)
    return home


@pytest.fixture(scope="session")
def thai_kb(search_home):
    """The Thai knowledge base opened once: what the adapters and the HTTP API must answer alike."""
    with KnowledgeBase("th", search_home) as base:
        yield base
