"""`kb build`: what a build stores, and that rebuilds are incremental and safe."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

import medkb
from build_equality import assert_same_store
from medkb import corpora
from medkb.kb.build import builder, corpus_terms
from medkb.store import database
from medkb.store.errors import InputError, UsageError


def _rows(lang: str, home: Path, sql: str, params=()):
    with database.open_existing(lang, home) as con:
        return con.execute(sql, params).fetchall()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_default_thai_build_stores_documents_passages_concepts_and_mentions(home):
    report = medkb.build("th", home=home)
    n_files = len(list(corpora.corpus_dir("th").glob("*.md")))
    assert report.status == "built" and report.files_read == n_files and not report.skipped
    counts = report.counts
    assert counts["documents"] == n_files
    assert counts["passages"] > n_files
    assert counts["concepts"] > 200 and counts["labels"] > 1000
    # every passage is exactly the text its offsets point at
    bad = _rows(
        "th",
        home,
        """
        SELECT count(*) FROM passages p JOIN documents d USING (doc_id)
        WHERE substring(d.text, p.start_char + 1, p.end_char - p.start_char) <> p.text""",
    )
    assert bad == [(0,)]
    # every mention is exactly its surface in its passage
    bad = _rows(
        "th",
        home,
        """
        SELECT count(*) FROM mentions m JOIN passages p USING (passage_id)
        WHERE substring(p.text, m.start_char + 1, m.end_char - m.start_char) <> m.surface""",
    )
    assert bad == [(0,)]
    # the seed lexicon's Thai labels are found across the corpus, in most documents
    docs_with_seed_mentions = _rows(
        "th",
        home,
        """
        SELECT count(DISTINCT m.doc_id) FROM mentions m JOIN concepts c USING (concept_id) WHERE c.source = 'seed'""",
    )[0][0]
    assert docs_with_seed_mentions >= 0.9 * n_files
    diabetes = _rows(
        "th",
        home,
        """
        SELECT count(*) FROM mentions m JOIN labels l USING (concept_id)
        WHERE l.lang = 'en' AND l.text = 'type 2 diabetes mellitus'""",
    )[0][0]
    assert diabetes > 0
    sections = _rows("th", home, "SELECT count(DISTINCT section_path) FROM passages")[0][0]
    assert sections > n_files  # passages know their sections


def test_rebuilding_unchanged_inputs_does_no_work_and_writes_nothing(thai_corpus, home):
    medkb.build("th", corpus=[thai_corpus], home=home)
    path = database.store_path("th", home)
    before = (_digest(path), path.stat().st_mtime_ns)
    report = medkb.build("th", corpus=[thai_corpus], home=home)
    assert report.status == "up to date"
    assert report.files_read == 0 and report.files_reused == len(list(thai_corpus.glob("*.md")))
    assert (_digest(path), path.stat().st_mtime_ns) == before


def test_touched_but_unchanged_files_are_not_read_again(thai_corpus, home):
    medkb.build("th", corpus=[thai_corpus], home=home)
    some_file = next(thai_corpus.glob("*.md"))
    os.utime(some_file, ns=(some_file.stat().st_atime_ns, some_file.stat().st_mtime_ns + 10**9))
    assert medkb.build("th", corpus=[thai_corpus], home=home).files_read == 0


def test_changed_new_and_removed_files_are_processed_alone(thai_corpus, home):
    first = medkb.build("th", corpus=[thai_corpus], home=home)
    files = sorted(thai_corpus.glob("*.md"))
    changed, removed = files[0], files[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n## เพิ่มเติม\nผู้ป่วยโรคเบาหวานควรออกกำลังกาย\n", encoding="utf-8")
    removed.unlink()
    (thai_corpus / "new-note.md").write_text("# บันทึกใหม่\n\n## วัณโรค\nผู้ป่วยวัณโรคต้องกินยาให้ครบ\n", encoding="utf-8")
    report = medkb.build("th", corpus=[thai_corpus], home=home)
    assert (report.files_read, report.files_removed) == (2, 1)
    assert report.files_reused == len(files) - 2
    assert report.counts["documents"] == first.counts["documents"]
    ids = {row[0] for row in _rows("th", home, "SELECT doc_id FROM documents")}
    assert removed.stem not in ids and "new-note" in ids
    assert _rows("th", home, "SELECT count(*) FROM passages WHERE doc_id = ?", [removed.stem]) == [(0,)]
    assert _rows("th", home, "SELECT count(*) FROM mentions WHERE doc_id = ?", [removed.stem]) == [(0,)]
    text = _rows("th", home, "SELECT text FROM documents WHERE doc_id = ?", [changed.stem])[0][0]
    assert "ออกกำลังกาย" in text
    assert _rows("th", home, "SELECT count(*) FROM mentions WHERE doc_id = 'new-note'")[0][0] > 0


def test_changed_settings_rebuild_every_file(thai_corpus, home):
    medkb.build("th", corpus=[thai_corpus], home=home)
    report = medkb.build("th", corpus=[thai_corpus], home=home, passage_tokens=80, overlap_tokens=16)
    assert report.files_read == len(list(thai_corpus.glob("*.md")))


def test_a_failed_strict_build_leaves_the_previous_store_intact(thai_corpus, home):
    medkb.build("th", corpus=[thai_corpus], home=home)
    path = database.store_path("th", home)
    before = _digest(path)
    (thai_corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe" * 100)
    with pytest.raises(InputError, match="broken.txt"):
        medkb.build("th", corpus=[thai_corpus], home=home, strict=True)
    assert _digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["th.duckdb", "th.index"]  # no temporary files left


def test_an_interrupted_build_leaves_the_previous_store_intact(thai_corpus, home, monkeypatch):
    medkb.build("th", corpus=[thai_corpus], home=home)
    path = database.store_path("th", home)
    before = _digest(path)
    next(thai_corpus.glob("*.md")).write_text("# แก้ไข\n\nข้อความใหม่\n", encoding="utf-8")
    (thai_corpus / "another.md").write_text("# ใหม่\n\nข้อความ\n", encoding="utf-8")
    calls = []

    def interrupted(con, result, taken):
        calls.append(result.path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(con, result, taken)

    real = builder.write_file_result
    monkeypatch.setattr(builder, "write_file_result", interrupted)
    with pytest.raises(KeyboardInterrupt):
        medkb.build("th", corpus=[thai_corpus], home=home)
    assert _digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["th.duckdb", "th.index"]


def test_unknown_language_missing_and_empty_corpus_are_clear_errors(tmp_path, home):
    with pytest.raises(UsageError, match="unknown language 'xx'.*th, zh, ja, ko, sw, yo, en"):
        medkb.build("xx", home=home)
    with pytest.raises(UsageError, match="corpus not found: .*nowhere"):
        medkb.build("th", corpus=[tmp_path / "nowhere"], home=home)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.rtf").write_bytes(b"{\\rtf1 notes}")
    with pytest.raises(UsageError, match="no corpus files in .*empty"):
        medkb.build("th", corpus=[tmp_path / "empty"], home=home)
    with pytest.raises(UsageError, match="terminology not found"):
        medkb.build("th", terms=[tmp_path / "missing.tsv"], home=home)
    assert not database.store_path("th", home).exists()


def test_a_second_build_of_the_same_store_waits_its_turn(home):
    target = database.store_path("th", home)
    target.parent.mkdir(parents=True)
    target.with_name(f".{target.name}.lock").write_text(str(os.getppid()))
    with pytest.raises(UsageError, match="another build"):
        medkb.build("th", home=home)


def test_a_lock_left_by_a_killed_build_is_taken_over(home):
    target = database.store_path("th", home)
    target.parent.mkdir(parents=True)
    target.with_name(f".{target.name}.lock").write_text("999999999")
    assert medkb.build("th", home=home).status == "built"


def test_terminology_files_are_recorded_with_their_hashes(home):
    medkb.build("th", home=home)
    rows = _rows("th", home, "SELECT name, sha256, n_concepts FROM terminologies")
    assert rows == [("seed", store_sha(corpora.SEED_LEXICON), rows[0][2])]
    assert rows[0][2] >= 200
    build = _rows("th", home, "SELECT tool_version, settings, counts, timings FROM builds")
    assert len(build) == 1 and '"lang": "th"' in build[0][1]


def store_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_committing_on_the_way_and_matching_in_batches_give_the_same_store(thai_corpus, tmp_path, monkeypatch):
    """A commit after every file and discovered terms matched 7 passages at a time, against one
    transaction and one batch: the same rows, also after a rebuild that changes and removes files."""

    def build_both():
        medkb.build("th", corpus=[thai_corpus], home=tmp_path / "once", embedder=None)
        with monkeypatch.context() as patch:
            patch.setattr(builder, "COMMIT_BYTES", 1)
            patch.setattr(corpus_terms, "MATCH_BATCH", 7)
            medkb.build("th", corpus=[thai_corpus], home=tmp_path / "often", embedder=None)

    build_both()
    assert_same_store("th", tmp_path / "once", tmp_path / "often")
    with database.open_existing("th", tmp_path / "often") as con:
        assert con.execute("SELECT count(*) FROM mentions WHERE method = 'discovered'").fetchone()[0] > 7
    files = sorted(thai_corpus.glob("*.md"))
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\n## เพิ่มเติม\nผู้ป่วยโรคเบาหวานควรออกกำลังกาย\n", encoding="utf-8")
    files[1].unlink()
    build_both()
    assert_same_store("th", tmp_path / "once", tmp_path / "often")


def test_files_no_reader_takes_are_listed_with_the_reason(tmp_path, home):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpora.corpus_dir("th"), corpus)
    (corpus / "figures.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (corpus / "old-guideline.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    report = medkb.build("th", corpus=[corpus], home=home, embedder=None)
    assert [(Path(i["path"]).name, i["reason"]) for i in report.ignored] == [
        ("figures.csv", "unsupported file type (.csv)"),
        ("old-guideline.doc", "unsupported file type (.doc)"),
    ]
    assert report.to_dict()["ignored"] == report.ignored


def test_a_build_that_reads_no_file_fails_and_keeps_the_previous_store(tmp_path, home):
    good = tmp_path / "good"
    shutil.copytree(corpora.corpus_dir("th"), good)
    medkb.build("th", corpus=[good], home=home, embedder=None)
    with database.open_existing("th", home) as con:
        before = con.execute("SELECT doc_id, text FROM documents ORDER BY doc_id").fetchall()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "scan.pdf").write_bytes(b"%PDF-1.7 not really")
    (broken / "notes.docx").write_bytes(b"PK")
    with pytest.raises(UsageError) as raised:
        medkb.build("th", corpus=[broken], home=home, embedder=None)
    message = str(raised.value)
    assert message.startswith("no corpus file could be read, so the th store was left as it was:")
    assert "notes.docx: not a Word document" in message and "scan.pdf: not a readable PDF" in message
    with database.open_existing("th", home) as con:
        assert con.execute("SELECT doc_id, text FROM documents ORDER BY doc_id").fetchall() == before
