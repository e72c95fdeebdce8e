"""Fixtures for build tests: small corpora copied where a test may change them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medkb import corpora


@pytest.fixture
def thai_corpus(tmp_path: Path) -> Path:
    """A private copy of the embedded Thai corpus, free to edit."""
    target = tmp_path / "corpus"
    shutil.copytree(corpora.corpus_dir("th"), target)
    return target


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"
