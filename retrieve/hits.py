"""What a search returns: passages with the reasons they were found."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Explanation:
    """Why a passage was found: the query terms and concepts it holds, and each ranker's rank and score."""

    query_lang: str
    terms: list[str] = field(default_factory=list)  # search terms found in the passage (typed or from concepts)
    concepts: list[dict] = field(default_factory=list)  # query concepts the passage mentions: id, label, matched, weight, via
    rankers: dict[str, dict] = field(default_factory=dict)  # ranker: {"rank": 1-based, "score": its own score}


@dataclass
class Hit:
    """A passage a search found, with its score and the reasons it was found (`explanation`)."""

    passage_id: str
    doc_id: str
    lang: str
    score: float  # the fused score (RRF or normalised), or the single ranker's score
    text: str
    title: str | None
    section: list[str]
    explanation: Explanation

    def to_dict(self) -> dict:
        return asdict(self)
