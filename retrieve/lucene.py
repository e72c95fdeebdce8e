"""BM25 with Lucene (Anserini, through pyserini): the sparse engine for corpora too large for bm25s,
which holds its whole matrix in memory while it indexes.

Lucene is given each passage already cut into the terms that bm25s indexes
(retrieve.analyzer.index_terms), joined by spaces and indexed with Anserini's `-pretokenized`
(a whitespace analyzer), so that every language, Thai too, for which Lucene has no analyzer, is
searched on the same terms with either engine. A passage's Lucene id is its index row, zero-padded:
Anserini breaks score ties by id, so ties fall by row, as in bm25s.

Scores follow the same formula as bm25s's `lucene` method (Lucene drops the (k1 + 1) factor too),
with three differences: Lucene keeps a passage's length in one byte (exact below 24 terms, a few
per cent off above), Anserini rounds scores to 4 decimals, and a passage without terms is not
indexed, so the passage count of idf and the mean length leave it out.

Beside the Lucene index (`lucene/`), medkb keeps two files it reads itself: the vocabulary,
sorted (whether a query word is known, and the known pieces of an unknown Thai, Chinese or Japanese
word), and each passage's terms (which query terms a hit holds, for its explanation).
"""

from __future__ import annotations

import json
import os
import shutil
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

import numpy as np

from medkb.retrieve import lucene_jvm
from medkb.retrieve.packed import PackedStrings, PackedWriter
from medkb.retrieve.sparse import BM25Params, known_pieces
from medkb.store.errors import UsageError

LUCENE_DIR, INPUT_DIR = "lucene", "lucene-input"
VOCABULARY, PASSAGE_TERMS = "vocabulary", "passage_terms"
PART_PASSAGES = 50_000  # passages per collection file: Anserini's indexing threads each take a file
ID_DIGITS = 10
FIELD = "contents"
MAX_CLAUSES = 1 << 16  # Lucene's default of 1,024 terms a query could be passed by a long query and its concepts


class LuceneWriter:
    """Writes the Lucene index of passages given batch by batch, in row order."""

    def __init__(self, folder: Path, params: BM25Params, threads: int | None = None):
        _check_params(params)
        lucene_jvm.start_jvm()  # before any work: without the packages, say so at once
        self.folder, self.threads = folder, threads or os.cpu_count() or 1
        (folder / INPUT_DIR).mkdir()
        self.rows, self.with_terms = 0, 0
        self.vocabulary: set[str] = set()
        self.part: TextIO | None = None
        self.passage_terms = PackedWriter(folder, PASSAGE_TERMS)

    def add(self, batch: list[list[str]]) -> None:
        for terms in batch:
            if self.part is None or self.rows % PART_PASSAGES == 0:
                self.part = self._next_part()
            contents = " ".join(terms)
            self.part.write(json.dumps({"id": _lucene_id(self.rows), FIELD: contents}, ensure_ascii=False) + "\n")
            self.passage_terms.add([contents])
            self.vocabulary.update(terms)
            self.with_terms += bool(terms)
            self.rows += 1

    def finish(self) -> None:
        """Index what was added, then drop the collection files."""
        if self.part:
            self.part.close()
        self.passage_terms.close()
        with PackedWriter(self.folder, VOCABULARY) as vocabulary:
            vocabulary.add(sorted(self.vocabulary))
        self._index()
        shutil.rmtree(self.folder / INPUT_DIR)

    def _next_part(self) -> TextIO:
        if self.part:
            self.part.close()
        return open(self.folder / INPUT_DIR / f"part-{self.rows // PART_PASSAGES:05d}.jsonl", "w", encoding="utf-8")

    def _index(self) -> None:
        output = self.folder / LUCENE_DIR
        lucene_jvm.java_class("io.anserini.index.IndexCollection").main(
            [
                "-collection",
                "JsonCollection",
                "-generator",
                "DefaultLuceneDocumentGenerator",
                "-input",
                str(self.folder / INPUT_DIR),
                "-index",
                str(output),
                "-threads",
                str(self.threads),
                "-pretokenized",
                "-optimize",
                "-quiet",
            ]
        )
        indexed = _count_documents(output)
        if indexed != self.with_terms:  # Anserini counts failures and goes on: a short index is a failed build
            raise RuntimeError(f"Lucene indexed {indexed} of the {self.with_terms} passages with terms into {output}")


