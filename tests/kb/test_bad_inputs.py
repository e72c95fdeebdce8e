"""A folder of bad files: each is reported with its problem and skipped, and nothing is lost."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from typer.testing import CliRunner

import medkb
from medkb.kb.cli.app import app
from medkb.store import database
from medkb.store.errors import InputError

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<article><body><p>&lol3;</p></body></article>
"""


def write_bad_files(folder: Path) -> dict[str, str]:
    """Bad files, each with a word its error message must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "truncated.xml").write_text("<article><body><sec><title>A</title><p>ไข้เลือดออก", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "empty.md").write_bytes(b"")
    (folder / "wrong-encoding.txt").write_bytes("ผู้ป่วยโรคเบาหวาน".encode("utf-32-le"))
    (folder / "bomb.xml").write_text(BOMB, encoding="utf-8")
    (folder / "huge-line.txt").write_text("ก" * 2_000_001, encoding="utf-8")
    (folder / "truncated.md.gz").write_bytes(gzip.compress("# หัวข้อ\n\nเนื้อหา\n".encode() * 50)[:-30])
    return {
        "truncated.xml": "xml",
        "binary.txt": "binary",
        "empty.md": "empty",
        "wrong-encoding.txt": "binary data, not text",  # UTF-32: a NUL in every character
        "bomb.xml": "entit",
        "huge-line.txt": "line 1",
        "truncated.md.gz": "gzip",
    }


def test_each_bad_file_is_skipped_and_named_with_its_problem(thai_corpus, home):
    expected = write_bad_files(thai_corpus / "bad")
    report = medkb.build("th", corpus=[thai_corpus], home=home)
    skipped = {Path(s["path"]).name: s["problem"] for s in report.skipped}
    assert set(skipped) == set(expected)
    for name, word in expected.items():
        assert word.lower() in skipped[name].lower(), (name, skipped[name])
    good = len(list(thai_corpus.glob("*.md")))
    assert report.counts["documents"] == good


def test_bad_files_added_later_lose_nothing_from_the_previous_store(thai_corpus, home):
    first = medkb.build("th", corpus=[thai_corpus], home=home)
    write_bad_files(thai_corpus / "bad")
    second = medkb.build("th", corpus=[thai_corpus], home=home)
    assert second.counts["documents"] == first.counts["documents"]
    assert second.counts["mentions"] == first.counts["mentions"]
    # still reported on the next, no-change build: the store remembers why a file is out
    third = medkb.build("th", corpus=[thai_corpus], home=home)
    assert third.status == "up to date" and len(third.skipped) == len(second.skipped)


def test_strict_mode_makes_a_bad_file_fatal_and_keeps_the_old_store(thai_corpus, home):
    medkb.build("th", corpus=[thai_corpus], home=home)
    before = database.store_path("th", home).read_bytes()
    (thai_corpus / "empty.md").write_bytes(b"")
    with pytest.raises(InputError, match="empty.md"):
        medkb.build("th", corpus=[thai_corpus], home=home, strict=True)
    assert database.store_path("th", home).read_bytes() == before


def test_cli_reports_errors_in_one_line_with_a_nonzero_exit(tmp_path, home):
    runner = CliRunner()
    result = runner.invoke(app, ["build", "--lang", "xx", "--home", str(home)])
    assert result.exit_code == 1
    assert "unknown language 'xx'" in result.output
    result = runner.invoke(app, ["build", "--lang", "th", "--corpus", str(tmp_path / "nope"), "--home", str(home)])
    assert result.exit_code == 1 and "corpus not found" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_json_summary_is_machine_readable(thai_corpus, home):
    import json

    runner = CliRunner()
    result = runner.invoke(app, ["build", "--lang", "th", "--corpus", str(thai_corpus), "--home", str(home), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "built" and summary["counts"]["documents"] > 30
    result = runner.invoke(app, ["stats", "--lang", "th", "--home", str(home), "--json"])
    stats = json.loads(result.stdout)
    assert stats["tables"]["documents"] == summary["counts"]["documents"]
    assert stats["mentions_by_method"]["terminology"] > 0
