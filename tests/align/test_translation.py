"""Term translation learned from term pairs (align.translation): IBM Model 1 and the candidate scorer."""

from __future__ import annotations

import random
import zlib

import numpy as np
import pytest

from medkb.align.pairs import read_pairs
from medkb.align.translation import NULL, TermTranslator, TranslationScorer, train_model1

# German-English toy corpus of the textbook: "haus" only ever appears beside "das", so counting
# co-occurrences alone cannot tell whether it means "the" or "house"; EM can, because "das"
# already explains "the" in the other pairs.
TOY = [
    (("das", "haus"), ("the", "house")),
    (("das", "buch"), ("the", "book")),
    (("ein", "buch"), ("a", "book")),
    (("das", "auto"), ("the", "car")),
]


def test_model1_em_resolves_what_cooccurrence_cannot():
    start = train_model1(TOY, iterations=0)
    assert start["haus"]["house"] == pytest.approx(start["haus"]["the"])  # a tie before EM
    table = train_model1(TOY, iterations=6)
    assert max(table["haus"], key=table["haus"].get) == "house"
    assert table["haus"]["house"] > 0.6 > table["haus"].get("the", 0.0)
    assert max(table["buch"], key=table["buch"].get) == "book"
    assert max(table["das"], key=table["das"].get) == "the"
    assert max(table["auto"], key=table["auto"].get) == "car"
    for source, row in table.items():  # each row is a distribution over target words
        assert sum(row.values()) == pytest.approx(1.0, abs=0.01), source
    assert NULL in table  # the empty word takes part
    assert train_model1(TOY, iterations=6) == table  # deterministic


@pytest.fixture(scope="module")
def hpo_halves(shared_data):
    """ja_hpo_dev pairs cut in two by a stable hash of the local label (one label never in both halves)."""
    pairs = read_pairs(shared_data / "terms" / "ja_hpo_dev.tsv")
    train = [p for p in pairs if zlib.crc32(p.local.encode("utf-8")) % 2 == 0]
    held_out = [p for p in pairs if zlib.crc32(p.local.encode("utf-8")) % 2 == 1]
    return pairs, train, held_out


@pytest.fixture(scope="module")
def translator(hpo_halves) -> TermTranslator:
    _, train, _ = hpo_halves
    return TermTranslator.fit("ja", train)


def test_fit_learns_word_translations_from_hpo_pairs(translator, hpo_halves):
    _, train, _ = hpo_halves
    assert 0.9 * len(train) <= translator.n_pairs <= len(train)
    # 異常 is written "abnormal" or "abnormality" in HPO labels; measured: abnormal 0.76, abnormality 0.14.
    top = translator.word_translations("異常")
    assert top[0][0] == "abnormal"
    assert sum(p for word, p in top if word.startswith("abnormal")) > 0.7
    assert translator.word_translations("増加")[0][0] == "increased"  # measured 1.0
    assert translator.word_translations("腎臓")[0][0] == "kidney"  # measured 0.76
    assert {word for word, _ in translator.word_translations("低下", top=2)} == {"decreased", "reduced"}
    assert not translator.knows("コロナウイルス")


def test_scorer_ranks_held_out_gold_first_well_above_chance(translator, hpo_halves):
    pairs, _, held_out = hpo_halves
    english = list(dict.fromkeys(p.english for p in pairs))  # all 8,789 labels compete
    scorer = TranslationScorer(translator, english)
    index = {e: i for i, e in enumerate(english)}
    sample = random.Random(0).sample(held_out, 1000)
    ranks = []
    for pair in sample:
        scores = scorer.scores(pair.local)
        assert scores.shape == (len(english),)
        gold = scores[index[pair.english]]
        ranks.append(np.count_nonzero(scores >= gold))  # the gold itself, and ties count against it
    ranks = np.array(ranks)
    # Measured on this sample: acc@1 0.53, acc@10 0.73 (other seeds 0.51-0.54, 0.73-0.76), where
    # chance is 1/8789 and 10/8789. A bare majority, not a clear one: Model 1 alone still confuses
    # close HPO wordings ("Abnormal X morphology" / "Abnormality of X"). The thresholds leave
    # 10 points (100 terms) of margin.
    assert np.mean(ranks == 1) > 0.43
    assert np.mean(ranks <= 10) > 0.63
