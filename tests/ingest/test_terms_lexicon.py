"""The seed lexicon: a TSV whose label columns are language codes."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from medkb.ingest.terms import load_terminology
from medkb.store.languages import LANGUAGES
from medkb.store.records import Label

LEXICON = Path(__file__).resolve().parents[2] / "corpora" / "lexicon.tsv"

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


def test_project_lexicon_loads_with_every_language_and_unique_ids() -> None:
    if not LEXICON.exists():
        pytest.skip(f"{LEXICON} is not written yet")
    with LEXICON.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    concepts = load_terminology(LEXICON).concepts
    # The loader merges rows that repeat an id, so uniqueness is checked on the file.
    assert len({row["id"] for row in rows}) == len(rows) == len(concepts)
    for concept in concepts:
        assert {label.lang for label in concept.labels} == set(LANGUAGES), concept.concept_id
