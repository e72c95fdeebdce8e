"""The base of what public calls return: typed dataclasses whose `to_dict()` is the JSON `--json` prints.

A field's JSON name is its own, unless its metadata is `json_name("acc@1")`: metric names such as
acc@1 and recall@10 are the JSON keys the command line has always printed, but not identifiers.
A field whose metadata is `OMITTED_IF_NONE` is left out of the JSON when it is None (the per-query
rows that only `--per-query` asks for), and one whose metadata is `FLATTENED` puts its own fields in
its parent's object (metrics that the mean and each query's row share). They are metadata for
`dataclasses.field`, not functions that call it, because type checkers only know `field` itself.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

_NAME, _OMIT_NONE, _FLATTEN = "json_name", "omitted_if_none", "flattened"
OMITTED_IF_NONE = {_OMIT_NONE: True}
FLATTENED = {_FLATTEN: True}


def json_name(name: str) -> dict[str, str]:
    """The metadata of a field written to JSON under `name`."""
    return {_NAME: name}


class Result:
    """A typed result; `to_dict()` gives the JSON object of the matching `kb` command's `--json`."""

    def to_dict(self) -> dict[str, Any]:
        """The result as plain dicts, lists and scalars, under the JSON names of its fields."""
        return _plain(self)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        plain: dict[str, Any] = {}
        for f in fields(value):
            item = getattr(value, f.name)
            if item is None and f.metadata.get(_OMIT_NONE):
                continue
            if f.metadata.get(_FLATTEN):
                plain |= _plain(item)
            else:
                plain[f.metadata.get(_NAME, f.name)] = _plain(item)
        return plain
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
