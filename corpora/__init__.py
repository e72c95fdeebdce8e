"""medkb's embedded default corpora (`<lang>/*.md`) and seed lexicon (`lexicon.tsv`).

Illustrations written for medkb's tests and demos: not clinical advice.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent
SEED_LEXICON = ROOT / "lexicon.tsv"


def corpus_dir(lang: str) -> Path:
    return ROOT / lang
