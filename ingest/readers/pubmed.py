"""MEDLINE/PubMed XML: one document per citation, as efetch, the baseline and the update files give them.

A `PubmedArticleSet` holds hundreds (efetch) to 30,000 (a baseline file) citations. Each becomes its
own document: the PMID is its `doc_id`, `ArticleTitle` its title, each `AbstractText` a section under
its `Label` (BACKGROUND, METHODS, ...) or under "Abstract" when unlabelled, and the journal, year, DOI,
MeSH headings, keywords, publication types and languages its metadata. A citation without an abstract
(about a third of MEDLINE) is kept with its title as its text, so that every citation can be found.
The file is parsed incrementally with the same safety settings as every XML file (no entities, no DTD,
no network), each citation's elements freed once read, so that a baseline file costs what one citation does.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from lxml import etree

from medkb.store.errors import InputError
from medkb.store.records import Document

from .base import ReadOptions, ReadResult
from .sections import TextBuilder
from .xml import child_named, element_name, element_text, malformed, refuse_entities, root_name

_SET = "PubmedArticleSet"
_CITATIONS = ("PubmedArticle", "PubmedBookArticle")
_DELETIONS = "DeleteCitation"
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
_UNLABELLED = "Abstract"
_NOT_AVAILABLE = "[Not Available]."  # MEDLINE's placeholder for a citation with no English title
# ISO 639-2 codes that MEDLINE uses in Language and OtherAbstract/@Language, by medkb's language codes.
_MEDLINE_LANGUAGE = {"en": "eng", "th": "tha", "zh": "chi", "ja": "jpn", "ko": "kor", "sw": "swa", "yo": "yor"}


def is_pubmed(data: bytes) -> bool:
    """Whether the XML's root element is a PubMed citation set (or a single citation)."""
    return root_name(data) in (_SET, *_CITATIONS)


def read(path: Path, data: bytes, options: ReadOptions) -> ReadResult:
    refuse_entities(path, data)
    result = ReadResult([])
    first_of: dict[str, int] = {}
    citations = deleted = 0
    # Only the citations' own end events reach Python (PubMed XML has no namespace): a Python pass over
    # every element's event took most of the time of reading a file.
    events = etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        tag=(*_CITATIONS, _DELETIONS),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        for _, element in events:
            name = element_name(element)
            if name in _CITATIONS:
                citations += 1
                _add(result, _citation(element, options.lang), citations, first_of)
                _free(element)
            elif name == _DELETIONS:
                deleted += len(_descendants(element, "PMID"))
                _free(element)
    except etree.XMLSyntaxError as error:
        raise malformed(path, error) from None
    if deleted:
        result.problems.append(f"{deleted} citations are listed as deleted (DeleteCitation): medkb does not remove them from other files' documents")
    if not result.documents:
        raise InputError(path, "a PubmedArticleSet with no citations")
    return result


def _add(result: ReadResult, document: Document | None, number: int, first_of: dict[str, int]) -> None:
    if document is None:
        result.problems.append(f"citation {number}: no PMID; skipped")
        return
    assert document.doc_id is not None
    if document.doc_id in first_of:
        result.problems.append(f"citation {number}: PMID {document.doc_id} again (first as citation {first_of[document.doc_id]}); skipped")
        return
    first_of[document.doc_id] = number
    result.documents.append(document)


def _free(element: etree._Element) -> None:
    """Drop a read citation and the siblings before it, so that memory stays at one citation."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _citation(element: etree._Element, lang: str) -> Document | None:
    medline = _find(element, "MedlineCitation")
    if medline is None:
        medline = _find(element, "BookDocument")
    pmid = element_text(_find(medline, "PMID")) if medline is not None else ""
    if medline is None or not pmid:
        return None
    article = _find(medline, "Article") if element_name(medline) == "MedlineCitation" else medline
    title = _title(article)
    builder = TextBuilder()
    for abstract in _abstracts(article, medline, lang):
        _add_abstract(builder, abstract)
    text, sections = builder.build()
    if not text:  # no abstract: the title is what the citation says
        builder.add_body(title, ())
        text, sections = builder.build()
    return Document(pmid, title, text, sections, _metadata(element, medline, article))


def _find(element: etree._Element | None, name: str) -> etree._Element | None:
    return child_named(element, name) if element is not None else None


def _descendants(element: etree._Element | None, name: str) -> list[etree._Element]:
    return list(element.iter(name)) if element is not None else []


def _title(article: etree._Element | None) -> str:
    title = element_text(_find(article, "ArticleTitle")) or element_text(_find(article, "BookTitle"))
    if not title or title == _NOT_AVAILABLE:
        title = element_text(_find(article, "VernacularTitle")) or title
    return title


def _abstracts(article: etree._Element | None, medline: etree._Element, lang: str) -> list[etree._Element]:
    """The abstract, and an OtherAbstract written in the build's language (KoreaMed, J-STAGE and others give them)."""
    found = [a for a in (_find(article, "Abstract"),) if a is not None]
    code = _MEDLINE_LANGUAGE.get(lang)
    found += [a for a in _descendants(medline, "OtherAbstract") if a.get("Language") == code and code != "eng"]
    return found


def _add_abstract(builder: TextBuilder, abstract: etree._Element) -> None:
    """Each AbstractText under its Label, headed in the text as a structured abstract prints it."""
    for part in _descendants(abstract, "AbstractText"):
        heading = (part.get("Label") or "").strip() or _UNLABELLED
        builder.add_heading(heading)
        builder.add_body(element_text(part), (heading,))


def _metadata(element: etree._Element, medline: etree._Element, article: etree._Element | None) -> dict:
    journal = _find(article, "Journal")
    found = {
        "source": "pubmed",
        "pmid": element_text(_find(medline, "PMID")),
        "journal": element_text(_find(journal, "Title")),
        "journal_abbreviation": element_text(_find(journal, "ISOAbbreviation")),
        "year": _year(journal),
        "doi": _doi(element, article),
        "mesh": [element_text(d) for d in _descendants(_find(medline, "MeshHeadingList"), "DescriptorName")],
        "mesh_ids": [d.get("UI", "") for d in _descendants(_find(medline, "MeshHeadingList"), "DescriptorName")],
        "keywords": [element_text(k) for k in _descendants(medline, "Keyword")],
        "publication_types": [element_text(t) for t in _descendants(article, "PublicationType")],
        "languages": [element_text(lang) for lang in _descendants(article, "Language")],
    }
    return {key: value for key, value in found.items() if value}


def _year(journal: etree._Element | None) -> str:
    date = _find(_find(journal, "JournalIssue"), "PubDate")
    year = element_text(_find(date, "Year"))
    if not year:  # "2001 Nov-Dec" and other free-form dates sit in MedlineDate
        match = _YEAR.search(element_text(_find(date, "MedlineDate")))
        year = match.group(1) if match else ""
    return year


def _doi(element: etree._Element, article: etree._Element | None) -> str:
    """The citation's own DOI: the article's ELocationID, else PubmedData's ArticleIdList (not its ReferenceList's)."""
    own_ids = _find(_find(element, "PubmedData"), "ArticleIdList")
    candidates = _children_named(article, "ELocationID") + _children_named(own_ids, "ArticleId")
    for candidate in candidates:
        if (candidate.get("EIdType") or candidate.get("IdType")) == "doi":
            return element_text(candidate)
    return ""


def _children_named(element: etree._Element | None, name: str) -> list[etree._Element]:
    return [c for c in element.iterchildren(tag=etree.Element) if element_name(c) == name] if element is not None else []
