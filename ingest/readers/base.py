"""What every reader takes and returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from medkb.store.records import Document

_MIB = 1024 * 1024


@dataclass(frozen=True)
class ReadOptions:
    """How to read one file: the build's language, JSONL field overrides and size limits."""

    lang: str
    id_field: str | None = None  # JSONL: replaces the default id fields ("doc_id", "id")
    title_field: str | None = None  # JSONL: replaces the default title fields
    text_fields: tuple[str, ...] | None = None  # JSONL: replaces the default text fields, in order
    max_bytes: int = 512 * _MIB  # of the file, and again of its content once un-gzipped
    max_line_chars: int = 1_000_000  # a text/Markdown line or a JSONL record
    max_xml_bytes: int = 64 * _MIB


@dataclass
class ReadResult:
    """The documents of one file and the non-fatal problems met on the way.

    A problem ("line 12: invalid JSON (...)") cost one record, not the file:
    the caller reports them, and fails on them in --strict mode.
    """

    documents: list[Document]
    problems: list[str] = field(default_factory=list)


# Readers get the file's bytes already un-gzipped, so each one only parses.
Reader = Callable[[Path, bytes, ReadOptions], ReadResult]
