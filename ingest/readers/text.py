"""Plain text, and the heading heuristic that plain text and JSONL text fields share.

Plain text has no markup, so headings are guessed, conservatively: a heading
is a short line that does not end like a sentence and looks like one of

- a bullet-marked or bracketed heading: `○　概要`, `■ 診断`, `＜診断基準＞`, `【治療】`, or a chapter: `第1章 総論`, `第一章`
- a numbered heading: `1. Introduction`, `１．概要`, `1.2 Methods`, `(1) 検査所見`, `II. Results`, Chinese
  `一、病原学特点` and `（一）传染源`, Thai `๑. การวินิจฉัย`, Korean `가. 진단`
- an ALL-CAPS English line: `SIGNS AND SYMPTOMS`
- a short label ending in a colon: `Treatment:`, `検査所見：` (a clause ending in a colon,
  `患者出现以下症状，需及时就医：`, is a sentence, not a heading)

Numbered items that are full sentences (`１．成人発症で緩徐に進行性である。`) stay
body text. "Short" is at most 60 columns, a CJK character counting two: a
CJK character says as much as a word, and the extra reach of a plain 60
characters only caught wrapped sentences and long list items in the MHLW
documents. Nesting: bullet, bracketed, chapter and ALL-CAPS headings are the
top level; numbered headings nest under the last of them, each numbering style
one level below the styles first seen before it in the document (Chinese
guidelines go 一、 then （一） then 1. then （1）; Japanese ones １． then （１）),
and a colon label nests under whatever is open.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from medkb.store.records import Document, Section

from .base import ReadOptions, ReadResult
from .decode import check_line_lengths, decode_text
from .sections import HeadingLine, HeadingStack, sections_between_headings, trimmed_section

MAX_HEADING_COLUMNS = 60
_SENTENCE_END = tuple(".。!?！？．,，、;；")
_SPACE = r"[ \t\u3000]"
_NUM = r"[0-9０-９๐-๙]{1,2}"  # Arabic, full-width and Thai digits
_CJK_NUM = r"[一二三四五六七八九十]{1,3}"

_TOP_LEVEL = 1
_NUMBERED_LEVEL = 2
_LABEL_LEVEL = 9  # deeper than any numbering: a label nests under whatever heading is open

_BULLETED = re.compile(rf"[○●◎◯■□◆◇▲△▼▽★☆▪◼]{_SPACE}*(?P<title>.+)")
_BRACKETED = re.compile(r"[＜〈《【〔](?P<title>[^＜＞〈〉《》【】〔〕]+)[＞〉》】〕]")
_CHAPTER = re.compile(rf"第[0-9０-９一二三四五六七八九十]+[章部編節条]{_SPACE}*.*")
_DOTTED = re.compile(rf"(?P<number>{_NUM}(?:[.．]{_NUM})+)[.．]?{_SPACE}+(?P<title>.+)")
_PARENTHESISED = re.compile(rf"[(（]{_NUM}[)）]{_SPACE}*(?P<title>.+)")
# The title may not start with a digit: "1.5mg" is a dose, not heading 1.
_NUMBERED = re.compile(rf"(?:{_NUM}|[IVX]{{1,4}})[.．)）]{_SPACE}*(?P<title>[^0-9０-９].*)")
_CJK_NUMBERED = re.compile(rf"{_CJK_NUM}[、．.]{_SPACE}*(?P<title>.+)")
_PARENTHESISED_CJK = re.compile(rf"[(（]{_CJK_NUM}[)）]{_SPACE}*(?P<title>.+)")
_HANGUL_LETTERED = re.compile(rf"[가나다라마바사아자차카타파하][.)．]{_SPACE}+(?P<title>.+)")
_ALL_CAPS = re.compile(r"[A-Z][A-Z0-9 &/,'()\-]*")
_MIN_CAPS_LETTERS = 4  # "HIV" or "CT" alone on a line is more often a table cell than a heading
_LABEL = re.compile(r"(?P<title>[^,，、;；。]+?)\s*[:：]")  # no clause inside: a clause is a sentence
MAX_LABEL_COLUMNS = 24
_WORD = re.compile(r"\w")
# Numbering styles with the level each has alone (detect_heading); in a document the order decides.
_NUMBERINGS = (
    ("cjk", _CJK_NUMBERED, _NUMBERED_LEVEL),
    ("parenthesised-cjk", _PARENTHESISED_CJK, _NUMBERED_LEVEL + 1),
    ("parenthesised", _PARENTHESISED, _NUMBERED_LEVEL + 1),
    ("hangul", _HANGUL_LETTERED, _NUMBERED_LEVEL + 1),
    ("numbered", _NUMBERED, _NUMBERED_LEVEL),
)


def read(path: Path, data: bytes, options: ReadOptions) -> ReadResult:
    text = decode_text(path, data)
    check_line_lengths(path, text, options.max_line_chars)
    return ReadResult([Document(None, "", text, plain_text_sections(text))])


def plain_text_sections(text: str) -> list[Section]:
    sections = sections_between_headings(text, _heading_lines(text))
    if sections:
        return sections
    # All "headings" (a one-line "Symptoms include:") is a guess gone wrong: keep the text as body, or
    # nothing of it would reach a passage.
    whole = trimmed_section(text, 0, len(text), ())
    return [whole] if whole else []


def _heading_lines(text: str) -> list[HeadingLine]:
    stack = HeadingStack()
    styles: dict[str, int] = {}  # numbering style -> its level, in the order the document first uses them
    headings = []
    offset = 0
    for line in text.split("\n"):
        found = _heading(line)
        if found:
            style, level, title = found
            if style:
                level = styles.setdefault(style, _NUMBERED_LEVEL + len(styles))
            headings.append(HeadingLine(offset, offset + len(line), stack.enter(level, title)))
        offset += len(line) + 1
    return headings


def detect_heading(line: str) -> tuple[int, str] | None:
    """(level, title) when the line looks like a heading, else None; a numbered heading's level here is
    its style's usual one (in a document, the order of the styles decides)."""
    found = _heading(line)
    return (found[1], found[2]) if found else None


