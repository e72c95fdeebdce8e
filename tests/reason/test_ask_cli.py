"""`kb ask` and `kb eval reason` from the shell, against the local OpenAI-compatible stub."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from clinic import THAI
from medkb.kb.cli.app import app
from openai_stub import completion

RUN = CliRunner()


def kb(*args: str):
    return RUN.invoke(app, list(args))


def ask_args(server, home, *more: str) -> list[str]:
    options = [arg for option in THAI.question.options.values() for arg in ("--option", option)]
    return ["ask", THAI.question.text, "--lang", "th", *options, "--model", "stub", "--base-url", server.base_url, "--home", str(home), *more]


def test_kb_ask_prints_the_answer_and_writes_the_trace(reason_home, serve, tmp_path):
    server = serve(THAI.replies)
    trace_file = tmp_path / "trace.json"
    result = kb(*ask_args(server, reason_home, "--no-cache", "--trace", str(trace_file), "--json"))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["answer"] == "B" and answer["citations"]
    assert answer["totals"]["model_calls"] == 6
    trace = json.loads(trace_file.read_text(encoding="utf-8"))
    assert "api_key" not in trace["settings"] and trace["settings"]["model"] == "stub"
    stages = {stage["name"]: stage for stage in trace["stages"]}
    assert set(stages) == {"translate", "reason:th", "reason:en", "chain:th", "chain:en", "align", "fuse", "retrieve", "synthesise"}
    call = stages["synthesise"]["calls"][0]
    assert call["messages"][0]["role"] == "system" and call["content"] and call["usage"]["prompt_tokens"] > 0
    assert stages["synthesise"]["output"]["answer"] == "B"


def test_kb_ask_reads_readably_and_caches_under_home(reason_home, serve, tmp_path):
    server = serve(THAI.replies)
    home_cache = reason_home / "llm-cache"
    first = kb(*ask_args(server, reason_home))
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[0] == "B"
    assert "[th:asthma-treatment#" in first.stdout  # citations shown with their ids
    assert home_cache.is_dir()
    again = kb(*ask_args(server, reason_home))
    assert again.stdout == first.stdout
    assert "6 cached" in again.stderr or "(6 cached)" in again.output
    assert len(server.requests) == 6


def test_kb_ask_fails_clearly_without_a_model(reason_home, monkeypatch):
    monkeypatch.delenv("MEDKB_MODEL", raising=False)
    result = kb("ask", "x", "--lang", "th", "--base-url", "http://127.0.0.1:9/v1", "--home", str(reason_home))
    assert result.exit_code == 1 and "no model named: give --model or set MEDKB_MODEL" in result.output


def test_kb_ask_fails_clearly_when_the_endpoint_is_down(reason_home):
    result = kb(
        "ask",
        "โรคหืดรักษาอย่างไร",
        "--lang",
        "th",
        "--model",
        "m",
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--home",
        str(reason_home),
        "--no-cache",
        "--max-retries",
        "1",
    )
    assert result.exit_code == 1
    assert "error: the model endpoint http://127.0.0.1:9/v1 failed 2 times" in result.output
    assert "Traceback" not in result.output


def dataset_script() -> dict:
    """Replies for a multiple-choice, an NLI and an open item, where the model alone gets the
    multiple-choice item wrong in Thai and the pipeline's evidence sets it right."""
    nli = {"premise": "Patients with asthma who use only salbutamol have more severe attacks.", "hypothesis": "Salbutamol alone is enough for asthma control."}

    def translate(data, request):
        if "premise" in data:
            return json.dumps({"question": nli["hypothesis"], "premise": nli["premise"]})
        return json.dumps(THAI.english if "options" in data else {"question": "How is asthma controlled in the long term?"})

    def answer_for(data, mc_answer):
        return mc_answer if "options" in data else "contradiction" if "premise" in data else "ยาสูดสเตียรอยด์"

    def reason(lang):
        return lambda data, request: json.dumps({"reasoning": THAI.reasoning[lang][0], "answer": answer_for(data, "A" if lang == "th" else "B")})

    def synthesise(data, request):
        cited = [p["id"] for p in data["passages"] if THAI.key_phrase in p["text"]]
        return json.dumps({"answer": answer_for(data, "B"), "rationale": THAI.rationale, "citations": cited})

    def judge(data, request):
        good = "ยาสูดสเตียรอยด์" in data["answer_to_grade"]
        return json.dumps({"score": 5 if good else 2, "rationale": "names the controller" if good else "vague"})

    replies = dict(THAI.replies)
    replies.update(
        {
            ("translate", "th"): translate,
            ("reason", "th"): reason("th"),
            ("reason", "en"): reason("en"),
            ("synthesise", "th"): synthesise,
            ("judge", None): judge,
        }
    )
    return replies


