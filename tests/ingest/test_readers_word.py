"""Word files: headings from styles or outline levels, tables as rows, the title from the properties.

The documents are made with python-docx (the library medkb reads them with), in Word's own format, with
text written for these tests; the reader also opened the 45 Word files of python-docx's own test suite
without an error (19 of them hold text).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from medkb.ingest.readers import ReadOptions, read_path
from medkb.store.errors import InputError

TH = ReadOptions("th")


def _guideline(path: Path, with_title_property: bool = True) -> Path:
    word = docx.Document()
    if with_title_property:
        word.core_properties.title = "แนวทางเวชปฏิบัติ โรคไข้เลือดออก"
    word.add_paragraph("คู่มือสำหรับบุคลากร", style="Title")
    word.add_heading("อาการและอาการแสดง", level=1)
    word.add_paragraph("ไข้สูงลอย 2-7 วัน")
    word.add_heading("อาการเตือน", level=2)
    word.add_paragraph("ปวดท้องมาก อาเจียนบ่อย")
    table = word.add_table(rows=2, cols=3)
    for cells, values in zip((r.cells for r in table.rows), (("ระยะ", "อาการ", "การดูแล"), ("ไข้", "ไข้สูง", ""))):
        for cell, value in zip(cells, values):
            cell.text = value
    custom = word.add_paragraph("การรักษา")  # a heading made by hand: a plain style with an outline level
    properties = custom._p.get_or_add_pPr()
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "0")
    properties.append(outline)
    word.add_paragraph("ให้สารน้ำตามแนวทาง")
    word.save(path)
    return path


def test_headings_come_from_styles_and_outline_levels(tmp_path):
    (document,) = read_path(_guideline(tmp_path / "dengue.docx"), TH).documents
    sections = [(s.path, document.text[s.start : s.end]) for s in document.sections]
    assert sections == [
        (("อาการและอาการแสดง",), "ไข้สูงลอย 2-7 วัน"),
        (("อาการและอาการแสดง", "อาการเตือน"), "ปวดท้องมาก อาเจียนบ่อย"),
        (("อาการและอาการแสดง", "อาการเตือน"), "ระยะ | อาการ | การดูแล\nไข้ | ไข้สูง"),
        (("การรักษา",), "ให้สารน้ำตามแนวทาง"),
    ]


def test_the_title_comes_from_the_properties_else_the_title_paragraph(tmp_path):
    assert read_path(_guideline(tmp_path / "a.docx"), TH).documents[0].title == "แนวทางเวชปฏิบัติ โรคไข้เลือดออก"
    assert read_path(_guideline(tmp_path / "b.docx", with_title_property=False), TH).documents[0].title == "คู่มือสำหรับบุคลากร"


def test_a_file_that_is_not_a_word_document_is_a_problem_of_that_file(tmp_path):
    fake = tmp_path / "fake.docx"
    fake.write_text("not a zip", encoding="utf-8")
    with pytest.raises(InputError, match="fake.docx: not a Word document"):
        read_path(fake, TH)
    other_zip = tmp_path / "other.docx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="other.docx: not a readable Word document"):
        read_path(other_zip, TH)


def test_a_zip_bomb_is_refused_by_its_directory(tmp_path):
    bomb = tmp_path / "bomb.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (8 * 1024 * 1024))
    bomb.write_bytes(buffer.getvalue())
    with pytest.raises(InputError, match=r"unpacks to 8,388,608 bytes, over the limit of 1,048,576"):
        read_path(bomb, ReadOptions("th", max_bytes=1024 * 1024))
