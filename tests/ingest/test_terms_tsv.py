"""Generic terminology TSVs: columns, languages, ids, cells and errors (fixtures in tmp_path)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from medkb.ingest.terms import load_terminology
from medkb.store.errors import InputError, UsageError
from medkb.store.records import Label


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_label_language_comes_from_the_file_name(tmp_path: Path) -> None:
    terms = load_terminology(write(tmp_path / "en_demo.tsv", "id\tlabel\nD:1\tFever\n"))
    assert terms.name == "demo"
    assert terms.concepts[0].labels == [Label("en", "Fever", "preferred")]
    assert terms.concepts[0].source == "demo"


def test_label_language_argument_wins_over_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path / "en_demo.tsv", "id\tlabel\nD:1\t発熱\n")
    assert load_terminology(path, lang="ja").concepts[0].labels == [Label("ja", "発熱", "preferred")]


def test_label_language_missing_is_an_error_that_says_to_pass_lang(tmp_path: Path) -> None:
    path = write(tmp_path / "demo.tsv", "id\tlabel\nD:1\tFever\n")
    with pytest.raises(InputError, match="--lang") as error:
        load_terminology(path)
    assert error.value.path == str(path)


def test_unknown_language_argument_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="'fr'"):
        load_terminology(write(tmp_path / "demo.tsv", "id\tlabel\nD:1\tFièvre\n"), lang="fr")


def test_unrecognised_header_names_the_columns_found_and_expected(tmp_path: Path) -> None:
    path = write(tmp_path / "en_demo.tsv", "term_id\twording\nD:1\tFever\n")
    with pytest.raises(InputError) as error:
        load_terminology(path)
    message = str(error.value)
    assert message.startswith(str(path))
    assert "term_id, wording" in message
    assert "local_term" in message and "<lang>_label" in message and "subject_id" in message


@pytest.mark.parametrize("content", [b"", b"  \n\n", b"\xef\xbb\xbf"])
def test_empty_file_is_an_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "en_demo.tsv"
    path.write_bytes(content)
    with pytest.raises(InputError, match="empty"):
        load_terminology(path)


def test_undecodable_bytes_are_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "en_demo.tsv"
    path.write_bytes(b"id\tlabel\nD:1\tFever\n" + b"D:2\t\xff\xfe\n")
    with pytest.raises(InputError, match=r"line 3: byte 0xff is not UTF-8"):
        load_terminology(path)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="(?i)no such file"):
        load_terminology(tmp_path / "en_absent.tsv")


def test_utf8_bom_and_gzip_are_read(tmp_path: Path) -> None:
    path = tmp_path / "en_demo.tsv.gz"
    path.write_bytes(gzip.compress("\ufeffid\tlabel\r\nD:1\tFever\r\n".encode()))
    terms = load_terminology(path)
    assert terms.name == "demo"
    assert [c.concept_id for c in terms.concepts] == ["D:1"]


def test_rows_repeating_an_id_add_labels_first_one_preferred(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ja_demo.tsv",
        "concept_id\tlocal_label\ten_label\nD:1\t発熱\tFever\nD:2\t咳\tCough\nD:1\t熱\tPyrexia\nD:1\t発熱\tFever\n",
    )
    first, second = load_terminology(path).concepts
    assert first.concept_id == "D:1" and second.concept_id == "D:2"
    assert first.labels == [
        Label("ja", "発熱", "preferred"),
        Label("en", "Fever", "preferred"),
        Label("ja", "熱", "synonym"),
        Label("en", "Pyrexia", "synonym"),
    ]


def test_empty_and_na_cells_are_skipped_and_whitespace_stripped(tmp_path: Path) -> None:
    path = write(tmp_path / "ja_demo.tsv", "id\tja_label\ten_label\nD:1\tNA\t  Fever \nD:2\t\t咳\n")
    first, second = load_terminology(path).concepts
    assert first.labels == [Label("en", "Fever", "preferred")]
    assert second.labels == [Label("en", "咳", "preferred")]


def test_label_cells_keep_pipes_and_leading_quotes(tmp_path: Path) -> None:
    path = write(tmp_path / "en_demo.tsv", 'id\tlabel\nD:1\t"Three don\'ts" principle\nD:2\tA|B\n')
    assert [c.labels[0].text for c in load_terminology(path).concepts] == [
        '"Three don\'ts" principle',
        "A|B",
    ]


def test_synonym_columns_split_on_pipes(tmp_path: Path) -> None:
    path = write(
        tmp_path / "th_demo.tsv",
        "id\tlabel\tsynonyms\ten_term\ten_synonyms\nD:1\tไข้\tตัวร้อน | NA\tFever\tPyrexia|Febrile\n",
    )
    assert load_terminology(path).concepts[0].labels == [
        Label("th", "ไข้", "preferred"),
        Label("th", "ตัวร้อน", "synonym"),
        Label("en", "Fever", "preferred"),
        Label("en", "Pyrexia", "synonym"),
        Label("en", "Febrile", "synonym"),
    ]


def test_code_and_type_columns_are_read_and_unknown_columns_ignored(tmp_path: Path) -> None:
    path = write(
        tmp_path / "en_demo.tsv",
        "id\tlabel\tmondo_id\ticd10\tatc\ttype\tsource\tnote\n"
        "D:1\tDiabetes\tMONDO:1|MONDO:2\tE11\t\tdisease\tx|y\tignored\n"
        "D:1\tDiabetes mellitus\tMONDO:3|NA\tE11\tA10\t\t\t\n",
    )
    (concept,) = load_terminology(path).concepts
    assert concept.codes == {"mondo": "MONDO:1|MONDO:2|MONDO:3", "icd10": "E11", "atc": "A10"}
    assert concept.semantic_type == "disease"
    assert [label.text for label in concept.labels] == ["Diabetes", "Diabetes mellitus"]


def test_pair_file_without_ids_gets_one_concept_per_english_term(tmp_path: Path) -> None:
    path = write(
        tmp_path / "zh_demo_dev.tsv",
        "local_term\ten_term\tsource\n可传染 : 有传染性\tcontagious\tGoogle\n传染性\tContagious\tFB|Google\n口罩\tface mask\tFB\n",
    )
    terms = load_terminology(path)
    assert terms.name == "demo"
    contagious, mask = terms.concepts
    assert contagious.concept_id == "demo:contagious"
    assert contagious.labels == [
        Label("zh", "可传染", "preferred"),
        Label("zh", "有传染性", "synonym"),
        Label("en", "contagious", "preferred"),
        Label("zh", "传染性", "synonym"),
        Label("en", "Contagious", "synonym"),
    ]
    assert mask.concept_id == "demo:face_mask"


def test_pair_files_of_two_languages_share_concept_ids(tmp_path: Path) -> None:
    english = write(tmp_path / "en_demo.tsv", 'en_term\n"Three don\'ts" principle\nMénière disease\n')
    thai = write(
        tmp_path / "th_demo_dev.tsv",
        'local_term\ten_term\nหลัก "3 ไม่"\t"three DON\'TS" principle\nโรคเมนิแยร์\tMénière disease\n',
    )
    english_ids = [c.concept_id for c in load_terminology(english).concepts]
    assert english_ids == ["demo:_three_don_ts_principle", "demo:ménière_disease"]
    assert [c.concept_id for c in load_terminology(thai).concepts] == english_ids


def test_english_terms_differing_only_in_punctuation_share_a_concept(tmp_path: Path) -> None:
    # They get the same id, so they must be one concept: two concepts with one id
    # would collide in the store.
    path = write(tmp_path / "en_demo.tsv", "en_term\nself-isolation\nself isolation\n")
    (concept,) = load_terminology(path).concepts
    assert concept.concept_id == "demo:self_isolation"
    assert concept.labels == [
        Label("en", "self-isolation", "preferred"),
        Label("en", "self isolation", "synonym"),
    ]


def test_variants_are_split_only_in_local_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "ko_demo.tsv", "id\tlocal_term\ten_label\nD:1\tNIH : 국립보건원\tA : B\n")
    assert load_terminology(path).concepts[0].labels == [
        Label("ko", "NIH", "preferred"),
        Label("ko", "국립보건원", "synonym"),
        Label("en", "A : B", "preferred"),
    ]


def test_file_without_id_or_english_column_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no id column"):
        load_terminology(write(tmp_path / "th_demo.tsv", "local_term\nไข้\n"))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("id\tlabel\nD:1\tFever\textra\n", "line 2: 3 tab-separated fields but the header has 2"),
        ("id\tlabel\nD:1\tFever\n\tCough\n", "line 3: the id cell is empty"),
        ("en_term\tlocal_term\nNA\tไข้\n", "line 2: the English term is empty"),
    ],
)
def test_malformed_rows_are_errors_naming_the_line(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(InputError) as error:
        load_terminology(write(tmp_path / "th_demo.tsv", text))
    assert error.value.problem == problem


def test_short_rows_have_empty_trailing_cells(tmp_path: Path) -> None:
    path = write(tmp_path / "ja_demo.tsv", "id\ten_label\tja_label\nD:1\tFever\n\nD:2\tCough\t咳\n")
    first, second = load_terminology(path).concepts
    assert first.labels == [Label("en", "Fever", "preferred")]
    assert len(second.labels) == 2
