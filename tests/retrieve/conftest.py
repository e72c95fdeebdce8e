"""The Thai knowledge base of the shared built stores (tests/conftest.py), opened once."""

from __future__ import annotations

import pytest

from medkb.retrieve.searcher import KnowledgeBase


@pytest.fixture(scope="session")
def thai_kb(built_home):
    """The Thai knowledge base opened once: what the adapters and the HTTP API must answer alike."""
    with KnowledgeBase("th", home=built_home) as base:
        yield base
