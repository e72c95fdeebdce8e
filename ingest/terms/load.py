"""Loading a terminology file of any supported format, told apart by name and content."""

from __future__ import annotations

from pathlib import Path

from medkb.ingest.terms.babelon import is_babelon, read_babelon
from medkb.ingest.terms.obo import is_obo, read_obo
from medkb.ingest.terms.table import read_table
from medkb.ingest.terms.terminology import Terminology
from medkb.ingest.terms.textfile import read_text
from medkb.ingest.terms.tsv import split_tsv
from medkb.store.languages import get_language


def load_terminology(path: Path, *, lang: str | None = None) -> Terminology:
    """Read an OBO file (`.obo`), an HPO babelon TSV, a generic terminology TSV
    (`.tsv`, `.tsv.gz`) or the seed lexicon.

    `lang` is the language of columns that do not name one (`label`,
    `local_term`...) and of OBO names; without it, the file name's prefix
    (`th_tico_dev.tsv`) tells. Raises InputError naming the file and the problem.
    """
    path = Path(path)
    if lang is not None:
        get_language(lang)
    text = read_text(path)
    if is_obo(path, text):
        return read_obo(path, text, lang)
    header, rows = split_tsv(path, text)
    if is_babelon(header):
        return read_babelon(path, header, rows)
    return read_table(path, header, rows, lang)
