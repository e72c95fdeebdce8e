"""PDF: the text of each page as a section ("page N"), cleaned of what a page adds to its text.

The text layer is read with PDFium (pypdfium2), chosen by measurement on real PDFs (issue 17):

| PDF | pypdf | PDFium | pdfminer.six |
|---|---|---|---|
| Japanese slides, CID fonts (31 pages) | mojibake, 0% Japanese letters, 3.1 s | right, 0.19 s | right, 5.8 s |
| Japanese gazette, vertical text (1 page) | mojibake, 0% | 28 characters of 5,389 | right, 0.7 s |
| US tax instructions (50 pages) | 3.0 s | 0.43 s, soft hyphens marked | 14.2 s |
| NLP paper, two columns (8 pages) | 0.70 s, 107 split words | 0.09 s, 0 split words | 1.35 s, 102 |

PDFium is the fastest and marks the line-end hyphens it removed; where its text of a page is not in the
build language's script, or a page gives it almost nothing, pdfminer.six (slower, but it reads the vertical
page and the CID fonts right) reads that file again, and the result that fits the language best is kept.
Then (pdf_pages.py) running headers and footers, repeated on most pages, are removed, hyphenated words are
joined, and a reference list is kept out of the sections, so that it gives no passages.

Thai text layers may still split sara am (ำ) into nikhahit + sara aa, which is repaired; leading vowels
stored after their consonant cannot be repaired safely and are left. A scanned PDF has no text and is refused.
Library warnings go to the file's problems, counted, never to the terminal.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from pathlib import Path

from medkb.store.errors import InputError
from medkb.store.records import Document

from .base import ReadOptions, ReadResult
from .decode import normalise_newlines
from .pdf_pages import PageText, clean_pages
from .quality import fits_script
from .sections import TextBuilder

# Nikhahit, perhaps a tone mark, then sara aa: the decomposed sara am, tone mark first once composed.
_SPLIT_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
_PDFIUM_SOFT_HYPHEN = "\ufffe"  # where PDFium removed a line-end hyphen and joined the word: put back as
# "-\n", so that pdf_pages decides, as for pdfminer's text, whether the word was "follow-up" or one word
_CID = re.compile(r"\(cid:\d+\)")  # pdfminer's stand-in for a glyph without a character
MIN_CHARACTERS_PER_PAGE = 100  # below this on average, PDFium missed the text (vertical writing, odd fonts)
# Titles that are not a document's: what Word and other tools leave in the metadata.
_PLACEHOLDER_TITLE = re.compile(r"^(microsoft word\s*-|untitled|title|document\d*$|.*\.(docx?|pdf|indd|tex)$)", re.I)


def read(path: Path, data: bytes, options: ReadOptions) -> ReadResult:
    problems: list[str] = []
    title, pages = _pdfium(path, data, problems)
    if _pdfium_missed_text(options.lang, pages):
        fallback = _pdfminer(data, problems)
        if fits_script(options.lang, "".join(fallback)) > fits_script(options.lang, "".join(pages)):
            pages = fallback
    builder = TextBuilder(separator="\n\n")
    for page in clean_pages([PageText(number, repair_thai(text)) for number, text in enumerate(pages, start=1)]):
        if page.searchable:
            builder.add_body(page.text, (f"page {page.number}",))
        else:
            builder.add_unsectioned(page.text)
    text, sections = builder.build()
    if not text.strip():
        raise InputError(path, "no extractable text (a scanned PDF needs OCR first)")
    return ReadResult([Document(None, title, text, sections)], problems)


def repair_thai(text: str) -> str:
    return _SPLIT_SARA_AM.sub("\\1\u0e33", text)


def _pdfium(path: Path, data: bytes, problems: list[str]) -> tuple[str, list[str]]:
    import pypdfium2 as pdfium  # imported here: builds without PDFs need not load PDFium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error)
        if "password" in message.lower():
            raise InputError(path, "encrypted PDF: it needs a password to open") from None
        raise InputError(path, f"not a readable PDF ({message})") from None
    try:
        pages = []
        for number in range(len(document)):
            try:
                page = document[number]
                textpage = page.get_textpage()
                pages.append(normalise_newlines(textpage.get_text_range()).replace(_PDFIUM_SOFT_HYPHEN, "-\n"))
                textpage.close()
                page.close()
            except pdfium.PdfiumError as error:  # a broken page costs that page, not the file
                problems.append(f"page {number + 1}: text could not be extracted ({error})")
                pages.append("")
        return _title(document.get_metadata_dict()), pages
    finally:
        document.close()


def _title(metadata: dict) -> str:
    title = " ".join((metadata.get("Title") or "").split())
    return "" if not title or _PLACEHOLDER_TITLE.match(title) else title


def _pdfium_missed_text(lang: str, pages: list[str]) -> bool:
    text = "".join(pages)
    return len(text) < MIN_CHARACTERS_PER_PAGE * max(len(pages), 1) or fits_script(lang, text) < 0.5


def _pdfminer(data: bytes, problems: list[str]) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer

    pages = []
    with warnings.catch_warnings(record=True) as caught, _quiet("pdfminer"):
        warnings.simplefilter("always")
        try:
            # Vertical writing read as columns: without it the Japanese gazette came out one character a line.
            for layout in extract_pages(io.BytesIO(data), laparams=LAParams(detect_vertical=True)):
                text = "".join(element.get_text() for element in layout if isinstance(element, LTTextContainer))
                pages.append(_CID.sub("", normalise_newlines(text)))
        except Exception as error:  # pdfminer raises many types on broken files; PDFium's text stands then
            problems.append(f"the second reading of the text layer (pdfminer.six) failed: {type(error).__name__}: {error}")
            return []
    if caught:
        problems.append(f"pdfminer.six warned {len(caught)} times while reading the text layer (first: {caught[0].message})")
    return pages


class _quiet:
    """A library's log records kept off the terminal while it reads one file."""

    def __init__(self, name: str) -> None:
        self._logger = logging.getLogger(name)

    def __enter__(self) -> None:
        self._level = self._logger.level
        self._logger.setLevel(logging.CRITICAL)

    def __exit__(self, *exc: object) -> None:
        self._logger.setLevel(self._level)
