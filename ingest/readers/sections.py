"""Sections from headings, shared by the readers.

Two cases: formats whose text is the file itself (plain text, Markdown, JSONL
text fields) mark heading lines inside it, and `sections_between_headings`
turns the stretches between them into sections; formats whose text a reader
extracts (HTML, XML, PDF) assemble it with a `TextBuilder`, which records each
body block's path as it goes. Either way a section's span hugs its content:
it excludes heading lines and the blank lines around it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from medkb.ingest.spans import trimmed_span
from medkb.store.records import Section


@dataclass(frozen=True)
class HeadingLine:
    """A heading inside a text: [start, end) covers its line(s), `path` is where the text below it sits."""

    start: int
    end: int
    path: tuple[str, ...]


class HeadingStack:
    """Paths from headings with levels: a heading closes every open heading at its level or deeper."""

    def __init__(self) -> None:
        self._open: list[tuple[int, str]] = []

    def enter(self, level: int, title: str) -> tuple[str, ...]:
        while self._open and self._open[-1][0] >= level:
            self._open.pop()
        self._open.append((level, title))
        return self.path

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(title for _, title in self._open)


def trimmed_section(text: str, start: int, end: int, path: tuple[str, ...]) -> Section | None:
    """The section over text[start:end] without its leading and trailing whitespace; None if nothing is left."""
    span = trimmed_span(text, start, end)
    return Section(path, *span) if span else None


def sections_between_headings(text: str, headings: list[HeadingLine]) -> list[Section]:
    """One section per stretch of text between headings; the stretch before the first has path ()."""
    starts = [0] + [heading.end for heading in headings]
    ends = [heading.start for heading in headings] + [len(text)]
    paths = [()] + [heading.path for heading in headings]
    found = (trimmed_section(text, start, end, path) for start, end, path in zip(starts, ends, paths))
    return [section for section in found if section]


def collapse_whitespace(text: str) -> str:
    """Runs of whitespace (newlines and no-break spaces too) as one space, as markup languages render them."""
    return " ".join(text.split())


class TextBuilder:
    """Extracted text assembled block by block, with the sections of its body blocks.

    Consecutive body blocks under the same path share one section; a heading
    or `end_section` between them starts a new one.
    """

    def __init__(self, separator: str = "\n") -> None:
        self._separator = separator
        self._parts: list[str] = []
        self._length = 0
        self._sections: list[Section] = []
        self._section_open = False

    def add_heading(self, heading: str) -> None:
        self.add_unsectioned(heading)

    def add_unsectioned(self, block: str) -> None:
        """Text of the document that is in no section, so that it gives no passage: a heading, a reference list."""
        self._append(block)
        self.end_section()

    def end_section(self) -> None:
        self._section_open = False

    def add_body(self, block: str, path: tuple[str, ...]) -> None:
        start = self._append(block)
        if start is None:
            return
        if self._section_open and self._sections[-1].path == path:
            self._sections[-1] = dataclasses.replace(self._sections[-1], end=self._length)
        else:
            self._sections.append(Section(path, start, self._length))
        self._section_open = True

    def build(self) -> tuple[str, list[Section]]:
        return "".join(self._parts), list(self._sections)

    def _append(self, block: str) -> int | None:
        """Adds a non-blank block and returns where it starts."""
        block = block.strip()
        if not block:
            return None
        if self._parts:
            self._parts.append(self._separator)
            self._length += len(self._separator)
        start = self._length
        self._parts.append(block)
        self._length += len(block)
        return start
