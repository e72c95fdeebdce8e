"""Synthetic English passages for the speed and scale benchmarks (bench/retrieve_speed.py, bench/scale.py).

Passages are 60 to 120 words drawn from a Zipf distribution over 50k made-up words and the
words of the seed lexicon's English labels; 45% of them have one or two lexicon labels put in.
Queries are lexicon labels, labels with passage words, and passage words alone. Each passage
has a topic (a concept it mentions, else one of TOPICS made-up ones), around whose embedding
its synthetic vector lies: a million passages cannot be embedded for real in a benchmark run
(an hour of `use`, most of a day of e5), and vectors scattered around real embeddings give the
embedder's real query vectors true neighbours, as an approximate index needs to be judged fairly.

Run alone, it writes such a corpus for `kb build` by hand, its passages' topics and queries over it:
    python bench/synthetic.py --out DIR [--size 10000] [--queries 300] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LANG = "en"
SYNTHETIC_WORDS = 50_000
LENGTHS = (60, 120)  # words per passage
LABELS_PER_PASSAGE = ([0, 1, 2], [0.55, 0.35, 0.10])
CLINICAL_RANKS = (20, 5_000)  # the lexicon's words sit among the corpus's common words
TOPICS = 600  # made-up topics beside the lexicon's concepts, for passages without a concept
VECTOR_NOISE = 0.6  # a passage vector's cosine with its topic is about 1 / sqrt(1 + 0.6**2) = 0.86
CHUNK = 100_000
SENTENCE_WORDS = (6, 18)
FUNCTION_WORDS = 0.4  # the share of stop words in a corpus file's text, about as in English prose


@dataclass
class Vocabulary:
    words: list[str]  # made-up words, then the lexicon's English label words
    weights: np.ndarray  # Zipf probability of each word
    keep: np.ndarray  # whether the word is an index term (retrieve.analyzer: not a stop word)
    labels: list[tuple[str, str, list[int]]]  # the lexicon's English labels: concept id, text, word ids
    concepts: list[tuple[str, str]]  # concept id, English preferred label


def vocabulary(seed: int) -> Vocabulary:
    from medkb import corpora
    from medkb.ingest.segment.dictionaries import stop_words
    from medkb.ingest.segment.tokenize import tokenize
    from medkb.ingest.terms.load import load_terminology
    from medkb.retrieve.analyzer import index_terms

    concepts, labels = [], []
    for concept in load_terminology(corpora.SEED_LEXICON).concepts:
        english = [label.text for label in concept.labels if label.lang == LANG]
        if english:
            concepts.append((concept.concept_id, english[0]))
            labels += [(concept.concept_id, text, [t.norm for t in tokenize(LANG, text) if t.is_word]) for text in english]
    clinical = sorted({w for _, _, words in labels for w in words})
    rng = np.random.default_rng([seed, 1])
    onsets = list("bcdfghjklmnprstvz") + ["ch", "sh", "th", "tr", "br", "pl"]
    syllables = [o + v for o in onsets for v in "aeiou"]
    taken = set(clinical) | set(stop_words(LANG))
    made_up: list[str] = []
    while len(made_up) < SYNTHETIC_WORDS:
        word = "".join(syllables[i] for i in rng.integers(0, len(syllables), rng.integers(2, 5)))
        if word not in taken:
            taken.add(word)
            made_up.append(word)
    words = made_up + clinical
    order = list(rng.permutation(len(made_up)))  # word ids by rank, most frequent first
    for word_id, rank in zip(range(len(made_up), len(words)), rng.integers(*CLINICAL_RANKS, len(clinical))):
        order.insert(int(rank), word_id)
    weights = np.empty(len(words))
    weights[order] = 1.0 / (np.arange(len(words)) + 2.7)  # Zipf-Mandelbrot, exponent 1
    position = {w: i for i, w in enumerate(words)}
    keep = np.array([bool(index_terms(LANG, [w])) for w in words])
    return Vocabulary(words, weights / weights.sum(), keep, [(c, t, [position[w] for w in ws]) for c, t, ws in labels], concepts)


def queries(vocab: Vocabulary, n: int, seed: int) -> list[dict]:
    """A third lexicon labels, a third labels with one or two passage words, a third 2-5 passage words."""
    rng = np.random.default_rng([seed, 2])
    out = []
    for i in range(n):
        kind = ("label", "label+words", "words")[i % 3]
        parts = []
        if kind != "words":
            parts.append(vocab.labels[rng.integers(len(vocab.labels))][1])
        if kind != "label":
            count = rng.integers(1, 3) if kind == "label+words" else rng.integers(2, 6)
            parts += [vocab.words[j] for j in rng.choice(len(vocab.words), size=count, p=vocab.weights)]
        out.append({"text": " ".join(parts), "kind": kind})
    return out


def write_corpus(vocab: Vocabulary, size: int, seed: int, folder: Path, doc_passages: int = 10, file_docs: int = 500) -> np.ndarray:
    """A corpus of `size` passages for `kb build`: JSONL files of `file_docs` documents, each of
    `doc_passages` sections short enough to be one passage each (a passage never crosses a
    section). Returns each passage's topic, in the store's passage order (doc_id, ordinal)."""
    from medkb.ingest.segment.dictionaries import stop_words

    rng = np.random.default_rng([seed, 6, size])
    words = np.array(vocab.words, dtype=object)
    function_words = np.array(sorted(w for w in stop_words(LANG) if w.isalpha()), dtype=object)
    concept_index = {c: i for i, (c, _) in enumerate(vocab.concepts)}
    topics = len(vocab.concepts) + rng.integers(0, TOPICS, size).astype(np.int32)
    folder.mkdir(parents=True, exist_ok=True)
    docs = -(-size // doc_passages)
    for first_doc in range(0, docs, file_docs):
        lines = []
        for doc in range(first_doc, min(docs, first_doc + file_docs)):
            rows = range(doc * doc_passages, min(size, (doc + 1) * doc_passages))
            sections = [
                {"title": f"Part {row - doc * doc_passages + 1}", "text": _section_text(vocab, words, function_words, rng, row, topics, concept_index)}
                for row in rows
            ]
            lines.append(json.dumps({"id": f"syn{doc:08d}", "title": f"Synthetic guideline {doc}", "sections": sections}))
        (folder / f"part-{first_doc // file_docs:05d}.jsonl").write_text("\n".join(lines) + "\n")
        log(f"  {min(size, (first_doc + file_docs) * doc_passages)} / {size} passages written")
    return topics


def _section_text(vocab, words, function_words, rng, row, topics, concept_index) -> str:
    """Sentences of Zipf words and stop words with lexicon labels put in; the passage's topic becomes
    its last label's concept. Without stop words every run of words would be a candidate term
    (ingest.mentions.discovery), three times as many as in prose."""
    length = int(rng.integers(LENGTHS[0], LENGTHS[1] + 1))
    units = words[rng.choice(len(words), size=length, p=vocab.weights)]
    function = rng.random(length) < FUNCTION_WORDS
    units[function] = function_words[rng.integers(0, len(function_words), int(function.sum()))]
    units = units.tolist()
    for _ in range(int(rng.choice(LABELS_PER_PASSAGE[0], p=LABELS_PER_PASSAGE[1]))):
        concept_id, text, _ = vocab.labels[rng.integers(len(vocab.labels))]
        units.insert(int(rng.integers(0, len(units) + 1)), text)
        topics[row] = concept_index[concept_id]
    sentences, at = [], 0
    while at < len(units):
        end = at + int(rng.integers(*SENTENCE_WORDS))
        sentence = " ".join(units[at:end])
        sentences.append(sentence[:1].upper() + sentence[1:] + ".")
        at = end
    return " ".join(sentences)


def topic_vectors(vocab: Vocabulary, seed: int, embedder: str) -> np.ndarray:
    """The embedder's passage embeddings of the lexicon's preferred English labels, then of made-up phrases."""
    from medkb.retrieve.embedding import encode_passages

    rng = np.random.default_rng([seed, 4])
    phrases = [" ".join(vocab.words[j] for j in rng.choice(len(vocab.words), size=5, p=vocab.weights)) for _ in range(TOPICS)]
    return encode_passages(embedder, [label for _, label in vocab.concepts] + phrases)


def passage_vectors(topic_rows: np.ndarray, topics: np.ndarray, seed: int) -> np.ndarray:
    """Unit vectors scattered around each passage's topic vector."""
    rng = np.random.default_rng([seed, 5])
    dim = topic_rows.shape[1]
    out = np.empty((len(topics), dim), np.float32)
    for start in range(0, len(topics), CHUNK):
        rows = topic_rows[topics[start : start + CHUNK]]
        rows = rows + np.float32(VECTOR_NOISE / np.sqrt(dim)) * rng.standard_normal(rows.shape, dtype=np.float32)
        out[start : start + len(rows)] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return len(set(found.tolist()) & set(truth.tolist())) / max(1, len(truth))


def top10(scores: np.ndarray) -> np.ndarray:
    best = np.argpartition(-scores, 10)[:10]
    return best[np.argsort(-scores[best], kind="stable")]


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - t) * 1000, result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def stats(values: list[float]) -> dict:
    return {"median": float(np.median(values)), "p95": float(np.percentile(values, 95)), "n": len(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic English corpus for kb build (as bench/scale.py does) and queries over it.")
    parser.add_argument("--out", type=Path, required=True, help="DIR/files: the corpus; DIR/topics.npy, DIR/queries.json")
    parser.add_argument("--size", type=int, default=10_000, help="passages")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    vocab = vocabulary(args.seed)
    topics = write_corpus(vocab, args.size, args.seed, args.out / "files")
    np.save(args.out / "topics.npy", topics)
    asked = queries(vocab, args.queries, args.seed)
    (args.out / "queries.json").write_text(json.dumps(asked))
    print(
        json.dumps(
            {
                "passages": len(topics),
                "files": len(list((args.out / "files").glob("*.jsonl"))),
                "passages_with_a_concept": int((topics < len(vocab.concepts)).sum()),
                "queries": len(asked),
                "corpus": str(args.out / "files"),
            }
        )
    )


if __name__ == "__main__":
    main()
