"""The concept graph over the stores of a home folder (align.graph) and `kb graph` (kb.graph_cli)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import networkx as nx
import pytest
import typer
from typer.testing import CliRunner

from medkb.align.graph import ConceptGraph, graph
from medkb.kb.cli.graph import graph_app
from medkb.store import database
from medkb.store.errors import UsageError
from medkb.store.schema import RELATIONS

T2DM = "medkb:type_2_diabetes_mellitus"
T2DM_THAI = "เบาหวานชนิดที่ 2"


@pytest.fixture(scope="module")
def concepts(graph_home: Path) -> ConceptGraph:
    return graph(home=graph_home)


def _same_as_count(home: Path) -> int:
    with database.open_existing("th", home) as con:
        return con.execute("SELECT count(*) FROM edges WHERE relation = 'same_as'").fetchone()[0]


@pytest.mark.abbreviations
def test_the_stores_hold_every_relation_and_no_other(concepts, obo_home):
    """Each relation is read from its target's end under its inverse name, so a relation not in
    RELATIONS would break every query that reaches its target. The embedded corpora give no
    parents: the ontology's is_a gives broader and narrower."""
    stored = {relation for home in (concepts, graph(home=obo_home)) for *_, relation in home.graph.edges(keys=True)}
    assert stored == set(RELATIONS)


@pytest.mark.abbreviations
def test_stats_count_nodes_edges_clusters_and_unaligned_concepts(concepts, graph_home):
    stats = concepts.stats()
    same_as = _same_as_count(graph_home)
    assert stats.stores == ["th", "en"]
    assert set(stats.languages) == {"th", "en"}
    assert stats.nodes == sum(lang.nodes for lang in stats.languages.values())
    assert stats.edges == sum(stats.relations.values()) == sum(lang.edges for lang in stats.languages.values())
    assert stats.relations["same_as"] == same_as > 400
    assert stats.relations["abbreviation_of"] >= 20 and stats.relations["related"] > 100
    assert stats.clusters == same_as  # one Thai and one English node each
    with database.open_existing("th", graph_home) as con:
        thai_concepts = con.execute("SELECT count(*) FROM concepts").fetchone()[0]
    assert stats.unaligned_local_concepts == thai_concepts - same_as


def test_resolve_by_node_id_concept_id_and_normalised_label(concepts):
    assert concepts.resolve(f"th:{T2DM}", "th") == [f"th:{T2DM}"]
    assert concepts.resolve(T2DM, "en") == [f"en:{T2DM}"]
    assert concepts.resolve(T2DM_THAI, "th") == [f"th:{T2DM}"]
    assert concepts.resolve("ＴＹＰＥ 2 Diabetes Mellitus", "en") == [f"en:{T2DM}"]  # NFKC and case folded
    assert concepts.resolve("type 2 diabetes mellitus", "th") == [f"th:{T2DM}"]  # an English label in the Thai store
    assert concepts.resolve("no such concept", "th") == []


def test_a_thai_lexicon_concept_clusters_with_its_english_node(concepts):
    assert concepts.cluster(T2DM_THAI, "th") == {f"th:{T2DM}", f"en:{T2DM}"}
    assert concepts.cluster("type 2 diabetes mellitus", "en") == {f"th:{T2DM}", f"en:{T2DM}"}


@pytest.mark.abbreviations
def test_neighbors_by_target_language_and_relation(concepts):
    english = concepts.neighbors(T2DM_THAI, "th", target_lang="en")
    assert [(n.node, n.label, n.relation) for n in english] == [(f"en:{T2DM}", "type 2 diabetes mellitus", "same_as")]
    everything = concepts.neighbors(T2DM_THAI, "th")
    assert {n.relation for n in everything} == {"same_as", "related"}
    assert [n.score for n in everything] == sorted((n.score for n in everything), reverse=True)
    # seen from the English side, the incoming same_as edge and the short form the corpus defines
    assert [n.node for n in concepts.neighbors(T2DM, "en", relation="same_as")] == [f"th:{T2DM}"]
    short_forms = concepts.neighbors(T2DM, "en", relation="abbreviation")
    assert [(n.node, n.label, n.evidence["definitions"]) for n in short_forms] == [("en:abbr:T2DM", "T2DM", 1)]
    assert [n.node for n in concepts.neighbors("en:abbr:T2DM", "en")] == [f"en:{T2DM}"]


