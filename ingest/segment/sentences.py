"""Sentence spans, by the punctuation and spacing each script uses.

Thai marks the end of a sentence or clause with a space, not a full stop;
Chinese and Japanese end sentences with 。！？ and no space; the other
languages with . ! ? and a space. A line break always ends a sentence:
guideline text puts list items and table cells on lines of their own.
"""

from __future__ import annotations

import re

from medkb.ingest.spans import trimmed_span

_THAI = "\u0e00-\u0e7f"
_BOUNDARY = {
    # ๆ (mai yamok) repeats the word before it, so a space before it ends nothing.
    "th": re.compile(rf"\n|(?<=[{_THAI}])[ \t]+(?=[{_THAI}])(?!ๆ)"),
    "zh": re.compile(r"\n|(?<=[。！？!?；])"),
    "ja": re.compile(r"\n|(?<=[。！？!?])"),
}
_SPACED_BOUNDARY = re.compile(r"\n|(?<=[.!?])\s+(?=\S)")


def sentence_spans(lang: str, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences in text[start:end], trimmed of surrounding spaces."""
    end = len(text) if end is None else end
    boundary = _BOUNDARY.get(lang, _SPACED_BOUNDARY)
    spans = []
    cursor = start
    for match in boundary.finditer(text, start, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    return [trimmed for s, e in spans if (trimmed := trimmed_span(text, s, e))]
