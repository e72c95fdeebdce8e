"""Shared fixtures: the development data beside the checkout, when it is there."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from medkb.ingest.mentions import abbreviations
from medkb.kb.build.builder import build

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pytest_configure(config):
    config.addinivalue_line("markers", "abbreviations: the test needs English abbreviation detection (scispacy, medkb[abbrev])")


def pytest_runtest_setup(item):
    if item.get_closest_marker("abbreviations") and not abbreviations.available():
        pytest.skip(
            "scispacy is not installed (medkb[abbrev], which needs numpy below 2, so not in the lucene environment): English abbreviations are not detected"
        )


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """`../shared/data` beside the checkout; tests that need it skip without it."""
    if not (SHARED_DATA / "README.md").exists():
        pytest.skip(f"development data not found at {SHARED_DATA} (a fresh clone has none; CI has it)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def built_home(tmp_path_factory) -> Path:
    """Thai and English stores of the embedded corpora as `kb build` leaves them (no edges), with
    their retrieval indexes (default embedder); tests only read them."""
    home = tmp_path_factory.mktemp("built")
    build("th", home=home)
    build("en", home=home)
    return home


@pytest.fixture(scope="session")
def run_python():
    """Run code in a fresh Python process, for what happens once a process (an import, a JVM, an
    OpenMP runtime): `env` sets variables, or unsets those given as None."""

    def run(code: str, **env: str | None) -> subprocess.CompletedProcess:
        environment = {k: v for k, v in os.environ.items() if k not in env} | {k: v for k, v in env.items() if v is not None}
        return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=environment, timeout=300)

    return run
