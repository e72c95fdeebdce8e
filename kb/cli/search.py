"""`kb query`, `kb lookup` and `kb index`: search a built knowledge base from the shell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from medkb.kb.cli.options import EMBEDDER, ENGINE, HOME, JSON, LANG, NotFound, err, fail, out, progress_bar, reported

SNIPPET = 240


def query(
    text: str = typer.Argument(..., help="What to search for, in any of medkb's languages."),
    lang: str = LANG,
    k: int = typer.Option(10, "--k", "-k", help="How many passages to return (1 to 1000)."),
    mode: str = typer.Option("hybrid", "--mode", "-m", help="hybrid (BM25 + dense + concepts, fused), bm25 or dense."),
    query_lang: Optional[str] = typer.Option(None, "--query-lang", "-q", help="The query's language (default: guessed from its script)."),
    fusion: str = typer.Option("rrf", "--fusion", help="rrf (reciprocal rank fusion, k=60) or normalised (min-max scores, summed)."),
    home: Optional[Path] = HOME,
    as_json: bool = JSON,
) -> None:
    """Search the LANG knowledge base for TEXT and show the best passages and why each was found."""
    from medkb.retrieve.searcher import KnowledgeBase

    with reported(as_json), err.status("opening the index", spinner="dots"), KnowledgeBase(lang, home=home) as base:
        hits = base.search(text, k=k, mode=mode, query_lang=query_lang, fusion=fusion)
    if not hits:
        fail(NotFound(f"no passage matches {text!r} in the {lang} store"), as_json)
    if as_json:
        print(json.dumps({"query": text, "lang": lang, "mode": mode, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
        return
    for rank, hit in enumerate(hits, start=1):
        why = hit.explanation
        where = " > ".join(hit.section) if hit.section else ""
        out.print(f"[bold]{rank}. {hit.title or hit.doc_id}[/bold]  {where}  [dim]{hit.passage_id}  score {hit.score:.4f}[/dim]", highlight=False)
        out.print(_snippet(hit.text), highlight=False)
        rankers = ", ".join(f"{name} #{r['rank']} ({r['score']:.3f})" for name, r in why.rankers.items())
        reasons = [f"found by {rankers}"]
        if why.terms:
            reasons.append("terms " + " ".join(why.terms))
        if why.concepts:
            reasons.append("concepts " + ", ".join(f"{c['label']} ({c['concept_id']})" for c in why.concepts))
        out.print("[dim]" + "; ".join(reasons) + "[/dim]\n", highlight=False)


def lookup(
    term: str = typer.Argument(..., help="A term, a label or a concept id."),
    lang: str = LANG,
    term_lang: Optional[str] = typer.Option(None, "--term-lang", help="The term's language (default: guessed from its script)."),
    home: Optional[Path] = HOME,
    as_json: bool = JSON,
) -> None:
    """Show the LANG store's concepts for TERM: labels in every language, aligned concepts, neighbours and evidence passages."""
    from medkb.retrieve.searcher import lookup as run_lookup

    with reported(as_json):
        records = run_lookup(term, lang, home=home, term_lang=term_lang)
    if not records:
        fail(NotFound(f"no concept for {term!r} in the {lang} store"), as_json)
    if as_json:
        print(json.dumps({"term": term, "lang": lang, "concepts": [r.to_dict() for r in records]}, ensure_ascii=False))
        return
    for record in records:
        out.print(f"[bold]{record.label}[/bold]  ({record.node}, {record.source})", highlight=False)
        labels = Table("language", "labels")
        for label_lang, texts in record.labels.items():
            labels.add_row(label_lang, "; ".join(texts[:6]) + (" ..." if len(texts) > 6 else ""))
        out.print(labels)
        links = Table("relation", "concept", "score", "methods")
        for link in record.aligned + record.neighbors[:10]:
            links.add_row(link.relation, f"{link.label} ({link.node})", f"{link.score:.3f}", ", ".join(link.methods))
        if links.row_count:
            out.print(links)
        for passage in record.passages:
            out.print(f"[dim]{passage['passage_id']} ({passage['mentions']} mentions)[/dim] {_snippet(passage['text'])}", highlight=False)
        out.print()


def index(
    lang: str = LANG,
    embedder: Optional[str] = EMBEDDER,
    rebuild: bool = typer.Option(False, "--rebuild", help="Build anew even if the index is current."),
    engine: str = ENGINE,
    threads: Optional[int] = typer.Option(None, "--threads", min=1, help="Lucene's indexing threads (default: one per core)."),
    home: Optional[Path] = HOME,
    as_json: bool = JSON,
) -> None:
    """Bring the LANG retrieval index (BM25, passage vectors, concept postings) up to date with its store."""
    from medkb.retrieve.index import index as run_index

    with reported(as_json), progress_bar(enabled=not as_json) as update:
        manifest = run_index(lang, home=home, embedder=embedder, rebuild=rebuild, progress=update, engine=engine, threads=threads)
    if as_json:
        print(json.dumps(manifest.to_dict()))
        return
    vectors = f"{manifest.embedder} vectors ({manifest.dim} dims)" if manifest.embedder else "no passage vectors"
    out.print(f"{manifest.lang}: index of build {manifest.build_id}: {manifest.passages} passages, BM25 ({manifest.engine}), {vectors}", highlight=False)


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET else flat[:SNIPPET] + " ..."
