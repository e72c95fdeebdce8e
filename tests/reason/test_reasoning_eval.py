"""`eval_reason` in Python against the local OpenAI-compatible stub: a failed item is recorded and the run goes on."""

from __future__ import annotations

import json

from medkb.reason.config import ModelConfig
from medkb.reason.reasoning_eval import eval_reason
from openai_stub import error

OPEN_ITEMS = [
    {"id": "open1", "lang": "th", "question": "ควบคุมโรคหืดระยะยาวด้วยยาใด", "rubric": "Names inhaled corticosteroids as the controller."},
    {"id": "open2", "lang": "th", "question": "ยาใดใช้บรรเทาอาการหอบเฉียบพลัน", "rubric": "Names a short-acting reliever such as salbutamol."},
]


def test_a_failed_judgement_is_recorded_as_an_error_and_the_run_goes_on(reason_home, serve, tmp_path):
    replies = {
        ("reason", "th"): json.dumps({"reasoning": "ยาสูดสเตียรอยด์ควบคุมการอักเสบ", "answer": "ยาสูดสเตียรอยด์"}, ensure_ascii=False),
        ("judge", None): json.dumps({"score": 4, "rationale": "names the controller"}),
    }
    server = serve(replies, faults={("judge", None): [error(500, "the judge is overloaded")]})  # the first judgement only
    data = tmp_path / "open.jsonl"
    data.write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in OPEN_ITEMS), encoding="utf-8")
    config = ModelConfig(model="stub", base_url=server.base_url, api_key="test", max_retries=0)

    report = eval_reason(data, home=reason_home, config=config, methods=("direct",), per_item=True)

    assert report.items is not None
    first, second = (item["direct"] for item in report.items)
    assert "the judge is overloaded" in first["error"] and first["correct"] is None and "judge" not in first
    assert second["judge"] == 4 and "error" not in second
    summary = report.methods["direct"]
    assert (summary.errors, summary.judged, summary.judge_mean) == (1, 1, 4.0)
    assert server.stages() == ["reason:th", "judge", "reason:th", "judge"]
