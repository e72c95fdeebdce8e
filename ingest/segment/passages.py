"""Section-aware passages: sentences packed up to a token budget, with overlap.

A passage never crosses a section boundary, so its section path says what it
is about; consecutive passages of a section share up to `overlap_tokens`
tokens of whole sentences, so that a fact split between two passages is still
whole in one of them.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from medkb.ingest.segment.sentences import sentence_spans
from medkb.ingest.segment.tokenize import Token
from medkb.store.records import Document, Passage


@dataclass(frozen=True)
class PassageSettings:
    max_tokens: int = 160
    overlap_tokens: int = 32

    def __post_init__(self):
        if self.max_tokens < 8:
            raise ValueError(f"passage size must be at least 8 tokens, not {self.max_tokens}")
        if not 0 <= self.overlap_tokens < self.max_tokens // 2:
            raise ValueError(f"overlap must be from 0 to half the passage size, not {self.overlap_tokens}")


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    n_words: int


def cut_passages(doc_id: str, document: Document, tokens: list[Token], lang: str, settings: PassageSettings) -> list[Passage]:
    """Passages of `document`, numbered in reading order."""
    word_starts = [t.start for t in tokens]
    spans: list[tuple[tuple[str, ...], int, int]] = []  # (section path, start, end)
    for section in document.sections:
        sentences = _sentences(document.text, section.start, section.end, lang, tokens, word_starts, settings)
        spans.extend((section.path, s, e) for s, e in _pack(sentences, settings))
    return [_passage(doc_id, i, path, start, end, document.text, tokens, word_starts) for i, (path, start, end) in enumerate(spans)]


def _words_between(tokens: list[Token], word_starts: list[int], start: int, end: int) -> list[Token]:
    lo = bisect_left(word_starts, start)
    hi = bisect_left(word_starts, end)
    return [t for t in tokens[lo:hi] if t.is_word and t.end <= end]


def _sentences(text, start, end, lang, tokens, word_starts, settings) -> list[_Sentence]:
    """Sentences of a section; one longer than a passage is cut into passage-sized pieces."""
    sentences = []
    for s, e in sentence_spans(lang, text, start, end):
        words = _words_between(tokens, word_starts, s, e)
        if len(words) <= settings.max_tokens:
            sentences.append(_Sentence(s, e, len(words)))
            continue
        step = settings.max_tokens - settings.overlap_tokens
        for i in range(0, len(words) - settings.overlap_tokens, step):
            piece = words[i : i + settings.max_tokens]
            sentences.append(_Sentence(piece[0].start, piece[-1].end, len(piece)))
    return sentences


def _pack(sentences: list[_Sentence], settings: PassageSettings) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    current: list[_Sentence] = []
    for sentence in sentences:
        if current and sum(s.n_words for s in current) + sentence.n_words > settings.max_tokens:
            spans.append((current[0].start, current[-1].end))
            current = _overlap(current, settings.overlap_tokens)
        current.append(sentence)
    if current:
        spans.append((current[0].start, current[-1].end))
    return spans


def _overlap(previous: list[_Sentence], budget: int) -> list[_Sentence]:
    """The trailing sentences of `previous` that fit in the overlap budget (never all of them)."""
    kept: list[_Sentence] = []
    for sentence in reversed(previous[1:]):
        if sum(s.n_words for s in kept) + sentence.n_words > budget:
            break
        kept.insert(0, sentence)
    return kept


def _passage(doc_id, ordinal, path, start, end, text, tokens, word_starts) -> Passage:
    words = _words_between(tokens, word_starts, start, end)
    return Passage(
        passage_id=f"{doc_id}#{ordinal}",
        doc_id=doc_id,
        ordinal=ordinal,
        section_path=tuple(path),
        start=start,
        end=end,
        text=text[start:end],
        tokens=tuple(t.norm for t in words),
        token_starts=tuple(t.start - start for t in words),
        token_ends=tuple(t.end - start for t in words),
    )
