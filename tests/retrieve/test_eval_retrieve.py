"""`kb eval retrieve`: the metrics, the queries file and its errors, on the embedded Thai store
and on NANDO documents of the development data."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medkb.kb.build.builder import build
from medkb.kb.cli.app import app
from medkb.retrieve.retrieval_eval import _metrics, eval_retrieve, read_queries
from medkb.store.errors import InputError

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from retrieve_queries import nando_queries  # noqa: E402

THAI_QUERIES = [
    {"qid": "dengue-th", "query": "ไข้เลือดออก อาการเตือน", "relevant": ["dengue-diagnosis", "dengue-treatment"]},
    {"qid": "dengue-en", "query": "dengue warning signs", "relevant": ["dengue-diagnosis", "dengue-treatment"]},
    # "treatment" names no concept, so only the dense ranker carries it into Thai: any TB document counts.
    {
        "qid": "tb-en",
        "query": "tuberculosis treatment",
        "relevant": ["tuberculosis-treatment", "tuberculosis-diagnosis", "tuberculosis-prevention"],
        "grades": {"tuberculosis-treatment": 2},
    },
    {"qid": "asthma-th", "query": "ยาสูดคอร์ติโคสเตียรอยด์ โรคหืด", "relevant": ["asthma-treatment"]},
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_metrics_of_one_ranking():
    m = _metrics(["a", "b", "c"], ["b", "z"], {"b": 2.0})
    assert m.mrr == 0.5 and m.recall_at_1 == 0 and m.recall_at_5 == 0.5
    ideal = 2.0 + 1 / math.log2(3)  # b (gain 2) first, z (gain 1) second
    assert m.ndcg_at_10 == pytest.approx((2.0 / math.log2(3)) / ideal)


def test_bad_query_lines_name_the_file_and_line(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"qid": 1, "query": "x", "relevant": ["d"]}\n{"qid": 2, "query": "y"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"q\.jsonl.*line 2.*relevant"):
        read_queries(path)
    path.write_text("not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1 is not JSON"):
        read_queries(path)


def test_cli_scores_the_embedded_thai_store(built_home, tmp_path):
    queries = write_jsonl(tmp_path / "th.jsonl", THAI_QUERIES)
    result = CliRunner().invoke(app, ["eval", "retrieve", "--lang", "th", "--queries", str(queries), "--home", str(built_home), "--json", "--per-query"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 4 and report["mode"] == "hybrid" and report["embedder"] == "use"
    metrics = {"mrr", "recall@1", "recall@5", "recall@10", "ndcg@10"}
    assert set(report) == {"lang", "queries", "mode", "embedder", "n", "per_query"} | metrics
    assert all(set(q) == {"qid"} | metrics for q in report["per_query"])
    # Each query's own topic comes first, the English ones too.
    assert [q["mrr"] for q in report["per_query"]] == [1.0, 1.0, 1.0, 1.0], report["per_query"]
    assert 0 < report["ndcg@10"] < 1


def test_the_python_call_gives_what_the_cli_prints(built_home, tmp_path):
    queries = write_jsonl(tmp_path / "th.jsonl", THAI_QUERIES)
    result = eval_retrieve("th", queries=queries, home=built_home, mode="bm25")
    assert result.n == 4 and result.per_query is None and "per_query" not in result.to_dict()
    printed = CliRunner().invoke(app, ["eval", "retrieve", "--lang", "th", "--queries", str(queries), "--home", str(built_home), "--mode", "bm25", "--json"])
    assert json.loads(printed.stdout) == result.to_dict()
    assert result.metrics.mrr == result.to_dict()["mrr"] and result.metrics.recall_at_10 == result.to_dict()["recall@10"]


def test_cli_error_names_the_queries_file(built_home, tmp_path):
    result = CliRunner().invoke(app, ["eval", "retrieve", "--lang", "th", "--queries", str(tmp_path / "none.jsonl"), "--home", str(built_home)])
    assert result.exit_code == 1 and "none.jsonl" in result.output


@pytest.fixture(scope="module")
def nando_sample(shared_data, tmp_path_factory):
    """60 MHLW documents of dev-half NANDO classes, in a store built with the NANDO dev terminology
    (BM25 and concepts only: no passage vectors), and their Japanese and English label queries."""
    queries = nando_queries(shared_data)
    docs = {d for q in queries["ja"][:60] for d in q["relevant"]}
    work = tmp_path_factory.mktemp("nando")
    source = shared_data / "corpora" / "ja_nando" / "mhlw_documents.jsonl"
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if json.loads(line)["doc_id"] in docs]
    (work / "corpus").mkdir()
    (work / "corpus" / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    build("ja", corpus=[work / "corpus"], terms=[shared_data / "terms" / "ja_nando_dev.tsv"], home=work / "home", embedder=None)
    files = {lang: write_jsonl(work / f"{lang}.jsonl", [q for q in rows if set(q["relevant"]) <= docs]) for lang, rows in queries.items()}
    return work / "home", files


def test_disease_names_find_their_documents_in_both_languages(nando_sample):
    home, files = nando_sample
    ja = eval_retrieve("ja", queries=files["ja"], home=home, embedder=None)
    en = eval_retrieve("ja", queries=files["en"], home=home, embedder=None)
    assert ja.n >= 50 and en.n >= 50
    assert ja.metrics.mrr > 0.8 and en.metrics.mrr > 0.7, (ja, en)
    # English names find Japanese documents through the terminology's English labels: better than
    # through the English words some of the documents hold.
    assert en.metrics.mrr > eval_retrieve("ja", queries=files["en"], home=home, mode="bm25", embedder=None).metrics.mrr + 0.1
