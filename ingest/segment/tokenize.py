"""Word tokens with offsets, from spaCy blank pipelines chosen per language.

Thai is segmented by pythainlp's nlpo3 engine (Rust, about ten times faster
than newmm with the same words on clinical text), Chinese by jieba, Japanese by
SudachiPy (split mode A, the finest, so that compounds expose their parts),
Korean by spaCy's rule-based tokenizer (particles stripped from the search
form), Yoruba by spaCy's own rules and Swahili by the multi-language ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from medkb.ingest.segment.dictionaries import known_words, quiet_jieba, stop_words
from medkb.ingest.segment.korean import strip_particle
from medkb.ingest.segment.normalize import HALF_WIDTH, normalize
from medkb.store.languages import get_language

# spaCy takes over four times as long to import as DuckDB and NumPy together: it is imported where a
# pipeline is made, not by everything that imports this module (a build with nothing to do, say).
if TYPE_CHECKING:
    import spacy
    from spacy.tokens import Doc

# Tokenizers see one line at a time, never more than this many characters:
# SudachiPy refuses inputs over 49,149 bytes, and short inputs keep memory flat.
_CHUNK_CHARS = 4000
_BREAK_AT = re.compile(r"[。．！？!?.;；]\s*|\s+")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    norm: str  # normalised search form: NFKC, case-folded, Korean particles stripped
    is_word: bool  # False for punctuation, symbols and spaces


class _ThaiTokenizer:
    """spaCy tokenizer protocol over pythainlp's nlpo3 engine."""

    def __init__(self, vocab):
        from pythainlp.tokenize import word_tokenize
        from spacy.tokens import Doc

        self.vocab = vocab
        self._word_tokenize = word_tokenize
        self._doc = Doc

    def __call__(self, text: str) -> Doc:
        words = [w for w in self._word_tokenize(text, engine="nlpo3", keep_whitespace=True) if w]
        return self._doc(self.vocab, words=words, spaces=[False] * len(words))


class _SudachiTokenizer:
    """spaCy tokenizer protocol over SudachiPy, surfaces only.

    spaCy's own Japanese tokenizer also builds readings, tags and lemmas for
    every token; medkb needs none of them and that work was 85% of the time.
    """

    def __init__(self, vocab):
        from spacy.tokens import Doc
        from sudachipy import Dictionary, SplitMode

        self.vocab = vocab
        self._tokenizer = Dictionary().tokenizer(mode=SplitMode.A)
        self._doc = Doc

    def __call__(self, text: str) -> Doc:
        words = [w for m in self._tokenizer.tokenize(text) if (w := m.surface())]
        return self._doc(self.vocab, words=words, spaces=[False] * len(words))


