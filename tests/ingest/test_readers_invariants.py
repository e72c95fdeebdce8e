"""What every reader promises about sections, checked on a sample of each format (plain and gzipped).

`assert_valid_sections` is imported by the other reader tests.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from pathlib import Path

import pytest

from medkb.ingest.readers import ReadOptions, read_path
from medkb.store.records import Document, Section


def assert_valid_sections(document: Document, body_lines: Iterable[str]) -> None:
    """Sections are sorted, non-empty, non-overlapping and inside the text, and cover every body line.

    `body_lines` are the input's non-heading lines as the text should hold
    them, in order (blank ones are ignored); each must be a whole line of it.
    """
    spans = [(section.start, section.end) for section in document.sections]
    assert spans == sorted(spans), "sections out of order"
    assert all(0 <= start < end <= len(document.text) for start, end in spans), "empty or outside the text"
    assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:])), "sections overlap"
    lines = _stripped_lines(document.text)
    index = 0
    for line in (line.strip() for line in body_lines):
        if not line:
            continue
        while index < len(lines) and lines[index][1] != line:
            index += 1
        assert index < len(lines), f"body line not in the text (or out of order): {line!r}"
        found = lines[index][0]
        assert any(start <= found and found + len(line) <= end for start, end in spans), f"in no section: {line!r}"
        index += 1


def _stripped_lines(text: str) -> list[tuple[int, str]]:
    """Each line of the text without surrounding whitespace, with the offset where that starts."""
    lines = []
    offset = 0
    for line in text.split("\n"):
        lines.append((offset + len(line) - len(line.lstrip()), line.strip()))
        offset += len(line) + 1
    return lines


def paths_of(document: Document) -> list[tuple[str, ...]]:
    return [section.path for section in document.sections]


def section_texts(document: Document) -> dict[tuple[str, ...], str]:
    return {section.path: document.text[section.start : section.end] for section in document.sections}


PLAIN = """糖尿病の診療メモ
○　概要
１．概要
糖尿病は血糖値が慢性的に高くなる病気である。
２．症状
口渇、多飲、多尿がみられる。
１．初期には自覚症状がないことが多い。
■ 診断
空腹時血糖値とHbA1cで判断する。
"""

MARKDOWN = """---
title: Asthma care
---
A short introduction.

# Asthma

Asthma narrows the airways.

## Symptoms

Wheeze and cough.

```
# a comment in code, not a heading
```

Treatment
---------

Inhalers twice a day.
"""

HTML = """<!DOCTYPE html><html><head><title>Dengue</title><script>var tracking = 1;</script></head>
<body><nav><a href="/">Home</a></nav><main><h1>Dengue fever</h1><p>Dengue is spread by
mosquitoes.</p><h2>Signs</h2><ul><li>High fever</li><li>Rash</li></ul></main>
<footer>Copyright</footer></body></html>
"""

JATS = """<?xml version="1.0" encoding="UTF-8"?>
<article><front><article-meta><title-group><article-title>Fever in children</article-title></title-group>
<abstract><p>We studied fever.</p></abstract></article-meta></front>
<body><sec><title>Introduction</title><p>Fever is common.</p>
<sec><title>Background</title><p>It has many causes.</p></sec></sec></body>
<back><ref-list><ref><mixed-citation>Smith J. Fever. 2001.</mixed-citation></ref></ref-list></back></article>
"""

JSONL = '{"id": "a1", "title": "Cough", "text": "A cough clears the airways."}\n{"id": "a2", "text": "Fever is a raised temperature."}\n'

# format suffix, content, body lines of each document, paths of each document
SAMPLES = {
    ".txt": (
        PLAIN,
        [
            [
                "糖尿病の診療メモ",
                "糖尿病は血糖値が慢性的に高くなる病気である。",
                "口渇、多飲、多尿がみられる。",
                "１．初期には自覚症状がないことが多い。",
                "空腹時血糖値とHbA1cで判断する。",
            ]
        ],
        [[(), ("概要", "１．概要"), ("概要", "２．症状"), ("診断",)]],
    ),
    ".md": (
        MARKDOWN,
        [
            [
                "A short introduction.",
                "Asthma narrows the airways.",
                "Wheeze and cough.",
                "```",
                "# a comment in code, not a heading",
                "```",
                "Inhalers twice a day.",
            ]
        ],
        [[(), ("Asthma",), ("Asthma", "Symptoms"), ("Asthma", "Treatment")]],
    ),
    ".html": (HTML, [["Dengue is spread by mosquitoes.", "High fever", "Rash"]], [[("Dengue fever",), ("Dengue fever", "Signs")]]),
    ".xml": (JATS, [["We studied fever.", "Fever is common.", "It has many causes."]], [[("Abstract",), ("Introduction",), ("Introduction", "Background")]]),
    ".jsonl": (JSONL, [["A cough clears the airways."], ["Fever is a raised temperature."]], [[()], [()]]),
}


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzipped"])
@pytest.mark.parametrize("suffix", sorted(SAMPLES))
def test_sections_cover_the_body_in_order_for_every_format(tmp_path: Path, suffix: str, gzipped: bool) -> None:
    content, body_lines, paths = SAMPLES[suffix]
    data = content.encode("utf-8")
    path = tmp_path / (f"sample{suffix}.gz" if gzipped else f"sample{suffix}")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    documents = read_path(path, ReadOptions(lang="en")).documents
    assert [paths_of(document) for document in documents] == paths
    for document, lines in zip(documents, body_lines, strict=True):
        assert_valid_sections(document, lines)


def test_the_checker_catches_overlapping_and_uncovered_sections() -> None:
    overlapping = Document(None, "", "one\ntwo", [Section((), 0, 5), Section(("x",), 4, 7)])
    with pytest.raises(AssertionError, match="overlap"):
        assert_valid_sections(overlapping, [])
    uncovered = Document(None, "", "one\ntwo", [Section((), 0, 3)])
    with pytest.raises(AssertionError, match="in no section"):
        assert_valid_sections(uncovered, ["one", "two"])