def test_kb_eval_reason_compares_the_pipeline_with_direct_answering(reason_home, serve, tmp_path):
    def open_reason(data, request):  # the open item's direct answer is vague
        return completion(json.dumps({"reasoning": "ควบคุมด้วยยา", "answer": "ใช้ยา"}), request=request)

    replies = dataset_script()
    plain_reason = replies[("reason", "th")]
    replies[("reason", "th")] = lambda data, request: (
        open_reason(data, request) if "question" in data and "options" not in data else plain_reason(data, request)
    )
    server = serve(replies)
    data = tmp_path / "th.jsonl"
    items = [
        {"id": "mc1", "lang": "th", "question": THAI.question.text, "options": list(THAI.question.options.values()), "answer": "B"},
        {
            "id": "nli1",
            "lang": "th",
            "question": "ซัลบูทามอลอย่างเดียวเพียงพอสำหรับควบคุมโรคหืด",
            "premise": "ผู้ป่วยโรคหืดที่ใช้ซัลบูทามอลอย่างเดียวกำเริบรุนแรงมากกว่า",
            "answer": "contradiction",
        },
        {"id": "open1", "lang": "th", "question": "ควบคุมโรคหืดระยะยาวด้วยยาใด", "rubric": "Names inhaled corticosteroids as the controller."},
    ]
    data.write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in items), encoding="utf-8")
    result = kb(
        "eval",
        "reason",
        "--data",
        str(data),
        "--model",
        "stub",
        "--base-url",
        server.base_url,
        "--home",
        str(reason_home),
        "--no-cache",
        "--json",
        "--per-item",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    pipeline, direct = report["methods"]["co-reasoning"], report["methods"]["direct"]
    # The keys `--json` has always printed (ReasonEvaluation.to_dict).
    assert set(report) == {"data", "n", "model", "judge_model", "methods", "items"}
    assert set(pipeline) == set(direct) == {"accuracy", "scored", "judge_mean", "judged", "errors", "model_calls", "prompt_tokens", "completion_tokens"}
    assert report["n"] == 3
    assert (pipeline["accuracy"], pipeline["scored"], pipeline["judge_mean"]) == (1.0, 2, 5.0)
    assert (direct["accuracy"], direct["scored"], direct["judge_mean"]) == (0.5, 2, 2.0)
    assert pipeline["model_calls"] == 18 and direct["model_calls"] == 3
    assert [item["direct"]["answer"] for item in report["items"]] == ["A", "contradiction", "ใช้ยา"]


def test_kb_eval_reason_names_the_bad_line(reason_home, tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text(
        '{"lang": "th", "question": "q", "options": ["a", "b"], "answer": "B"}\n{"lang": "th", "question": "q", "options": ["a"]}\n', encoding="utf-8"
    )
    result = kb("eval", "reason", "--data", str(data), "--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--home", str(reason_home))
    assert result.exit_code == 1
    assert f"{data}: line 2 is not a dataset item: a mc item needs its gold answer" in " ".join(result.output.split())
