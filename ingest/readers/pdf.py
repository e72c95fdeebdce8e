"""PDF: the text of each page as a section ("page N"), pages joined by blank lines.

pypdf extracts what the fonts' encodings say, which has known trouble with
Thai and other complex scripts:
- sara am (ำ) comes out split into nikhahit + sara aa (U+0E4D U+0E32), a tone
  mark sometimes between them; that one is unambiguous and repaired here;
- leading vowels (เ แ โ ใ ไ) can come out after the consonant they precede
  in reading order, and tone marks or upper vowels out of order; telling
  those from correct text needs a dictionary, so they are left as extracted
  (a wrong "fix" would corrupt correct files);
- some fonts map their positional variants of tone marks and vowels to the
  Private Use Area (U+F700-U+F71A); vendors disagree on that table, so those
  characters are left too.
Such PDFs are better converted by a tool that shapes Thai (or via OCR) first.
A scanned PDF has no text at all and is refused.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError

from medkb.store.errors import InputError
from medkb.store.records import Document

from .base import ReadOptions, ReadResult
from .decode import normalise_newlines
from .sections import TextBuilder

# Nikhahit, perhaps a tone mark, then sara aa: the decomposed sara am, tone mark first once composed.
_SPLIT_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")


def read(path: Path, data: bytes, options: ReadOptions) -> ReadResult:
    reader = _open(path, data)
    builder = TextBuilder(separator="\n\n")
    problems: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            page_text = page.extract_text()
        except Exception as error:  # pypdf fails on broken pages in many ways; the other pages still count
            problems.append(f"page {number}: text could not be extracted ({error})")
            continue
        builder.add_body(repair_thai(normalise_newlines(page_text)), (f"page {number}",))
    text, sections = builder.build()
    if not text:
        raise InputError(path, "no extractable text (a scanned PDF needs OCR first)")
    return ReadResult([Document(None, "", text, sections)], problems)


def repair_thai(text: str) -> str:
    return _SPLIT_SARA_AM.sub("\\1\u0e33", text)


def _open(path: Path, data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        # Many PDFs are encrypted only to restrict copying or printing, with an empty password to open them.
        locked = reader.is_encrypted and not reader.decrypt("")
        if not locked:
            len(reader.pages)  # reads the page tree, so that a broken one fails here
    except DependencyError as error:
        raise InputError(path, f"encrypted PDF that pypdf cannot decrypt here ({error})") from None
    except Exception as error:  # pypdf raises many exception types for a malformed file
        raise InputError(path, f"not a readable PDF ({type(error).__name__}: {error})") from None
    if locked:
        raise InputError(path, "encrypted PDF: it needs a password to open")
    return reader
