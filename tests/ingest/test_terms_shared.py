"""The terminology TSVs of the development data (skipped without it).

Expectations are counted from the files with csv, independently of the loader.
"""

from __future__ import annotations

import csv
from pathlib import Path

from medkb.ingest.terms import load_terminology
from medkb.store.languages import LANGUAGES
from medkb.store.records import Concept


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def texts(concept: Concept, lang: str) -> list[str]:
    return [label.text for label in concept.labels if label.lang == lang]


def test_en_hpo_gives_one_concept_per_id_with_its_english_label(shared_data: Path) -> None:
    path = shared_data / "terms" / "en_hpo.tsv"
    terms = load_terminology(path)
    assert (terms.name, len(terms.concepts)) == ("hpo", 19428)
    expected = {row["id"]: row["label"] for row in read_rows(path)}
    assert {c.concept_id: texts(c, "en") for c in terms.concepts} == {concept_id: [label] for concept_id, label in expected.items()}
    assert {label.kind for c in terms.concepts for label in c.labels} == {"preferred"}


def test_ja_hpo_gives_one_concept_per_distinct_id_with_ja_and_en_labels(shared_data: Path) -> None:
    path = shared_data / "terms" / "ja_hpo_dev.tsv"
    rows = read_rows(path)
    concepts = load_terminology(path).concepts
    assert len(concepts) == len({row["id"] for row in rows})
    by_id = {c.concept_id: c for c in concepts}
    for row in rows:
        concept = by_id[row["id"]]
        assert row["local_label"] in texts(concept, "ja")
        assert row["en_label"] in texts(concept, "en")


def test_ja_nando_gives_ja_and_en_labels_and_mondo_codes(shared_data: Path) -> None:
    path = shared_data / "terms" / "ja_nando_dev.tsv"
    rows = read_rows(path)
    terms = load_terminology(path)
    assert terms.name == "nando"
    by_id = {c.concept_id: c for c in terms.concepts}
    assert len(by_id) == len(terms.concepts) == len({row["id"] for row in rows})
    for row in rows:
        concept = by_id[row["id"]]
        assert texts(concept, "ja") == [row["ja_label"]]
        assert texts(concept, "en") == [row["en_label"]]
        assert concept.codes.get("mondo", "") == row["mondo_id"]
    assert any("|" in c.codes.get("mondo", "") for c in terms.concepts)


def test_th_tico_concepts_share_ids_with_en_tico(shared_data: Path) -> None:
    terms_dir = shared_data / "terms"
    english_ids = {label.text.lower(): concept.concept_id for concept in load_terminology(terms_dir / "en_tico.tsv").concepts for label in concept.labels}
    thai = load_terminology(terms_dir / "th_tico_dev.tsv").concepts
    rows = read_rows(terms_dir / "th_tico_dev.tsv")
    assert {c.concept_id for c in thai} == {english_ids[row["en_term"].lower()] for row in rows}
    for concept in thai:
        assert texts(concept, "th") and texts(concept, "en")
        assert {english_ids[text.lower()] for text in texts(concept, "en")} == {concept.concept_id}


def test_zh_tico_two_variant_cells_become_two_labels(shared_data: Path) -> None:
    path = shared_data / "terms" / "zh_tico_dev.tsv"
    variant_rows = [row for row in read_rows(path) if " : " in row["local_term"]]
    assert variant_rows, "the development data has a two-variant cell"
    concepts = load_terminology(path).concepts
    assert not any(" : " in text for c in concepts for text in texts(c, "zh"))
    for row in variant_rows:
        (concept,) = [c for c in concepts if row["en_term"] in texts(c, "en")]
        assert set(row["local_term"].split(" : ")) <= set(texts(concept, "zh"))


def test_every_shared_terminology_loads(shared_data: Path) -> None:
    paths = sorted((shared_data / "terms").glob("*.tsv"))
    assert paths
    for path in paths:
        terms = load_terminology(path)
        assert terms.concepts, path.name
        assert all(c.labels for c in terms.concepts), path.name
        assert {label.lang for c in terms.concepts for label in c.labels} <= set(LANGUAGES)
