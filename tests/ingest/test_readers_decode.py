"""Bytes to text for every text format: encodings, BOMs, gzip, binary and oversized input, dispatch."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from medkb.ingest.readers import SUPPORTED_SUFFIXES, ReadOptions, read_path
from medkb.store.errors import InputError

THAI = "การรักษาผู้ป่วยโรคเบาหวานชนิดที่สอง\nผู้ป่วยควรได้รับการตรวจระดับน้ำตาลในเลือดเป็นประจำ และควบคุมอาหารอย่างเหมาะสม\n"
JAPANESE = "糖尿病の治療について\n患者は定期的に血糖値を測定し、食事療法と運動療法を続けることが大切です。\n"
KOREAN = "당뇨병 치료\n환자는 정기적으로 혈당을 측정하고 식이요법과 운동요법을 계속해야 합니다.\n"
CHINESE = "糖尿病的治疗\n患者应定期监测血糖，并坚持饮食控制和运动治疗。\n"
OPTIONS = ReadOptions(lang="th")


def read_text(path: Path, data: bytes, options: ReadOptions = OPTIONS) -> str:
    path.write_bytes(data)
    [document] = read_path(path, options).documents
    return document.text


def read_error(path: Path, data: bytes, options: ReadOptions = OPTIONS) -> InputError:
    path.write_bytes(data)
    with pytest.raises(InputError) as raised:
        read_path(path, options)
    assert raised.value.path == str(path)
    return raised.value


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])  # Python's utf-16 writes a BOM
def test_unicode_with_or_without_bom_reads_to_the_same_text(tmp_path: Path, encoding: str) -> None:
    assert read_text(tmp_path / "note.txt", THAI.encode(encoding)) == THAI


def test_utf16_big_endian_with_bom(tmp_path: Path) -> None:
    assert read_text(tmp_path / "note.txt", b"\xfe\xff" + THAI.encode("utf-16-be")) == THAI


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(THAI, "cp874"), (JAPANESE, "shift_jis"), (JAPANESE, "euc_jp"), (KOREAN, "euc_kr"), (CHINESE, "gb18030")],
)
def test_legacy_encodings_of_the_corpus_languages_are_detected(tmp_path: Path, text: str, encoding: str) -> None:
    assert read_text(tmp_path / "note.txt", text.encode(encoding)) == text


def test_windows_and_old_mac_newlines_become_line_feeds(tmp_path: Path) -> None:
    assert read_text(tmp_path / "note.txt", b"one\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_empty_file(tmp_path: Path) -> None:
    assert "empty" in read_error(tmp_path / "empty.txt", b"").problem


def test_whitespace_only_file_has_no_text(tmp_path: Path) -> None:
    assert "no text" in read_error(tmp_path / "blank.md", b"  \n\n\t\n").problem


@pytest.mark.parametrize(
    "data",
    [
        b"some text\x00with a NUL byte",
        bytes(range(1, 32)) * 20 + b"mostly control characters",
        random.Random(7).randbytes(4096),
        random.Random(7).randbytes(4096).replace(b"\x00", b""),  # no NUL: the control bytes give it away
        "ผู้ป่วยโรคเบาหวาน".encode("utf-32-le"),
    ],
    ids=["nul", "controls", "random", "random-without-nul", "utf-32"],
)
def test_binary_data_named_txt_is_refused(tmp_path: Path, data: bytes) -> None:
    assert "binary data" in read_error(tmp_path / "note.txt", data).problem


def test_latin_script_legacy_text_is_read_as_windows_western(tmp_path: Path) -> None:
    text = "The patient’s fever – 39 °C – lasted “three days”.\nMgonjwa ana homa kali na kikohozi.\n"
    assert read_text(tmp_path / "note.txt", text.encode("cp1252")) == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Пациент жалуется на головную боль и высокую температуру.\n", "koi8_r"),
        ("المريض يشكو من صداع وحمى شديدة.\n", "cp1256"),
    ],
)
def test_encodings_the_corpus_languages_do_not_use_are_refused(tmp_path: Path, text: str, encoding: str) -> None:
    # charset-normalizer's runners-up for these include cp874 (as Thai mojibake): they must not be taken.
    assert "could not be determined" in read_error(tmp_path / "note.txt", text.encode(encoding)).problem


def test_invalid_utf16_after_its_bom_is_refused(tmp_path: Path) -> None:
    assert "byte-order mark" in read_error(tmp_path / "note.txt", b"\xff\xfe" + b"a\x00\x00\xd8").problem


def test_gzip_is_recognised_by_its_magic_bytes(tmp_path: Path) -> None:
    assert read_text(tmp_path / "note.txt.gz", gzip.compress(THAI.encode())) == THAI
    assert read_text(tmp_path / "mislabelled.txt", gzip.compress(THAI.encode())) == THAI


def test_truncated_gzip_is_refused(tmp_path: Path) -> None:
    data = gzip.compress(THAI.encode() * 100)
    assert "truncated gzip" in read_error(tmp_path / "note.txt.gz", data[: len(data) // 2]).problem


def test_corrupt_gzip_is_refused(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(THAI.encode() * 100))
    data[20:40] = bytes(20)
    assert "gzip" in read_error(tmp_path / "note.txt.gz", bytes(data)).problem


def test_gzip_bomb_stops_at_the_size_limit(tmp_path: Path) -> None:
    options = ReadOptions(lang="en", max_bytes=100_000)
    error = read_error(tmp_path / "bomb.txt.gz", gzip.compress(b"a" * 1_000_000), options)
    assert "decompresses to more than" in error.problem


def test_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    error = read_error(tmp_path / "big.txt", b"a" * 1000, ReadOptions(lang="en", max_bytes=999))
    assert "over the limit" in error.problem


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_huge_line_is_refused_naming_it(tmp_path: Path, suffix: str) -> None:
    data = ("first line\n" + "ก" * 2_000_001 + "\n").encode()
    error = read_error(tmp_path / f"huge{suffix}", data)
    assert "line 2 is 2,000,001 characters long" in error.problem


def test_unsupported_suffix_is_refused(tmp_path: Path) -> None:
    assert "unsupported file type" in read_error(tmp_path / "notes.doc", b"\xd0\xcf\x11\xe0").problem


def test_supported_suffixes_cover_each_format_plain_and_gzipped() -> None:
    formats = [".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".xml", ".nxml", ".jsonl", ".ndjson", ".pdf", ".docx"]
    assert set(SUPPORTED_SUFFIXES) == set(formats) | {suffix + ".gz" for suffix in formats}


def test_suffixes_are_matched_case_insensitively(tmp_path: Path) -> None:
    assert read_text(tmp_path / "NOTE.TXT", THAI.encode()) == THAI
