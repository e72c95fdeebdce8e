"""Concepts from an HPO babelon translation profile (`hp-ja.babelon.tsv`).

Each row translates one English label or synonym (`source_value`) of one HPO
term (`subject_id`) into `translation_language`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from medkb.ingest.terms.cells import clean
from medkb.ingest.terms.concepts import ConceptCollector, add_label
from medkb.ingest.terms.terminology import Terminology
from medkb.ingest.terms.tsv import Row
from medkb.store.errors import InputError
from medkb.store.languages import LANGUAGES

HPO_SOURCE = "hpo"

REQUIRED_COLUMNS = (
    "subject_id",
    "predicate_id",
    "source_language",
    "source_value",
    "translation_language",
    "translation_value",
    "translation_status",
)

# Only exact names of the term become labels, as with OBO synonyms (see obo.py):
# related, broad and narrow synonyms name other concepts, and definitions
# (IAO:0000115) are not names at all.
PREDICATE_KINDS = {"rdfs:label": "preferred", "oboInOwl:hasExactSynonym": "synonym"}

# CANDIDATE (and other non-OFFICIAL) translations are unreviewed proposals,
# often machine translated; a knowledge base that links text to concepts
# through them would spread their errors, so only OFFICIAL rows are read.
ACCEPTED_STATUS = "OFFICIAL"


def is_babelon(header: list[str]) -> bool:
    """Babelon headers are recognised by the columns no other format uses."""
    return {"subject_id", "translation_value"} <= set(header)


def read_babelon(path: Path, header: list[str], rows: Iterator[Row]) -> Terminology:
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InputError(
            path,
            f"babelon header lacks {', '.join(missing)}: found columns {', '.join(header)}; expected {', '.join(REQUIRED_COLUMNS)}",
        )
    column = {name: header.index(name) for name in REQUIRED_COLUMNS}
    collector = ConceptCollector(HPO_SOURCE)
    for line, cells in rows:
        value = {name: cells[index].strip() for name, index in column.items()}
        kind = PREDICATE_KINDS.get(value["predicate_id"])
        if value["translation_status"].upper() != ACCEPTED_STATUS or kind is None:
            continue
        if not value["subject_id"]:
            raise InputError(path, f"line {line}: the subject_id cell is empty")
        concept = collector.concept(value["subject_id"])
        for lang_column, text_column in (
            ("source_language", "source_value"),
            ("translation_language", "translation_value"),
        ):
            text = clean(value[text_column])
            if text is not None:
                add_label(concept, _language(path, line, value[lang_column]), text, kind)
    return Terminology(name=HPO_SOURCE, path=str(path), concepts=collector.concepts())


def _language(path: Path, line: int, lang: str) -> str:
    if lang not in LANGUAGES:
        raise InputError(path, f"line {line}: language {lang!r} is not one of {' '.join(LANGUAGES)}")
    return lang
