"""Splitting TSV text into a header and numbered rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from medkb.store.errors import InputError

if TYPE_CHECKING:
    from _csv import Reader  # the type of csv.reader(), which only typeshed names

Row = tuple[int, list[str]]  # (line number, cells)


def split_tsv(path: Path, text: str) -> tuple[list[str], Iterator[Row]]:
    """The header's column names and an iterator over the data rows.

    Quoting is off: terminology values may begin with a double quote
    (`"Three don'ts" principle`) and are never quoted.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [name.strip() for name in next(reader)]
    return header, _rows(path, reader, len(header))


def _rows(path: Path, reader: Reader, width: int) -> Iterator[Row]:
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > width:
            raise InputError(path, f"line {line}: {len(cells)} tab-separated fields but the header has {width}")
        # Editors drop trailing empty cells; they are just empty.
        yield line, cells + [""] * (width - len(cells))
