"""Spans of a text, as character offsets: what readers' sections and segmenters' sentences are."""

from __future__ import annotations


def trimmed_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """text[start:end] without its leading and trailing whitespace, as offsets; None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