def _heading(line: str) -> tuple[str, int, str] | None:
    """(numbering style or "", level, title) when the line looks like a heading."""
    line = line.strip()
    if not line or line.endswith(_SENTENCE_END) or _columns(line) > MAX_HEADING_COLUMNS:
        return None
    found = _classify(line)
    if found is None:
        return None
    style, level, title = found
    title = title.strip().rstrip(":：").strip()
    return (style, level, title) if _WORD.search(title) else None


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def _classify(line: str) -> tuple[str, int, str] | None:
    # Bullets and brackets are decoration and stay out of the title; numbers are part of it.
    for marked in (_BULLETED, _BRACKETED):
        if match := marked.fullmatch(line):
            return "", _TOP_LEVEL, match["title"]
    if _CHAPTER.fullmatch(line):
        return "", _TOP_LEVEL, line
    if match := _DOTTED.fullmatch(line):
        depth = len(re.findall("[.．]", match["number"]))
        return _numbered(f"dotted-{depth}", line, match["title"], _NUMBERED_LEVEL + depth)
    for style, pattern, level in _NUMBERINGS:
        if match := pattern.fullmatch(line):
            return _numbered(style, line, match["title"], level)
    if _ALL_CAPS.fullmatch(line) and sum(char.isalpha() for char in line) >= _MIN_CAPS_LETTERS:
        return "", _TOP_LEVEL, line
    if (match := _LABEL.fullmatch(line)) and _columns(match["title"]) <= MAX_LABEL_COLUMNS:
        return "", _LABEL_LEVEL, match["title"]
    return None


def _numbered(style: str, line: str, rest: str, level: int) -> tuple[str, int, str] | None:
    # "1.5 mg twice a day" and "2) take with food" are list items: an English heading starts with a capital.
    return None if rest[:1].islower() and rest[:1].isascii() else (style, level, line)
