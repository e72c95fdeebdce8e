"""Corpus file readers: one file in, `Document`s out, whatever the format.

`read_path` picks the reader by the file's suffix (after a `.gz`, which is
read through) and is a pure function of the file and the options, so that
it can run in worker processes.
"""
from __future__ import annotations

from pathlib import Path

from medkb.store.errors import InputError

from . import html, jsonl, markdown, pdf, pubmed, text, word, xml
from .base import ReadOptions, ReadResult, Reader
from .decode import load_bytes

__all__ = ["SUPPORTED_SUFFIXES", "ReadOptions", "ReadResult", "holds_many_documents", "read_path"]

def _read_xml(path: Path, data: bytes, options: ReadOptions) -> ReadResult:
    """PubMed citation sets have a reader of their own (a document per citation); other XML is an article."""
    return (pubmed.read if pubmed.is_pubmed(data) else xml.read)(path, data, options)


_READERS: dict[str, Reader] = {
    ".txt": text.read,
    ".text": text.read,
    ".md": markdown.read,
    ".markdown": markdown.read,
    ".html": html.read,
    ".htm": html.read,
    ".xhtml": html.read,
    ".xml": _read_xml,
    ".nxml": xml.read,
    ".jsonl": jsonl.read,
    ".ndjson": jsonl.read,
    ".pdf": pdf.read,
    ".docx": word.read,
}
_GZIP_SUFFIX = ".gz"

# Lower case; a corpus walk matches them with `name.lower().endswith(SUPPORTED_SUFFIXES)`.
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_READERS) + tuple(suffix + _GZIP_SUFFIX for suffix in _READERS)


def read_path(path: Path, options: ReadOptions) -> ReadResult:
    """The documents in one corpus file; InputError when the file cannot be read as its suffix says."""
    reader = _READERS.get(_format_suffix(path))
    if reader is None:
        raise InputError(path, f"unsupported file type (medkb reads {', '.join(_READERS)}, each also gzipped)")
    result = reader(path, load_bytes(path, options.max_bytes), options)
    if not any(document.text.strip() for document in result.documents):
        raise InputError(path, "no text found")
    return result


def holds_many_documents(path: Path) -> bool:
    """Whether the file's format holds one document per record (JSONL), so that it can be processed in parts."""
    return _READERS.get(_format_suffix(path)) is jsonl.read


def _format_suffix(path: Path) -> str:
    """The suffix that names the format: `.txt` for both `notes.txt` and `notes.txt.gz`."""
    name = path.name.lower()
    if name.endswith(_GZIP_SUFFIX):
        name = name[: -len(_GZIP_SUFFIX)]
    return Path(name).suffix
