"""JSONL: field lookup, sections, per-line problems, and the development corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medkb.ingest.readers import ReadOptions, ReadResult, read_path
from medkb.ingest.readers.text import detect_heading
from medkb.store.errors import InputError
from medkb.store.records import Document
from test_readers_invariants import assert_valid_sections, section_texts


def read_records(tmp_path: Path, records: list, options: ReadOptions = ReadOptions(lang="en")) -> ReadResult:
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return read_path(path, options)


def read_one(tmp_path: Path, record: dict, options: ReadOptions = ReadOptions(lang="en")) -> Document:
    [document] = read_records(tmp_path, [record], options).documents
    return document


def test_id_title_text_and_the_rest_as_metadata(tmp_path: Path) -> None:
    record = {"doc_id": "d1", "title": "Cough", "text": "A dry cough.", "source": "nhs", "tags": ["a"], "year": 2020}
    document = read_one(tmp_path, record)
    assert (document.doc_id, document.title, document.text) == ("d1", "Cough", "A dry cough.")
    assert document.metadata == {"source": "nhs", "tags": ["a"], "year": 2020}


def test_language_specific_fields(tmp_path: Path) -> None:
    record = {"id": 7, "title_ja": "咳", "title_en": "Cough", "text_ja": "乾いた咳。", "text_en": "A dry cough."}
    document = read_one(tmp_path, record, ReadOptions(lang="ja"))
    assert (document.doc_id, document.title, document.text) == ("7", "咳", "乾いた咳。")
    assert document.metadata == {"title_en": "Cough", "text_en": "A dry cough."}


def test_parallel_corpus_reads_the_field_named_by_the_language(tmp_path: Path) -> None:
    record = {"id": "u1", "en": "a fever", "sw": "homa", "zh": "发热"}
    document = read_one(tmp_path, record, ReadOptions(lang="sw"))
    assert (document.title, document.text, document.metadata) == ("", "homa", {"en": "a fever", "zh": "发热"})


def test_question_and_answer(tmp_path: Path) -> None:
    document = read_one(tmp_path, {"question": "What is asthma?", "answer": "A disease of the airways."})
    assert (document.doc_id, document.title, document.text) == (None, "What is asthma?", "A disease of the airways.")


def test_blank_fields_do_not_count_as_present(tmp_path: Path) -> None:
    document = read_one(tmp_path, {"id": "", "title": " ", "text": "", "abstract": "The abstract."})
    assert (document.doc_id, document.title, document.text) == (None, "", "The abstract.")


def test_field_overrides(tmp_path: Path) -> None:
    options = ReadOptions(lang="en", id_field="pmid", title_field="headline", text_fields=("summary", "text"))
    record = {"pmid": "42", "id": "ignored", "headline": "Fever", "summary": "Short.", "text": "Long."}
    document = read_one(tmp_path, record, options)
    assert (document.doc_id, document.title, document.text) == ("42", "Fever", "Short.")
    assert document.metadata == {"id": "ignored", "text": "Long."}


def test_text_fields_get_the_heading_heuristic(tmp_path: Path) -> None:
    text = "○　概要\r\n１．概要\r\n遺伝性の疾患である。\r\n２．原因\r\n不明である。"
    document = read_one(tmp_path, {"id": "n1", "text": text}, ReadOptions(lang="ja"))
    assert "\r" not in document.text
    assert section_texts(document) == {("概要", "１．概要"): "遺伝性の疾患である。", ("概要", "２．原因"): "不明である。"}


def test_sections_list_becomes_text_and_one_section_each(tmp_path: Path) -> None:
    entries = [
        {"title": "Overview", "text": "Asthma is common."},
        {"heading": "Signs", "text": "Wheeze.\nCough."},
        {"path": ["Treatment", "Children"], "text": "Inhalers."},
        {"text": "Untitled one."},
        {"text": "Untitled two."},
    ]
    document = read_one(tmp_path, {"id": "s1", "sections": entries})
    assert document.text == "Asthma is common.\n\nWheeze.\nCough.\n\nInhalers.\n\nUntitled one.\n\nUntitled two."
    assert [(s.path, document.text[s.start : s.end]) for s in document.sections] == [
        (("Overview",), "Asthma is common."),
        (("Signs",), "Wheeze.\nCough."),
        (("Treatment", "Children"), "Inhalers."),
        ((), "Untitled one."),
        ((), "Untitled two."),
    ]
    assert "sections" not in document.metadata
    assert_valid_sections(document, ["Asthma is common.", "Wheeze.", "Cough.", "Inhalers.", "Untitled one.", "Untitled two."])


def test_bad_lines_are_problems_and_the_good_lines_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "mixed.ndjson"
    huge = '{"id": "e", "text": "' + "x" * 2_000_001 + '"}'
    lines = [
        '{"id": "a", "text": "first"}',
        '{"id": "b" "text": "missing comma"}',
        "",
        '["not", "an", "object"]',
        '{"id": "c", "title": "no text"}',
        '{"id": "d", "sections": [{"title": "x"}]}',
        '{"id": "a", "text": "same id again"}',
        huge,
        '{"id": "f", "text": "last"}',
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    result = read_path(path, ReadOptions(lang="en"))
    assert [d.doc_id for d in result.documents] == ["a", "f"]
    assert result.problems == [
        "line 2: invalid JSON (Expecting ',' delimiter at column 12)",
        "line 4: a JSON list, not an object",
        "line 5: no text field (looked for text, text_en, en, answer, abstract, body, content, sections)",
        "line 6: sections[0] is not an object with a 'text' string",
        "line 7: duplicate id 'a' (first on line 1); skipped",
        f"line 8: the record is {len(huge):,} characters long, over the limit of 1,000,000",
    ]


def test_a_file_of_only_bad_lines_is_refused_with_the_first_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('not json\n{"id": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match="no readable JSONL records \\(line 1: invalid JSON"):
        read_path(path, ReadOptions(lang="en"))


def test_a_single_huge_record_is_refused_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    record = '{"text": "' + "ก" * 2_000_001 + '"}'
    path.write_text(record + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"line 1: the record is {len(record):,} characters long"):
        read_path(path, ReadOptions(lang="th"))


# The development corpora (skipped without them).


def assert_sections_cover_the_body(document: Document) -> None:
    """Every line of the text that is not a heading lies in a section."""
    body = [line for line in document.text.split("\n") if line.strip() and detect_heading(line) is None]
    assert_valid_sections(document, body)


def test_mhlw_documents(shared_data: Path) -> None:
    path = shared_data / "corpora" / "ja_nando" / "mhlw_documents.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    result = read_path(path, ReadOptions(lang="ja"))
    assert result.problems == []
    assert len(result.documents) == 332
    assert [d.doc_id for d in result.documents] == [r["doc_id"] for r in records]
    assert [d.title for d in result.documents] == [r["title_ja"] for r in records]
    assert all(d.metadata["title_en"] == r["title_en"] for d, r in zip(result.documents, records))
    for document in result.documents:
        assert_sections_cover_the_body(document)
    # Every document has the ○ parts with numbered items under them: 7 sections at the fewest, 10+ as a rule.
    assert all(len(d.sections) >= 7 for d in result.documents)
    assert sum(len(d.sections) >= 10 for d in result.documents) / len(result.documents) > 0.95
    first = result.documents[0]
    assert ("概要", "１．概要") in [s.path for s in first.sections]


def test_medquad_passages(shared_data: Path) -> None:
    path = shared_data / "corpora" / "en_medquad" / "medquad_passages.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    result = read_path(path, ReadOptions(lang="en"))
    assert result.problems == []
    assert len(result.documents) == 16423
    assert [(d.doc_id, d.title, d.text) for d in result.documents] == [(r["doc_id"], r["question"], r["answer"]) for r in records]
    assert set(result.documents[0].metadata) == {"source", "focus", "cuis", "question_type", "url"}
    for document in result.documents[::50]:
        assert_sections_cover_the_body(document)
    assert all(d.sections for d in result.documents)


def test_tico_sentences_in_swahili(shared_data: Path) -> None:
    path = shared_data / "corpora" / "sw_zh_tico_sentences" / "tico19_en_sw_zh_dev.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    result = read_path(path, ReadOptions(lang="sw"))
    assert result.problems == []
    assert [(d.doc_id, d.text) for d in result.documents] == [(r["id"], r["sw"]) for r in records]
    assert all(d.sections for d in result.documents)  # even a sentence that looks like a heading ("...:")
    assert all(set(d.metadata) == {"source_url", "en", "zh"} for d in result.documents)


def test_a_beir_corpus_line_is_read_with_its_id(tmp_path: Path) -> None:
    record = {"_id": "MED-10", "title": "Statin use and breast cancer", "text": "Statins were studied.", "metadata": {"url": "x"}}
    document = read_one(tmp_path, record)
    assert (document.doc_id, document.title, document.text) == ("MED-10", "Statin use and breast cancer", "Statins were studied.")
    assert document.metadata == {"metadata": {"url": "x"}}
