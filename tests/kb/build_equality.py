"""What the parallel and distributed build tests share: stores compared table by table, and test corpora."""

from __future__ import annotations

import json
from pathlib import Path

from medkb.store import database
from medkb.store.schema import TABLES

# Everything a build row holds except when it ran and how long it took.
BUILD_COLUMNS = "build_id, tool_version, schema_version, lang, settings, settings_key, inputs, counts, problems"


def store_tables(lang: str, home: Path) -> dict[str, list[tuple]]:
    """Every table's rows, all columns, in the order the store holds them."""
    with database.open_existing(lang, home) as con:
        return {table: con.execute(f"SELECT {BUILD_COLUMNS if table == 'builds' else '*'} FROM {table}").fetchall() for table in TABLES}


def assert_same_store(lang: str, expected_home: Path, home: Path) -> None:
    """The same rows in every table, in the same physical order."""
    expected, actual = store_tables(lang, expected_home), store_tables(lang, home)
    for table in TABLES:
        assert len(actual[table]) == len(expected[table]), f"{table}: {len(actual[table])} rows, expected {len(expected[table])}"
        assert actual[table] == expected[table], f"{table}: rows differ"


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def jsonl_slice(path: Path, n: int) -> list[dict]:
    """The first `n` records of a JSONL corpus file."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            records.append(json.loads(line))
            if len(records) == n:
                break
    return records


def colliding_corpus(folder: Path) -> Path:
    """Two JSONL files and a Markdown file whose document ids meet: the first file in corpus order keeps each id."""
    write_jsonl(
        folder / "a.jsonl",
        [
            {"doc_id": "shared", "title": "Asthma", "text": "Asthma is a chronic disease of the airways. Inhaled corticosteroids control it."},
            {"doc_id": "notes", "title": "Dengue", "text": "Dengue fever is spread by mosquitoes. Warning signs need hospital care."},
        ],
    )
    write_jsonl(
        folder / "b.jsonl",
        [
            {"doc_id": "shared", "title": "Malaria", "text": "Malaria is diagnosed with a rapid test or a blood smear."},
            {"doc_id": "own", "title": "Tuberculosis", "text": "Tuberculosis treatment lasts six months. Adherence matters."},
        ],
    )
    (folder / "notes.md").write_text("# Hypertension\n\nHigh blood pressure raises the risk of stroke.\n", encoding="utf-8")
    return folder
