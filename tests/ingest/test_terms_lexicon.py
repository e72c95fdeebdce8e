"""The seed lexicon: a TSV whose label columns are language codes."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from medkb.corpora import SEED_LEXICON
from medkb.ingest.terms import load_terminology
from medkb.store.languages import LANGUAGES
from medkb.store.records import Label

# ICD-10 categories with an optional subcategory (O24.4); ATC codes at any level from the second
# (A10A, a group) to the fifth (A10BA02, one substance).
ICD10 = re.compile(r"[A-Z]\d\d(\.\d{1,2})?")
ATC = re.compile(r"[A-Z]\d\d([A-Z]([A-Z](\d\d)?)?)?")
TYPES = {"disease", "symptom", "sign", "test", "procedure", "drug", "anatomy", "risk_factor"}

SEED = (
    "id\ttype\ticd10\tatc\ten\tth\tzh\tja\tko\tsw\tyo\n"
    "seed:diabetes\tdisease\tE11\t\tdiabetes|DM| \tเบาหวาน\t糖尿病\t糖尿病\t당뇨병\tkisukari\tàtọ̀gbẹ\n"
    "seed:metformin\tdrug\t\tA10BA02\tmetformin\tเมทฟอร์มิน\t二甲双胍\tメトホルミン|メトグルコ\t"
    "메트포르민\tmetformin\tmetformin\n"
)


def test_seed_lexicon_has_labels_in_every_language_and_codes(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.tsv"
    path.write_text(SEED, encoding="utf-8")
    terms = load_terminology(path)
    assert terms.name == "seed"
    diabetes, metformin = terms.concepts
    assert {c.source for c in terms.concepts} == {"seed"}
    assert diabetes.labels[:2] == [Label("en", "diabetes", "preferred"), Label("en", "DM", "synonym")]
    assert {label.lang for label in diabetes.labels} == set(LANGUAGES)
    assert (diabetes.semantic_type, diabetes.codes) == ("disease", {"icd10": "E11"})
    assert (metformin.semantic_type, metformin.codes) == ("drug", {"atc": "A10BA02"})
    assert [(label.text, label.kind) for label in metformin.labels if label.lang == "ja"] == [
        ("メトホルミン", "preferred"),
        ("メトグルコ", "synonym"),
    ]


def lexicon_rows() -> list[dict[str, str]]:
    with SEED_LEXICON.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_the_shipped_lexicon_loads_as_the_seed_with_every_language_and_unique_ids() -> None:
    rows = lexicon_rows()
    terms = load_terminology(SEED_LEXICON)
    assert terms.name == "seed" and {c.source for c in terms.concepts} == {"seed"}
    # The loader merges rows that repeat an id, so uniqueness is checked on the file.
    assert len({row["id"] for row in rows}) == len(rows) == len(terms.concepts) >= 400
    for concept in terms.concepts:
        assert {label.lang for label in concept.labels} == set(LANGUAGES), concept.concept_id


def test_each_concept_of_the_lexicon_is_its_row_as_written() -> None:
    """Labels in the file's order (the first of a cell preferred), types and codes, read with csv."""
    by_id = {c.concept_id: c for c in load_terminology(SEED_LEXICON).concepts}
    for row in lexicon_rows():
        concept = by_id[row["id"]]
        for lang in LANGUAGES:
            cell = [text.strip() for text in row[lang].split("|")]
            assert all(cell) and len(set(cell)) == len(cell), (row["id"], lang, row[lang])
            assert [label.text for label in concept.labels if label.lang == lang] == cell
            assert [label.kind for label in concept.labels if label.lang == lang][0] == "preferred"
        assert concept.semantic_type == row["type"] and row["type"] in TYPES, row["id"]
        assert concept.codes == {system: row[system] for system in ("icd10", "atc") if row[system]}, row["id"]


def test_the_lexicon_codes_are_icd10_and_atc_codes() -> None:
    rows = lexicon_rows()
    assert all(ICD10.fullmatch(code) for row in rows for code in row["icd10"].split("|") if row["icd10"]), "an ICD-10 code is malformed"
    assert all(ATC.fullmatch(code) for row in rows for code in row["atc"].split("|") if row["atc"]), "an ATC code is malformed"
    assert all(row["type"] == "drug" for row in rows if row["atc"])  # ATC classifies medicines only
    # Every disease has its ICD-10 code but multidrug-resistant TB, which ICD-10 does not code apart.
    assert [row["id"] for row in rows if row["type"] == "disease" and not row["icd10"]] == ["medkb:mdr_tuberculosis"]
