"""HTML and XHTML: main text only, headings as sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from medkb.ingest.readers import ReadOptions, read_path
from medkb.store.errors import InputError
from medkb.store.records import Document
from test_readers_invariants import assert_valid_sections, section_texts

PAGE = """<!DOCTYPE html>
<html><head><title> ไข้เลือดออก | กรมควบคุมโรค </title>
<style>body { color: red }</style><script>var secret = "tracking";</script></head>
<body>
<header><h1>Site banner</h1><nav><a href="/">หน้าแรก</a></nav></header>
<div role="navigation">เมนู</div>
<main>
  <article>
    <header><h1>ไข้เลือดออก</h1></header>
    <p>โรคที่มี<b>ยุงลาย</b>เป็น   พาหะ<br>พบบ่อยในฤดูฝน</p>
    <h2>อาการ</h2>
    <ul><li>ไข้สูง</li><li>ปวดศีรษะ</li></ul>
    <div hidden>ข้อความซ่อน</div><span style="display: none">ซ่อนอีก</span>
    <h3>อาการรุนแรง</h3>
    <table><tr><th>ระยะ</th><td>วิกฤต</td></tr></table>
    <h2>การรักษา</h2>
    <pre>ดื่มน้ำ
  พักผ่อน</pre>
    <aside>บทความที่เกี่ยวข้อง</aside>
    <form><input value="ค้นหา">ค้นหา</form>
    <noscript>เปิด JavaScript</noscript>
  </article>
</main>
<footer role="contentinfo">© 2024</footer>
<script>document.write("late");</script>
</body></html>
"""
BODY_LINES = ["โรคที่มียุงลายเป็น พาหะ", "พบบ่อยในฤดูฝน", "ไข้สูง", "ปวดศีรษะ", "ระยะ", "วิกฤต", "ดื่มน้ำ", "พักผ่อน"]


def read_html(tmp_path: Path, html: str, name: str = "page.html") -> Document:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    [document] = read_path(path, ReadOptions(lang="th")).documents
    return document


def test_main_text_with_headings_as_nested_sections(tmp_path: Path) -> None:
    document = read_html(tmp_path, PAGE)
    assert document.title == "ไข้เลือดออก | กรมควบคุมโรค"
    assert section_texts(document) == {
        ("ไข้เลือดออก",): "โรคที่มียุงลายเป็น พาหะ\nพบบ่อยในฤดูฝน",
        ("ไข้เลือดออก", "อาการ"): "ไข้สูง\nปวดศีรษะ",
        ("ไข้เลือดออก", "อาการ", "อาการรุนแรง"): "ระยะ\nวิกฤต",
        ("ไข้เลือดออก", "การรักษา"): "ดื่มน้ำ\nพักผ่อน",
    }
    assert_valid_sections(document, BODY_LINES)


@pytest.mark.parametrize(
    "dropped",
    ["tracking", "late", "color", "Site banner", "หน้าแรก", "เมนู", "ข้อความซ่อน", "ซ่อนอีก", "บทความที่เกี่ยวข้อง", "ค้นหา", "JavaScript", "2024"],
)
def test_scripts_navigation_and_page_furniture_are_dropped(tmp_path: Path, dropped: str) -> None:
    assert dropped not in read_html(tmp_path, PAGE).text


def test_whole_body_when_there_is_no_main_or_article(tmp_path: Path) -> None:
    document = read_html(tmp_path, "<html><body><h1>Cough</h1><p>Dry or wet.</p><div>Lasts days.</div></body></html>")
    assert document.title == "Cough"
    assert section_texts(document) == {("Cough",): "Dry or wet.\nLasts days."}


def test_every_top_level_article_is_read(tmp_path: Path) -> None:
    document = read_html(tmp_path, "<body><p>teaser</p><article><p>one</p></article><article><p>two</p></article></body>")
    assert document.text.index("one") < document.text.index("two")


def test_xhtml_with_an_xml_declaration(tmp_path: Path) -> None:
    xhtml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        "<head><title>Asthma</title></head><body><h1>Asthma</h1><p>Airways narrow.</p></body></html>"
    )
    document = read_html(tmp_path, xhtml, name="page.xhtml")
    assert document.title == "Asthma"
    assert section_texts(document) == {("Asthma",): "Airways narrow."}


def test_markup_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.htm"
    path.write_text("<html><head><script>x()</script></head><body><nav>menu</nav></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="no text"):
        read_path(path, ReadOptions(lang="en"))


SPONSORED = """<html><head><title>Can COPD be inherited? | Health site</title></head><body>
<div class="sidebar"><h3>Health Solutions From Our Sponsors</h3><ul>
<li><a href="/a">Sponsored: try this inhaler today</a></li><li><a href="/b">Sponsored: ten foods for lungs</a></li>
<li><a href="/c">Sponsored: find a clinic near you</a></li></ul></div>
<div class="content"><h1>Can COPD be inherited?</h1>
<p>Chronic obstructive pulmonary disease is mostly caused by smoking, but a rare inherited condition,
alpha-1 antitrypsin deficiency, can cause COPD in people who have never smoked.</p>
<p>People with a family history of early emphysema should ask their doctor about a blood test for
alpha-1 antitrypsin, since the deficiency is passed on through the genes of both parents.</p>
<p>Treatment of inherited COPD follows the same steps as other COPD, with augmentation therapy for some
patients whose levels of the protein are very low.</p></div>
<div class="share">Share on Facebook | Share on Twitter | Email this page</div>
<div class="footer-links"><a href="/about">About us</a> <a href="/privacy">Privacy</a> <a href="/terms">Terms of use</a></div>
</body></html>"""


def test_sponsor_blocks_share_links_and_link_lists_are_left_out(tmp_path: Path) -> None:
    document = read_html(tmp_path, SPONSORED)
    assert "alpha-1 antitrypsin deficiency" in document.text
    for chrome in ("Sponsored", "Health Solutions From Our Sponsors", "Share on Facebook", "Privacy"):
        assert chrome not in document.text
    assert not any("Sponsors" in part for section in document.sections for part in section.path)
