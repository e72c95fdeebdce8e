"""Word files (`.docx`), read with python-docx: headings from paragraph styles, tables as rows.

Many ministries publish their guidelines as Word files. A paragraph is a heading when its style is a
built-in heading (`Heading 1`..`Heading 9`, whatever the language Word was set to: python-docx gives
the built-in name) or when it carries an outline level, which is what headings made by hand with a
custom style have; `Title` is the document's title unless the file's properties hold one. Each table
row becomes one line of its cells' text joined by " | ", under the heading before the table. Headers,
footers, comments and tracked deletions are not read.

A .docx is a zip archive: its entries' uncompressed size is checked against the size limit before
anything is unpacked, so a zip bomb is refused by its directory alone.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from medkb.store.errors import InputError
from medkb.store.records import Document

from .base import ReadOptions, ReadResult
from .sections import HeadingStack, TextBuilder, collapse_whitespace

_HEADING_STYLE = re.compile(r"^heading (\d)$", re.IGNORECASE)
_TITLE_STYLE = "title"
_CELL_SEPARATOR = " | "
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read(path: Path, data: bytes, options: ReadOptions) -> ReadResult:
    _check_archive(path, data, options.max_bytes)
    import docx  # python-docx (a dependency): imported here, as it takes 0.14 s to import, which builds without Word files need not pay

    try:
        document = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile) as error:  # not a Word document, or a damaged one
        raise InputError(path, f"not a readable Word document ({error})") from None
    builder, stack = TextBuilder(), HeadingStack()
    title = collapse_whitespace(document.core_properties.title or "")
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):  # a table is a section of its own, under the heading before it
            builder.end_section()
            for line in _table_lines(block):
                builder.add_body(line, stack.path)
            builder.end_section()
            continue
        text = collapse_whitespace(block.text)
        if not text:
            continue
        level = _heading_level(block)
        if level == 0:
            title = title or text
        elif level:
            builder.add_heading(text)
            stack.enter(level, text)
        else:
            builder.add_body(text, stack.path)
    text, sections = builder.build()
    return ReadResult([Document(None, title, text, sections)])


def _check_archive(path: Path, data: bytes, limit: int) -> None:
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        raise InputError(path, "not a Word document: a .docx is a zip archive, and this file is not one") from None
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limit:
        raise InputError(path, f"the Word file unpacks to {unpacked:,} bytes, over the limit of {limit:,}")


def _heading_level(paragraph) -> int | None:
    """1-9 for a heading, 0 for the title, None for body text."""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.lower() == _TITLE_STYLE:
        return 0
    match = _HEADING_STYLE.match(style)
    if match:
        return int(match.group(1))
    outline = paragraph._p.find(f"{_W}pPr/{_W}outlineLvl")  # a heading made with a custom style
    if outline is not None and (value := outline.get(f"{_W}val", "")).isdigit() and int(value) < 9:
        return int(value) + 1
    return None


def _table_lines(table) -> list[str]:
    """One line per row: its cells' text, merged cells once, empty cells left out."""
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = collapse_whitespace(cell.text)
            if text and (not cells or cells[-1] != text):  # a merged cell repeats in every column it spans
                cells.append(text)
        if cells:
            lines.append(_CELL_SEPARATOR.join(cells))
    return lines
