"""Pairing the local chain's concepts with the English chain's, through the knowledge bases.

Each local concept is looked up in the local store, each English one in the English
store (where it is built) and, by its English labels and `same_as` edges, in the local
store. Two concepts pair when they name the same concept node: that is the graph's
judgement, scored 1 for a label both share and the edge score through an alignment.
A phrase that only contains a concept ("asthma clinic" holds "asthma") does not name
it and pairs with nothing through it. Only a local concept the graph cannot pair is
compared by embedding similarity, with the English concepts the graph left unpaired,
and kept unpaired below a threshold: such a concept is local knowledge, placed by fusion.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from medkb.reason.schemas import ChainConcept
from medkb.retrieve.lookup import concept_nodes
from medkb.retrieve.searcher import KnowledgeBase
from medkb.store.embedders import get_embedder

# Cosine a pairing by embedding needs, per embedder: about the 25th percentile of true pairs in
# th_tico_dev.tsv (use 0.61, e5 0.88), where the 99th percentile of wrong pairs is 0.67 and 0.91;
# the best of a chain's few English concepts is taken, and only with a margin over the second.
MIN_SIMILARITY = {"use": 0.6, "e5": 0.88}
DEFAULT_MIN_SIMILARITY = 0.7
MARGIN = 0.03


@dataclass
class ChainItem:
    position: int
    text: str
    lang: str
    role: str
    nodes: dict[str, float] = field(default_factory=dict)  # concept node it names: 1, or the score of the edge to it

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Link:
    local: int  # position in the local chain
    english: int | None  # position in the English chain, None when unpaired
    method: str | None  # graph or embedding
    score: float
    evidence: str

    def to_dict(self) -> dict:
        return asdict(self)


def ground(concepts: list[ChainConcept], chain_lang: str, kb: KnowledgeBase, english_kb: KnowledgeBase | None) -> list[ChainItem]:
    """The chain's concepts with the concept nodes they name in the local store (and, for an English
    chain, in the English store), each with the nodes aligned to it."""
    items = []
    for position, concept in enumerate(concepts):
        lang = concept.lang or chain_lang
        item = ChainItem(position, concept.text, lang, concept.role)
        stores = [kb] + ([english_kb] if english_kb is not None and lang == "en" else [])
        for store in stores:
            _add_nodes(item, store, lang)
        items.append(item)
    return items


def pair(local: list[ChainItem], english: list[ChainItem], embedder: str | None) -> list[Link]:
    """One link per local concept: its best English counterpart by the graph, else by embedding."""
    links = [_graph_link(item, english) for item in local]
    unpaired = [i for i, link in enumerate(links) if link.english is None]
    # An English concept the graph paired is taken: "malaria rapid test" must not join "malaria"
    # because the two share a word, while "rapid diagnostic test" is free.
    taken = {link.english for link in links if link.english is not None}
    free = [item for item in english if item.position not in taken]
    if unpaired and free and embedder:
        similarity = _similarities([local[i].text for i in unpaired], [e.text for e in free], embedder)
        for row, i in enumerate(unpaired):
            links[i] = _embedding_link(links[i], free, similarity[row], embedder)
    return links


def _add_nodes(item: ChainItem, store: KnowledgeBase, lang: str) -> None:
    """The store's nodes the text names (by a label, or through `same_as` from its own language's
    store), and the nodes aligned to them. Not lookup(): it would also read evidence passages, and
    fall back to the concepts the text merely contains."""
    for node in concept_nodes(store.graph, item.text, store.lang, lang):
        item.nodes[node] = 1.0
        for aligned in store.graph.neighbors(node, store.lang, relation="same_as"):
            item.nodes[aligned.node] = max(item.nodes.get(aligned.node, 0.0), aligned.score)


def _graph_link(item: ChainItem, english: list[ChainItem]) -> Link:
    why = "no concept node shared with the English chain" if item.nodes else "names no concept of the knowledge bases"
    best = Link(item.position, None, None, 0.0, why)
    for other in english:
        for node in sorted(item.nodes.keys() & other.nodes.keys()):
            score = round(item.nodes[node] * other.nodes[node], 4)
            if score > best.score:
                best = Link(item.position, other.position, "graph", score, f"both name {node}")
    return best


def _similarities(local: list[str], english: list[str], embedder: str) -> np.ndarray:
    model = get_embedder(embedder)
    return model.encode_queries(local) @ model.encode_queries(english).T


def _embedding_link(unpaired: Link, english: list[ChainItem], similarity: np.ndarray, embedder: str) -> Link:
    """The unpaired link, now paired by embedding if the best English concept is close enough and
    clearly ahead of the next; else still unpaired, saying how close the best came."""
    order = np.argsort(-similarity, kind="stable")
    best = float(similarity[order[0]])
    runner_up = float(similarity[order[1]]) if len(order) > 1 else -1.0
    target = english[int(order[0])]
    measured = f"{embedder} cosine {best:.3f} with {target.text!r}" + (f" (next {runner_up:.3f})" if len(order) > 1 else " (the only free one)")
    threshold = MIN_SIMILARITY.get(embedder, DEFAULT_MIN_SIMILARITY)
    if best < threshold or best - runner_up < MARGIN:
        return Link(unpaired.local, None, None, 0.0, f"{unpaired.evidence}; {measured}, under {threshold} or a margin of {MARGIN}")
    return Link(unpaired.local, target.position, "embedding", round(best, 4), measured)
