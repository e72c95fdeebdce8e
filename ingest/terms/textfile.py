"""Reading a terminology file into text, with errors that name the file."""
from __future__ import annotations

import gzip
from pathlib import Path

from kb.errors import InputError


def read_text(path: Path) -> str:
    """The file decoded as UTF-8 (a leading BOM dropped), gunzipped when it ends in `.gz`."""
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise InputError(
            path, f"line {line}: byte 0x{raw[error.start]:02x} is not UTF-8 (save the file as UTF-8)"
        ) from None
    if not text.strip():
        raise InputError(path, "the file is empty")
    return text


def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as compressed:
                return compressed.read()
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (gzip.BadGzipFile, EOFError) as error:
        raise InputError(path, f"not a readable gzip file ({error})") from None
