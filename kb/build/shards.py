"""Parquet shards of per-document rows: written where files are processed, merged into the store.

A shard holds one batch's rows of one per-document table, each row keyed by
its file's place in the corpus and its document's place in the file. The
merge inserts them in that order, and resolves document ids taken twice as
a one-worker build does (the first file in corpus order keeps the id), so
the store is the same whoever processed the files.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from medkb.ingest.pipeline import FileResult
from medkb.kb.build.writer import document_rows
from medkb.store import database
from medkb.store.schema import PER_DOCUMENT, TABLES

KEY_COLUMNS = "file_index INTEGER, doc_index INTEGER"


class ShardWriter:
    """Collects a batch's rows in an in-memory DuckDB and writes one Parquet file per table."""

    def __init__(self, folder: Path, batch_id: int):
        self.folder = Path(folder)
        self.name = f"{batch_id:06d}.parquet"
        self.con = duckdb.connect()
        for table in PER_DOCUMENT:
            self.con.execute(f"CREATE TABLE {table} ({KEY_COLUMNS}, {TABLES[table]})")

    def add(self, file_index: int, result: FileResult) -> None:
        rows: dict[str, list[tuple]] = {table: [] for table in PER_DOCUMENT}
        for doc_index, doc in enumerate(result.documents, start=result.first_document):
            for table, doc_rows in document_rows(result.path, doc).items():
                rows[table] += [(file_index, doc_index, *row) for row in doc_rows]
        for table, table_rows in rows.items():
            database.insert(self.con, table, table_rows)

    def write(self) -> None:
        """Every table, empty ones too (the merge reads each table's shards); each file appears whole or not at all."""
        for table in PER_DOCUMENT:
            target = self.folder / table / self.name
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            self.con.execute(f"COPY {table} TO '{_quoted(partial)}' (FORMAT parquet)")
            os.replace(partial, target)  # a retried task may write the same shard again; readers never see half of one
        self.con.close()


def merge_shards(con, folder: Path) -> list[tuple[int, str]]:
    """Insert every shard's rows in corpus order; returns (file index, doc id) of documents left out.

    A document is left out when its id is already in the store or an earlier
    document (in corpus order) of these shards has it.
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE shard_documents AS
        SELECT file_index, doc_index, doc_id,
               row_number() OVER (PARTITION BY doc_id ORDER BY file_index, doc_index) = 1
               AND doc_id NOT IN (SELECT doc_id FROM documents) AS kept
        FROM read_parquet('{_shards_of(folder, "documents")}')""")
    con.execute("CREATE OR REPLACE TEMP TABLE shard_kept AS SELECT file_index, doc_index FROM shard_documents WHERE kept")
    for table in PER_DOCUMENT:
        con.execute(f"""
            INSERT INTO {table}
            SELECT * EXCLUDE (file_index, doc_index, file_row_number)
            FROM read_parquet('{_shards_of(folder, table)}', file_row_number = true)
            SEMI JOIN shard_kept USING (file_index, doc_index)
            ORDER BY file_index, doc_index, file_row_number""")
    left_out = con.execute("SELECT file_index, doc_id FROM shard_documents WHERE NOT kept ORDER BY file_index, doc_index").fetchall()
    con.execute("DROP TABLE shard_documents")
    con.execute("DROP TABLE shard_kept")
    return left_out


def _shards_of(folder: Path, table: str) -> str:
    return _quoted(Path(folder) / table / "*.parquet")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
