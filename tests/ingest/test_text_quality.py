"""Text that does not fit the build's language, or a broken text layer, is a problem of its file."""

from __future__ import annotations

import json

import pytest

from medkb import corpora
from medkb.ingest.pipeline import IngestSettings, process_file
from medkb.ingest.readers.quality import text_problems

LANGS = ("th", "zh", "ja", "ko", "sw", "yo", "en")


@pytest.mark.parametrize("lang", LANGS)
def test_the_embedded_corpora_raise_no_problem_in_their_own_language(lang):
    for path in sorted(corpora.corpus_dir(lang).glob("*.md")):
        assert text_problems(lang, path.read_text(encoding="utf-8")) == [], path.name


@pytest.mark.parametrize(("text_lang", "build_lang"), [("th", "en"), ("zh", "en"), ("en", "th"), ("ko", "ja"), ("sw", "zh")])
def test_a_document_in_another_script_is_reported_with_the_share_that_does_not_fit(text_lang, build_lang):
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(corpora.corpus_dir(text_lang).glob("*.md"))[:2])
    (problem,) = text_problems(build_lang, text)
    share = int(problem.split("%")[0])
    assert share > 50 and f"script of --lang {build_lang}" in problem


def test_thai_vowels_split_from_their_consonant_are_reported():
    text = corpora.corpus_dir("th").joinpath("dengue-diagnosis.md").read_text(encoding="utf-8")
    broken = text.replace("ำ", " า")  # a PDF text layer that lost the nikhahit of every sara am
    assert text.count("ำ") >= 5
    (problem,) = text_problems("th", broken)
    assert problem.startswith(f"{text.count('ำ')} vowels or marks stand apart from their letter")


def test_replacement_characters_are_reported():
    text = corpora.corpus_dir("en").joinpath("dengue.md").read_text(encoding="utf-8")
    assert text_problems("en", text.replace("e", "\ufffd", 40))[0].startswith("40 characters could not be decoded")


def test_the_problem_reaches_the_files_result(tmp_path):
    path = tmp_path / "thai-in-english.md"
    path.write_text(corpora.corpus_dir("th").joinpath("dengue-diagnosis.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = process_file(path, "thai-in-english", IngestSettings("en"))
    assert len(result.problems) == 1 and "not in the Latin script of --lang en" in result.problems[0]


def test_real_corpora_raise_no_false_alarm(shared_data):
    nando = shared_data / "corpora" / "ja_nando" / "mhlw_documents.jsonl"
    documents = [json.loads(line) for line in nando.open(encoding="utf-8")]
    assert len(documents) == 332
    assert [d["doc_id"] for d in documents if text_problems("ja", d["text"])] == []
    medquad = sorted((shared_data / "corpora" / "en_medquad").glob("*.jsonl"))[0]
    answers = [json.loads(line) for _, line in zip(range(2000), medquad.open(encoding="utf-8"))]
    assert [a.get("doc_id") for a in answers if text_problems("en", a.get("answer") or a.get("text") or "")] == []
