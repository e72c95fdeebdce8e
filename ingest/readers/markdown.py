"""Markdown: front matter, ATX (`## Title`) and setext (underlined) headings, nested by level.

The document's text is the decoded file itself, markup included, so that
offsets point into the original. Front matter and heading lines belong to no
section, and lines inside fenced code blocks are never headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from medkb.store.records import Document

from .base import ReadOptions, ReadResult
from .decode import check_line_lengths, decode_text
from .sections import HeadingLine, HeadingStack, sections_between_headings

_ATX = re.compile(r" {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<title>.*?))?(?:[ \t]+#+)?[ \t]*")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?P<rule>=+|-+)[ \t]*")
_FENCE = re.compile(r" {0,3}(?P<fence>`{3,}|~{3,})")
# Lines that cannot be the text of a setext heading: list items, block quotes, indented code.
_NOT_PARAGRAPH = re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)| {0,3}>| {4}|\t")
_FRONT_MATTER_DELIMITER = "---"
_FRONT_MATTER_ENDS = ("---", "...")
_FRONT_MATTER_ENTRY = re.compile(r"(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]*(?P<value>.*)")


@dataclass(frozen=True)
class _Line:
    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def read(path: Path, data: bytes, options: ReadOptions) -> ReadResult:
    text = decode_text(path, data)
    check_line_lengths(path, text, options.max_line_chars)
    lines = _lines(text)
    metadata, front_matter_lines = _front_matter(lines)
    headings, first_h1 = _headings(lines[front_matter_lines:])
    if front_matter_lines:
        # Front matter is no body text: marking it like a heading line keeps it out of every section.
        headings.insert(0, HeadingLine(0, lines[front_matter_lines - 1].end, ()))
    title = metadata.get("title") or first_h1
    return ReadResult([Document(None, title, text, sections_between_headings(text, headings), metadata)])


def _lines(text: str) -> list[_Line]:
    lines = []
    start = 0
    for line in text.split("\n"):
        lines.append(_Line(start, line))
        start += len(line) + 1
    return lines


def _front_matter(lines: list[_Line]) -> tuple[dict[str, str], int]:
    """The `key: value` entries of the front matter and how many lines it takes (0 when there is none)."""
    if not lines or lines[0].text.rstrip() != _FRONT_MATTER_DELIMITER:
        return {}, 0
    for index, line in enumerate(lines[1:], start=1):
        if line.text.rstrip() in _FRONT_MATTER_ENDS:
            entries = (_FRONT_MATTER_ENTRY.fullmatch(inner.text.strip()) for inner in lines[1:index])
            metadata = {entry["key"]: _unquote(entry["value"].strip()) for entry in entries if entry}
            # Without a single entry the `---` lines are thematic breaks, not front matter.
            return (metadata, index + 1) if metadata else ({}, 0)
    return {}, 0


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _headings(lines: list[_Line]) -> tuple[list[HeadingLine], str]:
    """The heading lines with their paths, and the title of the first level-1 heading ("" if none)."""
    stack = HeadingStack()
    headings: list[HeadingLine] = []
    first_h1 = ""
    fence = ""  # the opening fence while inside a fenced code block
    paragraph: _Line | None = None  # the line a setext underline below it would make a heading
    for line in lines:
        if fence:
            fence = "" if _closes(fence, line.text) else fence
            continue
        if opening := _FENCE.match(line.text):
            fence, paragraph = opening["fence"], None
            continue
        if atx := _ATX.fullmatch(line.text):
            level, title, start = len(atx["hashes"]), (atx["title"] or "").strip(), line.start
        elif paragraph and (underline := _SETEXT_UNDERLINE.fullmatch(line.text)):
            level, title, start = (1 if underline["rule"][0] == "=" else 2), paragraph.text.strip(), paragraph.start
        else:
            paragraph = line if line.text.strip() and not _NOT_PARAGRAPH.match(line.text) else None
            continue
        headings.append(HeadingLine(start, line.end, stack.enter(level, title)))
        first_h1 = first_h1 or (title if level == 1 else "")
        paragraph = None
    return headings, first_h1


def _closes(fence: str, text: str) -> bool:
    """Whether `text` closes the code block `fence` opened: the same character, at least as many times."""
    return re.fullmatch(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*", text) is not None
