"""The languages a knowledge base holds labels in."""
from __future__ import annotations

from kb.errors import UsageError

LANGUAGES: tuple[str, ...] = ("th", "zh", "ja", "ko", "sw", "yo", "en")


def check_language(lang: str) -> str:
    """Return `lang` when it is one of LANGUAGES, else raise UsageError."""
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r}: expected one of {' '.join(LANGUAGES)}")
    return lang
