"""Unicode normalisation that remembers where each character came from.

Matching compares NFKC-normalised, case-folded text, so that full-width
"ＨｂＡ１ｃ" finds "HbA1c". NFKC can change the length of a string (a ligature
becomes two letters, a combining accent merges into its letter), so the
normalised text carries, for each of its characters, the span of original
text it came from: a match in normalised text maps back to exact offsets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def _combining_marks() -> str:
    marks = (chr(c) for c in range(0x300, 0x10000) if unicodedata.category(chr(c)).startswith("M"))
    return "".join(re.escape(m) for m in marks)


# A base character with the marks that follow it (Thai vowels and tone marks,
# Yoruba tone marks and under-dots, Hangul stays whole): normalised together.
_CLUSTER = re.compile(f".[{_combining_marks()}]*", re.S)


def normalize(text: str) -> str:
    """The form labels and text are compared in (the same as running text gets)."""
    return normalize_with_offsets(text).text


def _normalize_cluster(cluster: str) -> str:
    return unicodedata.normalize("NFKC", cluster).casefold()


@dataclass(frozen=True)
class NormalizedText:
    text: str
    starts: list[int]  # original start offset of each normalised character
    ends: list[int]  # original end offset of each normalised character

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalised span [start, end)."""
        return self.starts[start], self.ends[end - 1]


# Full-width ASCII (ＨｂＡ１ｃ) and the ideographic space map one to one onto plain forms.
HALF_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize_with_offsets(text: str) -> NormalizedText:
    narrowed = text.translate(HALF_WIDTH)
    folded = narrowed.casefold()
    # Already NFKC, and case folding expanded nothing: every character maps to one.
    if len(folded) == len(text) and unicodedata.is_normalized("NFKC", narrowed):
        return NormalizedText(folded, list(range(len(text))), list(range(1, len(text) + 1)))
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for cluster in _CLUSTER.finditer(text):
        norm = _normalize_cluster(cluster.group())
        pieces.append(norm)
        starts.extend([cluster.start()] * len(norm))
        ends.extend([cluster.end()] * len(norm))
    return NormalizedText("".join(pieces), starts, ends)
