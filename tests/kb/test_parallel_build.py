"""`kb build --workers N`: files processed by a pool of processes give the store a one-worker build gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import medkb
from build_equality import assert_same_store, colliding_corpus, jsonl_slice, write_jsonl
from medkb import corpora
from medkb.ingest.pipeline import IngestSettings
from medkb.kb.build import parallel
from medkb.kb.build.inputs import find_corpus_files
from medkb.kb.cli.app import app
from medkb.store import database
from medkb.store.errors import IngestError, InputError
from test_bad_inputs import write_bad_files

WORKERS = 2


def _build_both(lang: str, corpus: list[Path], tmp_path: Path, **options):
    """The same corpus built by one worker and by a pool; both reports."""
    one = medkb.build(lang, corpus=corpus, home=tmp_path / "one", embedder=None, **options)
    pool = medkb.build(lang, corpus=corpus, home=tmp_path / "pool", embedder=None, workers=WORKERS, **options)
    return one, pool


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_pool_build_of_an_embedded_corpus_equals_a_one_worker_build(lang, tmp_path):
    one, pool = _build_both(lang, [corpora.corpus_dir(lang)], tmp_path)
    assert pool.counts == one.counts and pool.files_read == one.files_read
    assert_same_store(lang, tmp_path / "one", tmp_path / "pool")


def test_large_jsonl_files_are_processed_in_parts_with_the_same_result(shared_data, tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    records = jsonl_slice(shared_data / "corpora" / "ja_nando" / "mhlw_documents.jsonl", 40)
    write_jsonl(corpus / "nando-1.jsonl", records[:30])
    write_jsonl(corpus / "nando-2.jsonl", records[30:])
    terms = [shared_data / "terms" / "ja_hpo_dev.tsv", shared_data / "terms" / "ja_nando_dev.tsv"]
    whole = medkb.build("ja", corpus=[corpus], terms=terms, home=tmp_path / "whole", embedder=None)
    assert whole.counts["mentions"] > 1000
    monkeypatch.setattr(parallel, "BATCH_BYTES", 64 * 1024)  # parts of 64 KB: the first file in several
    assert max(u.part.count for u in parallel.work_units(find_corpus_files([corpus]))) > 3
    _build_both("ja", [corpus], tmp_path, terms=terms)
    assert_same_store("ja", tmp_path / "whole", tmp_path / "one")  # one process, file by file or part by part
    assert_same_store("ja", tmp_path / "whole", tmp_path / "pool")


def test_changed_and_removed_files_rebuild_to_the_same_store(thai_corpus, tmp_path):
    _build_both("th", [thai_corpus], tmp_path)
    files = sorted(thai_corpus.glob("*.md"))
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\n## เพิ่มเติม\nผู้ป่วยโรคเบาหวานควรออกกำลังกาย\n", encoding="utf-8")
    files[1].unlink()
    (thai_corpus / "new-note.md").write_text("# บันทึกใหม่\n\n## วัณโรค\nผู้ป่วยวัณโรคต้องกินยาให้ครบ\n", encoding="utf-8")
    one, pool = _build_both("th", [thai_corpus], tmp_path)
    assert (pool.files_read, pool.files_removed, pool.files_reused) == (one.files_read, one.files_removed, one.files_reused) == (2, 1, len(files) - 2)
    assert_same_store("th", tmp_path / "one", tmp_path / "pool")


def test_bad_files_are_skipped_and_reported_as_by_one_worker(thai_corpus, tmp_path):
    write_bad_files(thai_corpus / "bad")
    (thai_corpus / "broken.jsonl").write_text('{"id": "ok-1", "text": "ไข้เลือดออก"}\n{"id": "broken", "text": \n', encoding="utf-8")
    one, pool = _build_both("th", [thai_corpus], tmp_path)
    assert pool.skipped == one.skipped and len(one.skipped) == 7
    assert pool.problems == one.problems and "line 2" in one.problems[0]["problem"]
    assert_same_store("th", tmp_path / "one", tmp_path / "pool")


def test_strict_fails_on_the_first_bad_file_and_keeps_the_old_store(thai_corpus, tmp_path):
    home = tmp_path / "home"
    medkb.build("th", corpus=[thai_corpus], home=home, embedder=None, workers=WORKERS)
    before = database.store_path("th", home).read_bytes()
    (thai_corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe" * 100)
    with pytest.raises(InputError, match="broken.txt"):
        medkb.build("th", corpus=[thai_corpus], home=home, embedder=None, workers=WORKERS, strict=True)
    assert database.store_path("th", home).read_bytes() == before
    assert sorted(p.name for p in home.iterdir()) == ["th.duckdb", "th.index"]  # no copy, no shards left


def test_document_ids_taken_twice_go_to_the_first_file_in_every_mode(tmp_path):
    corpus = colliding_corpus(tmp_path / "corpus")
    one, pool = _build_both("en", [corpus], tmp_path)
    left_out = [(Path(p["path"]).name, p["problem"]) for p in one.problems]
    assert left_out == [
        ("b.jsonl", "document id 'shared' is already used by another document; left out"),
        ("notes.md", "document id 'notes' is already used by another document; left out"),
    ]
    assert pool.problems == one.problems
    assert_same_store("en", tmp_path / "one", tmp_path / "pool")
    with pytest.raises(InputError, match="b.jsonl: document id 'shared'"):
        medkb.build("en", corpus=[corpus], home=tmp_path / "strict", embedder=None, workers=WORKERS, strict=True)


def test_a_fault_in_a_worker_names_the_file(tmp_path, monkeypatch):
    def broken(*args):
        raise ValueError("a fault")

    monkeypatch.setattr(parallel, "process_file", broken)
    unit = parallel.work_units(find_corpus_files([corpora.corpus_dir("th")]))[0]
    with pytest.raises(IngestError, match=f"{unit.path}: ValueError: a fault"):
        parallel.ingest_batch(0, [unit], IngestSettings("th"), tmp_path)


def test_the_cli_builds_with_workers(tmp_path):
    result = CliRunner().invoke(app, ["build", "--lang", "th", "--home", str(tmp_path / "pool"), "--workers", "2", "--embedder", "none", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "built"
    medkb.build("th", home=tmp_path / "one", embedder=None)
    assert_same_store("th", tmp_path / "one", tmp_path / "pool")
