"""The retrieval index beside a store: built with the store, rebuilt when the store changes,
passage vectors carried over for unchanged text, the old index kept until the new one is whole."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

import medkb.retrieve.index
from medkb.kb.build.builder import build
from medkb.retrieve.embedding import passage_embedder
from medkb.retrieve.index import build_index, ensure_index, index_dir, load_index
from medkb.store import database

CORPUS = {
    "dengue.md": "# Dengue\n\nDengue fever causes high fever, rash and low platelets. Warning signs need hospital care.\n",
    "asthma.md": "# Asthma\n\nAsthma causes wheeze. Inhaled corticosteroids control asthma.\n",
}


@pytest.fixture
def small_home(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in CORPUS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    home = tmp_path / "home"
    build("en", corpus=[corpus], home=home)
    return corpus, home


def test_build_leaves_a_current_index_with_every_passage(small_home):
    _, home = small_home
    index = load_index("en", home)
    with database.open_existing("en", home) as con:
        passages = sorted(r[0] for r in con.execute("SELECT passage_id FROM passages").fetchall())
        build_id = database.latest_build(con)["build_id"]
    assert sorted(index.passage_ids) == passages
    assert index.manifest.build_id == build_id and index.manifest.embedder == "use"
    assert index.dense.vectors.shape == (len(passages), 512)  # USE vectors
    assert np.allclose(np.linalg.norm(index.dense.vectors, axis=1), 1, atol=1e-3)
    with database.open_existing("en", home) as con:
        stored = con.execute("SELECT p.text, p.section_path, d.title FROM passages p JOIN documents d USING (doc_id) ORDER BY p.doc_id, p.ordinal").fetchall()
    assert [index.record(row) for row in range(len(stored))] == [(t, list(s), title) for t, s, title in stored]
    rows, counts = index.concept_postings("medkb:dengue_fever")
    assert len(rows) and all(index.doc_ids[r] == "dengue" for r in rows.tolist()) and counts.min() >= 1


def test_changed_store_rebuilds_and_reuses_vectors_of_unchanged_passages(small_home, monkeypatch):
    corpus, home = small_home
    embedded: list[str] = []
    real = medkb.retrieve.index.encode_passages
    monkeypatch.setattr(medkb.retrieve.index, "encode_passages", lambda name, texts: embedded.extend(texts) or real(name, texts))
    (corpus / "malaria.md").write_text("# Malaria\n\nMalaria is spread by mosquitoes; artemisinin treats it.\n", encoding="utf-8")
    build("en", corpus=[corpus], home=home)
    index = load_index("en", home)
    assert index.manifest.build_id == 2
    assert embedded and all("Malaria" in t or "malaria" in t for t in embedded)  # only the new passage
    assert "malaria" in index.doc_ids


def test_a_current_index_is_not_rebuilt(small_home):
    _, home = small_home
    before = (index_dir("en", home) / "manifest.json").stat().st_mtime_ns
    ensure_index("en", home)
    assert (index_dir("en", home) / "manifest.json").stat().st_mtime_ns == before


def test_other_settings_rebuild_it(small_home):
    _, home = small_home
    manifest = ensure_index("en", home, embedder=None)
    assert manifest.embedder is None and load_index("en", home).dense is None
    assert not (index_dir("en", home) / "vectors.npy").exists()


def test_a_failed_index_build_keeps_the_previous_index(small_home, monkeypatch):
    _, home = small_home
    folder = index_dir("en", home)
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(medkb.retrieve.index, "_write_concepts", broken)
    with pytest.raises(RuntimeError):
        build_index("en", home, "e5")
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".en.index")]


def test_a_missing_index_says_how_to_make_it(small_home):
    _, home = small_home
    shutil.rmtree(index_dir("en", home))
    with pytest.raises(Exception, match="kb index --lang en"):
        load_index("en", home)
    manifest = json.dumps(ensure_index("en", home).__dict__)
    assert '"embedder": "use"' in manifest


def test_auto_keeps_the_embedder_the_user_chose(small_home):
    corpus, home = small_home
    assert ensure_index("en", home, "e5").embedder == "e5"
    (corpus / "malaria.md").write_text("# Malaria\n\nMalaria is spread by mosquitoes.\n", encoding="utf-8")
    build("en", corpus=[corpus], home=home)  # the build brings the index up to date with "auto"
    assert load_index("en", home).manifest.embedder == "e5"
    assert ensure_index("en", home, None).embedder is None  # an explicit choice still wins


def test_the_default_embedder_is_trained_on_the_language():
    assert passage_embedder("th", "auto") == "use" and passage_embedder("ja", "auto") == "use"
    assert passage_embedder("sw", "auto") == "e5" and passage_embedder("yo", "auto") == "e5"  # use never saw them
    assert passage_embedder("th", None) is None
