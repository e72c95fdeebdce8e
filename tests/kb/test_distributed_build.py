"""`kb build --cluster`: files processed on Dask into Parquet shards, merged into the store a local build makes.

One LocalCluster serves the module, reached by its scheduler address as a real cluster would be.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import medkb
from build_equality import assert_same_store, colliding_corpus, jsonl_slice, write_jsonl
from medkb import corpora
from medkb.kb.build import parallel
from medkb.store import database
from medkb.store.errors import InputError, UsageError
from test_bad_inputs import write_bad_files

distributed = pytest.importorskip("distributed", reason="the distributed build needs Dask: pip install 'medkb[dask]'")


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


def _build_both(lang: str, corpus: list[Path], tmp_path: Path, scheduler: str, **options):
    """The same corpus built here by one worker and on the cluster; both reports."""
    local = medkb.build(lang, corpus=corpus, home=tmp_path / "local", embedder=None, **options)
    shards = tmp_path / "shards"
    on_dask = medkb.build(lang, corpus=corpus, home=tmp_path / "dask", embedder=None, cluster=scheduler, shards=shards, **options)
    assert not any(shards.iterdir()), "shards are removed once merged"
    return local, on_dask


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_dask_build_of_an_embedded_corpus_equals_the_local_build(lang, tmp_path, scheduler):
    local, on_dask = _build_both(lang, [corpora.corpus_dir(lang)], tmp_path, scheduler)
    assert on_dask.counts == local.counts
    assert_same_store(lang, tmp_path / "local", tmp_path / "dask")


@pytest.mark.abbreviations  # it counts the abbreviations found
def test_a_dask_build_of_medquad_equals_the_local_build(shared_data, tmp_path, scheduler, monkeypatch):
    corpus = tmp_path / "corpus"
    records = jsonl_slice(shared_data / "corpora" / "en_medquad" / "medquad_passages.jsonl", 600)
    for start in range(0, 600, 150):
        write_jsonl(corpus / f"medquad-{start // 150}.jsonl", records[start : start + 150])
    monkeypatch.setattr(parallel, "BATCH_BYTES", 96 * 1024)  # files in parts, parts on both workers
    local, _ = _build_both("en", [corpus], tmp_path, scheduler)
    assert local.counts["abbreviations"] > 50 and local.counts["passages"] > 1000
    assert_same_store("en", tmp_path / "local", tmp_path / "dask")


def test_a_local_cluster_started_for_the_build_gives_the_same_store(tmp_path):
    medkb.build("th", home=tmp_path / "local", embedder=None)
    medkb.build("th", home=tmp_path / "dask", embedder=None, cluster="local", workers=2)
    assert_same_store("th", tmp_path / "local", tmp_path / "dask")
    assert sorted(p.name for p in (tmp_path / "dask").iterdir()) == ["th.duckdb", "th.index"]  # shards beside the store, removed


def test_changed_and_removed_files_rebuild_to_the_same_store(thai_corpus, tmp_path, scheduler):
    _build_both("th", [thai_corpus], tmp_path, scheduler)
    files = sorted(thai_corpus.glob("*.md"))
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\n## เพิ่มเติม\nผู้ป่วยโรคเบาหวานควรออกกำลังกาย\n", encoding="utf-8")
    files[1].unlink()
    (thai_corpus / "new-note.md").write_text("# บันทึกใหม่\n\n## วัณโรค\nผู้ป่วยวัณโรคต้องกินยาให้ครบ\n", encoding="utf-8")
    local, on_dask = _build_both("th", [thai_corpus], tmp_path, scheduler)
    assert (on_dask.files_read, on_dask.files_removed) == (local.files_read, local.files_removed) == (2, 1)
    assert_same_store("th", tmp_path / "local", tmp_path / "dask")


def test_bad_files_are_skipped_and_reported_and_strict_keeps_the_old_store(thai_corpus, tmp_path, scheduler):
    write_bad_files(thai_corpus / "bad")
    local, on_dask = _build_both("th", [thai_corpus], tmp_path, scheduler)
    assert on_dask.skipped == local.skipped and len(local.skipped) == 7
    assert_same_store("th", tmp_path / "local", tmp_path / "dask")
    before = database.store_path("th", tmp_path / "dask").read_bytes()
    (thai_corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe" * 100)
    with pytest.raises(InputError, match="broken.txt"):
        medkb.build("th", corpus=[thai_corpus], home=tmp_path / "dask", embedder=None, cluster=scheduler, shards=tmp_path / "shards", strict=True)
    assert database.store_path("th", tmp_path / "dask").read_bytes() == before


def test_document_ids_taken_twice_go_to_the_first_file(tmp_path, scheduler):
    local, on_dask = _build_both("en", [colliding_corpus(tmp_path / "corpus")], tmp_path, scheduler)
    assert on_dask.problems == local.problems and len(local.problems) == 2
    assert_same_store("en", tmp_path / "local", tmp_path / "dask")


def test_a_cluster_address_needs_a_shared_shard_folder(tmp_path, scheduler):
    with pytest.raises(UsageError, match="--shards"):
        medkb.build("th", home=tmp_path, embedder=None, cluster=scheduler)
