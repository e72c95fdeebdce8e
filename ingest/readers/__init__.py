"""Corpus file readers: one file in, `Document`s out, whatever the format.

`read_path` picks the reader by the file's suffix (after a `.gz`, which is
read through) and is a pure function of the file and the options, so that
it can run in worker processes.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from medkb.store.errors import InputError

from .base import Reader, ReadOptions, ReadResult
from .decode import load_bytes

__all__ = ["SUPPORTED_SUFFIXES", "ReadOptions", "ReadResult", "holds_many_documents", "read_path"]

# The reader module of each suffix, imported on first use: a build whose files have not changed needs
# none of them (trafilatura takes 0.14 s to import, python-docx 0.06 s, PDFium 0.04 s).
_READERS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "xml_formats",
    ".nxml": "xml",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".pdf": "pdf",
    ".docx": "word",
}
_GZIP_SUFFIX = ".gz"

# Lower case; a corpus walk matches them with `name.lower().endswith(SUPPORTED_SUFFIXES)`.
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_READERS) + tuple(suffix + _GZIP_SUFFIX for suffix in _READERS)


def read_path(path: Path, options: ReadOptions) -> ReadResult:
    """The documents in one corpus file; InputError when the file cannot be read as its suffix says."""
    module = _READERS.get(_format_suffix(path))
    if module is None:
        raise InputError(path, f"unsupported file type (medkb reads {', '.join(_READERS)}, each also gzipped)")
    reader: Reader = import_module(f"{__name__}.{module}").read
    result = reader(path, load_bytes(path, options.max_bytes), options)
    if not any(document.text.strip() for document in result.documents):
        raise InputError(path, "no text found")
    return result


def holds_many_documents(path: Path) -> bool:
    """Whether the file's format holds one document per record (JSONL), so that it can be processed in parts."""
    return _READERS.get(_format_suffix(path)) == "jsonl"


def _format_suffix(path: Path) -> str:
    """The suffix that names the format: `.txt` for both `notes.txt` and `notes.txt.gz`."""
    name = path.name.lower()
    if name.endswith(_GZIP_SUFFIX):
        name = name[: -len(_GZIP_SUFFIX)]
    return Path(name).suffix
