"""BM25 over a language's passages with bm25s: plain arrays on disk, memory-mapped when loaded.

bm25s keeps, for every term, the BM25 score it gives each passage that holds it
(a CSC matrix). A query's scores are a weighted sum of its terms' columns, so
that expansion terms from the concept graph can count for less than the words
the user typed; with all weights 1 this is exactly bm25s's own `get_scores`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.2
    b: float = 0.75
    method: str = "lucene"  # idf log(1 + (N - n + 0.5) / (n + 0.5)): never negative


class SparseIndex:
    def __init__(self, model: bm25s.BM25):
        self.model = model
        self.n_passages = int(model.scores["num_docs"])

    @classmethod
    def build(cls, corpus_terms: list[list[str]], params: BM25Params = BM25Params()) -> SparseIndex:
        model = bm25s.BM25(k1=params.k1, b=params.b, method=params.method)
        model.index(corpus_terms, show_progress=False)
        return cls(model)

    def save(self, folder: Path) -> None:
        self.model.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> SparseIndex:
        return cls(bm25s.BM25.load(str(folder), mmap=mmap, show_progress=False))

    def scores(self, weighted_terms: dict[str, float]) -> np.ndarray:
        """BM25 score of every passage for the terms, each column scaled by its weight."""
        vocab, csc = self.model.vocab_dict, self.model.scores
        indptr, indices, data = csc["indptr"], csc["indices"], csc["data"]
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

    def known(self, term: str) -> bool:
        return term in self.model.vocab_dict

    def known_pieces(self, term: str, shortest: int = 2) -> list[str]:
        """Indexed terms that a term unknown to the index is made of, longest first from the left.

        Thai, Chinese and Japanese tokenizers cut a compound differently alone than inside a
        sentence (หอบหืด alone, หอบ|หืด in a passage): its pieces still find the passages.
        """
        vocab = self.model.vocab_dict
        pieces, start = [], 0
        while start < len(term):
            end = next((e for e in range(len(term), start + shortest - 1, -1) if term[start:e] in vocab), None)
            if end is None:
                start += 1
                continue
            pieces.append(term[start:end])
            start = end
        return pieces