def test_related_edges_stored_both_ways_are_reported_once(concepts):
    related = concepts.neighbors(T2DM, "en", relation="related")
    assert related and len({n.node for n in related}) == len(related)


def test_unknown_term_and_relation_are_usage_errors(concepts):
    with pytest.raises(UsageError, match="'no such concept' in th"):
        concepts.neighbors("no such concept", "th")
    with pytest.raises(UsageError, match="unknown relation 'parent'"):
        concepts.neighbors(T2DM_THAI, "th", relation="parent")
    with pytest.raises(UsageError, match="no node 'th:nothing'"):
        concepts.path("th:nothing", f"en:{T2DM}")


@pytest.mark.abbreviations
def test_a_path_across_languages(concepts):
    assert concepts.path(f"th:{T2DM}", "en:abbr:T2DM") == [
        (f"th:{T2DM}", "same_as", f"en:{T2DM}"),
        (f"en:{T2DM}", "abbreviation", "en:abbr:T2DM"),
    ]
    isolated = next(node for node in concepts.graph if concepts.graph.degree(node) == 0)
    assert concepts.path(f"th:{T2DM}", isolated) == []


def test_subgraph_keeps_the_nodes_within_the_radius(concepts):
    centre = f"th:{T2DM}"
    assert set(concepts.subgraph(centre, radius=0).graph) == {centre}
    one = concepts.subgraph(centre, radius=1)
    assert set(one.graph) == {centre} | {n.node for n in concepts.neighbors(centre, "th")}
    two = concepts.subgraph([centre], radius=2)
    assert set(one.graph) < set(two.graph)
    distances = nx.single_source_shortest_path_length(concepts.graph.to_undirected(as_view=True), centre)
    assert max(distances[node] for node in two.graph) == 2
    assert two.cluster(centre, "th") == {centre, f"en:{T2DM}"}


@pytest.mark.abbreviations
def test_export_round_trips_through_graphml_and_node_link_json(concepts, tmp_path):
    nodes, edges = concepts.graph.number_of_nodes(), concepts.graph.number_of_edges()
    graphml = nx.read_graphml(concepts.export(tmp_path / "graph.graphml"), force_multigraph=True)
    assert (graphml.number_of_nodes(), graphml.number_of_edges()) == (nodes, edges)
    assert graphml.nodes[f"th:{T2DM}"]["label"] == T2DM_THAI
    _, _, data = next(iter(graphml.edges("en:abbr:T2DM", data=True)))
    assert json.loads(data["methods"]) == ["corpus_definitions"] and json.loads(data["evidence"])["short_form"] == "T2DM"
    written = concepts.export(tmp_path / "graph.txt", fmt="json")
    linked = nx.node_link_graph(json.loads(written.read_text(encoding="utf-8")), edges="edges")
    assert (linked.number_of_nodes(), linked.number_of_edges()) == (nodes, edges)
    assert linked.edges[f"th:{T2DM}", f"en:{T2DM}", "same_as"]["methods"] == ["fixture"]
    with pytest.raises(UsageError, match="graph.csv"):
        concepts.export(tmp_path / "graph.csv")


def test_hierarchy_edges_show_as_broader_and_narrower(obo_home):
    ontology = graph(home=obo_home)
    store_edges = {(s, t, r) for s, t, r in ontology.graph.edges(keys=True) if r in ("broader", "narrower")}
    assert len(store_edges) == 4  # each is_a link stored both ways
    parents = ontology.neighbors("Type 2 diabetes mellitus", "en", relation="broader")
    assert [(n.node, n.label) for n in parents] == [("en:DM:0000002", "Diabetes mellitus")]  # reported once
    assert [n.node for n in ontology.neighbors("DM:0000002", "en", relation="narrower")] == ["en:DM:0000003"]
    assert ontology.path("en:DM:0000003", "en:DM:0000001") == [("en:DM:0000003", "broader", "en:DM:0000002"), ("en:DM:0000002", "broader", "en:DM:0000001")]


