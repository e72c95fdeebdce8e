"""Alignment quality per method on the development term pairs: acc@1, acc@10 and MRR.

    python bench/align_quality.py [--data ../shared/data] [--home HOME] [--files ja_hpo th_tico]
                                  [--folds 1 2] [--json out.json]

Every dev pair file is aligned with `align.evaluate.eval_align`, once per method (`use`, `e5`,
`transliteration`, `translation`+`memory`) and once with the combined default (all methods
fused). Candidates: `en_hpo.tsv` (19,428 HPO labels) for the HPO files, `en_tico.tsv` for the TICO
files. NANDO disease names are not HPO labels, so `ja_nando_dev.tsv` is aligned against its own
`en_label` column (the file itself is passed as the candidates TSV, which lists all its English labels).

Two settings:
- folds=1: knowledge is the store of the language under HOME plus the other pair files of that
  language beside the file (e.g. ja_hpo with ja_nando and ja_tico); the file itself never informs it;
- folds=2: cross-fit, each half of the file is aligned with the other half as extra knowledge: the
  setting of a user who holds part of a terminology and aligns the rest (a held-out split).

HOME must hold a store per language (`kb build --lang L --home HOME`); missing ones are built here,
with the embedded corpus and seed lexicon. English candidate embeddings are cached in HOME/cache: the
first e5 run over the HPO labels takes minutes, later runs read the cache. Each file is evaluated in a
child process, so the peak memory (max RSS) printed beside its timings is its own. `use` is not
trained on Swahili or Yoruba: those cells are n/a (the combined default leaves it out there too).
The code under align/ is hashed before and after every file; a table computed while it changed is
flagged (each child imports the code anew, so its rows would mix versions).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# name: (language, pairs file, candidates file), under DATA/terms
FILES = {
    "ja_hpo": ("ja", "ja_hpo_dev.tsv", "en_hpo.tsv"),
    "zh_hpo": ("zh", "zh_hpo_dev.tsv", "en_hpo.tsv"),
    "ja_nando": ("ja", "ja_nando_dev.tsv", "ja_nando_dev.tsv"),
    **{f"{lang}_tico": (lang, f"{lang}_tico_dev.tsv", "en_tico.tsv") for lang in ("th", "ja", "ko", "zh", "sw", "yo")},
}
# column label: methods passed to eval_align (None: the combined default)
METHODS = {
    "use": ["use"],
    "e5": ["e5"],
    "translit": ["transliteration"],
    "transl+mem": ["translation", "memory"],
    "combined": None,
}
EMBEDDERS = ("use", "e5")
METRICS = ("acc@1", "acc@10", "mrr")

CHILD = """
import json, resource, sys, time
from medkb.store.embedders import supports
from medkb.align.alignment_eval import eval_align
lang, pairs, candidates, home = sys.argv[1:5]
methods, folds = json.loads(sys.argv[5]), json.loads(sys.argv[6])
for fold in folds:
    for label, chosen in methods.items():
        if chosen and not all(supports(m, lang) for m in chosen):
            print(json.dumps({"folds": fold, "method": label, "result": None}), flush=True)
            continue
        t = time.perf_counter()
        result = eval_align(lang, pairs=pairs, candidates=candidates, home=home, methods=chosen, folds=fold).to_dict()
        result["seconds"] = round(time.perf_counter() - t, 1)
        print(json.dumps({"folds": fold, "method": label, "result": result}), flush=True)
        print(f"<!-- {pairs}: folds={fold} {label} {result['seconds']} s -->", file=sys.stderr, flush=True)
