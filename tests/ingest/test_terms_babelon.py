"""HPO babelon translation profiles (fixtures in tmp_path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from medkb.ingest.terms import load_terminology
from medkb.store.errors import InputError
from medkb.store.records import Label

HEADER = "source\tsource_language\ttranslation_language\tsubject_id\tpredicate_id\tsource_value\ttranslation_value\ttranslator\ttranslation_status\n"


def row(subject: str, predicate: str, english: str, translation: str, status: str = "OFFICIAL", lang: str = "ja") -> str:
    return f"hp.owl\ten\t{lang}\t{subject}\t{predicate}\t{english}\t{translation}\t\t{status}\n"


def write_profile(tmp_path: Path, rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "hp-ja.babelon.tsv"
    path.write_text(header + rows, encoding="utf-8")
    return path


def test_official_labels_and_exact_synonyms_become_labels(tmp_path: Path) -> None:
    path = write_profile(
        tmp_path,
        row("HP:1", "oboInOwl:hasExactSynonym", "Pyrexia", "高体温")
        + row("HP:1", "rdfs:label", "Fever", "発熱")
        + row("HP:1", "IAO:0000115", "A raised temperature.", "体温の上昇。")
        + row("HP:1", "oboInOwl:hasRelatedSynonym", "Hot", "熱い")
        + row("HP:2", "rdfs:label", "Cough", "咳"),
    )
    terms = load_terminology(path)
    assert terms.name == "hpo"
    fever, cough = terms.concepts
    assert (fever.concept_id, fever.source) == ("HP:1", "hpo")
    assert fever.labels == [
        Label("en", "Pyrexia", "synonym"),
        Label("ja", "高体温", "synonym"),
        Label("en", "Fever", "preferred"),
        Label("ja", "発熱", "preferred"),
    ]
    assert cough.labels == [Label("en", "Cough", "preferred"), Label("ja", "咳", "preferred")]


def test_candidate_rows_and_empty_values_are_skipped(tmp_path: Path) -> None:
    path = write_profile(
        tmp_path,
        row("HP:1", "rdfs:label", "Fever", "発熱")
        + row("HP:1", "oboInOwl:hasExactSynonym", "Pyrexia", "高熱", status="CANDIDATE")
        + row("HP:2", "rdfs:label", "Cough", "咳", status="CANDIDATE")
        + row("HP:3", "rdfs:label", "Rash", "NA")
        + row("HP:4", "rdfs:label", "Itch", ""),
    )
    concepts = load_terminology(path).concepts
    assert [c.concept_id for c in concepts] == ["HP:1", "HP:3", "HP:4"]
    assert concepts[0].labels == [Label("en", "Fever", "preferred"), Label("ja", "発熱", "preferred")]
    assert concepts[1].labels == [Label("en", "Rash", "preferred")]


def test_babelon_header_without_a_required_column_is_an_error(tmp_path: Path) -> None:
    header = "subject_id\tpredicate_id\tsource_value\ttranslation_value\n"
    with pytest.raises(InputError, match="lacks source_language, translation_language, translation_status: found columns subject_id"):
        load_terminology(write_profile(tmp_path, "HP:1\trdfs:label\tFever\t発熱\n", header))


def test_translation_in_an_unknown_language_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = write_profile(tmp_path, row("HP:1", "rdfs:label", "Fever", "Fièvre", lang="fr"))
    with pytest.raises(InputError, match="line 2: language 'fr'"):
        load_terminology(path)
