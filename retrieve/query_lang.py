"""The languages a query may be written in, from its script, when the caller does not say.

Thai, Korean and Japanese kana have scripts of their own; Han characters alone
are Chinese or Japanese, and Latin letters English, Swahili or Yoruba. Where the
script leaves a choice, all of its languages are candidates, the searched
store's language first if it is one of them (else zh for Han, en for Latin):
the query is cut as the first, and its concepts are looked for in every one.
"""

from __future__ import annotations

import unicodedata

_BY_SCRIPT = {"THAI": ("th",), "HANGUL": ("ko",), "HIRAGANA": ("ja",), "KATAKANA": ("ja",), "CJK": ("zh", "ja"), "LATIN": ("en", "sw", "yo")}


def guess_query_langs(text: str, store_lang: str) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha():
            continue
        script = unicodedata.name(ch, "").split(" ")[0]
        if script in _BY_SCRIPT:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return (store_lang,)
    if "HIRAGANA" in counts or "KATAKANA" in counts:
        return ("ja",)
    choices = _BY_SCRIPT[max(counts, key=counts.__getitem__)]
    return tuple(sorted(choices, key=lambda lang: lang != store_lang))
