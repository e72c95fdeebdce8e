"""BM25 over a language's passages with bm25s: plain arrays on disk, memory-mapped when loaded.

bm25s keeps, for every term, the BM25 score it gives each passage that holds it
(a CSC matrix). A query's scores are a weighted sum of its terms' columns, so
that expansion terms from the concept graph can count for less than the words
the user typed; with all weights 1 this is exactly bm25s's own `get_scores`.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from medkb.retrieve.fusion import top_k

# bm25s, with the SciPy it loads, takes about as long to import as DuckDB and NumPy together: building
# or loading an index imports it, checking that an index is current does not.
if TYPE_CHECKING:
    import bm25s


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.2
    b: float = 0.75
    method: str = "lucene"  # idf log(1 + (N - n + 0.5) / (n + 0.5)): never negative


class SparseIndex:
    def __init__(self, model: bm25s.BM25):
        self.model = model
        self.n_passages = int(model.scores["num_docs"])
        # Plain views of the (memory-mapped) matrix: slicing an np.memmap runs Python code each time.
        self._indptr, self._indices, self._data = (np.asarray(model.scores[k]).view(np.ndarray) for k in ("indptr", "indices", "data"))

    @classmethod
    def build(cls, corpus: CorpusTerms | list[list[str]], params: BM25Params = BM25Params()) -> SparseIndex:
        if not isinstance(corpus, CorpusTerms):
            corpus = CorpusTerms().add(corpus)
        import bm25s

        model = bm25s.BM25(k1=params.k1, b=params.b, method=params.method)
        model.index(corpus, show_progress=False)  # bm25s reads `ids` and `vocab`
        return cls(model)

    def save(self, folder: Path) -> None:
        self.model.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> SparseIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(folder), mmap=mmap, show_progress=False))

    def scores(self, weighted_terms: dict[str, float]) -> np.ndarray:
        """BM25 score of every passage for the terms, each column scaled by its weight."""
        vocab, indptr, indices, data = self.model.vocab_dict, self._indptr, self._indices, self._data
        rows, values = [], []
        for term, weight in weighted_terms.items():
            column = vocab.get(term)
            if column is None or weight == 0:
                continue
            start, end = indptr[column], indptr[column + 1]
            rows.append(indices[start:end])
            values.append(data[start:end] * np.float32(weight))
        if not rows:
            return np.zeros(self.n_passages, dtype=np.float32)
        summed = np.bincount(np.concatenate(rows), weights=np.concatenate(values), minlength=self.n_passages)
        return summed.astype(np.float32)

    def top(self, weighted_terms: dict[str, float], depth: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows of the `depth` best passages, best first (ties by row), and their scores."""
        scores = self.scores(weighted_terms)
        rows = top_k(scores, depth)
        return rows, scores[rows]

    def holding(self, terms: Iterable[str], rows: Sequence[int] | np.ndarray) -> list[set[str]]:
        """For each row, the terms that its passage has among its index terms. bm25s lists each
        term's passages in row order, so a binary search finds the rows, not a scan of the column."""
        rows = np.asarray(rows, dtype=np.int64)
        held: list[set[str]] = [set() for _ in range(len(rows))]
        for term in terms:
            column = self.model.vocab_dict.get(term)
            if column is None or column + 1 >= len(self._indptr):  # bm25s's empty token has no column
                continue
            postings = self._indices[self._indptr[column] : self._indptr[column + 1]]
            if len(postings):
                found = postings[np.minimum(np.searchsorted(postings, rows), len(postings) - 1)] == rows
                for i in np.flatnonzero(found).tolist():
                    held[i].add(term)
        return held

    def known(self, term: str) -> bool:
        return term in self.model.vocab_dict

    def known_pieces(self, term: str, shortest: int = 2) -> list[str]:
        return known_pieces(term, self.known, shortest)


def known_pieces(term: str, known: Callable[[str], bool], shortest: int = 2) -> list[str]:
    """Indexed terms that a term unknown to the index is made of, longest first from the left.

    Thai, Chinese and Japanese tokenizers cut a compound differently alone than inside a
    sentence (หอบหืด alone, หอบ|หืด in a passage): its pieces still find the passages.
    """
    pieces, start = [], 0
    while start < len(term):
        end = next((e for e in range(len(term), start + shortest - 1, -1) if known(term[start:e])), None)
        if end is None:
            start += 1
            continue
        pieces.append(term[start:end])
        start = end
    return pieces


class CorpusTerms:
    """Every passage's index terms as ids into one vocabulary, in a flat int32 array.

    Gathering a million synthetic passages' terms (90 million) and indexing them peaked at 11.4 GB
    as Python lists of strings, at 5.0 GB as ids (4 bytes a term), in the same time. bm25s reads
    them through `ids`, one passage's list at a time, and scores them exactly as the strings.
    """

    def __init__(self):
        self.vocab: dict[str, int] = {}
        self._ids, self._ends = array("i"), array("q")

    def add(self, passages: Iterable[list[str]]) -> CorpusTerms:
        vocab = self.vocab
        for terms in passages:
            self._ids.extend([vocab.setdefault(term, len(vocab)) for term in terms])
            self._ends.append(len(self._ids))
        return self

    @property
    def ids(self) -> _PassageIds:
        return _PassageIds(np.array(self._ids, dtype=np.int32), np.array(self._ends, dtype=np.int64))


class _PassageIds:
    """What bm25s reads of the passages' term ids: their number, and each passage's list in turn."""

    def __init__(self, flat: np.ndarray, ends: np.ndarray):
        self.flat, self.starts, self.ends = flat, np.concatenate([[0], ends[:-1]]).astype(np.int64), ends

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, i: int) -> list[int]:
        return self.flat[self.starts[i] : self.ends[i]].tolist()

    def __iter__(self):
        flat = self.flat
        for start, end in zip(self.starts.tolist(), self.ends.tolist()):
            yield flat[start:end].tolist()
