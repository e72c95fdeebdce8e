"""Position-aware fusion: every local concept is kept, paired ones with their counterparts,
unpaired ones where the local reasoning put them."""

from __future__ import annotations

from medkb.reason.chain_fusion import fuse
from medkb.reason.chain_pairing import ChainItem, Link

ENGLISH = [ChainItem(i, text, "en", "finding") for i, text in enumerate(["fever", "dengue", "platelet count", "fluids"])]
THAI = [ChainItem(i, text, "th", "finding") for i, text in enumerate(["ไข้", "ไข้เลือดออก", "ใบมะละกอ", "อสม."])]


def links(pairs: dict[int, int]) -> list[Link]:
    return [Link(i, pairs.get(i), "graph" if i in pairs else None, 1.0 if i in pairs else 0.0, "") for i in range(len(THAI))]


def shape(steps) -> list[tuple]:
    return [(s.english.text if s.english else None, [item.text for item in s.local]) for s in steps]


def test_paired_concepts_join_their_counterparts_and_unpaired_follow_their_predecessor():
    steps = fuse(ENGLISH, THAI, links({0: 0, 1: 1}))
    assert shape(steps) == [
        ("fever", ["ไข้"]),
        ("dengue", ["ไข้เลือดออก"]),
        (None, ["ใบมะละกอ"]),
        (None, ["อสม."]),
        ("platelet count", []),
        ("fluids", []),
    ]
    assert steps[2].placement == "after 'dengue', as in the local chain"
    assert [s.source for s in steps] == ["both", "both", "local", "local", "english", "english"]


def test_a_leading_unpaired_concept_goes_before_the_first_paired_one_after_it():
    steps = fuse(ENGLISH, THAI, links({1: 3, 2: 2}))
    assert shape(steps) == [
        ("fever", []),
        ("dengue", []),
        ("platelet count", ["ใบมะละกอ"]),
        (None, ["อสม."]),
        (None, ["ไข้"]),
        ("fluids", ["ไข้เลือดออก"]),
    ]
    assert steps[4].placement == "before 'fluids', as in the local chain"
    assert steps[3].placement == "after 'platelet count', as in the local chain"


def test_with_nothing_paired_local_concepts_keep_their_relative_positions():
    steps = fuse(ENGLISH, THAI, links({}))
    assert shape(steps) == [
        (None, ["ไข้"]),
        ("fever", []),
        (None, ["ไข้เลือดออก"]),
        ("dengue", []),
        (None, ["ใบมะละกอ"]),
        ("platelet count", []),
        (None, ["อสม."]),
        ("fluids", []),
    ]


def test_no_local_concept_is_ever_dropped():
    for pairs in ({}, {0: 0}, {3: 0}, {0: 3, 3: 0}, {1: 1, 2: 1}):
        steps = fuse(ENGLISH, THAI, links(pairs))
        assert sorted(item.text for s in steps for item in s.local) == sorted(item.text for item in THAI)
        assert [s.english.text for s in steps if s.english] == [item.text for item in ENGLISH]


def test_an_empty_english_chain_keeps_the_local_one():
    assert shape(fuse([], THAI, links({}))) == [(None, [item.text]) for item in THAI]