print(json.dumps({"max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def code_version() -> dict[str, str]:
    """sha256 (12 hex) of every align/*.py: the code the numbers come from."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:12] for p in sorted((ROOT / "align").glob("*.py"))}


def ensure_stores(home: Path, langs: set[str]) -> None:
    from medkb.kb.build.builder import build
    from medkb.store import database

    for lang in sorted(langs):
        if not database.store_path(lang, home).exists():
            print(f"<!-- building the {lang} store under {home} -->", file=sys.stderr, flush=True)
            build(lang, home=home)


def run(name: str, data: Path, home: Path, folds: list[int]) -> dict:
    lang, pairs, candidates = FILES[name]
    terms = data / "terms"
    out = subprocess.run(
        [sys.executable, "-c", CHILD, lang, str(terms / pairs), str(terms / candidates), str(home), json.dumps(METHODS), json.dumps(folds)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,  # progress goes to stderr
    )
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    results = {(r["folds"], r["method"]): r["result"] for r in rows if "method" in r}
    return {"lang": lang, "results": results, "max_rss_mb": rows[-1]["max_rss_mb"]}


def cell(result: dict | None) -> str:
    return "n/a" if result is None else " / ".join(f"{result[m]:.3f}" for m in METRICS)


def gain(results: dict, fold: int) -> float | None:
    """Combined acc@1 minus the best single embedder's, in points."""
    singles = [results[(fold, e)]["acc@1"] for e in EMBEDDERS if results.get((fold, e))]
    combined = results.get((fold, "combined"))
    if not singles or combined is None:
        return None
    return 100 * (combined["acc@1"] - max(singles))


def main() -> None:
    from medkb.store import database

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--home", type=Path, default=None, help="medkb home with the stores (default: $MEDKB_HOME or ~/.medkb)")
    parser.add_argument("--files", nargs="+", default=list(FILES), choices=list(FILES))
    parser.add_argument("--folds", nargs="+", type=int, default=[1, 2], choices=[1, 2])
    parser.add_argument("--json", type=Path, help="also write every eval_align result here")
    args = parser.parse_args()
    home = (args.home or database.default_home()).resolve()
    ensure_stores(home, {FILES[name][0] for name in args.files})

    version = code_version()
    runs, changed = {}, set()
    for name in args.files:
        print(f"<!-- {name} ... -->", file=sys.stderr, flush=True)
        runs[name] = run(name, args.data, home, args.folds)
        now = code_version()
        changed |= {f for f in version.keys() | now.keys() if version.get(f) != now.get(f)}
        if changed:
            print(f"<!-- WARNING: {', '.join(sorted(changed))} changed during the run -->", file=sys.stderr, flush=True)

    print("| file | n | setting | " + " | ".join(f"{m} acc@1 / acc@10 / MRR" for m in METHODS) + " |")
    print("|---|---:|---|" + "---:|" * len(METHODS))
    for name, r in runs.items():
        for fold in args.folds:
            first = next(v for (f, _), v in r["results"].items() if f == fold and v)
            setting = "folds=1 (other files + store)" if fold == 1 else "folds=2 (cross-fit halves)"
            cells = " | ".join(cell(r["results"].get((fold, m))) for m in METHODS)
            print(f"| {name} | {first['n']} | {setting} | {cells} |")
    for name, r in runs.items():
        timings = {f"{m} folds={f}": v["seconds"] for (f, m), v in r["results"].items() if v}
        print(f"<!-- {name}: peak RSS {r['max_rss_mb']:.0f} MB; seconds {json.dumps(timings)} -->")

    print()
    print("Combined minus best single embedder (acc@1 points):")
    print()
    print("| file | " + " | ".join(f"folds={f}" for f in args.folds) + " |")
    print("|---|" + "---:|" * len(args.folds))
    gains = {name: {f: gain(r["results"], f) for f in args.folds} for name, r in runs.items()}
    for name, row in gains.items():
        print(f"| {name} | " + " | ".join("n/a" if row[f] is None else f"{row[f]:+.1f}" for f in args.folds) + " |")
    tico = [name for name in gains if name.endswith("_tico")]
    if tico:
        means = []
        for f in args.folds:
            values = [gains[name][f] for name in tico if gains[name][f] is not None]
            means.append("n/a" if not values else f"{sum(values) / len(values):+.1f}")
        print(f"| TICO average ({len(tico)} files) | " + " | ".join(means) + " |")

    print()
    print(f"<!-- align/*.py at start: {json.dumps(version)} -->")
    if changed:
        print(f"<!-- WARNING: {', '.join(sorted(changed))} changed during the run: the rows mix code versions; run again -->")

    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "code": version,
                    "changed_during_run": sorted(changed),
                    "files": {
                        name: {
                            "lang": r["lang"],
                            "max_rss_mb": r["max_rss_mb"],
                            "results": [{"file": name, "folds": f, "method": m, "result": v} for (f, m), v in r["results"].items()],
                        }
                        for name, r in runs.items()
                    },
                },
                indent=2,
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    main()
