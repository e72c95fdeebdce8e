"""Concept-level lookup: term -> concepts -> labels in every language, aligned concepts,
graph neighbours and the passages that mention them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from medkb.align.graph import ConceptGraph, Neighbor
from medkb.store.schema import node_id, split_node

MAX_CONCEPTS = 5
EVIDENCE_PASSAGES = 3


@dataclass
class ConceptRecord:
    """A concept of a store: its labels in every language, aligned concepts, neighbours and evidence passages."""

    concept_id: str
    lang: str  # the store it belongs to
    node: str
    label: str
    source: str
    semantic_type: str | None
    codes: dict
    labels: dict[str, list[str]]  # language: labels, preferred first
    aligned: list[Neighbor] = field(default_factory=list)  # same_as neighbours
    neighbors: list[Neighbor] = field(default_factory=list)  # other relations: broader, narrower, abbreviation, related
    passages: list[dict] = field(default_factory=list)  # passage_id, doc_id, title, text, mentions

    def to_dict(self) -> dict:
        return asdict(self)


def lookup_concepts(con, graph: ConceptGraph, lang: str, nodes: list[str]) -> list[ConceptRecord]:
    """Records of the nodes (concepts of the `lang` store), in the given order."""
    return [_record(con, graph, lang, node) for node in nodes[:MAX_CONCEPTS]]


def concept_nodes(graph: ConceptGraph, term: str, lang: str, term_lang: str) -> list[str]:
    """Nodes of the `lang` store named by the term: its own labels first, then through same_as from
    the concept the term names in its own language's store."""
    nodes = graph.resolve(term, lang)
    if nodes or term_lang == lang:
        return nodes
    found = []
    for start in graph.resolve(term, term_lang):
        found += sorted(n for n in graph.cluster(start, term_lang) if split_node(n)[0] == lang)
    return list(dict.fromkeys(found))


def _record(con, graph: ConceptGraph, lang: str, node: str) -> ConceptRecord:
    concept_id = split_node(node)[1]
    row = con.execute("SELECT source, semantic_type, codes FROM concepts WHERE concept_id = ?", [concept_id]).fetchone()
    source, semantic_type, codes = row if row else ("", None, "{}")
    labels: dict[str, list[str]] = {}
    for label_lang, text in con.execute("SELECT lang, text FROM labels WHERE concept_id = ? ORDER BY lang, kind != 'preferred', text", [concept_id]).fetchall():
        labels.setdefault(label_lang, []).append(text)
    around = graph.neighbors(node, lang) if node in graph.graph else []
    return ConceptRecord(
        concept_id=concept_id,
        lang=lang,
        node=node_id(lang, concept_id),
        label=graph.graph.nodes[node]["label"] if node in graph.graph else concept_id,
        source=source,
        semantic_type=semantic_type,
        codes=json.loads(codes or "{}"),
        labels=labels,
        aligned=[n for n in around if n.relation == "same_as"],
        neighbors=[n for n in around if n.relation != "same_as"],
        passages=_evidence(con, concept_id),
    )


def _evidence(con, concept_id: str) -> list[dict]:
    """The passages that mention the concept most often (earliest first among equals)."""
    rows = con.execute(
        "SELECT m.passage_id, p.doc_id, d.title, p.text, count(*) AS n FROM mentions m "
        "JOIN passages p USING (passage_id) JOIN documents d ON d.doc_id = p.doc_id "
        "WHERE m.concept_id = ? GROUP BY ALL ORDER BY n DESC, p.doc_id, m.passage_id LIMIT ?",
        [concept_id, EVIDENCE_PASSAGES],
    ).fetchall()
    return [dict(zip(("passage_id", "doc_id", "title", "text", "mentions"), r)) for r in rows]
