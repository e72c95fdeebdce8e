"""Stores of the embedded corpora for the pipeline tests, and the local OpenAI-compatible server."""

from __future__ import annotations

from pathlib import Path

import pytest

from medkb.align.store_alignment import align
from medkb.kb.build.builder import build
from medkb.reason.client import ChatClient
from medkb.reason.config import ModelConfig

pytest.importorskip("openai", reason="the co-reasoning layer needs medkb[reason]")

from openai_stub import ScriptedModel, StubServer  # noqa: E402 (beside this file; needs openai's stack only through reason)


@pytest.fixture(scope="session")
def reason_home(tmp_path_factory) -> Path:
    """Thai, Japanese, Swahili and English stores of the embedded corpora, each local one aligned to English."""
    home = tmp_path_factory.mktemp("reason")
    for lang in ("en", "th", "ja", "sw"):
        build(lang, home=home)
    for lang in ("th", "ja", "sw"):
        align(lang, home=home)
    return home


@pytest.fixture
def serve():
    """serve(script or replies dict, faults=...) -> a running StubServer, stopped after the test."""
    servers = []

    def start(script, faults=None) -> StubServer:
        server = StubServer(script if callable(script) else ScriptedModel(script, faults))
        servers.append(server.__enter__())
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def client_of():
    """client_of(server, **settings): a client of the stub that records the waits between retries
    (in client.waits) instead of sleeping them."""

    def make(server: StubServer, **settings) -> ChatClient:
        waits: list[float] = []
        client = ChatClient(ModelConfig(model="stub", base_url=server.base_url, api_key="test", **settings), sleep=waits.append)
        client.waits = waits
        return client

    return make
