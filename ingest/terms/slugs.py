"""Concept ids for terminologies that have none: derived from the English term."""

from __future__ import annotations

import re
import unicodedata

_UNDERSCORE_RUNS = re.compile("_+")


def term_slug(term: str) -> str:
    """The lowercased term with each run of characters other than letters, marks and
    digits (in any script) turned into one `_`.

    The same English term, whatever its capitals, gives the same slug, so every
    language's pair file of a terminology gives its concepts the same ids.
    """
    kept = (c if unicodedata.category(c)[0] in "LMN" else "_" for c in term.lower())
    return _UNDERSCORE_RUNS.sub("_", "".join(kept))
