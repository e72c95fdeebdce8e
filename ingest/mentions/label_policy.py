"""Which labels match in which case, and which are too generic to name a concept on their own.

Measured on the NCBI disease corpus's development half with the Disease Ontology and the seed lexicon
(`python bench/mention_quality.py`): matching every label after case folding found "AS" (Angelman
syndrome, ankylosing spondylitis) in 99 uses of the word "as", "AGE" (acute gastroenteritis) in "age",
"DM" in author initials, and the ontology's root "disease" in 33 generic uses of the word; precision was
0.761. Abbreviation-shaped labels matched in their own case only, and generic labels left out, are
what `CASE_SENSITIVE` and `GENERIC_LABELS` below encode.
"""

from __future__ import annotations

import re
import unicodedata

# An abbreviation-shaped word: 2 to 5 capitals (digits and hyphens between them allowed: COPD, HIV-1,
# COVID-19), or capitals after a small letter inside the word (HbA1c, mRNA, SARS-CoV). Longer all-capital
# words are names written in capitals (ASTHMA in old code lists) and stay case-insensitive.
_SHORT_CAPITALS = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})(?!(?:[^A-Z]*[A-Z]){6})[A-Z0-9][A-Z0-9-]*$")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")

# Words that every disease's name may hold and that name no disease alone: a label that is only one of
# them (the Disease Ontology's root "disease", the seed lexicon's generic เป็นโรค) is not matched. They
# are also what query expansion gives no weight of its own.
GENERIC_LABELS: dict[str, frozenset[str]] = {
    "en": frozenset({"disease", "diseases", "disorder", "disorders", "syndrome", "syndromes", "condition", "illness", "sickness"}),
    "th": frozenset({"โรค", "อาการ", "ความผิดปกติ", "กลุ่มอาการ"}),
    "zh": frozenset({"病", "疾病", "症", "综合征", "病症"}),
    "ja": frozenset({"病", "疾患", "病気", "症", "症候群", "障害"}),
    "ko": frozenset({"병", "질환", "질병", "증후군", "장애"}),
    "sw": frozenset({"ugonjwa", "magonjwa", "dalili"}),
    "yo": frozenset({"àrùn", "arun", "àìsàn", "aisan"}),
}


def case_sensitive(label: str) -> bool:
    """Whether the label names its concept only in its own case (and, for HbA1c, in capitals): a single abbreviation-shaped word."""
    form = unicodedata.normalize("NFKC", label).strip()
    if not form or any(ch.isspace() for ch in form):
        return False
    return bool(_SHORT_CAPITALS.match(form) or _INNER_CAPITAL.search(form))


def is_generic(lang: str, norm_label: str) -> bool:
    """Whether a normalised label is only a generic word of the language."""
    return norm_label in GENERIC_LABELS.get(lang, frozenset())
