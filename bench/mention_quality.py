"""Disease mention quality against the NCBI disease corpus's gold mentions, as a user builds the store.

`python bench/mention_quality.py [--split devel] [--json FILE]` builds an English store of the NCBI
disease corpus's development half (`../shared/data/corpora/en_ncbi_disease/ncbi_devel.jsonl`, 100 PubMed
abstracts, 787 gold mentions) with the 2016 Disease Ontology and the seed lexicon, as `kb build` does by
default (abbreviations and discovered terms on), and compares the store's disease mentions with the gold:

- a *disease mention* is a mention of a Disease Ontology concept, of a seed concept of type `disease`, or
  of an abbreviation tied to one (discovered terms have no type and are not counted);
- *precision*: the share of disease mentions that overlap a gold mention; *recall*: the share of gold
  mentions that some disease mention overlaps; F1 their harmonic mean;
- *concept precision*: of the disease mentions that overlap a gold mention normalised to MeSH or OMIM,
  the share whose concept carries one of those ids (the ontology's MSH/OMIM xrefs, kept as codes).

It prints the figures, the most frequent false positives and misses, and a JSON report with `--json`.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from medkb.kb.build.builder import build
from medkb.store import database

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CORPUS = SHARED / "corpora" / "en_ncbi_disease"
ONTOLOGY = SHARED / "terms" / "en_disease_ontology_2016.obo"
SPLITS = {"devel": "ncbi_devel.jsonl", "train": "ncbi_train.jsonl"}


def gold_mentions(split: str) -> dict[str, list[tuple[int, int, str, frozenset[str]]]]:
    """Gold (start, end, mention, ids) per document of the split."""
    wanted = {json.loads(line)["doc_id"] for line in (CORPUS / SPLITS[split]).open(encoding="utf-8")}
    gold: dict[str, list] = {doc: [] for doc in wanted}
    with (CORPUS / "gold_dev.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["doc_id"] in gold:
                ids = frozenset(i.strip().upper() for i in row["ids"].replace("+", "|").split("|") if i.strip())
                gold[row["doc_id"]].append((int(row["start"]), int(row["end"]), row["mention"], ids))
    return gold


def predicted_mentions(home: Path) -> dict[str, list[tuple[int, int, str, str, frozenset[str]]]]:
    """The store's disease mentions as (start, end, surface, concept, ids) in document offsets."""
    # An abbreviation tied to a terminology concept is a mention of that concept, so it is counted here.
    query = """
        SELECT m.doc_id, p.start_char + m.start_char, p.start_char + m.end_char, m.surface, m.concept_id, c.codes
        FROM mentions m JOIN passages p USING (passage_id) JOIN concepts c USING (concept_id)
        WHERE c.concept_id LIKE 'DOID:%' OR (c.source = 'seed' AND c.semantic_type = 'disease')
    """
    with database.open_existing("en", home) as con:
        rows = con.execute(query).fetchall()
    found: dict[str, list] = {}
    for doc, start, end, surface, cid, codes in rows:
        found.setdefault(doc, []).append((start, end, surface, cid, _ids(json.loads(codes or "{}"))))
    return found


def _ids(codes: dict) -> frozenset[str]:
    return frozenset(f"{system.upper()}:{code}" for system in ("mesh", "omim") for code in codes.get(system, "").split("|") if code)


def measure(gold: dict, predicted: dict) -> dict:
    n_pred = n_pred_hit = n_gold = n_gold_hit = n_concept = n_concept_right = 0
    false_positives, misses = Counter(), Counter()
    for doc, spans in gold.items():
        mentions = predicted.get(doc, [])
        n_gold += len(spans)
        for start, end, text, _ in spans:
            if any(s < end and start < e for s, e, *_ in mentions):
                n_gold_hit += 1
            else:
                misses[text.lower()] += 1
        for s, e, surface, _, ids in mentions:
            overlapping = [g for g in spans if s < g[1] and g[0] < e]
            n_pred += 1
            if not overlapping:
                false_positives[surface.lower()] += 1
                continue
            n_pred_hit += 1
            gold_ids = frozenset().union(*(g[3] for g in overlapping))
            if gold_ids:
                n_concept += 1
                n_concept_right += bool(ids & gold_ids)
    precision = n_pred_hit / n_pred if n_pred else 0.0
    recall = n_gold_hit / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "documents": len(gold),
        "gold": n_gold,
        "predicted": n_pred,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "concept_precision": round(n_concept_right / n_concept, 4) if n_concept else 0.0,
        "concept_judged": n_concept,
        "false_positives": false_positives.most_common(25),
        "misses": misses.most_common(25),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=sorted(SPLITS), default="devel")
    parser.add_argument("--json", type=Path, help="write the report here as JSON")
    args = parser.parse_args(argv)
    if not ONTOLOGY.exists():
        print(f"development data not found at {SHARED}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as work:
        home = Path(work)
        build("en", corpus=[CORPUS / SPLITS[args.split]], terms=[ONTOLOGY], home=home, embedder=None)
        report = measure(gold_mentions(args.split), predicted_mentions(home))
    print(f"NCBI disease corpus, {args.split}: {report['documents']} abstracts, {report['gold']} gold mentions, {report['predicted']} disease mentions")
    print(
        f"precision {report['precision']:.3f}  recall {report['recall']:.3f}  F1 {report['f1']:.3f}  "
        f"concept precision {report['concept_precision']:.3f} (of {report['concept_judged']} judged)"
    )
    print("most frequent false positives:", ", ".join(f"{t} ({n})" for t, n in report["false_positives"][:15]))
    print("most frequent misses:", ", ".join(f"{t} ({n})" for t, n in report["misses"][:15]))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
