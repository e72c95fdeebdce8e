"""Korean search over the embedded Korean corpus: a noun is found whatever particle follows it,
and a two-syllable noun whose last syllable is also a particle stays whole."""

from __future__ import annotations

import pytest

from medkb.kb.build.builder import build
from medkb.retrieve.searcher import KnowledgeBase
from medkb.store import database


@pytest.fixture(scope="module")
def korean_home(tmp_path_factory):
    """The embedded Korean corpus, BM25 and concepts only (these tests read words, not vectors)."""
    home = tmp_path_factory.mktemp("ko")
    build("ko", home=home, embedder=None)
    return home


@pytest.fixture(scope="module")
def korean(korean_home):
    with KnowledgeBase("ko", home=korean_home, embedder=None) as kb:
        yield kb


def passages_holding(home, word: str) -> set[str]:
    with database.open_existing("ko", home) as con:
        return {row[0] for row in con.execute("SELECT passage_id FROM passages WHERE contains(text, ?)", [word]).fetchall()}


@pytest.mark.parametrize(
    "word",
    [
        # 기도 (airway): bare in one asthma passage, 기도의 (of the airway) in the other. Cut to 기, the
        # query would find only the bare one, since 기도의 loses just its 의.
        "기도",
        # 분만 (delivery): 만 is a particle (only), so 분만 would be cut to 분 (minute).
        "분만",
    ],
)
def test_a_two_syllable_noun_ending_like_a_particle_finds_every_passage_that_uses_it(korean, korean_home, word):
    hits = korean.search(word, k=20, mode="bm25")
    assert {h.passage_id for h in hits} == passages_holding(korean_home, word)
    assert len(hits) >= 2
    assert all(h.explanation.terms == [word] for h in hits)
