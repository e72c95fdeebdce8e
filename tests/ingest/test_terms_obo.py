"""OBO ontology files (fixtures in tmp_path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from medkb.ingest.terms import load_terminology
from medkb.store.errors import InputError
from medkb.store.records import Label

ONTOLOGY = r"""format-version: 1.2
ontology: demo
synonymtypedef: abbreviation "abbreviation"
! a whole-line comment

[Term]
id: DM:0000001
name: Disease

[Term]
id: DM:0000002 ! trailing comment on the id
name: Type 2 diabetes mellitus ! comment after the name
synonym: "T2DM" EXACT abbreviation [PMID:1]
synonym: "Adult-onset \"diabetes\"" EXACT []
synonym: "Diabetes" BROAD []
synonym: "Insulin resistance" RELATED []
synonym: "Maturity-onset diabetes" NARROW [] ! narrow
synonym: "Untyped scope"  []
exact_synonym: "NIDDM" []
is_a: DM:0000001 ! Disease
is_a: DM:0000003 {source="x"} ! Metabolic disease
xref: ICD10CM:E11 "Type 2 diabetes mellitus"
xref: ICD10WHO:E11.9
xref: UMLS:C0011860
def: "A disease! Of glucose." [PMID:2]

[Term]
id: DM:0000003
name: Metabolic disease\! of sorts \W with escapes
is_obsolete: false

[Term]
id: DM:0000004
name: obsolete Sugar disease
is_obsolete: true
synonym: "Sugar" EXACT []

[Typedef]
id: part_of
name: part of
"""


def load(tmp_path: Path, text: str = ONTOLOGY, name: str = "demo.obo", **kwargs):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_terminology(path, **kwargs)


def test_terms_become_concepts_without_obsolete_terms_and_typedefs(tmp_path: Path) -> None:
    terms = load(tmp_path)
    assert terms.name == "demo"
    assert [c.concept_id for c in terms.concepts] == ["DM:0000001", "DM:0000002", "DM:0000003"]
    assert {c.source for c in terms.concepts} == {"demo"}


def test_name_and_exact_synonyms_are_labels(tmp_path: Path) -> None:
    diabetes = load(tmp_path).concepts[1]
    assert diabetes.labels == [
        Label("en", "Type 2 diabetes mellitus", "preferred"),
        Label("en", "T2DM", "abbreviation"),
        Label("en", 'Adult-onset "diabetes"', "synonym"),
        Label("en", "NIDDM", "synonym"),
    ]


def test_is_a_gives_parents_and_icd10_xrefs_give_codes(tmp_path: Path) -> None:
    disease, diabetes, _ = load(tmp_path).concepts
    assert diabetes.parents == ["DM:0000001", "DM:0000003"]
    assert diabetes.codes == {"icd10": "E11|E11.9"}
    assert disease.parents == [] and disease.codes == {}


def test_escapes_are_resolved_and_escaped_bang_is_not_a_comment(tmp_path: Path) -> None:
    metabolic = load(tmp_path).concepts[2]
    assert metabolic.labels == [Label("en", "Metabolic disease! of sorts   with escapes", "preferred")]


def test_language_argument_sets_the_language_of_names(tmp_path: Path) -> None:
    text = '[Term]\nid: DM:1\nname: 糖尿病\nsynonym: "DM" EXACT []\n'
    concept = load(tmp_path, text, lang="ja").concepts[0]
    assert concept.labels == [Label("ja", "糖尿病", "preferred"), Label("ja", "DM", "synonym")]


def test_obo_is_recognised_by_content_without_the_suffix(tmp_path: Path) -> None:
    assert len(load(tmp_path, name="demo.txt").concepts) == 3


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[Term]\nid: DM:1\n[Term\nid: DM:2\n", "line 3: malformed stanza header '[Term'"),
        ("[Term]\nid: DM:1\nname Disease\n", "line 3: expected 'tag: value', found 'name Disease'"),
        ("[Term]\nid: DM:1\n\n[Term]\nname: Disease\n", "line 4: [Term] stanza has no id"),
        ("[Term]\nid: DM:1\nsynonym: Sugar EXACT []\n", "line 3: synonym text must be in double quotes: 'Sugar EXACT []'"),
    ],
)
def test_malformed_stanzas_are_errors_naming_the_line(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(InputError) as error:
        load(tmp_path, text)
    assert error.value.problem == problem


def test_mesh_and_omim_xrefs_of_the_disease_ontology_are_codes(shared_data: Path) -> None:
    concepts = {c.concept_id: c for c in load_terminology(shared_data / "terms" / "en_disease_ontology_2016.obo").concepts}
    huntington = concepts["DOID:12858"]
    assert "D006816" in huntington.codes["mesh"].split("|")  # MSH:D006816, Huntington Disease
    assert "143100" in huntington.codes["omim"].split("|")
    with_mesh = sum(1 for c in concepts.values() if "mesh" in c.codes)
    assert with_mesh > 2500  # 2,955 MSH xrefs in the file
