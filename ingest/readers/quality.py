"""Text that is not text: a script that does not fit the build's language, or a broken text layer.

Seen on real files (issue 17): Thai and Chinese documents built as English were cut into clause-long
tokens without a word of warning; a Japanese PDF with CID fonts gave 5,017 characters of mojibake with
no kana or kanji, stored as fine; a Word-made Thai PDF lost its nikhahit, leaving ทำ as "ท า" 22 times.
Each is a problem of its file (reported, and fatal under --strict), found from the letters alone.
"""

from __future__ import annotations

import unicodedata

# Letters a language's documents are written in, by Unicode script name prefix (unicodedata.name).
_SCRIPTS: dict[str, tuple[str, ...]] = {
    "th": ("THAI",),
    "zh": ("CJK", "BOPOMOFO"),
    "ja": ("CJK", "HIRAGANA", "KATAKANA"),
    "ko": ("HANGUL", "CJK"),
    "en": ("LATIN",),
    "sw": ("LATIN",),
    "yo": ("LATIN",),
}
_SCRIPT_NAMES = {"th": "Thai", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "en": "Latin", "sw": "Latin", "yo": "Latin"}
MIN_LETTERS = 200  # below this a document is too short to judge (a title, a table cell)
MAX_MISFIT_SHARE = 0.5  # Japanese guidelines hold English terms, Thai ones drug names: never half their letters
_REPLACEMENT = "\ufffd"
MAX_REPLACEMENT_SHARE = 0.001
# Thai vowels that follow their consonant: after a space they have lost it (or the nikhahit of ำ).
_THAI_FOLLOWING_VOWELS = frozenset("ะาำๅ")
MIN_DETACHED = 5


def text_problems(lang: str, text: str) -> list[str]:
    """What is wrong with a document's text for a build of `lang`, one sentence per problem."""
    problems = []
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= MIN_LETTERS:
        share = _misfit_share(lang, letters)
        if share > MAX_MISFIT_SHARE:
            problems.append(
                f"{share:.0%} of its {len(letters):,} letters are not in the {_SCRIPT_NAMES[lang]} script of --lang {lang}: "
                "the wrong --lang, or a PDF whose text layer is not text (OCR it, or extract it with another tool)"
            )
    replaced = text.count(_REPLACEMENT)
    if replaced and replaced > MAX_REPLACEMENT_SHARE * max(len(text), 1):
        problems.append(f"{replaced:,} characters could not be decoded (U+FFFD): the file's encoding or fonts are broken")
    detached = _detached_marks(text)
    if detached >= MIN_DETACHED:
        problems.append(
            f"{detached:,} vowels or marks stand apart from their letter (as 'ท า' for 'ทำ'): "
            "the PDF's text layer lost them, so words are split and not matched"
        )
    return problems


def fits_script(lang: str, text: str) -> float:
    """The share of the text's letters written in the language's script (0 for a text without letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    return 1 - _misfit_share(lang, letters) if letters else 0.0


def _misfit_share(lang: str, letters: list[str]) -> float:
    scripts = _SCRIPTS[lang]
    misfits = sum(1 for ch in letters if not unicodedata.name(ch, "").startswith(scripts))
    return misfits / len(letters)


def _detached_marks(text: str) -> int:
    """Combining marks, and Thai following vowels, right after a space or at a line's start."""
    count = 0
    for previous, ch in zip(" " + text, text):
        if previous.isspace() and (unicodedata.category(ch) == "Mn" or ch in _THAI_FOLLOWING_VOWELS):
            count += 1
    return count
