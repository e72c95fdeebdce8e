"""Plain records that flow from ingest into the store.

They sit at the bottom of the package graph: readers and segmenters build
them, the store writes them, and nothing here imports anything above.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """A span of a document's text under a path of headings.

    `start`/`end` are character offsets into `Document.text`; the heading
    line itself is not part of the span.
    """

    path: tuple[str, ...]
    start: int
    end: int


@dataclass
class Document:
    """One document as a reader returns it.

    `text` is the text the reader extracted (for plain text and Markdown the
    decoded file itself), and every offset elsewhere points into it.
    `doc_id` is None when the format carries no id: the build then derives one
    from the file's path.
    """

    doc_id: str | None
    title: str
    text: str
    sections: list[Section]
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Passage:
    passage_id: str
    doc_id: str
    ordinal: int
    section_path: tuple[str, ...]
    start: int
    end: int
    text: str
    tokens: tuple[str, ...]  # search forms of the word tokens
    token_starts: tuple[int, ...]  # offsets of those tokens into `text`
    token_ends: tuple[int, ...]


@dataclass(frozen=True)
class Label:
    lang: str
    text: str
    kind: str  # "preferred", "synonym", "abbreviation", "discovered"


@dataclass
class Concept:
    concept_id: str
    source: str  # terminology name, "seed", or "discovered"
    labels: list[Label]
    semantic_type: str = ""
    codes: dict[str, str] = field(default_factory=dict)  # e.g. {"icd10": "E11"}
    parents: list[str] = field(default_factory=list)  # is_a targets


@dataclass(frozen=True)
class Mention:
    concept_id: str
    passage_id: str
    start: int  # character offsets into the passage text
    end: int
    surface: str
    method: str  # "terminology", "abbreviation", "discovered"
