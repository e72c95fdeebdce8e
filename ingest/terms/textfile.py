"""Reading a terminology file into text, with errors that name the file."""

from __future__ import annotations

from pathlib import Path

from medkb.ingest.readers.decode import load_bytes
from medkb.store.errors import InputError

MAX_TERMINOLOGY_BYTES = 1 << 30


def read_text(path: Path) -> str:
    """The file decoded as UTF-8 (a leading BOM dropped), gunzipped when it ends in `.gz`."""
    raw = load_bytes(path, MAX_TERMINOLOGY_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise InputError(path, f"line {line}: byte 0x{raw[error.start]:02x} is not UTF-8 (save the file as UTF-8)") from None
    if not text.strip():
        raise InputError(path, "the file is empty")
    return text
