"""End to end on the development data: NANDO documents in Japanese, MedQuAD in English."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import medkb
from medkb.ingest.mentions import abbreviations
from medkb.store import database

JA_TERMS = ("ja_hpo_dev.tsv", "ja_nando_dev.tsv", "ja_tico_dev.tsv")


@pytest.fixture(scope="module")
def ja_nando(shared_data: Path, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("ja_home")
    report = medkb.build(
        "ja",
        corpus=[shared_data / "corpora" / "ja_nando"],
        terms=[shared_data / "terms" / t for t in JA_TERMS],
        home=home,
        embedder=None,  # these tests read the store; passage vectors are tested in tests/retrieve
    )
    assert report.status == "built" and not report.skipped and not report.problems
    return home


@pytest.fixture(scope="module")
def en_medquad(shared_data: Path, tmp_path_factory) -> Path:
    if not abbreviations.available():
        pytest.skip("scispacy is not installed (the abbrev extra): English abbreviations are not detected")
    home = tmp_path_factory.mktemp("en_home")
    medkb.build("en", corpus=[shared_data / "corpora" / "en_medquad"], home=home, embedder=None)  # the store, not vectors
    return home


def _query(lang: str, home: Path, sql: str, params=()):
    with database.open_existing(lang, home) as con:
        return con.execute(sql, params).fetchall()


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_nando_document_is_stored_with_its_id_title_and_sections(ja_nando, shared_data):
    source = _jsonl(shared_data / "corpora" / "ja_nando" / "mhlw_documents.jsonl")
    stored = dict(_query("ja", ja_nando, "SELECT doc_id, title FROM documents"))
    assert stored == {d["doc_id"]: d["title_ja"] for d in source}
    with_sections = _query(
        "ja",
        ja_nando,
        """
        SELECT count(*) FROM (SELECT doc_id FROM sections WHERE len(path) > 0 GROUP BY doc_id HAVING count(*) >= 3)""",
    )[0][0]
    assert with_sections >= 0.8 * len(source)
    # "概要" (overview) is a section heading in the MHLW documents
    assert _query("ja", ja_nando, "SELECT count(DISTINCT doc_id) FROM passages WHERE list_contains(section_path, '概要')")[0][0] > 250


def test_nando_documents_mention_their_own_disease(ja_nando, shared_data):
    with open(shared_data / "terms" / "ja_nando_dev.tsv", encoding="utf-8") as handle:
        dev_ids = {row["id"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}
    source = [d for d in _jsonl(shared_data / "corpora" / "ja_nando" / "mhlw_documents.jsonl") if d["nando_id"] in dev_ids]
    mentioned = {(doc_id, concept_id) for doc_id, concept_id in _query("ja", ja_nando, "SELECT DISTINCT doc_id, concept_id FROM mentions")}
    found = sum((d["doc_id"], d["nando_id"]) in mentioned for d in source)
    assert len(source) > 100
    assert found / len(source) >= 0.9


def test_hpo_phenotypes_are_found_in_japanese_text(ja_nando):
    rows = _query(
        "ja",
        ja_nando,
        """
        SELECT count(*), count(DISTINCT concept_id) FROM mentions WHERE concept_id LIKE 'HP:%'""",
    )[0]
    assert rows[0] > 3000 and rows[1] > 300
    # 発作 (seizure, HP:0001250) is described throughout the neurological documents: 1,193 mentions.
    assert _query("ja", ja_nando, "SELECT count(*) FROM mentions WHERE concept_id = 'HP:0001250'")[0][0] > 1000


@pytest.mark.parametrize(("concept_id", "spellings"), [("medkb:mri", {"MRI", "ＭＲＩ"}), ("NANDO:2200983", {"VATER症候群", "ＶＡＴＥＲ症候群"})])
def test_full_width_and_half_width_spellings_find_one_concept(ja_nando, concept_id, spellings):
    surfaces = {row[0] for row in _query("ja", ja_nando, "SELECT DISTINCT surface FROM mentions WHERE concept_id = ?", [concept_id])}
    assert spellings <= surfaces


def test_medquad_abbreviations_are_found_and_linked_to_long_forms(en_medquad):
    total = _query("en", en_medquad, "SELECT count(*), count(DISTINCT doc_id) FROM abbreviations")[0]
    assert total[0] > 1000 and total[1] > 500
    rows = _query(
        "en",
        en_medquad,
        """
        SELECT short_form, lower(long_form) FROM abbreviations WHERE doc_id = 'CancerGov_0000001_1_Sec1'""",
    )
    assert ("ALL", "acute lymphoblastic leukemia") in rows or ("ALL", "adult acute lymphoblastic leukemia") in rows
    uses = _query(
        "en",
        en_medquad,
        """
        SELECT count(*) FROM mentions WHERE doc_id = 'CancerGov_0000001_1_Sec1' AND surface = 'ALL'""",
    )[0][0]
    assert uses >= 3  # the short form is found wherever the document uses it, not only where it is defined
    labels = _query("en", en_medquad, "SELECT count(*) FROM labels WHERE kind = 'abbreviation'")[0][0]
    assert labels > 500


def test_medquad_yields_discovered_terms_where_no_terminology_covers_the_text(en_medquad):
    terms = dict(
        _query(
            "en",
            en_medquad,
            """
        SELECT l.text, c.attributes FROM concepts c JOIN labels l USING (concept_id) WHERE c.source = 'discovered'""",
        )
    )
    assert len(terms) >= 100
    assert any("syndrome" in t or "disease" in t for t in terms)
    assert _query("en", en_medquad, "SELECT count(*) FROM mentions WHERE method = 'discovered'")[0][0] > 1000
