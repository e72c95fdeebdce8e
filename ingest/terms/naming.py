"""What a terminology file's name says: its language and its namespace.

Files are named `<lang>_<name>[_dev].<ext>` (`th_tico_dev.tsv`, `en_hpo.tsv`).
"""

from __future__ import annotations

from pathlib import Path

from medkb.store.languages import LANGUAGES

_COMPRESSION_SUFFIXES = (".gz",)


def file_stem(path: Path) -> str:
    """The name without its format suffix, nor a compression suffix before it."""
    name = Path(path).name
    for suffix in _COMPRESSION_SUFFIXES:
        name = name.removesuffix(suffix)
    return Path(name).stem


def language_prefix(path: Path) -> str | None:
    """The known language code before the first `_` of the name, if there is one."""
    prefix, separator, _ = file_stem(path).partition("_")
    return prefix if separator and prefix in LANGUAGES else None


def namespace(path: Path) -> str:
    """The stem without its language prefix and `_dev` suffix: the same for every
    language's file of one terminology (`th_tico_dev.tsv` and `en_tico.tsv` give "tico")."""
    stem = file_stem(path)
    prefix = language_prefix(path)
    if prefix is not None:
        stem = stem[len(prefix) + 1 :]
    return stem.removesuffix("_dev")
