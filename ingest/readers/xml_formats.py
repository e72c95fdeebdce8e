"""`.xml` files of either kind: a PubMed citation set (a document per citation, pubmed.py) or an
article (JATS, or any other XML, xml.py), told apart by the root element."""

from __future__ import annotations

from pathlib import Path

from . import pubmed, xml
from .base import ReadOptions, ReadResult


def read(path: Path, data: bytes, options: ReadOptions) -> ReadResult:
    return (pubmed.read if pubmed.is_pubmed(data) else xml.read)(path, data, options)
