"""HTML (and XHTML): the main text of a page, with h1-h6 as sections.

Parsed by lxml.html, which fetches nothing. Page furniture is dropped
(scripts, styles, navigation, page headers and footers, asides, forms,
frames, and hidden elements); when the page marks its main content with
<main> or <article>, only that is read. Block elements end lines, and table
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

_FURNITURE = (
    "//script | //style | //noscript | //template | //nav | //footer | //aside | //form | //iframe"
    # A <header> inside an article or <main> is that content's own heading block: only page headers go.
    " | //header[not(ancestor::article or ancestor::main)]"
    " | //*[@role='navigation' or @role='banner' or @role='contentinfo']"
    " | //*[@hidden or @aria-hidden='true']"
    " | //*[contains(translate(@style, ' ', ''), 'display:none')]"
    " | //*[contains(translate(@style, ' ', ''), 'visibility:hidden')]"
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
    for furniture in page.xpath(_FURNITURE):
        furniture.drop_tree()
    text, sections = _PageText.of(_main_content(page))
    return ReadResult([Document(None, title, text, sections)])


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
    return (
        page.xpath("//main[not(ancestor::main)]")
        or page.xpath("//article[not(ancestor::article)]")
        or page.xpath("//body")
        or [page]
    )


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
