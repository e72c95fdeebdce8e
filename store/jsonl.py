"""Reading the JSONL files users hand to the evaluation commands: one JSON object a line."""

from __future__ import annotations

import json
from pathlib import Path

from medkb.store.errors import InputError


def json_objects(path: str | Path, what: str) -> list[tuple[int, dict]]:
    """(line number, object) of each non-blank line, or an InputError naming the file, the line and
    the problem; `what` names the contents in messages ("queries", "dataset items")."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read the {what}: {error}") from None
    objects = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as error:
            raise InputError(path, f"line {number} is not JSON: {error}") from None
        if not isinstance(value, dict):
            raise InputError(path, f"line {number} is not a JSON object")
        objects.append((number, value))
    if not objects:
        raise InputError(path, f"no {what}")
    return objects
