"""XML: JATS articles, other XML, and the documents the parser must refuse."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from medkb.ingest.readers import ReadOptions, read_path
from medkb.store.errors import InputError
from medkb.store.records import Document
from test_readers_invariants import assert_valid_sections, section_texts

ARTICLE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.2 20190208//EN" "JATS-archivearticle1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article">
<front>
  <journal-meta><journal-title-group><journal-title>Journal of Fevers</journal-title></journal-title-group></journal-meta>
  <article-meta>
    <article-id pub-id-type="pmid">123</article-id>
    <title-group><article-title>Dengue in <italic>children</italic></article-title></title-group>
    <abstract>
      <title>Summary</title>
      <sec><title>Background</title><p>Dengue is common.</p></sec>
      <sec><title>Findings</title><p>Fever lasted five days.</p></sec>
    </abstract>
  </article-meta>
</front>
<body>
  <p>An opening paragraph outside any section.</p>
  <sec id="s1"><label>1</label><title>Introduction</title>
    <p>Dengue is spread by mosquitoes <xref ref-type="bibr" rid="r1">[1]</xref>.</p>
    <sec><title>Burden</title>
      <p>Millions fall ill each year.</p>
      <list><list-item><p>Asia</p></list-item><list-item><p>Americas</p></list-item></list>
    </sec>
    <p>Back in the introduction.</p>
  </sec>
  <sec><title>Methods</title>
    <table-wrap><label>Table 1</label><caption><p>Patients</p></caption>
      <table><tr><th>Age</th><td>12</td></tr></table></table-wrap>
  </sec>
</body>
<back>
  <ack><title>Acknowledgements</title><p>We thank the nurses.</p></ack>
  <ref-list><ref id="r1"><element-citation><article-title>An old study</article-title></element-citation></ref></ref-list>
</back>
</article>
"""
BODY_LINES = [
    "Dengue is common.",
    "Fever lasted five days.",
    "An opening paragraph outside any section.",
    "Dengue is spread by mosquitoes [1].",
    "Millions fall ill each year.",
    "Asia",
    "Americas",
    "Back in the introduction.",
    "Table 1",
    "Patients",
    "Age",
    "12",
    "We thank the nurses.",
]

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<article><body><p>&lol9;</p></body></article>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<article><body><p>&secret;</p></body></article>
"""


def write(tmp_path: Path, content: str | bytes, name: str = "article.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def read_xml(tmp_path: Path, content: str | bytes, name: str = "article.xml") -> Document:
    [document] = read_path(write(tmp_path, content, name), ReadOptions(lang="en")).documents
    return document


def xml_error(tmp_path: Path, content: str | bytes, options: ReadOptions = ReadOptions(lang="en")) -> str:
    with pytest.raises(InputError) as raised:
        read_path(write(tmp_path, content), options)
    return raised.value.problem


def test_jats_title_abstract_and_nested_sections(tmp_path: Path) -> None:
    document = read_xml(tmp_path, ARTICLE, name="article.nxml")
    assert document.title == "Dengue in children"
    assert document.doc_id is None
    assert [(s.path, document.text[s.start : s.end]) for s in document.sections] == [
        (("Abstract", "Background"), "Dengue is common."),
        (("Abstract", "Findings"), "Fever lasted five days."),
        ((), "An opening paragraph outside any section."),
        (("1 Introduction",), "Dengue is spread by mosquitoes [1]."),
        (("1 Introduction", "Burden"), "Millions fall ill each year.\nAsia\nAmericas"),
        (("1 Introduction",), "Back in the introduction."),  # the section goes on after its subsection
        (("Methods",), "Table 1\nPatients\nAge\n12"),
        (("Acknowledgements",), "We thank the nurses."),
    ]
    assert_valid_sections(document, BODY_LINES)


def test_jats_references_are_skipped(tmp_path: Path) -> None:
    document = read_xml(tmp_path, ARTICLE)
    assert "An old study" not in document.text
    assert "Journal of Fevers" not in document.text


def test_jats_in_a_namespace(tmp_path: Path) -> None:
    namespaced = (
        '<article xmlns="http://jats.nlm.nih.gov"><front><article-meta><title-group><article-title>T'
        "</article-title></title-group></article-meta></front><body><sec><title>S</title><p>text</p></sec></body></article>"
    )
    document = read_xml(tmp_path, namespaced)
    assert (document.title, section_texts(document)) == ("T", {("S",): "text"})


def test_other_xml_is_paragraphs_in_one_untitled_section(tmp_path: Path) -> None:
    other = "<records><record><name>Aspirin</name><note>Take <b>with</b> food.</note></record><!-- c --><record><name>Ibuprofen</name></record></records>"
    document = read_xml(tmp_path, other)
    assert document.title == ""
    assert section_texts(document) == {(): "Aspirin\nTake with food.\nIbuprofen"}


def test_utf16_xml(tmp_path: Path) -> None:
    content = '<?xml version="1.0" encoding="UTF-16"?><doc><p>ไข้</p></doc>'.encode("utf-16")
    assert read_xml(tmp_path, content).text == "ไข้"


def test_gzipped_jats(tmp_path: Path) -> None:
    assert read_xml(tmp_path, gzip.compress(ARTICLE.encode()), name="article.xml.gz").title == "Dengue in children"


@pytest.mark.parametrize("content", [BOMB, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entity_declarations_are_refused_unexpanded(tmp_path: Path, content: str) -> None:
    problem = xml_error(tmp_path, content)
    assert "declares entities" in problem and "refused" in problem
    assert "root:" not in problem  # nothing of /etc/passwd leaks into the message


def test_entity_declaration_past_the_scanned_prolog_is_still_refused(tmp_path: Path) -> None:
    padding = "<!-- " + "x" * (1024 * 1024) + " -->"
    content = f'<?xml version="1.0"?>{padding}<!DOCTYPE a [<!ENTITY e "expanded">]><a>&e;</a>'
    assert "declares entities" in xml_error(tmp_path, content)


def test_entity_markup_inside_the_content_is_just_text(tmp_path: Path) -> None:
    document = read_xml(tmp_path, '<doc><p>Write <![CDATA[<!ENTITY x "y">]]> to declare one.</p></doc>')
    assert document.text == 'Write <!ENTITY x "y"> to declare one.'


def test_truncated_xml_names_the_line(tmp_path: Path) -> None:
    problem = xml_error(tmp_path, ARTICLE[: len(ARTICLE) // 2])
    assert problem.startswith("malformed XML at line ")


def test_xml_over_the_size_limit(tmp_path: Path) -> None:
    problem = xml_error(tmp_path, ARTICLE, ReadOptions(lang="en", max_xml_bytes=1000))
    assert "over the limit of 1,000" in problem


def test_deep_nesting_hits_the_parser_limit(tmp_path: Path) -> None:
    deep = "<a>" * 100_000 + "x" + "</a>" * 100_000
    assert "malformed XML" in xml_error(tmp_path, deep)
