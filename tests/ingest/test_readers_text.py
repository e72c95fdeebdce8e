"""Plain text and the heading heuristic it shares with JSONL text fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from medkb.ingest.readers import ReadOptions, read_path
from medkb.ingest.readers.text import detect_heading
from test_readers_invariants import assert_valid_sections, section_texts


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("○　概要", (1, "概要")),
        ("■ 診断", (1, "診断")),
        ("＜診断基準＞", (1, "診断基準")),
        ("【治療】", (1, "治療")),
        ("第1章　総論", (1, "第1章　総論")),
        ("SIGNS AND SYMPTOMS", (1, "SIGNS AND SYMPTOMS")),
        ("１．概要", (2, "１．概要")),
        ("1. Introduction", (2, "1. Introduction")),
        ("II. Results", (2, "II. Results")),
        ("1.2 Methods", (3, "1.2 Methods")),
        ("(1) 検査所見", (3, "(1) 検査所見")),
        ("（２）主症候", (3, "（２）主症候")),
        ("Treatment:", (9, "Treatment")),
        ("検査所見：", (9, "検査所見")),
    ],
)
def test_heading_lines(line: str, heading: tuple[int, str]) -> None:
    assert detect_heading(line) == heading


@pytest.mark.parametrize(
    "line",
    [
        "１．成人発症で緩徐に進行性である。",  # a numbered sentence is a list item
        "1. Take the tablets with food.",
        "2) take with food",
        "1.5 mg twice a day",
        "1.5mg",
        "V. cholerae",
        "HIV",  # too few letters to be sure it is a heading
        "・咳",  # the middle dot marks list items
        "Key Points",
        "The patient was admitted with a fever",
        "１．",
        "３．なお、症状の程度が上記の重症度分類等で一定以上に該当しない者であるが、高額な医療を継続す",  # wrapped sentence
        "",
    ],
)
def test_lines_that_are_not_headings(line: str) -> None:
    assert detect_heading(line) is None


def test_numbered_headings_nest_under_the_last_bullet_heading(tmp_path: Path) -> None:
    lines = [
        "○　概要",
        "１．概要",
        "遺伝性の疾患である。",
        "２．原因",
        "原因は不明である。",
        "○　要件の判定に必要な事項",
        "１．患者数",
        "約1000人",
        "＜診断基準＞",
        "１．成人発症で緩徐に進行性である。",
        "２．発症者は男性である。",
    ]
    path = tmp_path / "nando.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [document] = read_path(path, ReadOptions(lang="ja")).documents
    assert document.title == ""
    assert section_texts(document) == {
        ("概要", "１．概要"): "遺伝性の疾患である。",
        ("概要", "２．原因"): "原因は不明である。",
        ("要件の判定に必要な事項", "１．患者数"): "約1000人",
        ("診断基準",): "１．成人発症で緩徐に進行性である。\n２．発症者は男性である。",
    }
    assert_valid_sections(document, [line for line in lines if line.endswith(("。", "人"))])


def test_english_text_with_numbered_and_capitalised_headings(tmp_path: Path) -> None:
    text = "Guideline notes\n\nINTRODUCTION\nAsthma is common.\n\n1. Diagnosis\nUse spirometry.\n1.1 Children\nUse peak flow.\n"
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    [document] = read_path(path, ReadOptions(lang="en")).documents
    assert document.text == text
    assert section_texts(document) == {
        (): "Guideline notes",
        ("INTRODUCTION",): "Asthma is common.",
        ("INTRODUCTION", "1. Diagnosis"): "Use spirometry.",
        ("INTRODUCTION", "1. Diagnosis", "1.1 Children"): "Use peak flow.",
    }
    assert_valid_sections(document, ["Guideline notes", "Asthma is common.", "Use spirometry.", "Use peak flow."])


def test_text_without_headings_is_one_untitled_section(tmp_path: Path) -> None:
    path = tmp_path / "plain.text"
    path.write_text("\nFever and cough for three days.\nNo rash.\n\n", encoding="utf-8")
    [document] = read_path(path, ReadOptions(lang="en")).documents
    assert section_texts(document) == {(): "Fever and cough for three days.\nNo rash."}


def test_text_that_is_all_headings_is_kept_as_body(tmp_path: Path) -> None:
    path = tmp_path / "lead-in.txt"
    path.write_text("Malengo ya utafiti huu ni kama yafuatayo:\n", encoding="utf-8")
    [document] = read_path(path, ReadOptions(lang="sw")).documents
    assert section_texts(document) == {(): "Malengo ya utafiti huu ni kama yafuatayo:"}


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("一、病原学特点", (2, "一、病原学特点")),
        ("（一）传染源", (3, "（一）传染源")),
        ("第一章 总则", (1, "第一章 总则")),
        ("๑. การวินิจฉัย", (2, "๑. การวินิจฉัย")),
        ("가. 진단 기준", (3, "가. 진단 기준")),
        ("临床表现：", (9, "临床表现")),
    ],
)
def test_headings_as_chinese_thai_and_korean_documents_number_them(line: str, heading: tuple[int, str]) -> None:
    assert detect_heading(line) == heading


@pytest.mark.parametrize("line", ["患者出现以下症状，需及时就医：", "The following patients should be referred to hospital at once:"])
def test_a_clause_ending_in_a_colon_is_not_a_heading(line: str) -> None:
    assert detect_heading(line) is None


def test_chinese_numbering_styles_nest_in_the_order_the_document_uses_them(tmp_path: Path) -> None:
    lines = [
        "一、病原学特点",
        "病毒对紫外线和热敏感。",
        "二、流行病学特点",
        "（一）传染源",
        "主要是感染者。",
        "（二）传播途径",
        "1.呼吸道飞沫",
        "经呼吸道飞沫传播。",
        "三、临床特点",
        "潜伏期1-14天，多为3-7天。",
    ]
    path = tmp_path / "protocol.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [document] = read_path(path, ReadOptions(lang="zh")).documents
    assert section_texts(document) == {
        ("一、病原学特点",): "病毒对紫外线和热敏感。",
        ("二、流行病学特点", "（一）传染源"): "主要是感染者。",
        ("二、流行病学特点", "（二）传播途径", "1.呼吸道飞沫"): "经呼吸道飞沫传播。",
        ("三、临床特点",): "潜伏期1-14天，多为3-7天。",
    }
