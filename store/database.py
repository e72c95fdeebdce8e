"""DuckDB I/O for a language's concept store: one file per language under the home folder."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from medkb.store.errors import UsageError
from medkb.store.schema import PER_DOCUMENT, TABLES

HOME_ENV = "MEDKB_HOME"


def default_home() -> Path:
    """The folder of the stores when no `home` is given.

    Returns:
        $MEDKB_HOME if set, else ~/.medkb (it may not exist yet).
    """
    return Path(os.environ.get(HOME_ENV) or Path.home() / ".medkb")


def store_path(lang: str, home: str | Path | None = None) -> Path:
    return Path(home or default_home()) / f"{lang}.duckdb"


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=read_only)


def open_existing(lang: str, home: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a built store, or a UsageError saying how to build it."""
    path = store_path(lang, home)
    if not path.exists():
        raise UsageError(f"no {lang} knowledge base at {path}: run `kb build --lang {lang}` first")
    return connect(path, read_only=True)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name, columns in TABLES.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")


# From this many rows on, an insert goes through NumPy columns that DuckDB scans, with list values as
# JSON text: statement parameters convert every value (every list element) on its own, which cost 3.4 s
# against 0.7 s for the passages of 1,263 MedQuAD documents; for a few rows they are quicker (1 ms against 4).
SCANNED_INSERT_ROWS = 256


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows column by column: one statement, not one per row (executemany is ~100x slower)."""
    if not rows:
        return
    if len(rows) >= SCANNED_INSERT_ROWS:
        _insert_scanned(con, table, rows)
        return
    columns = [list(column) for column in zip(*rows)]
    unnests = ", ".join(f"unnest(${i + 1}, max_depth := 1)" for i in range(len(columns)))
    con.execute(f"INSERT INTO {table} SELECT {unnests}", columns)


def _insert_scanned(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Sequence[Any]]) -> None:
    types = [row[1] for row in con.execute(f"DESCRIBE {table}").fetchall()]
    incoming = {}
    column: Sequence[Any]  # a table's column of values; list columns become JSON text
    for i, (column, column_type) in enumerate(zip(zip(*rows), types)):
        if column_type.endswith("[]"):
            column = [None if value is None else json.dumps(value, ensure_ascii=False) for value in column]
        incoming[f"c{i}"] = values = np.empty(len(rows), dtype=object)  # one Python object per row, even for lists
        values[:] = column
    selected = ", ".join(f"c{i}::JSON::{t}" if t.endswith("[]") else f"c{i}" for i, t in enumerate(types))
    con.register("incoming_rows", incoming)
    try:
        con.execute(f"INSERT INTO {table} SELECT {selected} FROM incoming_rows")
    finally:
        con.unregister("incoming_rows")


def delete_files(con: duckdb.DuckDBPyConnection, paths: Iterable[str]) -> None:
    """Remove files and everything derived from their documents."""
    paths = list(paths)
    if not paths:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE gone AS SELECT doc_id FROM documents WHERE file IN (SELECT unnest($1))", [paths])
    for table in PER_DOCUMENT:
        con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM gone)")
    con.execute("DELETE FROM files WHERE path IN (SELECT unnest($1))", [paths])


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


_BUILD_FIELDS = ("build_id", "settings_key", "tool_version", "schema_version", "finished_at", "timings")


def latest_build(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    row = con.execute(f"SELECT {', '.join(_BUILD_FIELDS)} FROM builds ORDER BY build_id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    return dict(zip(_BUILD_FIELDS, row))


def require_build(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, Any]:
    """The latest build of the `lang` store, or a UsageError: a store file that records none was not made by `kb build`."""
    build = latest_build(con)
    if build is None:
        raise UsageError(f"the {lang} knowledge base records no build: run `kb build --lang {lang}` to make it anew")
    return build


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    # count(*) returns exactly one row: fetchall, unlike fetchone, is not typed as maybe returning none
    return {name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] for name in TABLES if name != "builds"}
