"""The client against a real local HTTP server: retries, timeouts, refused formats, truncation, cache, concurrency."""

from __future__ import annotations

import threading

import pytest

from medkb.reason.client import ModelError
from openai_stub import Response, completion, error

MESSAGES = [{"role": "system", "content": "Say hi."}, {"role": "user", "content": "hi"}]


def test_429_then_success_waits_as_the_server_says(serve, client_of):
    replies = iter([error(429, "slow down", {"Retry-After": "2"}), completion("hello")])
    server = serve(lambda request: next(replies))
    client = client_of(server)
    record: list = []
    assert client.complete(MESSAGES, record).content == "hello"
    assert client.waits == [2.0]
    assert len(server.requests) == 2
    assert "RateLimitError (429)" in record[0]["attempts"][0]["error"]


def test_repeated_500s_end_in_an_error_naming_the_endpoint_and_the_last_failure(serve, client_of):
    server = serve(lambda request: error(500, "upstream exploded"))
    client = client_of(server, max_retries=3, backoff=0.5)
    with pytest.raises(ModelError, match=r"failed 4 times; last: InternalServerError \(500\): .*upstream exploded"):
        client.complete(MESSAGES, [])
    assert len(server.requests) == 4
    # exponential backoff with jitter of a quarter either way, before each of the 3 retries
    assert len(client.waits) == 3
    for wait, base in zip(client.waits, (0.5, 1.0, 2.0)):
        assert 0.75 * base <= wait <= 1.25 * base


def test_a_timeout_is_retried(serve, client_of):
    replies = iter([Response(delay=1.5, body=completion("late").body), completion("on time")])
    server = serve(lambda request: next(replies))
    client = client_of(server, timeout=0.3)
    record: list = []
    assert client.complete(MESSAGES, record).content == "on time"
    assert "APITimeoutError" in record[0]["attempts"][0]["error"]


def test_an_unreachable_endpoint_is_a_clear_error(client_of):
    class Closed:  # a port nothing listens on
        base_url = "http://127.0.0.1:9/v1"

    client = client_of(Closed(), max_retries=1)
    with pytest.raises(ModelError, match=r"http://127.0.0.1:9/v1 failed 2 times; last: APIConnectionError"):
        client.complete(MESSAGES, [])


def test_a_refused_request_is_not_retried(serve, client_of):
    server = serve(lambda request: error(401, "bad key"))
    with pytest.raises(ModelError, match=r"refused the request \(401\): .*bad key"):
        client_of(server).complete(MESSAGES, [])
    assert len(server.requests) == 1


def test_a_server_without_structured_output_gets_json_mode_then_plain_text(serve, client_of):
    def script(request):
        if "response_format" in request:
            return error(400, f"response_format {request['response_format']['type']} is not supported")
        return completion('{"ok": true}')

    server = serve(script)
    client = client_of(server)
    schema = {"name": "Ok", "schema": {"type": "object"}}
    assert client.complete(MESSAGES, [], schema).content == '{"ok": true}'
    sent = [r["body"].get("response_format", {}).get("type") for r in server.requests]
    assert sent == ["json_schema", "json_object", None]
    client.complete(MESSAGES, [], schema)  # remembered: the next request sends no format
    assert "response_format" not in server.requests[-1]["body"]


def test_a_truncated_reply_is_asked_again_with_twice_the_tokens(serve, client_of):
    def script(request):
        return completion('{"a": "cut', "length", request) if request["max_tokens"] < 400 else completion('{"a": "whole"}', request=request)

    server = serve(script)
    client = client_of(server, max_tokens=100, max_tokens_cap=800)
    assert client.complete(MESSAGES, []).content == '{"a": "whole"}'
    assert [r["body"]["max_tokens"] for r in server.requests] == [100, 200, 400]


def test_a_reply_truncated_at_the_cap_is_a_clear_error(serve, client_of):
    server = serve(lambda request: completion("...", "length", request))
    with pytest.raises(ModelError, match="cut at 200 tokens"):
        client_of(server, max_tokens=100, max_tokens_cap=200).complete(MESSAGES, [])


def test_extraction_defaults_are_temperature_0_and_a_seed(serve, client_of):
    server = serve(lambda request: completion("x", request=request))
    client_of(server).complete(MESSAGES, [])
    body = server.requests[0]["body"]
    assert body["temperature"] == 0 and body["seed"] == 0 and body["model"] == "stub"


def test_the_cache_answers_a_rerun_without_a_request(serve, client_of, tmp_path):
    server = serve(lambda request: completion("cached answer", request=request))
    first, second = [], []
    client_of(server, cache_dir=tmp_path).complete(MESSAGES, first)
    reply = client_of(server, cache_dir=tmp_path).complete(MESSAGES, second)
    assert reply.content == "cached answer" and reply.cached
    assert len(server.requests) == 1
    assert second[0]["cached"] and second[0]["usage"] == first[0]["usage"]
    client_of(server, cache_dir=tmp_path).complete(MESSAGES, [], temperature=0.7)  # other parameters: asked
    assert len(server.requests) == 2


def test_requests_in_flight_are_bounded(serve, client_of):
    server = serve(lambda request: Response(delay=0.2, body=completion("ok").body))
    client = client_of(server, max_concurrency=2)
    threads = [threading.Thread(target=client.complete, args=(MESSAGES, [])) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(server.requests) == 6
    assert server.most_in_flight == 2


def test_concurrent_refusals_step_down_once_each_to_json_mode(serve, client_of):
    # Three requests sent with a JSON schema are all refused at once (the barrier holds the replies
    # until all three are in): the format steps down once, to JSON mode, which the server takes.
    refused_together = threading.Barrier(3, timeout=10)

    def script(request):
        if request.get("response_format", {}).get("type") == "json_schema":
            refused_together.wait()
            return error(400, "response_format json_schema is not supported")
        return completion('{"ok": true}')

    server = serve(script)
    client = client_of(server, max_concurrency=3)
    schema = {"name": "Ok", "schema": {"type": "object"}}
    replies, failures = [], []

    def ask():
        try:
            replies.append(client.complete(MESSAGES, [], schema).content)
        except Exception as failure:  # noqa: BLE001 (a thread's exception is otherwise lost)
            failures.append(failure)

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and replies == ['{"ok": true}'] * 3
    assert client.format == "json_object"
    sent = [r["body"].get("response_format", {}).get("type") for r in server.requests]
    assert sorted(sent, key=str) == ["json_object"] * 3 + ["json_schema"] * 3
