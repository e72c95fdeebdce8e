"""The languages medkb builds stores for, and how each is written."""

from __future__ import annotations

from dataclasses import dataclass

from medkb.store.errors import UsageError


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    spacy_code: str  # spaCy has no Swahili pipeline; the multi-language one serves it
    spaced: bool  # words separated by spaces, so token boundaries are trustworthy


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("th", "Thai", "th", spaced=False),
        Language("zh", "Chinese", "zh", spaced=False),
        Language("ja", "Japanese", "ja", spaced=False),
        Language("ko", "Korean", "ko", spaced=True),
        Language("sw", "Swahili", "xx", spaced=True),
        Language("yo", "Yoruba", "yo", spaced=True),
        Language("en", "English", "en", spaced=True),
    )
}

# The language every store is aligned to: same_as edges link a local concept to an English one.
PIVOT = "en"


def get_language(code: str) -> Language:
    """The language for `code`, or a UsageError that lists the supported ones."""
    try:
        return LANGUAGES[code.strip().lower()]
    except KeyError:
        supported = ", ".join(LANGUAGES)
        raise UsageError(f"unknown language {code!r}: medkb supports {supported}") from None