def test_english_labels_come_from_the_local_store_without_an_english_one(graph_home, tmp_path):
    shutil.copy(database.store_path("th", graph_home), database.store_path("th", tmp_path))
    thai_only = graph(home=tmp_path)
    assert thai_only.stores == ["th"]
    assert thai_only.graph.nodes[f"en:{T2DM}"]["label"] == "type 2 diabetes mellitus"
    assert thai_only.resolve("type 2 diabetes", "en") == [f"en:{T2DM}"]
    assert thai_only.stats().languages["en"].edges == 0


def test_no_graph_without_stores_with_edges(tmp_path):
    with pytest.raises(UsageError, match="run `kb build` and `kb align`"):
        graph(home=tmp_path)
    with duckdb.connect(str(database.store_path("th", tmp_path))) as con:  # a store from before the concept graph
        con.execute("CREATE TABLE concepts (concept_id VARCHAR)")
    with pytest.raises(UsageError, match="run `kb build` and `kb align`"):
        graph(home=tmp_path)
    with pytest.raises(UsageError, match="kb build --lang en"):
        graph(home=tmp_path, langs=["en"])


def test_cli_stats_json_and_tables(concepts, graph_home):
    result = CliRunner().invoke(graph_app, ["stats", "--home", str(graph_home), "--json"])
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    assert printed == concepts.stats().to_dict()
    # The keys `--json` has always printed.
    assert set(printed) == {"stores", "nodes", "edges", "languages", "relations", "clusters", "unaligned_local_concepts"}
    assert all(set(counts) == {"nodes", "edges"} for counts in printed["languages"].values())
    result = CliRunner().invoke(graph_app, ["stats", "--home", str(graph_home)])
    assert result.exit_code == 0 and "same_as" in result.stdout


def test_cli_neighbors_prints_the_english_label(concepts, graph_home):
    result = CliRunner().invoke(graph_app, ["neighbors", T2DM_THAI, "--lang", "th", "--target-lang", "en", "--home", str(graph_home)])
    assert result.exit_code == 0 and "type 2 diabetes mellitus" in result.stdout
    result = CliRunner().invoke(graph_app, ["neighbors", T2DM_THAI, "-l", "th", "--top", "1", "--json", "--home", str(graph_home)])
    answer = json.loads(result.stdout)
    assert answer["node"] == f"th:{T2DM}" and len(answer["neighbors"]) == 1
    # The keys `--json` has always printed for a neighbour, and the Python call's own values.
    assert set(answer["neighbors"][0]) == {"node", "lang", "label", "relation", "score", "methods", "evidence"}
    assert answer["neighbors"] == [n.to_dict() for n in concepts.neighbors(T2DM_THAI, "th")[:1]]
    result = CliRunner().invoke(graph_app, ["neighbors", "no such concept", "--lang", "th", "--home", str(graph_home)])
    assert result.exit_code == 1 and "'no such concept' in th" in result.stderr


def test_cli_export(graph_home, tmp_path):
    result = CliRunner().invoke(graph_app, ["export", str(tmp_path / "g.out"), "--format", "graphml", "--home", str(graph_home)])
    exported = nx.read_graphml(tmp_path / "g.out")
    whole = graph(home=graph_home).graph
    assert result.exit_code == 0 and exported.number_of_nodes() == whole.number_of_nodes() > 500
    assert exported.number_of_edges() == whole.number_of_edges()


@pytest.mark.parametrize("name", ["stats", "neighbors", "export"])
def test_cli_commands_and_options_have_help(name):
    command = typer.main.get_command(graph_app).commands[name]
    assert command.help and len(command.help) > 20
    for param in command.params:
        assert getattr(param, "help", None), f"kb graph {name} {param.name} has no help"
