"""XML: JATS/NLM articles with their sections, and any other XML as plain paragraphs.

The parser resolves no entities, loads no DTD and touches no network, and
documents that declare entities are refused outright: expanding them is how
"billion laughs" bombs and external-entity (file:///etc/passwd) leaks work,
and articles have no need of them. lxml's default limits (no huge_tree) bound
the depth and the size of text nodes; `max_xml_bytes` bounds the whole.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from medkb.store.errors import InputError
from medkb.store.records import Document

from .base import ReadOptions, ReadResult
from .sections import TextBuilder, collapse_whitespace

_ENTITY_DECLARATION = "<!ENTITY"
_PROLOG_SCAN_BYTES = 1024 * 1024  # entity declarations sit in the DOCTYPE, before the root element
_ELEMENT_START = re.compile(r"<[^!?]")  # the root's start tag, which ends the prolog
_ROOT_START = re.compile(r"<([A-Za-z_][\w:.-]*)")
_TRAILING_POSITION = re.compile(r", line \d+, column \d+$")
_JATS_SKIPPED = frozenset({"ref-list"})
_JATS_SECTIONS = frozenset({"sec", "ack", "app"})  # titled parts of body and back
_ABSTRACT_HEADING = "Abstract"


def read(path: Path, data: bytes, options: ReadOptions) -> ReadResult:
    if len(data) > options.max_xml_bytes:
        raise InputError(path, f"the XML is {len(data):,} bytes, over the limit of {options.max_xml_bytes:,}")
    refuse_entities(path, data)
    root = _parse(path, data)
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and next(dtd.iterentities(), None) is not None:  # declared past the scanned prolog
        raise _entities_refused(path)
    document = _jats_document(root) if _is_jats(root) else _generic_document(root)
    return ReadResult([document])


def refuse_entities(path: Path, data: bytes) -> None:
    """InputError if the prolog declares entities.

    Scanning the prolog before parsing names the problem plainly: libxml2 itself
    may stop a bomb with a message about amplification factors instead.
    """
    if _ENTITY_DECLARATION in _head(data)[0]:
        raise _entities_refused(path)


def root_name(data: bytes) -> str:
    """The root element's name (without a namespace prefix), read from the head of the file; "" if none is there."""
    match = _ROOT_START.match(_head(data)[1])
    return match.group(1).rpartition(":")[2] if match else ""


def _head(data: bytes) -> tuple[str, str]:
    """What comes before the root element and what follows, as text good enough to find markup in (ASCII, or UTF-16 with a BOM)."""
    head = data[:_PROLOG_SCAN_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("latin-1")
    root = _ELEMENT_START.search(text)
    return (text[: root.start()], text[root.start() :]) if root else (text, "")


def _entities_refused(path: Path) -> InputError:
    return InputError(path, "the XML declares entities in its DTD; entity declarations are refused, not expanded")


def _parse(path: Path, data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise malformed(path, error) from None


def malformed(path: Path, error: etree.XMLSyntaxError) -> InputError:
    """The parser's complaint as a problem of the file, with its line and column."""
    line, column = error.position
    message = _TRAILING_POSITION.sub("", error.msg)  # lxml may append the position we give anyway
    return InputError(path, f"malformed XML at line {line}, column {column}: {message}")


def element_name(element: etree._Element) -> str:
    """The tag without its namespace: JATS comes both with and without one."""
    return etree.QName(element).localname


def _children(element: etree._Element) -> Iterator[etree._Element]:
    return element.iterchildren(tag=etree.Element)  # elements only: no comments, PIs or entity nodes


def child_named(element: etree._Element, name: str) -> etree._Element | None:
    return next((child for child in _children(element) if element_name(child) == name), None)


def element_text(element: etree._Element | None) -> str:
    return collapse_whitespace("".join(element.itertext())) if element is not None else ""


def _has_own_text(element: etree._Element) -> bool:
    """Whether text sits directly in the element (mixed content), making it a paragraph as a whole."""
    return bool((element.text or "").strip()) or any((child.tail or "").strip() for child in element)


def _is_jats(root: etree._Element) -> bool:
    return element_name(root) == "article" or any(element_name(child) in ("front", "body") for child in _children(root))


def _jats_document(root: etree._Element) -> Document:
    front = child_named(root, "front")
    front_matter = front if front is not None else etree.Element("front")
    builder = TextBuilder()
    walker = _JatsWalker(builder)
    for abstract in front_matter.xpath(".//*[local-name()='abstract']"):
        walker.section(abstract, (), heading=_ABSTRACT_HEADING)
    for part in (child_named(root, "body"), child_named(root, "back")):
        if part is not None:
            walker.children(part, ())
    text, sections = builder.build()
    # Only the article's own title group: citations in the references have article-titles too.
    titles = front_matter.xpath(".//*[local-name()='title-group']/*[local-name()='article-title']")
    return Document(None, element_text(titles[0]) if titles else "", text, sections)


class _JatsWalker:
    """Sections become nested paths by their labels and titles; paragraphs, list items and cells become lines."""

    def __init__(self, builder: TextBuilder) -> None:
        self._builder = builder

    def section(self, element: etree._Element, path: tuple[str, ...], heading: str = "") -> None:
        """`heading` replaces the element's own label and title (an abstract is always "Abstract")."""
        label, title = child_named(element, "label"), child_named(element, "title")
        heading = heading or " ".join(filter(None, (element_text(label), element_text(title))))
        if heading:
            self._builder.add_heading(heading)
            path = path + (heading,)
        self.children(element, path, skip=(label, title))

    def children(self, element: etree._Element, path: tuple[str, ...], skip: tuple = ()) -> None:
        for child in _children(element):
            if child not in skip:
                self._walk(child, path)

    def _walk(self, element: etree._Element, path: tuple[str, ...]) -> None:
        name = element_name(element)
        if name in _JATS_SKIPPED:
            return
        if name in _JATS_SECTIONS:
            self.section(element, path)
        elif _has_own_text(element):
            self._builder.add_body(element_text(element), path)
        else:
            self.children(element, path)


def _generic_document(root: etree._Element) -> Document:
    builder = TextBuilder()
    for paragraph in _paragraphs(root):
        builder.add_body(paragraph, ())
    text, sections = builder.build()
    return Document(None, "", text, sections)


def _paragraphs(element: etree._Element) -> Iterator[str]:
    """The text of each element that holds text itself; elements that only hold elements are walked into."""
    if _has_own_text(element):
        yield element_text(element)
        return
    for child in _children(element):
        yield from _paragraphs(child)
