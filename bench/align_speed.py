"""Alignment speed: terms aligned per second against the 19,428 English HPO labels, and peak memory.

    python bench/align_speed.py [--data ../shared/data] [--terms 2000] [--repeats 3]
                                [--config combined use translation transliteration]

Each configuration runs in a child process, so that its peak memory (max RSS) is its own. The child
aligns the first N distinct local labels of ja_hpo_dev.tsv with `Aligner(...).rank(terms, space)`;
the aligner's knowledge is ja_nando_dev.tsv + ja_tico_dev.tsv (no store, and no ja_hpo pairs). It
times, apart:
- load: the models the configuration needs (USE, e5, uroman, the tokenizers of translation);
- fit: `Aligner(...)`, which learns word translations from the knowledge;
- prepare: `aligner.prepare(candidates)`, the CandidateSpace (translation index, sound keys, candidate
  embeddings), once with an empty embedding cache ("uncached") and once reading the cache it left;
- rank: `aligner.rank(terms, space)`, median of the repeats, and the same for `aligner.scores`
  (fused scores without the top-10 evidence) to show what building the matches costs.
Word and sound-key memo caches are cleared before every timed step, so no step reuses another's work.
Peak RSS is read after the aligner runs. Then the same process times the floor: raw USE encoding of
the same terms and one matrix product with the candidates' USE vectors (read from a cache prepared
outside the timing); rank / reference is how many times that floor the aligner takes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANG = "ja"
TERMS = "terms/ja_hpo_dev.tsv"
CANDIDATES = "terms/en_hpo.tsv"
KNOWLEDGE = ["terms/ja_nando_dev.tsv", "terms/ja_tico_dev.tsv"]
CONFIGS = {  # name: methods given to Aligner (None: the combined default)
    "combined": None,
    "use": ["use"],
    "translation": ["translation"],
    "transliteration": ["transliteration"],
}

CHILD = """
import json, resource, statistics, sys, time
from pathlib import Path
import numpy as np
from medkb.align import transliterate, words
from medkb.align.aligner import Aligner
from medkb.store.embedders import encode_cached, get_embedder
from medkb.align.knowledge import file_pairs
from medkb.align.pairs import read_candidates, read_pairs
from medkb.ingest.segment import tokenize

lang, terms_file, n, candidates_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
knowledge_files, methods, repeats = json.loads(sys.argv[5]), json.loads(sys.argv[6]), int(sys.argv[7])
cold_cache, reference_cache = Path(sys.argv[8]), Path(sys.argv[9])
terms = list(dict.fromkeys(p.local for p in read_pairs(terms_file)))[:n]
candidates = read_candidates(candidates_file)
knowledge = file_pairs([Path(k) for k in knowledge_files])

def clear():
    for memo in (words.english_words, words.local_words, transliterate.sound_key, transliterate.romanize):
        memo.cache_clear()

def timed(step):
    clear()
    t = time.perf_counter()
    value = step()
    return time.perf_counter() - t, value

chosen = tuple(methods) if methods else None
t = time.perf_counter()
probe = Aligner(lang, [], methods=chosen)  # which methods apply, without learning anything
for name in probe.embedders:
    if name in probe.methods:
        get_embedder(name)
if "transliteration" in probe.methods:
    transliterate._uroman()
if "translation" in probe.methods:
    tokenize("en", "x"), tokenize(lang, "x")
load_s = time.perf_counter() - t

fit_s, aligner = timed(lambda: Aligner(lang, knowledge, methods=chosen, cache_dir=cold_cache))
prepare_cold_s, space = timed(lambda: aligner.prepare(candidates))
prepare_warm_s, space = timed(lambda: aligner.prepare(candidates))
rank_s = statistics.median(timed(lambda: aligner.rank(terms, space))[0] for _ in range(repeats))
scores_s = statistics.median(timed(lambda: aligner.scores(terms, space))[0] for _ in range(repeats))
max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

use = get_embedder("use")
reference_vectors = np.asarray(encode_cached("use", candidates, reference_cache))
def reference():
    return use.encode(terms) @ reference_vectors.T
reference()  # warm-up: the first call pays for graph set-up
reference_s = statistics.median(timed(reference)[0] for _ in range(repeats))
print(json.dumps({"methods": list(aligner.methods), "terms": len(terms), "candidates": len(candidates),
                  "knowledge_pairs": len(knowledge), "load_s": load_s, "fit_s": fit_s,
                  "prepare_uncached_s": prepare_cold_s, "prepare_cached_s": prepare_warm_s,
                  "rank_s": rank_s, "scores_s": scores_s, "reference_s": reference_s, "max_rss_mb": max_rss_mb}))
"""


def run(config: str, data: Path, n: int, repeats: int, reference_cache: Path) -> dict:
    with tempfile.TemporaryDirectory() as cold_cache:
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                LANG,
                str(data / TERMS),
                str(n),
                str(data / CANDIDATES),
                json.dumps([str(data / k) for k in KNOWLEDGE]),
                json.dumps(CONFIGS[config]),
                str(repeats),
                cold_cache,
                str(reference_cache),
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--terms", type=int, default=2000, help="local terms to align (first distinct labels of ja_hpo_dev.tsv)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats of rank, scores and the reference (median)")
    parser.add_argument("--config", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    args = parser.parse_args()
    print(
        "| config | methods | load s | fit s | prepare uncached s | prepare cached s | rank s | terms/s (rank) "
        "| terms/s (scores only) | USE reference terms/s | rank / reference | peak RSS MB |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as reference_cache:
        for config in args.config:
            r = run(config, args.data, args.terms, args.repeats, Path(reference_cache))
            n = r["terms"]
            print(
                f"| {config} | {'+'.join(r['methods'])} | {r['load_s']:.1f} | {r['fit_s']:.1f} | {r['prepare_uncached_s']:.1f} | "
                f"{r['prepare_cached_s']:.2f} | {r['rank_s']:.1f} | {n / r['rank_s']:.0f} | {n / r['scores_s']:.0f} | "
                f"{n / r['reference_s']:.0f} | {r['rank_s'] / r['reference_s']:.1f}x | {r['max_rss_mb']:.0f} |",
                flush=True,
            )
            print(f"<!-- {config}: {json.dumps(r)} -->", flush=True)


if __name__ == "__main__":
    main()
