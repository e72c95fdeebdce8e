"""A local OpenAI-compatible server for the tests: real HTTP on 127.0.0.1, replies from a script.

`StubServer(script)` serves POST /v1/chat/completions; `script(request)` returns a Response
(a completion, an HTTP error, a delay, a broken body). `ScriptedModel` is such a script for the
pipeline: it tells the stage from the fixed system message and the language from the JSON data,
answers from per-(stage, language) replies, and plays queued faults first.

Run alone, it serves a case of tests/reason/clinic.py for `kb ask` by hand:
    python tests/reason/openai_stub.py --lang th --port 8011
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from medkb.reason import prompts
from medkb.store.languages import LANGUAGES

STAGES = {"translate": prompts.TRANSLATE, "reason": prompts.REASON, "chain": prompts.CHAIN, "synthesise": prompts.SYNTHESISE, "judge": prompts.JUDGE}
LANG_FIELDS = ("reason_in", "language", "answer_in", "from")
CODES = {language.name: code for code, language in LANGUAGES.items()}


@dataclass
class Response:
    status: int = 200
    body: dict | bytes | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before replying (longer than the client's timeout: a timeout)


def completion(content: str, finish_reason: str = "stop", request: dict | None = None) -> Response:
    """A chat completion, its token counts estimated from the characters (4 a token)."""
    prompt_chars = sum(len(m.get("content") or "") for m in (request or {}).get("messages", []))
    return Response(
        body={
            "id": "chatcmpl-stub",
            "object": "chat.completion",
            "created": 0,
            "model": (request or {}).get("model", "stub"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": prompt_chars // 4 + 1, "completion_tokens": len(content) // 4 + 1, "total_tokens": 0},
        }
    )


def error(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(status, {"error": {"message": message, "type": "stub_error", "code": status}}, headers or {})


def stage_of(request: dict) -> tuple[str, str | None, dict]:
    """(stage, language code, the JSON data of the first user message) of a pipeline request."""
    messages = request["messages"]
    stage = next((name for name, head in STAGES.items() if messages[0]["content"].startswith(head)), "unknown")
    data = json.loads(messages[1]["content"].split("\n\n", 1)[1])
    lang = next((CODES[data[name]] for name in LANG_FIELDS if data.get(name) in CODES), None)
    return stage, lang, data


class StubServer:
    def __init__(self, script, port: int = 0):
        self.script = script
        self.requests: list[dict] = []  # each request, with "started" and "finished" times
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> StubServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def stages(self) -> list[str]:
        """The stage:language of every request, in the order they arrived."""
        return [":".join(filter(None, stage_of(r["body"])[:2])) for r in self.requests]

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                entry = {"path": self.path, "body": body, "started": time.monotonic()}
                with stub._lock:
                    stub.requests.append(entry)
                    stub.in_flight += 1
                    stub.most_in_flight = max(stub.most_in_flight, stub.in_flight)
                try:
                    response = stub.script(body)
                    time.sleep(response.delay)
                    self._send(response)
                finally:
                    with stub._lock:
                        stub.in_flight -= 1
                    entry["finished"] = time.monotonic()

            def _send(self, response: Response) -> None:
                payload = response.body if isinstance(response.body, bytes) else json.dumps(response.body).encode()
                try:
                    self.send_response(response.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in response.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

            def log_message(self, *args):  # quiet
                pass

        return Handler


class ScriptedModel:
    """Replies per (stage, language): a string, or a function of (data, request) returning a string or
    a Response. `faults[(stage, lang)]` lists Responses played, in order, before the script."""

    def __init__(self, replies: dict, faults: dict | None = None):
        self.replies = replies
        self.faults = {key: list(queue) for key, queue in (faults or {}).items()}
        self._lock = threading.Lock()

    def __call__(self, request: dict) -> Response:
        stage, lang, data = stage_of(request)
        with self._lock:
            queue = self.faults.get((stage, lang)) or self.faults.get((stage, None))
            if queue:
                fault = queue.pop(0)
                return fault if isinstance(fault, Response) else completion(fault, request=request)
        reply = self.replies.get((stage, lang), self.replies.get((stage, None)))
        if reply is None:
            return error(400, f"the stub has no reply for stage {stage} in {lang}")
        reply = reply(data, request) if callable(reply) else reply
        return reply if isinstance(reply, Response) else completion(reply, request=request)


def main() -> None:
    from clinic import CASES  # beside this file

    parser = argparse.ArgumentParser(description="Serve a clinic case's script as an OpenAI-compatible endpoint.")
    parser.add_argument("--lang", choices=sorted(CASES), default="th")
    parser.add_argument("--port", type=int, default=8011)
    args = parser.parse_args()
    case = CASES[args.lang]
    with StubServer(ScriptedModel(case.replies), args.port) as server:
        print(f"serving {server.base_url} (any model name); ask: {case.question.text}", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
