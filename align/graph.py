"""The concept graph: every store of a home folder as one NetworkX graph.

Nodes are concepts in one language (`th:medkb:dengue`, see kb.schema.node_id):
every concept of every store, plus the nodes only edges name (English concepts
without an `en` store, short forms). Edges are the `edges` rows of each store.

A MultiDiGraph, keyed by relation: two concepts can hold several relations at
once (a parent mentioned beside its child is `broader` and `related`), which a
DiGraph would collapse into one. Edges keep the direction they were stored in;
queries read them from either end, naming the relation as seen from that end.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import networkx as nx

from medkb.align.relations import SHORT_FORM_PREFIX
from medkb.ingest.segment.normalize import normalize
from medkb.store import database
from medkb.store.errors import UsageError
from medkb.store.languages import LANGUAGES, PIVOT, get_language
from medkb.store.results import Result
from medkb.store.schema import LABEL_KINDS, RELATIONS, node_id, split_node

SEEN_RELATIONS = tuple(sorted(set(RELATIONS) | set(RELATIONS.values())))  # as seen from either end
FORMATS = {".graphml": "graphml", ".json": "json"}


@dataclass(frozen=True)
class _LabelEntry:
    """One labels row, as terms are resolved against it."""

    label_lang: str
    store_lang: str
    concept_id: str
    rank: int  # position of its kind in LABEL_KINDS


@dataclass(frozen=True)
class Neighbor(Result):
    """A node one edge away from another, with the edge as seen from that other node."""

    node: str  # <lang>:<concept id>
    lang: str
    label: str
    relation: str  # as seen from the node asked about: "broader" is a parent of it
    score: float
    methods: list[str]  # the methods that proposed the edge
    evidence: dict  # each method's own evidence


@dataclass(frozen=True)
class LanguageCounts(Result):
    nodes: int
    edges: int  # edges whose source is in the language


@dataclass(frozen=True)
class GraphStats(Result):
    """What `ConceptGraph.stats` (and `kb graph stats --json`) reports."""

    stores: list[str]  # the languages whose stores were read
    nodes: int
    edges: int
    languages: dict[str, LanguageCounts]
    relations: dict[str, int]  # edges by relation
    clusters: int  # cross-lingual clusters: the components that same_as edges connect
    unaligned_local_concepts: int  # concepts of a store other than English's that no same_as edge reaches


class ConceptGraph:
    """The concept graph; `graph` is the NetworkX MultiDiGraph, for anything the methods do not cover.

    Nodes carry `lang`, `concept_id`, `label` and `source` (the concept's source in its store,
    "" for nodes only edges name); edges carry `relation`, `score`, `methods` and `evidence`.
    Made by `medkb.graph` or `ConceptGraph.load`, which read the stores.

    Args:
        graph: the MultiDiGraph, edges keyed by relation.
        terms: each normalised label's rows, as `resolve` looks terms up.
        stores: the languages whose stores were read.
    """

    def __init__(self, graph: nx.MultiDiGraph, terms: dict[str, list[_LabelEntry]], stores: list[str]):
        self.graph = graph
        self.stores = stores  # languages whose stores were read
        self._terms = terms  # normalised label -> the rows that carry it

    @classmethod
    def load(cls, *, home: str | Path | None = None, langs: Iterable[str] | None = None) -> ConceptGraph:
        """Read every store in `home`, or only those of `langs`; stores without an `edges` table are left out.

        Args:
            home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
            langs: the languages whose stores to read (each must exist); default: every store in `home`.

        Returns:
            The graph of those stores.

        Raises:
            UsageError: a store of `langs` is missing, or no store has a concept graph.
        """
        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        names: dict[str, dict[str, dict[str, str]]] = {}  # store -> concept -> label language -> label
        terms: dict[str, list[_LabelEntry]] = defaultdict(list)
        stores = []
        for lang in store_langs(home, langs):
            with database.open_existing(lang, home) as con:
                if not _has_edges(con):
                    continue
                names[lang] = _read_store(con, lang, graph, terms)
            stores.append(lang)
        if not stores:
            raise UsageError(f"no concept graph in {database.default_home() if home is None else home}: run `kb build` and `kb align` first")
        for node, data in graph.nodes(data=True):
            data["label"] = _label(node, names)
        return cls(graph, dict(terms), stores)

    def stats(self) -> GraphStats:
        """Nodes and edges by language (an edge counts for its source's), edges by relation,
        cross-lingual clusters and the local concepts no same_as edge reaches.

        Returns:
            The `GraphStats`; `to_dict()` is what `kb graph stats --json` prints.
        """
        nodes = Counter(str(lang) for _, lang in self.graph.nodes(data="lang"))  # str: NetworkX's stubs say any node data
        edges = Counter(self.graph.nodes[source]["lang"] for source, _ in self.graph.edges())
        same_as = self._same_as_graph()
        return GraphStats(
            stores=self.stores,
            nodes=self.graph.number_of_nodes(),
            edges=self.graph.number_of_edges(),
            languages={lang: LanguageCounts(nodes[lang], edges[lang]) for lang in sorted(nodes)},
            relations=dict(sorted(Counter(relation for *_, relation in self.graph.edges(keys=True)).items())),
            clusters=nx.number_connected_components(same_as),
            unaligned_local_concepts=sum(1 for node, data in self.graph.nodes(data=True) if data["lang"] != PIVOT and data["source"] and node not in same_as),
        )

    def resolve(self, term: str, lang: str) -> list[str]:
        """Nodes of the `lang` store that `term` names, best first: a node id, a concept id, else the
        concepts with a label in `lang` that normalises to the term (preferred labels first),
        else those of the `lang` store with such a label in any language.

        Args:
            term: a label, a concept id (medkb:diabetes_mellitus) or a node id (th:medkb:diabetes_mellitus).
            lang: the language code of the store whose nodes to find.

        Returns:
            Node ids, best first; [] when the term names none.
        """
        if term in self.graph:
            return [term]
        if node_id(lang, term) in self.graph:
            return [node_id(lang, term)]
        entries = sorted(self._terms.get(normalize(term), ()), key=lambda e: (e.rank, e.concept_id))

        def nodes(entries: Iterable[_LabelEntry]) -> list[str]:
            return [node for node in dict.fromkeys(node_id(lang, e.concept_id) for e in entries) if node in self.graph]

        return nodes(e for e in entries if e.label_lang == lang) or nodes(e for e in entries if e.store_lang == lang)

    def neighbors(self, term: str, lang: str, *, relation: str | None = None, target_lang: str | None = None) -> list[Neighbor]:
        """The nodes one edge away from the term's first node, in either direction, strongest first.

        Args:
            term: a label, a concept id or a node id, as `resolve` takes it.
            lang: the language code of the store the term's node is in.
            relation: only this relation, as seen from the term: "broader" finds its parents,
                "abbreviation" its short forms (same_as, broader, narrower, abbreviation_of,
                abbreviation or related).
            target_lang: only neighbours in this language.

        Returns:
            The neighbours, strongest edge first; a relation stored in both directions once.

        Raises:
            UsageError: an unknown relation, or a term that names no node of `lang`.
        """
        if relation is not None and relation not in SEEN_RELATIONS:
            raise UsageError(f"unknown relation {relation!r}: use one of {', '.join(SEEN_RELATIONS)}")
        node = self._node(term, lang)
        best: dict[tuple[str, str], Neighbor] = {}  # a relation stored both ways is reported once
        for other, seen, data in self._incident(node):
            if relation and seen != relation:
                continue
            if target_lang and self.graph.nodes[other]["lang"] != target_lang:
                continue
            if (other, seen) not in best or data["score"] > best[(other, seen)].score:
                found = self.graph.nodes[other]
                best[(other, seen)] = Neighbor(other, found["lang"], found["label"], seen, data["score"], data["methods"], data["evidence"])
        return sorted(best.values(), key=lambda n: (-n.score, n.relation, n.node))

    def cluster(self, term: str, lang: str) -> set[str]:
        """The term's concept in every language: the nodes its same_as edges connect.

        Args:
            term: a label, a concept id or a node id, as `resolve` takes it.
            lang: the language code of the store the term's node is in.

        Returns:
            Node ids, the term's own node among them.

        Raises:
            UsageError: the term names no node of `lang`.
        """
        node = self._node(term, lang)
        same_as = self._same_as_graph()
        return set(nx.node_connected_component(same_as, node)) if node in same_as else {node}

    def path(self, a: str, b: str) -> list[tuple[str, str, str]]:
        """The shortest chain of edges, read from either end, from one node to another.

        Args:
            a: the node id to start from.
            b: the node id to reach.

        Returns:
            (node, relation as seen from it, next node) steps; [] when the two are not connected.

        Raises:
            UsageError: a node that is not in the graph.
        """
        self._require(a)
        self._require(b)
        try:
            nodes = nx.shortest_path(self.graph.to_undirected(as_view=True), a, b)
        except nx.NetworkXNoPath:
            return []
        return [(x, self._strongest_relation(x, y), y) for x, y in pairwise(nodes)]

    def subgraph(self, nodes: str | Iterable[str], *, radius: int = 1) -> ConceptGraph:
        """A new graph of the nodes at most `radius` edges, in either direction, from any of `nodes`.

        Args:
            nodes: a node id, or several.
            radius: how many edges away a node may be.

        Returns:
            The smaller graph, with the edges among its nodes.

        Raises:
            UsageError: a node that is not in the graph.
        """
        centres = [nodes] if isinstance(nodes, str) else list(nodes)
        undirected = self.graph.to_undirected(as_view=True)
        near: set[str] = set()
        for centre in centres:
            self._require(centre)
            near |= nx.single_source_shortest_path_length(undirected, centre, cutoff=radius).keys()
        return ConceptGraph(self.graph.subgraph(near).copy(), self._terms, self.stores)

    def export(self, path: str | Path, *, fmt: str | None = None) -> Path:
        """Write the graph as GraphML or node-link JSON, for Gephi, Cytoscape or NetworkX.

        Args:
            path: the file to write: `.graphml` (GraphML) or `.json` (node-link JSON).
            fmt: graphml or json, whatever the suffix of `path` (default: from the suffix).

        Returns:
            The path written.

        Raises:
            UsageError: no format given or known from the suffix, or the file cannot be written.
        """
        path = Path(path)
        fmt = fmt or FORMATS.get(path.suffix.lower())
        if fmt not in FORMATS.values():
            raise UsageError(f"cannot export to {path}: give a .graphml or .json file, or the format graphml or json")
        try:
            if fmt == "graphml":
                nx.write_graphml(self._flattened(), path)
            else:
                path.write_text(json.dumps(nx.node_link_data(self.graph, edges="edges"), ensure_ascii=False), encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {path}: {error.strerror}") from None
        return path

    def _node(self, term: str, lang: str) -> str:
        nodes = self.resolve(term, lang)
        if not nodes:
            langs = ", ".join(sorted(set(nx.get_node_attributes(self.graph, "lang").values())))
            raise UsageError(
                f"no concept {term!r} in {lang}: give a label, a concept id or a node id "
                f"(like {lang}:medkb:diabetes_mellitus); the graph has concepts in {langs}"
            )
        return nodes[0]

    def _require(self, node: str) -> None:
        if node not in self.graph:
            raise UsageError(f"no node {node!r} in the concept graph: node ids are <lang>:<concept id>, like th:medkb:diabetes_mellitus")

    def _incident(self, node: str) -> Iterator[tuple[str, str, dict]]:
        """(other end, relation as seen from `node`, edge data) of every edge at `node`."""
        for _, other, relation, data in self.graph.out_edges(node, keys=True, data=True):
            yield other, relation, data
        for other, _, relation, data in self.graph.in_edges(node, keys=True, data=True):
            yield other, RELATIONS[relation], data

    def _strongest_relation(self, x: str, y: str) -> str:
        return max((data["score"], seen) for other, seen, data in self._incident(x) if other == y)[1]

    def _same_as_graph(self) -> nx.Graph:
        return nx.Graph((source, target) for source, target, relation in self.graph.edges(keys=True) if relation == "same_as")

    def _flattened(self) -> nx.MultiDiGraph:
        """A copy GraphML can hold: it has no list or mapping values, so those become JSON text."""
        flat = self.graph.copy()
        for *_, data in flat.edges(keys=True, data=True):
            data["methods"] = database.to_json(data["methods"])
            data["evidence"] = database.to_json(data["evidence"])
        return flat


def graph(*, home: str | Path | None = None, langs: Iterable[str] | None = None) -> ConceptGraph:
    """The concept graph of the stores in `home` (the Python side of `kb graph`).

    Args:
        home: the folder of the stores (default: $MEDKB_HOME, else ~/.medkb).
        langs: the languages whose stores to read (each must exist); default: every store in `home`.

    Returns:
        The `ConceptGraph`; its `graph` attribute is the NetworkX MultiDiGraph.

    Raises:
        UsageError: a store of `langs` is missing, or no store has a concept graph.
    """
    return ConceptGraph.load(home=home, langs=langs)


def store_langs(home, langs: Iterable[str] | None) -> list[str]:
    """The languages asked for, else every language with a store in `home`."""
    if langs is not None:
        return [get_language(lang).code for lang in langs]
    return [lang for lang in LANGUAGES if database.store_path(lang, home).exists()]


def _has_edges(con) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'edges'").fetchone()[0] > 0


def _read_store(con, lang: str, graph: nx.MultiDiGraph, terms: dict[str, list[_LabelEntry]]) -> dict[str, dict[str, str]]:
    """Add the store's concepts and edges to `graph` and its labels to `terms`; return the best
    label of each concept in each language."""
    for concept_id, source in con.execute("SELECT concept_id, source FROM concepts").fetchall():
        graph.add_node(node_id(lang, concept_id), lang=lang, concept_id=concept_id, source=source)
    names: dict[str, dict[str, str]] = defaultdict(dict)
    labels = con.execute(
        "SELECT concept_id, lang, text, norm, coalesce(list_position($kinds, kind), $last) FROM labels ORDER BY 5, text",
        {"kinds": list(LABEL_KINDS), "last": len(LABEL_KINDS) + 1},
    )
    for concept_id, label_lang, text, norm, rank in labels.fetchall():
        names[concept_id].setdefault(label_lang, text)  # rows come best first
        terms[norm].append(_LabelEntry(label_lang, lang, concept_id, rank))
    for source, target, relation, score, methods, evidence in con.execute("SELECT source, target, relation, score, methods, evidence FROM edges").fetchall():
        for end in (source, target):
            if end not in graph:  # a node no store has read yet, maybe none ever will
                end_lang, concept_id = split_node(end)
                graph.add_node(end, lang=end_lang, concept_id=concept_id, source="")
        graph.add_edge(source, target, key=relation, relation=relation, score=score, methods=list(methods or ()), evidence=json.loads(evidence or "{}"))
    return names


def _label(node: str, names: dict[str, dict[str, dict[str, str]]]) -> str:
    """The node's label in its own language (from its own store first, then from the labels
    other stores hold in that language), else its store's English or any other label."""
    lang, concept_id = split_node(node)
    own = names.get(lang, {}).get(concept_id, {})
    stores = [own, *(labels.get(concept_id, {}) for store_lang, labels in names.items() if store_lang != lang)]
    for labels in stores:
        if lang in labels:
            return labels[lang]
    if own:
        return own.get(PIVOT) or own[min(own)]
    # Only short forms (abbreviation_of sources) and unlabelled concepts get here.
    return concept_id.removeprefix(SHORT_FORM_PREFIX)
