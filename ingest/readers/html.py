"""HTML (and XHTML): the main text of a page, with h1-h6 as sections.

The main content is found by trafilatura (Apache-2.0), chosen by measurement (`bench/html_main_text.py`):
word-level F1 against hand-checked main texts of 181 real pages (the Zyte article-extraction benchmark)
0.959 for trafilatura, 0.945 for readability-lxml, 0.718 for jusText and 0.791 for medkb's own rules
(precision 0.705: sidebars, sponsor blocks and footers came in); on the 130 test pages of Mozilla
Readability, whose references are Readability's own output, 0.935, 0.957, 0.506 and 0.896. trafilatura's
result (as HTML, headings kept) is walked into lines and sections; its metadata give the title, author,
date and site. Where trafilatura finds no main content (a short page, a list of links), medkb's own rules
read the page: page furniture is dropped (scripts, styles, navigation, page headers and footers, asides,
forms, frames, hidden elements), and when the page marks its main content with <main> or <article>,
only that is read. Both parse with lxml, which fetches nothing. Block elements end lines, and table
cells are lines of their own.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from lxml import etree

from medkb.store.errors import InputError
from medkb.store.records import Document, Section

from .base import ReadOptions, ReadResult
from .decode import decode_text
from .sections import HeadingStack, TextBuilder, collapse_whitespace

# What no reader of the page sees, and navigation: dropped before anything looks for the main text.
_UNSEEN = (
    "//script | //style | //noscript | //template | //iframe | //nav | //*[@role='navigation']"
    " | //*[@hidden]"
    " | //*[contains(translate(@style, ' ', ''), 'display:none')]"
    " | //*[contains(translate(@style, ' ', ''), 'visibility:hidden')]"
)
# Page furniture, dropped by medkb's own rules; trafilatura judges it itself (dropping it first cost 1.2
# points of F1 on the Zyte benchmark: some pages keep their article's lead in a <header>, and some
# sites wrap the whole page in a <form>).
_FURNITURE = (
    "//footer | //aside | //form"
    # A <header> inside an article or <main> is that content's own heading block: only page headers go.
    " | //header[not(ancestor::article or ancestor::main)]"
    " | //*[@role='banner' or @role='contentinfo']"
    " | //*[@aria-hidden='true']"
)
_HEADING_LEVELS = {f"h{level}": level for level in range(1, 7)}
_BLOCKS = frozenset(
    "address article blockquote body br caption dd details dialog div dl dt fieldset figcaption figure"
    " hr li main ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
# lxml refuses a str that still carries an XML declaration naming an encoding (XHTML does).
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


def read(path: Path, data: bytes, options: ReadOptions) -> ReadResult:
    page = _parse(path, decode_text(path, data))
    title = _title(page)
    _drop(page, _UNSEEN)
    main, metadata = _main_text(path, page)
    # medkb's own reading is made only where it may be used: no main text, or trafilatura's one-paragraph fallback.
    own = _PageText.of(_main_content(_drop(page, _FURNITURE))) if main is None or _one_paragraph(main) else None
    if main is not None and (own is None or not _flattened(main, own)):
        title = metadata.pop("title", "") or title
        text, sections = _PageText.of([main])
    else:
        assert own is not None
        text, sections = own
    return ReadResult([Document(None, title, text, sections, metadata)])


def _drop(page: lxml.html.HtmlElement, elements: str) -> lxml.html.HtmlElement:
    for element in page.xpath(elements):
        element.drop_tree()
    return page


def _one_paragraph(main: lxml.html.HtmlElement) -> bool:
    blocks = [child for child in main if isinstance(child.tag, str)]
    return len(blocks) == 1 and blocks[0].tag == "p"


def _flattened(main: lxml.html.HtmlElement, own: tuple[str, list[Section]]) -> bool:
    """Whether trafilatura's one paragraph (its fallback for short pages) lost the headings that medkb's
    own rules keep, without those rules reading much more: then medkb's reading is the better."""
    own_text, own_sections = own
    headed = any(section.path for section in own_sections)
    return headed and len(own_text.split()) <= _MAX_OWN_SHARE * len(main.text_content().split())


_METADATA = ("title", "author", "date", "sitename", "url")
_MAX_OWN_SHARE = 1.5  # medkb's rules may read up to half again as many words as trafilatura's fallback


def _main_text(path: Path, page: lxml.html.HtmlElement) -> tuple[lxml.html.HtmlElement | None, dict]:
    """The page's main content as trafilatura finds it (an HTML body), and the page's metadata."""
    import trafilatura  # imported here: builds without web pages need not load it

    extracted = trafilatura.extract(
        lxml.html.tostring(page, encoding="unicode"),
        output_format="html",
        include_tables=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        with_metadata=True,
    )
    if not extracted:
        return None, {}
    document = _parse(path, extracted)
    metadata = {
        meta.get("name"): collapse_whitespace(meta.get("content") or "")
        for meta in document.xpath("//head/meta[@name]")
        if meta.get("name") in _METADATA and (meta.get("content") or "").strip()
    }
    body = document.find("body")
    return (body if body is not None and collapse_whitespace(body.text_content()) else None), metadata


def _parse(path: Path, text: str) -> lxml.html.HtmlElement:
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        return lxml.html.document_fromstring(_XML_DECLARATION.sub("", text), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError) as error:
        raise InputError(path, f"not readable as HTML ({error})") from None


def _title(page: lxml.html.HtmlElement) -> str:
    for element in page.xpath("//title | //h1"):  # document order: <title> sits in <head>, first
        if title := collapse_whitespace(element.text_content()):
            return title
    return ""


def _main_content(page: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return page.xpath("//main[not(ancestor::main)]") or page.xpath("//article[not(ancestor::article)]") or page.xpath("//body") or [page]


class _PageText:
    """Walks the kept elements, collecting inline text into lines and headings into paths."""

    def __init__(self) -> None:
        self._builder = TextBuilder()
        self._headings = HeadingStack()
        self._line: list[str] = []

    @classmethod
    def of(cls, roots: list[lxml.html.HtmlElement]) -> tuple[str, list[Section]]:
        walker = cls()
        for root in roots:
            walker._walk(root)
            walker._end_line()
        return walker._builder.build()

    def _walk(self, element: lxml.html.HtmlElement) -> None:
        tag = element.tag
        if tag in _HEADING_LEVELS:
            self._heading(_HEADING_LEVELS[tag], collapse_whitespace(element.text_content()))
        elif tag == "pre":
            self._preformatted(element.text_content())
        else:
            self._container(element, is_block=tag in _BLOCKS)
        if element.tail:
            self._line.append(element.tail)

    def _heading(self, level: int, title: str) -> None:
        self._end_line()
        if title:
            self._builder.add_heading(title)
            self._headings.enter(level, title)

    def _preformatted(self, text: str) -> None:
        self._end_line()
        for line in text.split("\n"):
            self._builder.add_body(line.rstrip(), self._headings.path)

    def _container(self, element: lxml.html.HtmlElement, is_block: bool) -> None:
        if is_block:
            self._end_line()
        if element.text:
            self._line.append(element.text)
        for child in element:
            self._walk(child)
        if is_block:
            self._end_line()

    def _end_line(self) -> None:
        self._builder.add_body(collapse_whitespace("".join(self._line)), self._headings.path)
        self._line = []
