"""Stores built once per session (embedded corpora, a tiny OBO ontology) for relation and graph tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medkb.align.relations import intra_language_edges
from medkb.kb.build.builder import build
from medkb.store import database
from medkb.store.schema import node_id

# `build` is kb.build, imported from its module: under plain `pytest` with an editable install,
# `import kb` finds tests/kb first (a namespace package without kb/__init__.py's lazy names).

ONTOLOGY = """format-version: 1.2
ontology: demo

[Term]
id: DM:0000001
name: Metabolic disease

[Term]
id: DM:0000002
name: Diabetes mellitus
is_a: DM:0000001 ! Metabolic disease

[Term]
id: DM:0000003
name: Type 2 diabetes mellitus
is_a: DM:0000002 ! Diabetes mellitus
is_a: XX:0000009 ! not in this ontology
"""

CORPUS = """Metabolic disease

Type 2 diabetes mellitus is the commonest diabetes mellitus. Diabetes mellitus is a metabolic disease.
"""


@pytest.fixture(scope="session")
def graph_home(built_home: Path, tmp_path_factory) -> Path:
    """A copy of the built stores with their intra-language edges and, standing in for the aligner
    so that graph tests do not hang on alignment quality, a same_as edge from every Thai concept to
    the English concept of the same id (seed lexicon ids like medkb:diabetes_mellitus are shared),
    method "fixture"."""
    home = tmp_path_factory.mktemp("graph")
    for lang in ("th", "en"):
        shutil.copy(database.store_path(lang, built_home), database.store_path(lang, home))
    with database.connect(database.store_path("en", home)) as con:
        english = {row[0] for row in con.execute("SELECT concept_id FROM concepts").fetchall()}
        database.insert(con, "edges", intra_language_edges(con, "en"))
    with database.connect(database.store_path("th", home)) as con:
        thai = [row[0] for row in con.execute("SELECT concept_id FROM concepts ORDER BY 1").fetchall()]
        same_as = [(node_id("th", c), node_id("en", c), "same_as", 1.0, ["fixture"], "{}") for c in thai if c in english]
        database.insert(con, "edges", intra_language_edges(con, "th") + same_as)
    return home


@pytest.fixture(scope="session")
def obo_home(tmp_path_factory) -> Path:
    """An English store built from a three-term OBO ontology with is_a parents, with its edges."""
    root = tmp_path_factory.mktemp("obo")
    (root / "demo.obo").write_text(ONTOLOGY, encoding="utf-8")
    (root / "corpus").mkdir()
    (root / "corpus" / "note.txt").write_text(CORPUS, encoding="utf-8")
    build("en", corpus=[root / "corpus"], terms=[root / "demo.obo"], home=root / "home", seed_lexicon=False)
    with database.connect(database.store_path("en", root / "home")) as con:
        database.insert(con, "edges", intra_language_edges(con, "en"))
    return root / "home"
