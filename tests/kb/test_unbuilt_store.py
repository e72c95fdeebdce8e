"""A store file that records no build (not made by `kb build`: an empty or foreign DuckDB file at the
store's path) is refused with a UsageError that says how to make it, not a TypeError."""

from __future__ import annotations

from pathlib import Path

import pytest

from medkb.kb.stats import stats
from medkb.retrieve.index import ensure_index
from medkb.store import database
from medkb.store.errors import UsageError


@pytest.fixture
def unbuilt_home(tmp_path: Path) -> Path:
    with database.connect(database.store_path("th", tmp_path)) as con:
        database.create_tables(con)
    return tmp_path


def test_stats_of_a_store_without_a_build_says_to_build_it(unbuilt_home: Path) -> None:
    with pytest.raises(UsageError, match=r"the th knowledge base records no build: run `kb build --lang th`"):
        stats("th", home=unbuilt_home)


def test_indexing_a_store_without_a_build_says_to_build_it(unbuilt_home: Path) -> None:
    with pytest.raises(UsageError, match=r"the th knowledge base records no build: run `kb build --lang th`"):
        ensure_index("th", home=unbuilt_home)
