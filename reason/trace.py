"""A record of every stage of a question: its requests (messages, parameters, raw replies, retries,
tokens, timings) and its parsed output, written as JSON on request."""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class StageRecord:
    name: str
    calls: list[dict] = field(default_factory=list)  # appended to by ChatClient, one entry per request
    output: object = None
    seconds: float = 0.0
    error: str | None = None

    def to_dict(self) -> dict:
        return {"name": self.name, "seconds": round(self.seconds, 4), "error": self.error, "calls": self.calls, "output": self.output}


class Trace:
    def __init__(self, question: dict, settings: dict):
        self.question = question
        self.settings = settings
        self.stages: list[StageRecord] = []
        self.warnings: list[str] = []
        self._lock = threading.Lock()
        self._started = time.perf_counter()
        self._ended: float | None = None

    @contextmanager
    def stage(self, name: str):
        """A stage's record, timed; an error is recorded, then raised on."""
        record = StageRecord(name)
        with self._lock:  # stages run in parallel threads; the list keeps the order they started in
            self.stages.append(record)
        started = time.perf_counter()
        try:
            yield record
        except Exception as error:
            record.error = f"{type(error).__name__}: {error}"
            raise
        finally:
            record.seconds = time.perf_counter() - started

    def warn(self, message: str) -> None:
        with self._lock:
            self.warnings.append(message)

    def finish(self) -> None:
        self._ended = time.perf_counter()

    def totals(self) -> dict:
        calls = [call for stage in self.stages for call in stage.calls]
        sent = [call for call in calls if not call.get("cached") and "content" in call]
        return {
            "calls": len(calls),
            "model_calls": len(sent),  # requests the endpoint answered (not from the cache)
            "cached_calls": sum(1 for call in calls if call.get("cached")),
            "retries": sum(len(call["attempts"]) for call in calls),
            "prompt_tokens": sum(call["usage"].get("prompt_tokens") or 0 for call in sent),
            "completion_tokens": sum(call["usage"].get("completion_tokens") or 0 for call in sent),
            "seconds": round((self._ended or time.perf_counter()) - self._started, 4),
        }

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "settings": self.settings,
            "totals": self.totals(),
            "warnings": self.warnings,
            "stages": [stage.to_dict() for stage in self.stages],
        }

    def write(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
