"""The store's schema: the values its columns hold are the ones it names."""

from __future__ import annotations

import pytest

from medkb.kb.build.builder import build
from medkb.store import database
from medkb.store.schema import LABEL_KINDS


@pytest.mark.abbreviations
def test_a_build_writes_every_label_kind_and_no_other(tmp_path):
    """The embedded English corpus and lexicon give all four kinds (abbreviations need scispacy)."""
    build("en", home=tmp_path, embedder=None)
    with database.open_existing("en", tmp_path) as con:
        written = {kind for (kind,) in con.execute("SELECT DISTINCT kind FROM labels").fetchall()}
    assert written == set(LABEL_KINDS)
