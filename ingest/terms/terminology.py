"""What loading a terminology file returns."""

from __future__ import annotations

from dataclasses import dataclass

from medkb.store.records import Concept


@dataclass
class Terminology:
    """The concepts of one terminology file.

    `name` is the source its concepts carry ("hpo", "tico", "seed"...), `path`
    the file they were read from.
    """

    name: str
    path: str
    concepts: list[Concept]
