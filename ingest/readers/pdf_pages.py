"""What a PDF's pages add to its text, taken out: running headers and footers, page numbers, split words,
and the reference list, which stays in the document's text but gives no passages.

Seen on real PDFs (issue 17): a paper's running header on every page, 28 to 50 words a paper split at the
line's end ("anticoagula-\\ntion"), and reference lists that won clinical questions (all top-3 hits for a
question on one paper were its references).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

EDGE_LINES = 2  # lines at a page's top and bottom where running headers and footers sit
MIN_PAGES_FOR_RUNNING_LINES = 3
RUNNING_SHARE = 0.5  # a header or footer recurs on at least half the pages
# A line that is only a page number: "12", "- 12 -", "Page 3 of 10", "หน้า 4", "第5页", "iv".
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—|.·]*(?:page|p\.|หน้า|第|ukurasa|oju\s*ewe)?\s*(?:\d+|[ivxlcdm]+)(?:\s*(?:of|/|จาก)\s*\d+)?\s*(?:页|頁|쪽|ページ)?[\s\-–—|.·]*$",
    re.I,
)
_HYPHENATED = re.compile(r"(\w+)-\n[ \t]*([a-zà-ÿ]\w*)")
_WORDS = re.compile(r"\w+(?:-\w+)*")
_NUMBERING = r"(?:[0-9IVX]+[.)]?\s*)?"
# Headings of reference lists in the seven languages (and "Literature cited", "Works cited").
_REFERENCES = re.compile(
    rf"^{_NUMBERING}(references|bibliography|literature cited|works cited|reference list|"
    r"参考文献|参考资料|参考資料|引用文献|เอกสารอ้างอิง|บรรณานุกรม|참고\s*문헌|marejeo|ìtọ́kasí|itokasi)\s*[:：]?$",
    re.I,
)
_AFTER_REFERENCES = re.compile(rf"^{_NUMBERING}(appendix|appendices|supplementary material|annex|付録|附录|附錄|ภาคผนวก|부록|kiambatisho)\b.*$", re.I)
MIN_SHARE_BEFORE_REFERENCES = 0.3  # a "References" line in the first 30% of the text is a contents entry


@dataclass(frozen=True)
class PageText:
    number: int
    text: str


@dataclass(frozen=True)
class CleanPart:
    number: int  # the page it is on
    text: str
    searchable: bool  # False for a reference list


def clean_pages(pages: list[PageText]) -> list[CleanPart]:
    lines = [page.text.split("\n") for page in pages]
    running = _running_lines(lines)
    lines = [_without_edge_noise(page, running) for page in lines]
    texts = _join_hyphenated(["\n".join(page) for page in lines])
    return list(_split_references([PageText(p.number, t) for p, t in zip(pages, texts)]))


def _key(line: str) -> str:
    """A line's words without numbers or marks: "-2- Instructions for Form 1040NR" on even pages and
    "Instructions for Form 1040NR -3-" on odd ones are one running footer."""
    return " ".join(re.sub(r"[\W\d_]+", " ", line).split()).casefold()


def _edge_indexes(page: list[str]) -> list[int]:
    filled = [i for i, line in enumerate(page) if line.strip()]
    return filled[:EDGE_LINES] + filled[-EDGE_LINES:]


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Keys of lines at pages' edges that recur on at least half the pages: the same line, or one whose
    only change is a number that follows the page number ("Page 3 of 48", "-3-")."""
    if len(pages) < MIN_PAGES_FOR_RUNNING_LINES:
        return set()
    needed = max(MIN_PAGES_FOR_RUNNING_LINES, math.ceil(RUNNING_SHARE * len(pages)))
    exact: Counter[str] = Counter()
    numbered: dict[str, list[tuple[int, set[int]]]] = defaultdict(list)
    for index, page in enumerate(pages):
        for key, line in {(_key(page[i]), " ".join(page[i].split())) for i in _edge_indexes(page)}:
            exact[key + "\0" + line] += 1
            numbered[key].append((index, {int(n) for n in re.findall(r"\d{1,4}", line)}))
    running = {entry.split("\0")[0] for entry, count in exact.items() if count >= needed and entry.split("\0")[0]}
    for key, seen in numbered.items():
        offsets = Counter(number - index for index, numbers in seen for number in numbers)
        if key and offsets and offsets.most_common(1)[0][1] >= needed:
            running.add(key)
    return running


def _without_edge_noise(page: list[str], running: set[str]) -> list[str]:
    """The page's lines less its running lines and page numbers, which only its edges are searched for."""
    edges = set(_edge_indexes(page))
    return [line for i, line in enumerate(page) if i not in edges or not _is_noise(line, running)]


def _is_noise(line: str, running: set[str]) -> bool:
    return _key(line) in running or bool(_PAGE_NUMBER.match(line.strip()))


def _join_hyphenated(texts: list[str]) -> list[str]:
    """ "anticoagula-\\ntion" as "anticoagulation"; "follow-\\nup" stays "follow-up" when the text writes it so."""
    words = Counter(word.casefold() for text in texts for word in _WORDS.findall(text))

    def join(match: re.Match) -> str:
        first, second = match.group(1), match.group(2)
        joined, hyphenated = f"{first}{second}", f"{first}-{second}"
        if words[hyphenated.casefold()] and not words[joined.casefold()]:
            return hyphenated
        return joined

    return [_HYPHENATED.sub(join, text) for text in texts]


def _split_references(pages: list[PageText]) -> Iterator[CleanPart]:
    total = sum(len(page.text) for page in pages)
    seen = 0
    searchable = True
    for page in pages:
        start = 0
        offset = 0
        for line in page.text.split("\n"):
            stripped = line.strip()
            switch = (searchable and _REFERENCES.match(stripped) and seen + offset >= MIN_SHARE_BEFORE_REFERENCES * total) or (
                not searchable and _AFTER_REFERENCES.match(stripped)
            )
            if switch:
                if page.text[start:offset].strip():
                    yield CleanPart(page.number, page.text[start:offset], searchable)
                start, searchable = offset, not searchable
            offset += len(line) + 1
        if page.text[start:].strip():
            yield CleanPart(page.number, page.text[start:], searchable)
        seen += len(page.text)
