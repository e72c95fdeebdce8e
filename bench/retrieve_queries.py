"""Development queries for `kb eval retrieve`, made from ../shared/data (written outside the project).

    python bench/retrieve_queries.py [--data ../shared/data] --out DIR

Writes DIR/ja_nando_ja.jsonl and DIR/ja_nando_en.jsonl: for every MHLW document filed under a
NANDO class of the dev half (`ja_nando_dev.tsv`), that class's Japanese label (resp. English
label, "lang": "en") as the query, and the document with its identical copies (`same_text_as`)
as the relevant documents. Classes whose label is the label of another document's class are
left out: their query cannot tell the documents apart.

And DIR/en_medquad.jsonl: MedQuAD's questions against the answers of the en_medquad corpus. Each
answer is a document whose title is its question; only the answer text is indexed, so a question
must find its answer by the answer's words. The relevant documents of a question are every pair
that asks it (the same question, compared case- and space-insensitively, is asked by several NIH
collections: "What is (are) breast cancer ?"). One question in MEDQUAD_SHARE, chosen by a stable
hash of the question, keeps the file small enough to run in minutes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEDQUAD_SHARE = 8  # one question in 8


def nando_queries(data: Path) -> dict[str, list[dict]]:
    with open(data / "terms" / "ja_nando_dev.tsv", encoding="utf-8") as f:
        labels = {row["id"]: row for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)}
    documents = [json.loads(line) for line in open(data / "corpora" / "ja_nando" / "mhlw_documents.jsonl", encoding="utf-8")]
    filed = [d for d in documents if d["nando_id"] in labels]
    seen = {
        "ja": Counter(labels[d["nando_id"]]["ja_label"] for d in documents if d["nando_id"] in labels),
        "en": Counter(labels[d["nando_id"]]["en_label"] for d in documents if d["nando_id"] in labels),
    }
    queries: dict[str, list[dict]] = {"ja": [], "en": []}
    for doc in filed:
        label = labels[doc["nando_id"]]
        relevant = [doc["doc_id"], *doc["same_text_as"]]
        for lang in ("ja", "en"):
            text = label[f"{lang}_label"]
            if seen[lang][text] > 1 + len(doc["same_text_as"]):
                continue
            queries[lang].append({"qid": f"{doc['doc_id']}-{lang}", "query": text, "lang": lang, "relevant": relevant})
    return queries


def medquad_queries(data: Path) -> list[dict]:
    askers: dict[str, list[str]] = {}
    questions: dict[str, str] = {}
    with open(data / "corpora" / "en_medquad" / "medquad_passages.jsonl", encoding="utf-8") as f:
        for line in f:
            pair = json.loads(line)
            key = " ".join(pair["question"].lower().split())
            askers.setdefault(key, []).append(pair["doc_id"])
            questions.setdefault(key, pair["question"])
    chosen = [key for key in askers if hashlib.sha1(key.encode("utf-8")).digest()[0] % MEDQUAD_SHARE == 0]
    return [{"qid": f"medquad-{i}", "query": questions[key], "lang": "en", "relevant": askers[key]} for i, key in enumerate(chosen)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for lang, rows in nando_queries(args.data).items():
        path = args.out / f"ja_nando_{lang}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{path}: {len(rows)} queries")
    path = args.out / "en_medquad.jsonl"
    rows = medquad_queries(args.data)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{path}: {len(rows)} queries")


if __name__ == "__main__":
    main()
