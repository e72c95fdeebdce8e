"""JSONL: one document per line, with per-line problems instead of failing the file.

Fields are looked up in order, the first present (a non-blank string) winning:
- id: `doc_id`, `id`, `_id` (BEIR's corpus.jsonl: `_id`, `title`, `text`)
- title: `title`, `title_<lang>`, `question`
- text: `text`, `text_<lang>`, `<lang>` (parallel corpora keep each language
  under its code), `answer`, `abstract`, `body`, `content`; failing those,
  `sections`: a list of {"title" or "heading": str, or "path": [str], "text": str}
`ReadOptions` can name other fields instead. A text field gets the plain-text
heading heuristic; every other field goes into the metadata as it is.
"""

from __future__ import annotations

import json
from pathlib import Path

from medkb.store.errors import InputError
from medkb.store.records import Document, Section

from .base import ReadOptions, ReadResult
from .decode import decode_text, normalise_newlines
from .sections import TextBuilder
from .text import plain_text_sections

_ID_FIELDS = ("doc_id", "id", "_id")  # `_id`: a BEIR corpus.jsonl
_SECTIONS_FIELD = "sections"


class _BadRecord(ValueError):
    """A line that yields no document; its message becomes the line's problem."""


def read(path: Path, data: bytes, options: ReadOptions) -> ReadResult:
    result = ReadResult([])
    first_line_of: dict[str, int] = {}
    for number, line in enumerate(decode_text(path, data).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            document = _document(line, options)
            _check_unique(document.doc_id, number, first_line_of)
        except _BadRecord as problem:
            result.problems.append(f"line {number}: {problem}")
            continue
        result.documents.append(document)
    if not result.documents:
        first = f" ({result.problems[0]})" if result.problems else ""
        raise InputError(path, f"no readable JSONL records{first}")
    return result


def _document(line: str, options: ReadOptions) -> Document:
    record = _record(line, options.max_line_chars)
    id_key = _first_present(record, (options.id_field,) if options.id_field else _ID_FIELDS, (str, int))
    title_key = _first_present(record, (options.title_field,) if options.title_field else _title_fields(options.lang))
    text_key, text, sections = _text_of(record, options)
    used = {id_key, title_key, text_key}
    return Document(
        doc_id=str(record[id_key]) if id_key else None,
        title=record[title_key].strip() if title_key else "",
        text=text,
        sections=sections,
        metadata={key: value for key, value in record.items() if key not in used},
    )


def _record(line: str, max_chars: int) -> dict:
    if len(line) > max_chars:
        raise _BadRecord(f"the record is {len(line):,} characters long, over the limit of {max_chars:,}")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise _BadRecord(f"invalid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(record, dict):
        raise _BadRecord(f"a JSON {type(record).__name__}, not an object")
    return record


def _text_of(record: dict, options: ReadOptions) -> tuple[str, str, list[Section]]:
    """The field the text comes from, the text, and its sections."""
    text_fields = options.text_fields or _text_fields(options.lang)
    if key := _first_present(record, text_fields):
        text = normalise_newlines(record[key])
        return key, text, plain_text_sections(text)
    if _SECTIONS_FIELD in record:
        return (_SECTIONS_FIELD, *_joined_sections(record[_SECTIONS_FIELD]))
    raise _BadRecord(f"no text field (looked for {', '.join(text_fields)}, {_SECTIONS_FIELD})")


def _title_fields(lang: str) -> tuple[str, ...]:
    return ("title", f"title_{lang}", "question")


def _text_fields(lang: str) -> tuple[str, ...]:
    return ("text", f"text_{lang}", lang, "answer", "abstract", "body", "content")


def _first_present(record: dict, keys: tuple[str, ...], types: tuple[type, ...] = (str,)) -> str | None:
    """The first key whose value is non-blank and of one of `types` (bool, an int subclass, never counts)."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, types) and not isinstance(value, bool) and str(value).strip():
            return key
    return None


def _check_unique(doc_id: str | None, number: int, first_line_of: dict[str, int]) -> None:
    if doc_id is None:
        return
    if doc_id in first_line_of:
        raise _BadRecord(f"duplicate id {doc_id!r} (first on line {first_line_of[doc_id]}); skipped")
    first_line_of[doc_id] = number


def _joined_sections(entries: object) -> tuple[str, list[Section]]:
    """The entries' texts joined with blank lines, one section each under its title or path."""
    if not isinstance(entries, list):
        raise _BadRecord(f"'{_SECTIONS_FIELD}' is not a list")
    builder = TextBuilder(separator="\n\n")
    for index, entry in enumerate(entries):
        if not (isinstance(entry, dict) and isinstance(entry.get("text"), str)):
            raise _BadRecord(f"{_SECTIONS_FIELD}[{index}] is not an object with a 'text' string")
        builder.add_body(normalise_newlines(entry["text"]), _entry_path(entry, index))
        builder.end_section()
    text, sections = builder.build()
    if not text:
        raise _BadRecord(f"'{_SECTIONS_FIELD}' holds no text")
    return text, sections


def _entry_path(entry: dict, index: int) -> tuple[str, ...]:
    path = entry.get("path")
    if path is not None:
        if not (isinstance(path, list) and all(isinstance(part, str) for part in path)):
            raise _BadRecord(f"{_SECTIONS_FIELD}[{index}].path is not a list of strings")
        return tuple(path)
    heading = entry.get("title", entry.get("heading", ""))
    if not isinstance(heading, str):
        raise _BadRecord(f"{_SECTIONS_FIELD}[{index}] has a title that is not a string")
    return (heading.strip(),) if heading.strip() else ()
