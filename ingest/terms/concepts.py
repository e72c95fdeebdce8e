"""Growing Concepts from rows that may arrive in any order."""

from __future__ import annotations

from medkb.ingest.terms.cells import clean
from medkb.store.records import Concept, Label


class ConceptCollector:
    """One Concept per id, in the order the ids were first met."""

    def __init__(self, source: str):
        self.source = source
        self._by_id: dict[str, Concept] = {}

    def concept(self, concept_id: str) -> Concept:
        """The concept with this id, created empty the first time."""
        if concept_id not in self._by_id:
            self._by_id[concept_id] = Concept(concept_id=concept_id, source=self.source, labels=[])
        return self._by_id[concept_id]

    def concepts(self) -> list[Concept]:
        return list(self._by_id.values())


def add_label(concept: Concept, lang: str, text: str, kind: str) -> None:
    """Add a label unless the concept has it already in that language.

    A language keeps a single preferred label: the first one offered, so a
    later "preferred" (a second row for the same id) becomes a synonym.
    """
    if any(label.lang == lang and label.text == text for label in concept.labels):
        return
    if kind == "preferred" and any(label.lang == lang and label.kind == "preferred" for label in concept.labels):
        kind = "synonym"
    concept.labels.append(Label(lang=lang, text=text, kind=kind))


def add_code(concept: Concept, system: str, value: str) -> None:
    """Add codes to a `|`-joined list, so rows or xrefs with more codes extend it."""
    codes = [code for code in concept.codes.get(system, "").split("|") if code]
    for code in map(clean, value.split("|")):
        if code is not None and code not in codes:
            codes.append(code)
    if codes:
        concept.codes[system] = "|".join(codes)
