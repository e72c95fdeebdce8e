"""Discovered-term candidates are noun phrases of each language, not its grammar or a page's boilerplate."""

from __future__ import annotations

import unicodedata

import pytest

from medkb.ingest.mentions.discovery import DiscoveredTerm, candidate_terms
from medkb.ingest.segment import tokenize
from medkb.kb.build.corpus_terms import discovered_concept_id
from medkb.store.records import Document, Section


def candidates(lang: str, text: str) -> set[str]:
    document = Document("d", "", text, [Section((), 0, len(text))])
    return set(candidate_terms(lang, document, tokenize(lang, text)))


def test_english_terms_hold_only_connectors_inside():
    found = candidates("en", "A family history of breast cancer. The gene is associated with loss of the wild type.")
    assert "family history of breast" in found and "history of breast cancer" in found
    assert not {"gene is associated", "loss of the wild", "associated with loss"} & found


def test_citations_and_copyright_lines_are_not_terms():
    found = candidates("en", "Smith et al reported it. Copyright 2020 Elsevier. All rights reserved.")
    assert not any(term in found for term in ("et al", "smith et al", "rights reserved", "copyright 2020 elsevier"))


@pytest.mark.parametrize(
    ("lang", "text", "grammar"),
    [
        ("ko", "자세한 내용은 다음과 같습니다. 규칙적인 운동이 것이 중요합니다.", {"다음 같습니다", "것 중요합니다", "운동 것 중요합니다"}),
        ("yo", "Dokita so pe aisan iba le pa eniyan, o so pe ki won to ba lo si ile iwosan.", {"so pe", "to ba", "pe aisan"}),
        ("sw", "Umri wa miaka mitano na watoto wa shule ni muhimu.", {"mitano na watoto", "miaka mitano na"}),
    ],
)
def test_grammar_of_each_language_is_not_a_term(lang, text, grammar):
    assert not grammar & candidates(lang, text)


def test_thai_labels_keep_sara_am_and_ids_keep_their_vowels():
    words = tuple(unicodedata.normalize("NFKC", w) for w in ("ยา", "เคมี", "บำบัด"))  # as the tokens hold them
    label = DiscoveredTerm(words, 5, 3, 2.0).label("th")
    assert label == "ยาเคมีบำบัด" and "\u0e33" in label
    assert discovered_concept_id("th", label) == "disc:th:ยาเคมีบำบัด"
    assert discovered_concept_id("en", "covid-19 test") == "disc:en:covid_19_test"
