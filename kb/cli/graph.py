"""`kb graph`: the concept graph over every store of the home folder (Python: `kb.graph(home)`)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from medkb.kb.cli.options import HOME, JSON, LANG, NotFound, fail, out, reported

graph_app = typer.Typer(
    help="Explore the concept graph: concepts of every store linked by same_as, broader, narrower, abbreviation_of and related edges.",
    no_args_is_help=True,
    add_completion=False,
)


def _load(home: Path | None):
    # Imported here so that `kb --help` does not load NetworkX.
    from medkb.align.graph import graph

    return graph(home=home)


@graph_app.command()
def stats(home: Path | None = HOME, as_json: bool = JSON) -> None:
    """Count the graph's nodes and edges by language and relation, its cross-lingual clusters and unaligned concepts."""
    with reported(as_json):
        summary = _load(home).stats()
    if as_json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False))
        return
    out.print(f"[bold]concept graph[/bold] of the {', '.join(summary.stores)} stores: {summary.nodes} nodes, {summary.edges} edges", highlight=False)
    by_lang = Table("language", "nodes", "edges")
    for lang, counts in summary.languages.items():
        by_lang.add_row(lang, str(counts.nodes), str(counts.edges))
    out.print(by_lang)
    by_relation = Table("relation", "edges")
    for relation, count in summary.relations.items():
        by_relation.add_row(relation, str(count))
    out.print(by_relation)
    out.print(f"{summary.clusters} cross-lingual clusters; {summary.unaligned_local_concepts} local concepts without a same_as edge", highlight=False)


@graph_app.command()
def neighbors(
    term: str = typer.Argument(..., help="A label, a concept id (medkb:diabetes_mellitus) or a node id (th:medkb:diabetes_mellitus)."),
    lang: str = LANG,
    relation: str | None = typer.Option(
        None, "--relation", "-r", help="Only this relation, as seen from TERM: same_as, broader, narrower, abbreviation_of, abbreviation or related."
    ),
    target_lang: str | None = typer.Option(None, "--target-lang", help="Only neighbours in this language."),
    top: int = typer.Option(20, "--top", "-n", min=1, help="How many neighbours to list, strongest first."),
    home: Path | None = HOME,
    as_json: bool = JSON,
) -> None:
    """List the concepts one edge away from TERM in the LANG store, in either direction, strongest first."""
    with reported(as_json):
        graph = _load(home)
        found = graph.neighbors(term, lang, relation=relation, target_lang=target_lang)[:top]
    node = graph.resolve(term, lang)[0]  # found, or neighbors() would have failed
    label = graph.graph.nodes[node]["label"]
    if not found:
        fail(NotFound(f"no neighbours of {label} ({node})" + (" with these filters" if relation or target_lang else "")), as_json)
    if as_json:
        print(json.dumps({"term": term, "lang": lang, "node": node, "label": label, "neighbors": [n.to_dict() for n in found]}, ensure_ascii=False))
        return
    out.print(f"[bold]{label}[/bold] ({node})", highlight=False)
    # Labels are what people read: on a narrow terminal node ids wrap, labels do not.
    table = Table("relation")
    table.add_column("label", no_wrap=True)
    table.add_column("score")
    table.add_column("methods")
    table.add_column("node", overflow="fold")
    for neighbor in found:
        table.add_row(neighbor.relation, neighbor.label, f"{neighbor.score:.3f}", ", ".join(neighbor.methods), neighbor.node)
    out.print(table)


EXPORT_PATH = typer.Argument(..., help="File to write: .graphml (GraphML) or .json (node-link JSON).")


@graph_app.command()
def export(
    path: Path = EXPORT_PATH,
    fmt: str | None = typer.Option(None, "--format", "-f", help="graphml or json (default: from the suffix of PATH)."),
    home: Path | None = HOME,
) -> None:
    """Write the whole concept graph to PATH, for Gephi, Cytoscape or NetworkX."""
    with reported():
        graph = _load(home)
        graph.export(path, fmt=fmt)
    out.print(f"wrote {graph.graph.number_of_nodes()} nodes and {graph.graph.number_of_edges()} edges to {path}", highlight=False)
