"""Build throughput, peak memory and no-change rebuild time on the development corpora.

    python bench/build_throughput.py [--data ../shared/data] [--corpus en_medquad ja_nando] [--workers 2] [--cluster local]

Each build runs in a child process so that its peak memory (max RSS) is its own. Beside each
build, the same process tokenizes the same documents with the same spaCy pipeline and nothing
else: the ratio of build time to that floor is the cost of everything medkb adds (passages,
matching, abbreviations, discovery, DuckDB). With `--workers` or `--cluster`, the builds run on
a process pool or a Dask cluster; peak memory is then the building process's alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = {
    "en_medquad": ("en", []),
    "ja_nando": ("ja", ["terms/ja_hpo_dev.tsv", "terms/ja_nando_dev.tsv", "terms/ja_tico_dev.tsv"]),
}

CHILD = """
import json, resource, sys, time
import medkb
lang, corpus, home, terms, options = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), json.loads(sys.argv[5])
t = time.perf_counter(); report = medkb.build(lang, corpus=[corpus], terms=terms, home=home, embedder=None, **options); first = time.perf_counter() - t
t = time.perf_counter(); again = medkb.build(lang, corpus=[corpus], terms=terms, home=home, embedder=None, **options); second = time.perf_counter() - t
assert again.status == "up to date", again.status
from medkb.ingest.readers import ReadOptions, read_path
from medkb.ingest.segment import tokenize
from pathlib import Path
t = time.perf_counter()
for path in sorted(Path(corpus).rglob("*.jsonl")):
    for doc in read_path(path, ReadOptions(lang=lang)).documents:
        tokenize(lang, doc.text)
floor = time.perf_counter() - t
print(json.dumps({"build_s": first, "rebuild_s": second, "tokenize_s": floor, "counts": report.counts,
                  "timings": report.timings, "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(name: str, data: Path, options: dict) -> dict:
    lang, terms = CORPORA[name]
    with tempfile.TemporaryDirectory() as home:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, lang, str(data / "corpora" / name), home, json.dumps([str(data / t) for t in terms]), json.dumps(options)],
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--corpus", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    parser.add_argument("--workers", type=int, default=1, help="processes of the build (kb build --workers)")
    parser.add_argument("--cluster", help="a Dask cluster for the build: local, or a scheduler address (kb build --cluster)")
    parser.add_argument("--shards", help="the shard folder a cluster address needs (kb build --shards)")
    args = parser.parse_args()
    options = {"workers": args.workers} | ({"cluster": args.cluster, "shards": args.shards} if args.cluster else {})
    print("| corpus | passages | build s | passages/s | build / tokenize-only | no-change rebuild s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in args.corpus:
        r = run(name, args.data, options)
        passages = r["counts"]["passages"]
        print(
            f"| {name} | {passages} | {r['build_s']:.1f} | {passages / r['build_s']:.0f} | "
            f"{r['build_s'] / r['tokenize_s']:.2f}x | {r['rebuild_s']:.2f} | {r['max_rss_mb']:.0f} |"
        )
        print(f"<!-- {name} stage timings: {json.dumps(r['timings'])} -->")


if __name__ == "__main__":
    main()
