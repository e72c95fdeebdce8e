"""Detected abbreviation pairs are kept only when they read as an abbreviation and its expansion."""

from __future__ import annotations

import pytest

from medkb.ingest.mentions.abbreviations import plausible


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("WAS", "Wiskott-Aldrich syndrome"),  # a stop word as a word, an abbreviation in capitals
        ("HbA1c", "glycated haemoglobin"),
        ("sCD30", "soluble CD30"),
        ("OR", "odds ratio"),
        ("COPD", "chronic obstructive pulmonary disease"),
    ],
)
def test_real_abbreviations_are_kept(short, long):
    assert plausible(short, long)


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("and", "and rectal cancer"),  # pairs seen on PubMed Central articles (issue 17)
        ("or", "odds ratios"),
        ("cancer", "cancer as reference"),
        ("ii", "in an alignment and"),
        ("CTG", "CTGs. The size of the"),  # across a sentence, ending in a stop word
        ("HRPT2", "has recently been mapped to chromosomal region 1q21-q32"),  # a clause, not a name
        ("SD", "Smith et al"),
    ],
)
def test_words_before_a_parenthesis_are_not_an_abbreviation(short, long):
    assert not plausible(short, long)
