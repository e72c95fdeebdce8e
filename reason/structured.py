"""Replies as validated objects: JSON found in the reply, checked against the stage's schema, and
re-asked with the validation error when it does not pass, a bounded number of times."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from medkb.reason.client import ChatClient, ModelError
from medkb.reason.schemas import json_schema

FENCED = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)
Reply = TypeVar("Reply", bound=BaseModel)


class InvalidReply(ModelError):
    """The model's replies did not pass validation, even after being told what was wrong."""


def ask_structured(
    client: ChatClient,
    messages: list[dict],
    model: type[Reply],
    record: list,
    check: Callable[[Reply], None] | None = None,
    temperature: float = 0.0,
) -> Reply:
    """The reply parsed as `model`; `check` raises ValueError for what a schema cannot say (a citation
    of a passage that was not given, an answer that is not one of the options)."""
    schema = {"name": model.__name__, "schema": json_schema(model)}
    for _ in range(client.config.max_repairs + 1):
        reply = client.complete(messages, record, schema, temperature)
        try:
            value = model.model_validate(extract_json(reply.content))
            if check:
                check(value)
            return value
        except (ValueError, ValidationError) as error:  # ValidationError is a ValueError; named for the reader
            problem = describe_invalid(error)
            record[-1]["invalid"] = problem
            messages = [
                *messages,
                {"role": "assistant", "content": reply.content},
                {"role": "user", "content": f"Your reply could not be used: {problem}. Reply again with only the corrected JSON object."},
            ]
    raise InvalidReply(f"no valid {model.__name__} after {client.config.max_repairs + 1} replies; the last: {problem}")


def extract_json(text: str) -> dict:
    """The JSON object in a reply: the whole reply, a fenced block, or the first object in prose.
    A reply that starts as an object but does not parse (cut short, say) is an error, not a
    reason to take an object nested inside it."""
    text = text.strip()
    for candidate in (text, *FENCED.findall(text)):
        try:
            value = json.loads(candidate)
        except ValueError as error:
            if candidate is text and text.startswith("{"):
                raise ValueError(f"the reply is not valid JSON: {error}") from None
            continue
        if isinstance(value, dict):
            return value
    decoder = json.JSONDecoder()
    for start in (i for i, ch in enumerate(text) if ch == "{"):
        try:
            value, _ = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    raise ValueError(f"no JSON object in the reply (it begins {text[:80]!r})" if text else "the reply is empty")


def describe_invalid(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'reply'}: {e['msg']}" for e in error.errors()[:5])
    return str(error)
