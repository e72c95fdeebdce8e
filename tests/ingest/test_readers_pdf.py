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


def _paper(tmp_path: Path, pages: list[list[str]], title: str = "", header: str = "", footer: bool = False, font: str = "Helvetica") -> Path:
    """A PDF with a running header and page-number footer on every page, as journals print them."""
    canvas_module = pytest.importorskip("reportlab.pdfgen.canvas", reason="reportlab makes the PDF fixtures")
    path = tmp_path / "paper.pdf"
    canvas = canvas_module.Canvas(str(path))
    if title:
        canvas.setTitle(title)
    for number, lines in enumerate(pages, start=1):
        canvas.setFont(font, 10)
        if header:
            canvas.drawString(72, 800, header)
        for row, line in enumerate(lines):
            canvas.drawString(72, 760 - 16 * row, line)
        if footer:
            canvas.drawString(290, 40, f"- {number} -")
        canvas.showPage()
    canvas.save()
    return path


DRUGS = ("warfarin", "apixaban", "rivaroxaban", "dabigatran", "edoxaban")


def body(page: int) -> list[str]:
    return [f"Sentence {i} of the trial report on {DRUGS[page]} and bleeding." for i in range(6)]


BODY = body(0)


def test_running_headers_and_page_numbers_are_removed(tmp_path: Path) -> None:
    path = _paper(tmp_path, [body(page) for page in range(4)], header="J Thromb Haemost 2020; 18: 1-10", footer=True)
    [document] = read_path(path, ReadOptions(lang="en")).documents
    assert "J Thromb Haemost" not in document.text and "- 2 -" not in document.text
    assert all(line in document.text for page in range(4) for line in body(page))


def test_a_header_on_two_pages_only_is_kept(tmp_path: Path) -> None:
    path = _paper(tmp_path, [["Results", *body(1)], ["Results", *body(2)], ["Discussion", *body(3)], ["Methods", *body(4)]])
    [document] = read_path(path, ReadOptions(lang="en")).documents
    assert document.text.count("Results") == 2


def test_words_split_at_a_line_end_are_joined_unless_the_text_hyphenates_them(tmp_path: Path) -> None:
    lines = ["Patients on anticoagula-", "tion were seen at follow-", "up visits.", "Every follow-up visit was recorded."]
    [document] = read_path(_paper(tmp_path, [lines]), ReadOptions(lang="en")).documents
    assert "anticoagulation" in document.text and "anticoagula-" not in document.text
    assert "follow-up visits" in document.text.replace("\n", " ")


def test_the_reference_list_is_text_but_gives_no_passage(tmp_path: Path) -> None:
    pages = [
        body(1),
        body(2),
        [*BODY[:3], "References", "1. Smith J, et al. Warfarin and bleeding. N Engl J Med 2001.", "2. Doe A. Bleeding. Lancet 2003."],
        ["Appendix A", "Dose table for warfarin by INR."],
    ]
    [document] = read_path(_paper(tmp_path, pages), ReadOptions(lang="en")).documents
    sectioned = " ".join(document.text[s.start : s.end] for s in document.sections)
    assert "Smith J" in document.text and "Smith J" not in sectioned
    assert "Dose table for warfarin" in sectioned and BODY[2] in sectioned


def test_the_title_comes_from_the_metadata_unless_it_is_a_placeholder(tmp_path: Path) -> None:
    titled = _paper(tmp_path, [BODY], title="Warfarin and bleeding: a trial")
    assert read_path(titled, ReadOptions(lang="en")).documents[0].title == "Warfarin and bleeding: a trial"
    placeholder = _paper(tmp_path, [BODY], title="Microsoft Word - trial_v3.docx")
    assert read_path(placeholder, ReadOptions(lang="en")).documents[0].title == ""


def test_japanese_in_a_cid_font_is_read_as_japanese(tmp_path: Path) -> None:
    cidfonts = pytest.importorskip("reportlab.pdfbase.cidfonts")
    from reportlab.pdfbase import pdfmetrics

    pdfmetrics.registerFont(cidfonts.UnicodeCIDFont("HeiseiMin-W3"))
    lines = ["気管支喘息の診断と治療", "吸入ステロイド薬を長期管理薬として用いる。"] * 3
    [document] = read_path(_paper(tmp_path, [lines], font="HeiseiMin-W3"), ReadOptions(lang="ja")).documents
    assert "吸入ステロイド薬を長期管理薬として用いる。" in document.text
