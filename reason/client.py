"""One chat completion from any OpenAI-compatible endpoint, made dependable.

The official `openai` client does the HTTP; this layer adds what a pipeline
needs around it: a bound on requests in flight, retries with exponential
backoff on connection errors, timeouts, 429 (honouring Retry-After) and 5xx;
structured output asked as a JSON schema, falling back to JSON mode and then to
plain text on servers that refuse it; a reply cut at `max_tokens` asked again
with more room; an on-disk cache; and a record of every request for the trace.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

from medkb.reason.cache import ReplyCache
from medkb.reason.config import ModelConfig
from medkb.store.errors import MedkbError
from medkb.store.extras import needs_extra

FORMATS = ("json_schema", "json_object", "text")  # from the most to the least the server must support
REFUSED_FORMAT_STATUS = (400, 415, 422)  # how servers say they do not take a response_format


class ModelError(MedkbError):
    """The endpoint failed, refused, or kept replying with what the stage cannot use."""


@dataclass
class Reply:
    content: str
    finish_reason: str | None
    usage: dict  # prompt_tokens, completion_tokens (None where the server does not count)
    cached: bool = False


class ChatClient:
    """Thread-safe: the stages of one question, and many questions, share one client."""

    def __init__(self, config: ModelConfig, sleep=time.sleep):
        with needs_extra("reason"):
            import openai
        self.config = config
        self._errors = openai
        # Retries are ours, not the client's, so that each attempt is traced and the backoff is known.
        self._openai = openai.OpenAI(base_url=config.base_url, api_key=config.api_key, timeout=config.timeout, max_retries=0)
        self._slots = threading.BoundedSemaphore(config.max_concurrency)
        self._cache = ReplyCache(config.cache_dir) if config.cache_dir else None
        self._sleep = sleep
        self.format = FORMATS[0] if config.structured == "auto" else config.structured
        self._format_lock = threading.Lock()  # guards the step-down of self.format

    def complete(self, messages: list[dict], record: list, schema: dict | None = None, temperature: float = 0.0) -> Reply:
        """The model's reply to the messages; `schema` ({"name", "schema"}) asks for JSON. Each request
        made, cached or not, is appended to `record`."""
        max_tokens = self.config.max_tokens
        while True:
            reply = self._reply(messages, record, schema, temperature, max_tokens)
            if reply.finish_reason != "length":
                return reply
            if max_tokens * 2 > self.config.max_tokens_cap:
                raise ModelError(
                    f"the reply was cut at {max_tokens} tokens (finish_reason 'length') and the cap is "
                    f"{self.config.max_tokens_cap}: raise max_tokens_cap (--max-tokens) or use a model that answers more briefly"
                )
            max_tokens *= 2

    def _reply(self, messages, record, schema, temperature, max_tokens) -> Reply:
        while True:
            sent_format = self.format
            response_format = self._response_format(schema, sent_format)
            params = {"temperature": temperature, "max_tokens": max_tokens}
            if self.config.seed is not None:
                params["seed"] = self.config.seed
            if response_format:
                params["response_format"] = response_format
            entry = {"messages": messages, "params": params, "attempts": []}
            record.append(entry)
            try:
                return self._cached_or_sent(entry)
            except self._errors.APIStatusError as error:
                if not (response_format and self._refused_format(error, sent_format)):
                    raise ModelError(f"the model endpoint refused the request ({error.status_code}): {_message(error)}") from error
                entry["error"] = f"{error.status_code}: {_message(error)}"

    @staticmethod
    def _response_format(schema: dict | None, format_name: str) -> dict | None:
        if schema is None or format_name == "text":
            return None
        if format_name == "json_object":
            return {"type": "json_object"}
        return {"type": "json_schema", "json_schema": {"name": schema["name"], "schema": schema["schema"], "strict": False}}

    def _refused_format(self, error, sent_format: str) -> bool:
        """On a refused response_format, step down to the format after the one the request was sent
        with (in auto mode only). Requests in flight together are refused together: only the first
        refusal of a format steps down, so that the others retry with the next format, not skip it."""
        if self.config.structured != "auto" or error.status_code not in REFUSED_FORMAT_STATUS:
            return False
        with self._format_lock:
            if self.format == sent_format:
                self.format = FORMATS[FORMATS.index(sent_format) + 1]  # never past "text", which sends no format
        return True

    def _cached_or_sent(self, entry: dict) -> Reply:
        key = ReplyCache.key({"model": self.config.model, "messages": entry["messages"], **entry["params"]})
        cached = self._cache.get(key) if self._cache else None
        started = time.perf_counter()
        reply = Reply(**cached, cached=True) if cached else self._send(entry)
        entry.update(
            content=reply.content, finish_reason=reply.finish_reason, usage=reply.usage, cached=reply.cached, seconds=round(time.perf_counter() - started, 4)
        )
        if self._cache and not cached and reply.finish_reason != "length":
            self._cache.put(key, {"content": reply.content, "finish_reason": reply.finish_reason, "usage": reply.usage})
        return reply

    def _send(self, entry: dict) -> Reply:
        attempt = 0
        while True:
            try:
                with self._slots:
                    response = self._openai.chat.completions.create(model=self.config.model, messages=entry["messages"], **entry["params"])
                return _reply_of(response)
            except (self._errors.APIConnectionError, self._errors.RateLimitError, self._errors.InternalServerError) as error:
                if attempt == self.config.max_retries:
                    raise ModelError(
                        f"the model endpoint {self.config.base_url or 'api.openai.com'} failed {attempt + 1} times; last: {_describe(error)}"
                    ) from error
                wait = self._wait(error, attempt)
                entry["attempts"].append({"error": _describe(error), "waited_s": round(wait, 3)})
                self._sleep(wait)
                attempt += 1

    def _wait(self, error, attempt: int) -> float:
        """Exponential backoff with jitter, or the server's Retry-After when it gives one (both capped)."""
        retry_after = getattr(getattr(error, "response", None), "headers", {}).get("retry-after")
        if retry_after:
            try:
                return min(float(retry_after), self.config.max_backoff)
            except ValueError:  # an HTTP date: back off as usual
                pass
        return min(self.config.backoff * 2**attempt, self.config.max_backoff) * random.uniform(0.75, 1.25)


def _reply_of(response) -> Reply:
    if not getattr(response, "choices", None):
        raise ModelError(f"the model endpoint replied without choices: {str(response)[:200]}")
    choice = response.choices[0]
    usage = getattr(response, "usage", None)
    return Reply(
        content=choice.message.content or "",
        finish_reason=choice.finish_reason,
        usage={"prompt_tokens": getattr(usage, "prompt_tokens", None), "completion_tokens": getattr(usage, "completion_tokens", None)},
    )


def _describe(error) -> str:
    status = getattr(error, "status_code", None)
    return f"{type(error).__name__} ({status}): {_message(error)}" if status else f"{type(error).__name__}: {_message(error)}"


def _message(error) -> str:
    return str(getattr(error, "message", None) or error)[:300]