class LuceneIndex:
    """The sparse ranker of an index built by LuceneWriter: what the searcher asks of bm25s's SparseIndex."""

    def __init__(self, folder: Path, params: BM25Params, n_passages: int):
        _check_params(params)
        lucene = lucene_jvm.lucene()
        self.searcher = lucene.LuceneSearcher(str(folder / LUCENE_DIR))
        self.searcher.set_bm25(params.k1, params.b)
        self.query = _QueryClasses()
        lucene_jvm.java_class("org.apache.lucene.search.IndexSearcher").setMaxClauseCount(MAX_CLAUSES)
        self.vocabulary = PackedStrings(folder, VOCABULARY)
        self.passage_terms = PackedStrings(folder, PASSAGE_TERMS)
        self.n_passages = n_passages

    def top(self, weighted_terms: dict[str, float], depth: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows of the `depth` best passages, best first, and their scores: a term's score is
        multiplied by its weight (a boosted term query), and the terms' scores are summed."""
        weighted = [(term, float(weight)) for term, weight in weighted_terms.items() if weight]
        if not weighted:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        # Lucene's term dictionary passes over unknown terms faster than a bisect of the vocabulary here.
        q = self.query
        builder = q.BooleanQueryBuilder()
        for term, weight in weighted:
            builder.add(q.BoostQuery(q.TermQuery(q.Term(FIELD, term)), weight), q.should)
        # What LuceneSearcher.search does with a Lucene query, less its Python pass over the hits for
        # duplicate ids (each row has one id): that pass took 0.4 of a search's 1.8 ms.
        hits = self.searcher.object.search(builder.build(), depth)
        return np.array([int(h.docid) for h in hits], np.int64), np.array([h.score for h in hits], np.float32)

    def holding(self, terms: Iterable[str], rows: Sequence[int] | np.ndarray) -> list[set[str]]:
        """For each row, the terms that its passage has among its index terms."""
        wanted = set(terms)
        return [wanted.intersection(self.passage_terms[int(row)].split(" ")) for row in rows]

    def known(self, term: str) -> bool:
        i = bisect_left(self.vocabulary, term)
        return i < len(self.vocabulary) and self.vocabulary[i] == term

    def known_pieces(self, term: str, shortest: int = 2) -> list[str]:
        return known_pieces(term, self.known, shortest)


class _QueryClasses:
    """Lucene's query classes, looked up once and called directly."""

    def __init__(self):
        self.should = lucene_jvm.java_class("org.apache.lucene.search.BooleanClause$Occur").SHOULD
        self.BooleanQueryBuilder = lucene_jvm.java_class("org.apache.lucene.search.BooleanQuery$Builder")
        self.BoostQuery = lucene_jvm.java_class("org.apache.lucene.search.BoostQuery")
        self.TermQuery = lucene_jvm.java_class("org.apache.lucene.search.TermQuery")
        self.Term = lucene_jvm.java_class("org.apache.lucene.index.Term")


def _check_params(params: BM25Params) -> None:
    if params.method != "lucene":
        raise UsageError(f"the lucene engine scores with Lucene's own BM25 idf (method 'lucene'), not {params.method!r}")


def _lucene_id(row: int) -> str:
    return f"{row:0{ID_DIGITS}d}"


def _count_documents(index: Path) -> int:
    path = lucene_jvm.java_class("java.io.File")(str(index)).toPath()
    directory = lucene_jvm.java_class("org.apache.lucene.store.FSDirectory").open(path)
    reader = lucene_jvm.java_class("org.apache.lucene.index.DirectoryReader").open(directory)
    try:
        return reader.numDocs()
    finally:
        reader.close()
        directory.close()