@cache
def pipeline(lang: str) -> spacy.Language:
    """The blank spaCy pipeline medkb tokenizes `lang` with (built once per process)."""
    import spacy

    spacy_code = get_language(lang).spacy_code
    if lang == "zh":
        quiet_jieba()
        return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    if lang == "ko":  # the default Korean tokenizer needs mecab-ko, which pip cannot install
        return spacy.blank("ko", config={"nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}})
    if lang == "ja":  # a blank "ja" would load its own Sudachi tokenizer first, for nothing
        nlp = spacy.blank("xx")
        nlp.tokenizer = _SudachiTokenizer(nlp.vocab)
        return nlp
    nlp = spacy.blank(spacy_code)
    if lang == "th":
        nlp.tokenizer = _ThaiTokenizer(nlp.vocab)
    return nlp


def _chunks(text: str) -> list[tuple[int, int]]:
    """Spans of `text` cut at line ends, and inside long lines at sentence ends or spaces."""
    spans = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        while end - start > _CHUNK_CHARS:
            window = text[start : start + _CHUNK_CHARS]
            cuts = [m.end() for m in _BREAK_AT.finditer(window) if m.end() < len(window)]
            cut = start + (cuts[-1] if cuts else _CHUNK_CHARS)
            spans.append((start, cut))
            start = cut
        if end > start:
            spans.append((start, end))
        start = end + 1
    return spans


def chunk_docs(lang: str, text: str) -> list[tuple[int, Doc]]:
    """spaCy Docs over the chunks of `text`, each with its offset into `text`."""
    nlp = pipeline(lang)
    # Full-width forms are tokenized as their plain forms (one character for one, offsets hold).
    return [(start, nlp.make_doc(text[start:end].translate(HALF_WIDTH))) for start, end in _chunks(text)]


@lru_cache(maxsize=1 << 18)
def _search_form(lang: str, text: str) -> str:
    norm = normalize(text)
    return strip_particle(norm) if lang == "ko" else norm


def tokenize(lang: str, text: str) -> list[Token]:
    """Tokens of `text` with character offsets into it; whitespace is left out."""
    return tokens_of(lang, text, chunk_docs(lang, text))


def tokens_of(lang: str, text: str, docs: list[tuple[int, Doc]]) -> list[Token]:
    """Tokens of `text` from its chunk Docs (see `chunk_docs`)."""
    tokens = _tokens(lang, docs)
    return _join_thai_fragments(text, tokens) if lang == "th" else tokens


def _tokens(lang: str, docs: list[tuple[int, Doc]]) -> list[Token]:
    merge_latin = not get_language(lang).spaced
    tokens: list[Token] = []
    for start, doc in docs:
        for tok in doc:
            if tok.is_space or not tok.text.strip():
                continue
            offset = start + tok.idx
            if merge_latin and tokens and _continues_latin_word(tokens[-1], offset, tok.text):
                previous = tokens.pop()
                text = doc.text[previous.start - start : offset - start] + tok.text
                offset = previous.start
            else:
                text = tok.text
            is_word = not (tok.is_punct or (len(text) == 1 and not text.isalnum()))
            tokens.append(Token(offset, offset + len(text), _search_form(lang, text), is_word))
    return tokens


def _join_thai_fragments(text: str, tokens: list[Token]) -> list[Token]:
    """Rejoin a loanword that the dictionary tokenizer cut into syllables.

    A word missing from the dictionary, such as ไอโซไนอาซิด (isoniazid), comes
    out as a run of one- and two-letter pieces (ไอ|โซ|ไน|อา|ซิ|ด), most of them
    words by chance. A touching run of such pieces (stop words such as กับ are no
    pieces) is one word when it has two pieces that are no word at all, or three
    pieces with one.
    """
    words = known_words("th")
    stops = stop_words("th")
    joined: list[Token] = []
    run: list[Token] = []
    for token in tokens + [Token(-1, -1, "", False)]:  # a sentinel closes the last run
        piece = _is_thai_piece(token) and token.norm not in stops
        if run and token.start == run[-1].end and piece:
            run.append(token)
            continue
        unknown = sum(1 for t in run if t.norm not in words)
        if unknown >= 2 or (unknown == 1 and len(run) >= 3):
            joined.append(Token(run[0].start, run[-1].end, _search_form("th", text[run[0].start : run[-1].end]), True))
        else:
            joined.extend(run)
        run = [token] if piece else []
        if not run and token.start >= 0:
            joined.append(token)
    return joined


def _is_thai_piece(token: Token) -> bool:
    letters = [ch for ch in token.norm if unicodedata.category(ch).startswith("L")]
    return token.is_word and 0 < len(letters) <= 2 and all("\u0e00" <= ch <= "\u0e7f" for ch in letters)


def _continues_latin_word(previous: Token, offset: int, text: str) -> bool:
    """Sudachi and jieba cut "HbA1c" into hba|1|c; Latin runs in CJK text stay one word."""
    return previous.end == offset and previous.norm.isascii() and previous.norm.isalnum() and text.isascii() and text.isalnum()
