"""Markdown: front matter, ATX and setext headings, code fences."""

from __future__ import annotations

from pathlib import Path

from medkb.ingest.readers import ReadOptions, read_path
from medkb.store.records import Document
from test_readers_invariants import assert_valid_sections, paths_of, section_texts


def read_markdown(tmp_path: Path, text: str) -> Document:
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    [document] = read_path(path, ReadOptions(lang="th")).documents
    return document


def test_front_matter_gives_title_and_metadata_and_no_section(tmp_path: Path) -> None:
    text = '---\ntitle: "โรคหืด: การรักษา"\ncondition: asthma\n---\nเนื้อหาก่อนหัวข้อ\n\n# หัวข้อใหญ่\n\nเนื้อหา\n'
    document = read_markdown(tmp_path, text)
    assert document.text == text
    assert document.title == "โรคหืด: การรักษา"
    assert document.metadata == {"title": "โรคหืด: การรักษา", "condition": "asthma"}
    assert section_texts(document) == {(): "เนื้อหาก่อนหัวข้อ", ("หัวข้อใหญ่",): "เนื้อหา"}


def test_title_is_the_first_h1_without_front_matter(tmp_path: Path) -> None:
    document = read_markdown(tmp_path, "## Not the title\n\ntext\n\n# Asthma #\n\nmore\n\n# Second h1\n")
    assert document.title == "Asthma"
    assert document.metadata == {}


def test_headings_nest_by_level_and_close_at_their_level(tmp_path: Path) -> None:
    text = "# A\na\n### A.x\nax\n## A.1\na1\n# B\nb\n"
    document = read_markdown(tmp_path, text)
    assert paths_of(document) == [("A",), ("A", "A.x"), ("A", "A.1"), ("B",)]
    assert_valid_sections(document, ["a", "ax", "a1", "b"])


def test_setext_headings_need_a_paragraph_line_above(tmp_path: Path) -> None:
    text = "Overview\n========\nintro\n\nDetails\n-------\ndetail\n\n---\n\n- a list item\n---\nafter\n"
    document = read_markdown(tmp_path, text)
    assert section_texts(document) == {
        ("Overview",): "intro",
        ("Overview", "Details"): "detail\n\n---\n\n- a list item\n---\nafter",  # breaks, not headings
    }


def test_fenced_code_never_yields_headings(tmp_path: Path) -> None:
    text = "# Setup\n````bash\n# install\n```\nstill code\n````\n~~~\nTitle\n=====\n~~~\nafter\n"
    document = read_markdown(tmp_path, text)
    assert paths_of(document) == [("Setup",)]
    assert_valid_sections(document, text.split("\n")[1:])


def test_offsets_point_into_the_file_as_decoded(tmp_path: Path) -> None:
    path = tmp_path / "page.markdown"
    path.write_bytes("# หัวข้อ\r\n\r\nเนื้อหา\r\n".encode("utf-8-sig"))
    [document] = read_path(path, ReadOptions(lang="th")).documents
    assert document.text == "# หัวข้อ\n\nเนื้อหา\n"
    assert section_texts(document) == {("หัวข้อ",): "เนื้อหา"}


def test_dashes_around_plain_lines_are_not_front_matter(tmp_path: Path) -> None:
    document = read_markdown(tmp_path, "---\njust a line\n---\nbody\n")
    assert document.metadata == {}
    assert_valid_sections(document, ["body"])
