"""The pipeline against a real model, only when one is configured:

    MEDKB_LIVE_MODEL=<model> [MEDKB_LIVE_BASE_URL=http://127.0.0.1:8000/v1] [MEDKB_API_KEY=...] pytest tests/reason/test_live.py

A real model's words cannot be asserted; what the pipeline guarantees can: a valid option letter,
citations only of the passages it gave, every stage traced, and tokens counted.
"""

from __future__ import annotations

import os

import pytest

from clinic import THAI
from medkb.reason.config import ModelConfig
from medkb.reason.pipeline import CoReasoner

LIVE_MODEL = os.environ.get("MEDKB_LIVE_MODEL")

pytestmark = pytest.mark.skipif(not LIVE_MODEL, reason="no live model configured: set MEDKB_LIVE_MODEL (and MEDKB_LIVE_BASE_URL for a local server)")


def test_a_live_model_answers_the_thai_case(reason_home, tmp_path):
    config = ModelConfig.from_env(model=LIVE_MODEL, base_url=os.environ.get("MEDKB_LIVE_BASE_URL"), cache_dir=tmp_path)
    with CoReasoner("th", reason_home, config) as reasoner:
        answer = reasoner.ask(THAI.question)
    answer.trace.write(tmp_path / "live-trace.json")
    assert answer.answer in THAI.question.options
    assert set(answer.citations) <= {p.id for p in answer.passages}
    assert {s.name for s in answer.trace.stages} >= {"translate", "reason:th", "reason:en", "chain:th", "chain:en", "synthesise"}
    totals = answer.trace.totals()
    assert totals["model_calls"] >= 6 and totals["prompt_tokens"] > 0
