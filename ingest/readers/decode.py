"""Bytes to text, shared by every text format: gzip, byte-order marks, legacy encodings, binary files.

Offsets everywhere point into the text as returned here, after newlines are
normalised to "\\n".
"""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from pathlib import Path

from medkb.store.errors import InputError

_GZIP_MAGIC = b"\x1f\x8b"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),  # the utf-16 codec reads the BOM and drops it
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Legacy encodings that the Thai, Chinese, Japanese and Korean corpora are really written in,
# under the names charset-normalizer gives them.
_DETECTABLE_ENCODINGS = frozenset(
    {
        "cp874",
        "tis_620",
        "iso8859_11",
        "gb18030",
        "gbk",
        "gb2312",
        "shift_jis",
        "cp932",
        "euc_jp",
        "euc_jis_2004",
        "euc_jisx0213",
        "euc_kr",
        "cp949",
    }
)
# Latin-script legacy text is read as Windows Western (cp1252): charset-normalizer often names the
# Central European page for it, and English, Swahili and Yoruba are not written in that one.
_WESTERN_LATIN_LOOKALIKES = frozenset({"cp1252", "latin_1", "iso8859_15", "cp1250"})
_WESTERN_LATIN = "cp1252"
_MAX_CHAOS_PERCENT = 10.0  # charset-normalizer's "mess" of its best decoding; above this it is a guess

# Tab, line feed, form feed and carriage return occur in text; other C0 controls and DEL do not.
_CONTROL_BYTES = bytes(sorted(set(range(32)) - {9, 10, 12, 13} | {127}))
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_MAX_CONTROL_SHARE = 0.01


def load_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's content, un-gzipped when it starts with the gzip magic bytes, never over `max_bytes`."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(path, f"the file is {size:,} bytes, over the limit of {max_bytes:,}")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read the file ({error.strerror})") from None
    if data.startswith(_GZIP_MAGIC):
        data = _gunzip(path, data, max_bytes)
    if not data:
        raise InputError(path, "empty file")
    return data


def _gunzip(path: Path, data: bytes, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as compressed:
            content = compressed.read(max_bytes + 1)  # bounded, so that a gzip bomb stops at the limit
    except EOFError:
        raise InputError(path, "truncated gzip file (it ends before the compressed data does)") from None
    except (gzip.BadGzipFile, zlib.error) as error:
        raise InputError(path, f"corrupt gzip file ({error})") from None
    if len(content) > max_bytes:
        raise InputError(path, f"the file decompresses to more than the limit of {max_bytes:,} bytes")
    return content


def decode_text(path: Path, data: bytes) -> str:
    """`data` as text with "\\n" newlines; InputError for binary data or an encoding that cannot be told."""
    text = _decode_with_bom(path, data)
    if text is None:
        # Without a BOM every accepted encoding is ASCII-compatible, so control bytes are control characters.
        if _looks_binary(data):
            raise InputError(path, "binary data, not text")
        text = _decode_or_none(data, "utf-8") or _decode_detected(data)
        if text is None:
            raise InputError(path, "not UTF-8 and its encoding could not be determined")
    elif _looks_binary(text.encode("utf-8")):
        raise InputError(path, "binary data, not text")
    return normalise_newlines(text)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_line_lengths(path: Path, text: str, max_chars: int) -> None:
    """InputError naming the first line longer than `max_chars`."""
    if len(text) <= max_chars:
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > max_chars:
            problem = f"line {number} is {len(line):,} characters long, over the limit of {max_chars:,}"
            raise InputError(path, problem)


def _decode_with_bom(path: Path, data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                problem = f"not valid {encoding} despite its byte-order mark ({error.reason} at byte {error.start})"
                raise InputError(path, problem) from None
    return None


def _decode_or_none(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _decode_detected(data: bytes) -> str | None:
    """charset-normalizer's best decoding, if it is confident and in an encoding the corpus languages use.

    Only the best guess counts: a runner-up in an accepted encoding is what
    text in another one (Cyrillic KOI8-R, say) looks like decoded wrongly.
    """
    from charset_normalizer import from_bytes  # here: most files decode as UTF-8 and never need it

    best = from_bytes(data).best()
    if best is None or best.percent_chaos > _MAX_CHAOS_PERCENT:
        return None
    if best.encoding in _DETECTABLE_ENCODINGS:
        return str(best)
    if best.encoding in _WESTERN_LATIN_LOOKALIKES:
        return _decode_or_none(data, _WESTERN_LATIN)
    return None


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    control_count = len(data.translate(None, _NOT_CONTROL_BYTES))
    return control_count > len(data) * _MAX_CONTROL_SHARE
