"""MEDLINE/PubMed XML: one document per citation, on real efetch output (fixtures/pubmed/NOTICE.md)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from medkb.ingest.readers import ReadOptions, read_path
from medkb.store.errors import InputError

FIXTURE = Path(__file__).parent / "fixtures" / "pubmed" / "efetch-two-citations.xml"
EN = ReadOptions("en")


def _citation(pmid: str, abstract: str, extra: str = "") -> str:
    return (
        f'<PubmedArticle><MedlineCitation><PMID Version="1">{pmid}</PMID><Article><Journal><JournalIssue>'
        f"<PubDate><MedlineDate>1998 Nov-Dec</MedlineDate></PubDate></JournalIssue><Title>J</Title></Journal>"
        f"<ArticleTitle>Title {pmid}.</ArticleTitle>{abstract}</Article>{extra}</MedlineCitation></PubmedArticle>"
    )


def _write(tmp_path: Path, body: str, name: str = "set.xml") -> Path:
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0"?>\n<PubmedArticleSet>{body}</PubmedArticleSet>', encoding="utf-8")
    return path


def test_every_citation_is_its_own_document_with_its_pmid_and_title():
    documents = read_path(FIXTURE, EN).documents
    assert [d.doc_id for d in documents] == ["30108519", "12091962"]
    frontiers, title_only = documents
    assert frontiers.title.startswith('A "Blood Relationship" Between the Overlooked Minimum Lactate Equivalent')
    assert frontiers.text.startswith("Abstract\n")  # an unlabelled abstract is headed "Abstract"
    assert [s.path for s in frontiers.sections] == [("Abstract",)]
    body = frontiers.text[frontiers.sections[0].start : frontiers.sections[0].end]
    assert "lactate" in body and "29768149" not in body and "\n2018\n" not in body  # no ids or dates in the text
    assert "Copyright" not in frontiers.text and "References" not in frontiers.text


def test_the_citations_metadata_come_from_its_own_record_not_its_references():
    frontiers, title_only = read_path(FIXTURE, EN).documents
    meta = frontiers.metadata
    assert (meta["journal"], meta["year"], meta["doi"]) == ("Frontiers in physiology", "2018", "10.3389/fphys.2018.01034")
    assert meta["keywords"] and meta["languages"] == ["eng"] and meta["source"] == "pubmed"
    assert title_only.metadata["mesh"][:2] == title_only.metadata["mesh"][:2] and "Acquired Immunodeficiency Syndrome" in title_only.metadata["mesh"]
    assert len(title_only.metadata["mesh_ids"]) == len(title_only.metadata["mesh"])


def test_a_citation_without_an_abstract_is_searchable_by_its_title():
    title_only = read_path(FIXTURE, EN).documents[1]
    assert title_only.text == title_only.title == "The treatment of AIDS behind the walls of correctional facilities."


def test_a_structured_abstract_has_a_section_per_label(tmp_path):
    abstract = (
        '<Abstract><AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Why.</AbstractText>'
        '<AbstractText Label="RESULTS">What <i>was</i> found.</AbstractText>'
        "<CopyrightInformation>© Publisher.</CopyrightInformation></Abstract>"
    )
    document = read_path(_write(tmp_path, _citation("1", abstract)), EN).documents[0]
    assert document.text == "BACKGROUND\nWhy.\nRESULTS\nWhat was found."
    assert [(s.path, document.text[s.start : s.end]) for s in document.sections] == [(("BACKGROUND",), "Why."), (("RESULTS",), "What was found.")]
    assert document.metadata["year"] == "1998"  # from a free-form MedlineDate


def test_an_other_abstract_in_the_builds_language_is_read(tmp_path):
    other = '<OtherAbstract Type="Publisher" Language="kor"><AbstractText>당뇨병 환자.</AbstractText></OtherAbstract>'
    path = _write(tmp_path, _citation("7", "<Abstract><AbstractText>Diabetes patients.</AbstractText></Abstract>", other))
    assert "당뇨병" in read_path(path, ReadOptions("ko")).documents[0].text
    assert "당뇨병" not in read_path(path, EN).documents[0].text


def test_a_gzipped_baseline_file_reads_the_same(tmp_path):
    packed = tmp_path / "pubmed25n0001.xml.gz"
    packed.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    assert [d.text for d in read_path(packed, EN).documents] == [d.text for d in read_path(FIXTURE, EN).documents]


def test_repeated_pmids_and_deletions_are_reported(tmp_path):
    body = (
        _citation("5", "<Abstract><AbstractText>First.</AbstractText></Abstract>")
        + _citation("5", "<Abstract><AbstractText>Again.</AbstractText></Abstract>")
        + '<DeleteCitation><PMID Version="1">9</PMID><PMID Version="1">10</PMID></DeleteCitation>'
    )
    result = read_path(_write(tmp_path, body), EN)
    assert [d.text for d in result.documents] == ["Abstract\nFirst."]
    assert result.problems[0] == "citation 2: PMID 5 again (first as citation 1); skipped"
    assert result.problems[1].startswith("2 citations are listed as deleted (DeleteCitation)")


def test_entities_are_refused_in_pubmed_files_too(tmp_path):
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY a "aaaa">]><PubmedArticleSet>'
        + _citation("1", "<Abstract><AbstractText>&a;</AbstractText></Abstract>")
        + "</PubmedArticleSet>"
    )
    with pytest.raises(InputError, match="declares entities"):
        read_path(path, EN)


def test_a_truncated_file_names_where_it_broke(tmp_path):
    path = _write(tmp_path, _citation("1", "<Abstract><AbstractText>One.</AbstractText></Abstract>") + "<PubmedArticle><Medline")
    with pytest.raises(InputError, match=r"set\.xml: malformed XML at line 2, column \d+: [^,]+$"):
        read_path(path, EN)


def test_other_xml_is_still_an_article(tmp_path):
    path = tmp_path / "note.xml"
    path.write_text("<note><p>PubmedArticleSet is only a word here.</p></note>", encoding="utf-8")
    (document,) = read_path(path, EN).documents
    assert document.doc_id is None and document.text == "PubmedArticleSet is only a word here."


def test_a_build_stores_each_citation_under_its_pmid(tmp_path):
    from medkb.kb.build.builder import build
    from medkb.store import database

    report = build("en", corpus=[FIXTURE], home=tmp_path, embedder=None)
    assert report.status == "built" and not report.skipped
    with database.open_existing("en", tmp_path) as con:
        rows = con.execute("SELECT doc_id, title, json_extract_string(metadata, '$.journal') FROM documents ORDER BY doc_id").fetchall()
        passages = con.execute("SELECT count(*) FROM passages WHERE doc_id = '30108519'").fetchone()[0]
    assert rows == [
        ("12091962", "The treatment of AIDS behind the walls of correctional facilities.", "Social justice (San Francisco, Calif.)"),
        ("30108519", read_path(FIXTURE, EN).documents[0].title, "Frontiers in physiology"),
    ]
    assert passages >= 2
