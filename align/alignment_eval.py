"""`kb eval align`: how often the gold English term is ranked first, or in the first ten.

The pairs under evaluation never inform the aligner: the file itself (matched
by content, wherever it lies) and any store terminology built from it are left
out of the knowledge. With `folds` > 1 the file is cut into folds by a stable
hash of the local term, and each fold is aligned with the others as extra
knowledge: the setting of a user who holds part of a terminology's
translations and aligns the rest.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from medkb.align.aligner import Aligner, method_names
from medkb.align.knowledge import file_pairs, sibling_pair_files, store_pairs
from medkb.align.pairs import Pair, read_candidates, read_pairs
from medkb.ingest.segment.normalize import normalize
from medkb.store import database
from medkb.store.embedders import DEFAULT_EMBEDDERS
from medkb.store.errors import UsageError
from medkb.store.fingerprint import sha256_of
from medkb.store.languages import get_language
from medkb.store.results import Result, json_name


@dataclass(frozen=True)
class AlignKnowledge(Result):
    """What the aligner learnt from besides the evaluated pairs."""

    pairs: int  # known term pairs: the store's and the files'
    files: list[str]  # pair files read (the evaluated file, wherever it lies, left out)


@dataclass(frozen=True)
class AlignEvaluation(Result):
    """What `medkb.eval_align` (and `kb eval align --json`) reports."""

    lang: str
    pairs: str  # the gold pair file
    candidates: str  # the English candidates file
    n: int  # local terms aligned
    acc_at_1: float = field(metadata=json_name("acc@1"))  # share of terms whose gold English term ranks first
    acc_at_10: float = field(metadata=json_name("acc@10"))  # ... in the first ten
    mrr: float  # mean reciprocal rank of the best-placed gold term
    gold_not_in_candidates: int  # terms no gold term of which is a candidate: misses
    folds: int
    methods: list[str]  # the aligner's methods, embedders included
    knowledge: AlignKnowledge


def eval_align(
    lang: str,
    *,
    pairs: str | Path,
    candidates: str | Path,
    home: str | Path | None = None,
    knowledge: Sequence[str | Path] | None = None,
    methods: list[str] | None = None,
    embedders: list[str] | None = None,
    folds: int = 1,
) -> AlignEvaluation:
    """acc@1, acc@10 and MRR of aligning the local terms of `pairs` to the English `candidates`.

    The pairs under evaluation never inform the aligner: the file, matched by content wherever it
    lies, and any store terminology built from it are left out of what it learns from.

    Args:
        lang: the local language code, whose store (if built) adds its known pairs.
        pairs: TSV of gold pairs: a local_label/local_term column and an en_label/en_term column.
        candidates: TSV whose label/en_term column lists every English candidate.
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb); it also holds the
            embedders' cache.
        knowledge: pair files to learn from; default: every `<lang>_*.tsv` pair file in the
            folders of `pairs` and `candidates`, `pairs` itself excluded.
        methods: only these methods (memory, translation, transliteration, use, e5 or an
            embedder name); default: all of them.
        embedders: the embedders of the combined aligner; default: use and e5.
        folds: cut `pairs` into this many folds (by a hash of the local term) and align each
            with the others as extra knowledge.

    Returns:
        The `AlignEvaluation`; `to_dict()` is what `kb eval align --json` prints.

    Raises:
        UsageError: an unknown language, or `folds` below 1.
        InputError: a pair or candidate file that cannot be read.
    """
    lang = get_language(lang).code
    pairs, candidates = Path(pairs), Path(candidates)
    if folds < 1:
        raise UsageError("--folds must be 1 or more")
    gold = _gold(read_pairs(pairs))
    english = read_candidates(candidates)
    excluded = frozenset({sha256_of(pairs)})
    files = [Path(k) for k in knowledge] if knowledge is not None else sibling_pair_files(lang, [pairs.parent, candidates.parent])
    known = store_pairs(lang, home, excluded) + file_pairs(files, excluded)
    ranks = _ranks(lang, gold, english, known, folds, methods, embedders, home)
    return AlignEvaluation(
        lang=lang,
        pairs=str(pairs),
        candidates=str(candidates),
        n=len(ranks),
        acc_at_1=_accuracy(ranks, 1),
        acc_at_10=_accuracy(ranks, 10),
        mrr=round(float(np.mean(1.0 / ranks)), 4),
        gold_not_in_candidates=_missing_gold(gold, english),
        folds=folds,
        methods=list(method_names(methods, embedders)),
        knowledge=AlignKnowledge(len(known), [str(f) for f in files if sha256_of(f) not in excluded]),
    )


def _accuracy(ranks: np.ndarray, cutoff: int) -> float:
    """The share of terms whose gold term ranks within the cutoff."""
    return round(float(np.mean(ranks <= cutoff)), 4)


def _missing_gold(gold: dict[str, set[str]], english: list[str]) -> int:
    """Terms none of whose gold English terms is a candidate: they count as misses."""
    candidates = {normalize(e) for e in english}
    return sum(1 for g in gold.values() if not g & candidates)


def _gold(pairs: list[Pair]) -> dict[str, set[str]]:
    gold: dict[str, set[str]] = defaultdict(set)
    for pair in pairs:
        gold[pair.local].add(normalize(pair.english))
    return dict(gold)


def _ranks(lang, gold, english, known, folds, methods, embedders, home) -> np.ndarray:
    """The rank of the best-placed gold candidate for every local term (inf when none is a candidate)."""
    terms = list(gold)
    fold_of = {t: zlib.crc32(t.encode("utf-8")) % folds for t in terms}
    ranks = np.full(len(terms), np.inf)
    cache = database.default_home() if home is None else Path(home)
    for fold in range(folds):
        held_out = [i for i, t in enumerate(terms) if fold_of[t] == fold]
        extra = [Pair(t, e) for t in terms if fold_of[t] != fold for e in gold[t]]
        aligner = Aligner(lang, known + extra, tuple(embedders or DEFAULT_EMBEDDERS), tuple(methods) if methods else None, cache_dir=cache / "cache")
        space = aligner.prepare(english)
        fused = aligner.scores([terms[i] for i in held_out], space)
        for row, i in enumerate(held_out):
            hits = [j for g in gold[terms[i]] for j in space.by_norm.get(g, ())]
            if hits:
                ranks[i] = 1 + np.count_nonzero(np.delete(fused[row], hits) >= fused[row, hits].max())  # ties count against the gold
    return ranks
