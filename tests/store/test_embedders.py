"""The offline multilingual embedders (ingest.embedders): shapes, meaning, languages, errors and the cache."""

from __future__ import annotations

import importlib.util
import re
import socket

import numpy as np
import pytest

from medkb.store import embedders
from medkb.store.embedders import encode_cached, get_embedder, supports
from medkb.store.errors import UsageError

WIDTH = {"use": 512, "e5": 384}
DIABETES = {"en": "diabetes mellitus", "th": "เบาหวาน", "ja": "糖尿病"}
UNRELATED = "fractured leg"
TEXTS = [DIABETES["en"], DIABETES["th"], DIABETES["ja"], UNRELATED]


@pytest.fixture(scope="module", params=["use", "e5"])
def encoded(request):
    """(name, vectors of TEXTS): one encode call per embedder, as each call costs (e5: about 7 ms a text)."""
    return request.param, get_embedder(request.param).encode(TEXTS)


def test_built_in_embedders_give_unit_rows_of_their_width(encoded):
    name, vectors = encoded
    assert get_embedder(name).name == name
    assert vectors.shape == (len(TEXTS), WIDTH[name]) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert get_embedder(name).encode([]).shape == (0, WIDTH[name])
    assert get_embedder(name) is get_embedder(name)  # loaded once per process


def test_a_term_is_closer_to_its_translation_than_to_an_unrelated_term(encoded):
    # Measured cosines (use / e5): th 0.75 / 0.89 to the English term against 0.22 / 0.81 to the
    # unrelated one; ja 0.85 / 0.90 against 0.30 / 0.80. e5 cosines sit high and close together.
    _, (english, thai, japanese, unrelated) = encoded
    for local in (thai, japanese):
        assert local @ english > local @ unrelated + 0.04
    assert english @ thai > english @ unrelated + 0.04


def test_supports_reads_the_training_languages():
    assert not supports("use", "sw") and not supports("use", "yo")
    assert supports("use", "th") and supports("use", "en")
    assert supports("e5", "sw") and supports("e5", "yo")
    assert supports("some-org/some-model", "yo")  # unknown: assumed to cover every language


@pytest.fixture
def no_network(monkeypatch):
    """Fail any attempt to open a connection, and record it."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError(f"test: network use refused ({address})")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_unknown_sentence_transformers_model_is_a_usage_error_offline(tmp_path, monkeypatch, no_network):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    name = "medkb-test/no-such-model"
    with pytest.raises(UsageError, match=r"no-such-model|sentence-transformers"):
        get_embedder(name)
    assert no_network == []
    downloaded = [p for p in (tmp_path / "hf").rglob("*") if p.is_file()] if (tmp_path / "hf").exists() else []
    assert downloaded == []


def test_encode_cached_writes_one_file_and_reads_it_back(tmp_path, monkeypatch):
    texts = ["fever", "ไข้", "発熱"]
    first = encode_cached("e5", texts, tmp_path)
    written = sorted(tmp_path.iterdir())
    assert [p.suffix for p in written] == [".npy"] and written[0].name.startswith("e5-")
    assert first.shape == (3, 384)

    def no_model(name):
        raise AssertionError(f"the cache should have answered, not the {name} model")

    monkeypatch.setattr(embedders, "get_embedder", no_model)
    second = encode_cached("e5", texts, tmp_path)
    np.testing.assert_array_equal(np.asarray(second), first)
    assert sorted(tmp_path.iterdir()) == written
    with pytest.raises(AssertionError, match="cache should have answered"):
        encode_cached("e5", [*texts, "cough"], tmp_path)  # other texts, another key


@pytest.mark.parametrize(("policy", "spin_count"), [(None, "0"), ("ACTIVE", "30000000000")])
def test_the_embedders_leave_the_environment_as_it_was_and_their_openmp_threads_wait_as_asked(run_python, policy, spin_count):
    """e5's OpenMP runtime reads OMP_WAIT_POLICY once, when it is loaded: unless the user chose,
    its idle threads must not spin (0 spins; measured 40x slower queries on 2 busy cores)."""
    result = run_python(
        """
        import os
        import threadpoolctl  # use's numpy backend imports it, and it sets KMP_DUPLICATE_LIB_OK as it is imported
        before = dict(os.environ)
        from medkb.store.embedders import get_embedder
        for name in ("use", "e5"):
            get_embedder(name).encode(["fever"])
        print(dict(os.environ) == before)
        """,
        OMP_WAIT_POLICY=policy,
        OMP_DISPLAY_ENV="verbose",  # each OpenMP runtime prints its settings as it starts
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]
    assert re.findall(r"GOMP_SPINCOUNT = '(\d+)'", result.stderr) == [spin_count]  # e5's runtime, the only one


@pytest.mark.skipif(importlib.util.find_spec("sentence_transformers") is None, reason="sentence-transformers is not installed")
def test_a_sentence_transformers_model_not_on_disk_is_not_requested_even_after_transformers_was_imported(run_python, tmp_path):
    """Hugging Face reads HF_HUB_OFFLINE once, as it is imported: set later, it came too late and the
    model was requested. A local stand-in for the Hub records what is asked of it (huggingface_hub
    may still ask it for its own registry of agents, which names no model)."""
    result = run_python(
        """
        import os, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        requested = []

        class NotFound(BaseHTTPRequestHandler):
            def do_GET(self):
                requested.append(self.path)
                self.send_error(404)

            do_HEAD = do_GET

            def log_message(self, *args):
                pass

        hub = ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
        threading.Thread(target=hub.serve_forever, daemon=True).start()
        os.environ["HF_ENDPOINT"] = f"http://127.0.0.1:{hub.server_port}"
        import transformers  # the user's own use of Hugging Face, before medkb's
        from medkb.store.embedders import get_embedder
        from medkb.store.errors import UsageError
        try:
            get_embedder("medkb-test/no-such-model")
        except UsageError:
            print([path for path in requested if "no-such-model" in path], "HF_HUB_OFFLINE" in os.environ)
        """,
        HF_HUB_OFFLINE=None,
        TRANSFORMERS_OFFLINE=None,
        HF_HOME=str(tmp_path / "hf"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "False"]
