"""PDF: text per page, encrypted and scanned files, and the Thai sara am repair."""
from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from medkb.ingest.readers import ReadOptions, read_path
from medkb.ingest.readers.pdf import repair_thai
from medkb.store.errors import InputError
from test_readers_invariants import assert_valid_sections

PAGES = [["Dengue fever", "Spread by mosquitoes."], [], ["Treatment", "Drink fluids and rest."]]


def pdf_with_text(pages: list[list[str]]) -> bytes:
    """A PDF with the given lines on each page (an empty list makes a blank page)."""
    canvas_module = pytest.importorskip("reportlab.pdfgen.canvas", reason="reportlab makes the PDF fixtures")
    buffer = io.BytesIO()
    canvas = canvas_module.Canvas(buffer)
    for lines in pages:
        for number, line in enumerate(lines):
            canvas.drawString(72, 720 - 20 * number, line)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def read_pdf(tmp_path: Path, data: bytes, name: str = "leaflet.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return read_path(path, ReadOptions(lang="en"))


def pdf_error(tmp_path: Path, data: bytes) -> str:
    with pytest.raises(InputError) as raised:
        read_pdf(tmp_path, data)
    return raised.value.problem


def test_each_page_is_a_section_and_pages_are_joined_by_blank_lines(tmp_path: Path) -> None:
    result = read_pdf(tmp_path, pdf_with_text(PAGES))
    [document] = result.documents
    assert result.problems == []
    assert (document.doc_id, document.title) == (None, "")
    assert document.text == "Dengue fever\nSpread by mosquitoes.\n\nTreatment\nDrink fluids and rest."
    assert [s.path for s in document.sections] == [("page 1",), ("page 3",)]  # page 2 is blank
    assert_valid_sections(document, [line for page in PAGES for line in page])


def test_gzipped_pdf(tmp_path: Path) -> None:
    [document] = read_pdf(tmp_path, gzip.compress(pdf_with_text(PAGES)), name="leaflet.pdf.gz").documents
    assert document.text.startswith("Dengue fever")


def test_pdf_with_no_text_needs_ocr(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert pdf_error(tmp_path, buffer.getvalue()) == "no extractable text (a scanned PDF needs OCR first)"


def test_pdf_locked_with_a_password_is_refused(tmp_path: Path) -> None:
    assert "encrypted PDF" in pdf_error(tmp_path, encrypted(pdf_with_text(PAGES), user_password="secret"))


def test_pdf_encrypted_only_against_copying_is_read(tmp_path: Path) -> None:
    [document] = read_pdf(tmp_path, encrypted(pdf_with_text(PAGES), user_password="")).documents
    assert document.text.startswith("Dengue fever")


@pytest.mark.parametrize("data", [b"%PDF-1.7\nnot really a pdf", b"\x00\x01 binary junk"], ids=["garbled", "junk"])
def test_unreadable_pdf(tmp_path: Path, data: bytes) -> None:
    assert "not a readable PDF" in pdf_error(tmp_path, data)


@pytest.mark.parametrize(
    ("extracted", "repaired"),
    [
        ("น\u0e4d\u0e32", "น\u0e33"),  # น้ำ's vowel, split: nikhahit + sara aa
        ("น\u0e49\u0e4d\u0e32", "น\u0e49\u0e33"),  # tone mark before the split vowel
        ("น\u0e4d\u0e49\u0e32", "น\u0e49\u0e33"),  # tone mark between its halves
        ("ทำ", "ทำ"),  # already composed
        ("\u0e32\u0e4d", "\u0e32\u0e4d"),  # the other order is no sara am: left alone
        ("เป็น", "เป็น"),
    ],
)
def test_thai_sara_am_repair(extracted: str, repaired: str) -> None:
    assert repair_thai(extracted) == repaired
