"""What each column of a terminology TSV header holds.

Label columns are `label`, `local_label`/`local_term` (language from --lang or
the file name), `<lang>_label`/`<lang>_term`, bare language codes (the seed
lexicon), and `synonyms`/`<lang>_synonyms`. Beside them: an optional id column,
code columns, `type`, and any other column, which is ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from medkb.ingest.terms.cells import (
    CellReader,
    listed_labels,
    single_label,
    synonym_labels,
    variant_labels,
)
from medkb.ingest.terms.naming import language_prefix
from medkb.store.errors import InputError
from medkb.store.languages import LANGUAGES

ID_COLUMNS = ("id", "concept_id", "code")
CODE_COLUMNS = {"mondo_id": "mondo", "icd10": "icd10", "atc": "atc"}
TYPE_COLUMN = "type"

EXPECTED_COLUMNS = (
    f"an optional id column ({', '.join(ID_COLUMNS)}) and at least one label column "
    "(label, local_label, local_term, synonyms, <lang>_label, <lang>_term, <lang>_synonyms "
    f"or a bare <lang>, where <lang> is one of {' '.join(LANGUAGES)}), "
    "or an HPO babelon header (subject_id, predicate_id, source_language, source_value, "
    "translation_language, translation_value, translation_status)"
)


@dataclass(frozen=True)
class LabelColumn:
    index: int
    name: str
    lang: str
    read: CellReader


@dataclass(frozen=True)
class TableLayout:
    id_index: int | None
    label_columns: list[LabelColumn]
    code_columns: dict[str, int]  # code system -> column index
    type_index: int | None
    is_lexicon: bool  # label columns named by bare language codes

    def english_column(self) -> LabelColumn | None:
        """The first English label column: what rows are keyed on when there is no id."""
        return next(
            # A synonym list names no single term to key a row on.
            (c for c in self.label_columns if c.lang == "en" and c.read is not synonym_labels),
            None,
        )


def table_layout(path: Path, header: list[str], lang: str | None) -> TableLayout:
    """Read the header; raise InputError when it has no label column or a column's
    language cannot be told."""
    names = [name.lower() for name in header]

    def file_language(column: str) -> str:
        found = lang or language_prefix(path)
        if found is None:
            raise InputError(
                path,
                f"cannot tell the language of column {column!r}: pass --lang or name the file <lang>_<name>.tsv",
            )
        return found

    label_columns = [column for index, name in enumerate(names) if (column := _label_column(index, name, file_language)) is not None]
    if not label_columns:
        found = ", ".join(header) if any(header) else "none"
        raise InputError(path, f"unrecognised header: found columns {found}; expected {EXPECTED_COLUMNS}")
    return TableLayout(
        id_index=next((names.index(name) for name in ID_COLUMNS if name in names), None),
        label_columns=label_columns,
        code_columns={CODE_COLUMNS[name]: i for i, name in enumerate(names) if name in CODE_COLUMNS},
        type_index=names.index(TYPE_COLUMN) if TYPE_COLUMN in names else None,
        is_lexicon=any(column.name in LANGUAGES for column in label_columns),
    )


def _label_column(index: int, name: str, file_language: Callable[[str], str]) -> LabelColumn | None:
    if name in LANGUAGES:
        return LabelColumn(index, name, name, listed_labels)
    if name == "label":
        return LabelColumn(index, name, file_language(name), single_label)
    if name in ("local_label", "local_term"):
        return LabelColumn(index, name, file_language(name), variant_labels)
    if name == "synonyms":
        return LabelColumn(index, name, file_language(name), synonym_labels)
    prefix, _, suffix = name.partition("_")
    if prefix in LANGUAGES and suffix in ("label", "term"):
        return LabelColumn(index, name, prefix, single_label)
    if prefix in LANGUAGES and suffix == "synonyms":
        return LabelColumn(index, name, prefix, synonym_labels)
    return None
