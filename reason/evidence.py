"""Concept-driven retrieval: the question and every step of the fused chain search the local and
English knowledge bases; the hits are fused by reciprocal rank, de-duplicated, ordered
deterministically and labelled with ids the synthesis cites."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from medkb.reason.chain_fusion import Step
from medkb.retrieve.fusion import reciprocal_rank
from medkb.retrieve.searcher import MAX_QUERY_CHARS, KnowledgeBase

PER_QUERY = 4  # hits each query contributes


@dataclass(frozen=True)
class Query:
    text: str
    lang: str  # the language it is written in
    store: str  # the knowledge base it searches

    def describe(self) -> str:
        return f"{self.lang}->{self.store}: {self.text}"


@dataclass
class Evidence:
    id: str  # "<store lang>:<passage id>", what the synthesis cites
    lang: str
    passage_id: str
    doc_id: str
    title: str | None
    section: list[str]
    text: str
    score: float
    found_by: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def for_prompt(self) -> dict:
        return {"id": self.id, "lang": self.lang, "title": self.title, "section": " > ".join(self.section), "text": self.text}


def queries_for(question_texts: dict[str, str], steps: list[Step], stores: list[str]) -> list[Query]:
    """The question in each language it is known in, then each step's concepts in theirs, against
    every store (the English store only with English text: the local store takes both, since its
    search carries an English query across by the concept graph)."""
    local = stores[0]
    wanted = list(question_texts.items()) + [pair for step in steps for pair in step.texts()]
    queries = []
    for lang, text in wanted:
        for store in stores:
            if store == local or lang == store:
                queries.append(Query(text[:MAX_QUERY_CHARS], lang, store))
    return list(dict.fromkeys(queries))


def gather(queries: list[Query], stores: dict[str, KnowledgeBase], limit: int) -> list[Evidence]:
    """The `limit` best passages over all queries: reciprocal rank fusion, ties broken by store (the
    local one first) and passage id, so the same inputs always give the same list."""
    found: dict[str, Evidence] = {}
    rankings: dict[Query, list[str]] = {}
    order = {lang: i for i, lang in enumerate(stores)}
    for query in queries:
        rankings[query] = []
        for hit in stores[query.store].search(query.text, k=PER_QUERY, query_lang=query.lang):
            key = f"{hit.lang}:{hit.passage_id}"
            evidence = found.setdefault(key, Evidence(key, hit.lang, hit.passage_id, hit.doc_id, hit.title, hit.section, hit.text, 0.0))
            evidence.found_by.append(query.describe())
            rankings[query].append(key)
    scores = reciprocal_rank(rankings)
    best = sorted(found, key=lambda key: (-round(scores[key], 12), order[found[key].lang], found[key].passage_id))[:limit]
    for key in best:
        found[key].score = round(scores[key], 6)
    return [found[key] for key in best]
