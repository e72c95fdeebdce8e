"""The `kb` command. Every command mirrors a documented Python call (see README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from medkb.kb.cli.ask import ask
from medkb.kb.cli.eval import eval_app
from medkb.kb.cli.graph import graph_app
from medkb.kb.cli.options import EMBEDDER, ENGINE, HOME, JSON, LANG, err, out, progress_bar, reported
from medkb.kb.cli.search import index, lookup, query
from medkb.kb.cli.serve import serve

app = typer.Typer(help="Build and query multilingual clinical knowledge bases.", no_args_is_help=True, add_completion=False)
app.add_typer(graph_app, name="graph")
app.add_typer(eval_app, name="eval")
for command in (query, lookup, index, serve, ask):
    app.command()(command)


@app.command()
def build(
    lang: str = LANG,
    corpus: Optional[list[Path]] = typer.Option(None, "--corpus", "-c", help="Corpus folder or file (repeatable; default: the embedded corpora/<lang>/)."),
    terms: Optional[list[Path]] = typer.Option(None, "--terms", "-t", help="Terminology file: TSV, HPO babelon TSV, OBO or lexicon (repeatable)."),
    home: Optional[Path] = HOME,
    strict: bool = typer.Option(False, "--strict", help="Fail on any unreadable file or record instead of skipping it."),
    seed: bool = typer.Option(True, "--seed/--no-seed", help="Include the embedded seed lexicon in the terminologies."),
    passage_tokens: int = typer.Option(160, help="Most word tokens in a passage."),
    overlap_tokens: int = typer.Option(32, help="Word tokens of whole sentences that consecutive passages share."),
    embedder: Optional[str] = EMBEDDER,
    engine: str = ENGINE,
    workers: int = typer.Option(
        1, "--workers", "-w", min=1, help="Processes that read and match files (with --cluster local: the cluster's worker processes)."
    ),
    cluster: Optional[str] = typer.Option(
        None, "--cluster", help="Run the per-file work on Dask: 'local', or a scheduler address such as tcp://scheduler:8786."
    ),
    shards: Optional[Path] = typer.Option(None, "--shards", help="Folder for the Parquet shards of --cluster; with an address, on storage every worker sees."),
    keep_shards: bool = typer.Option(False, "--keep-shards", help="Keep the Parquet shards after they are merged into the store."),
    as_json: bool = JSON,
) -> None:
    """Build or update the LANG store from corpus files and terminologies (incremental, atomic)."""
    from medkb.kb.build.builder import build as run_build

    with reported(as_json), progress_bar(enabled=not as_json) as update:
        report = run_build(
            lang,
            corpus=corpus,
            terms=terms,
            home=home,
            seed_lexicon=seed,
            strict=strict,
            passage_tokens=passage_tokens,
            overlap_tokens=overlap_tokens,
            embedder=embedder,
            engine=engine,
            progress=update,
            workers=workers,
            cluster=cluster,
            shards=shards,
            keep_shards=keep_shards,
        )
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    for skipped in report.skipped:
        err.print(f"[yellow]skipped[/yellow] {skipped['path']}: {skipped['problem']}", highlight=False, soft_wrap=True)
    for ignored in report.ignored:
        err.print(f"[yellow]not read[/yellow] {ignored['path']}: {ignored['reason']}", highlight=False, soft_wrap=True)
    for problem in report.problems:
        err.print(f"[yellow]left out[/yellow] {problem['path']}: {problem['problem']}", highlight=False, soft_wrap=True)
    for step in report.unavailable:
        err.print(f"[yellow]unavailable[/yellow] {step}", highlight=False, soft_wrap=True)
    counts = report.counts
    out.print(
        f"{report.lang}: {report.status} at {report.path} in {report.timings.get('total_s', 0):.1f}s: "
        f"{report.files_read} files read, {report.files_reused} reused, {report.files_removed} removed, "
        f"{len(report.skipped)} skipped, {len(report.ignored)} not read; {counts.get('documents', 0)} documents, {counts.get('passages', 0)} passages, "
        f"{counts.get('concepts', 0)} concepts, {counts.get('mentions', 0)} mentions",
        highlight=False,
    )
    if report.index:  # build() always brings the index up to date; a report made otherwise may have none
        vectors = f"{report.index['embedder']} passage vectors" if report.index["embedder"] else "no passage vectors (install medkb[embed])"
        out.print(f"{report.lang}: retrieval index current in {report.timings['index_s']:.1f}s: BM25 ({report.index['engine']}), {vectors}", highlight=False)


@app.command()
def stats(
    lang: str = LANG,
    home: Optional[Path] = HOME,
    top: int = typer.Option(10, "--top", "-n", min=0, help="How many of the most mentioned concepts to list."),
    as_json: bool = JSON,
) -> None:
    """Show what the LANG store holds: table counts, mentions by method, top concepts."""
    from medkb.kb.stats import stats as read_stats

    with reported(as_json):
        summary = read_stats(lang, home=home, top=top)
    if as_json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False))
        return
    out.print(f"[bold]{summary.lang}[/bold] store at {summary.path} (build {summary.last_build.build_id}, {summary.last_build.finished_at})", highlight=False)
    out.print(_table("table", "rows", summary.tables.items()))
    out.print(_table("concept source", "concepts", summary.concepts_by_source.items()))
    out.print(_table("mention method", "mentions", summary.mentions_by_method.items()))
    out.print(_table("most mentioned concept", "mentions", ((f"{c.label or ''}  ({c.concept_id})", c.mentions) for c in summary.top_concepts)))


@app.command()
def align(
    lang: str = LANG,
    home: Optional[Path] = HOME,
    knowledge: Optional[list[Path]] = typer.Option(
        None, "--knowledge", help="Term pair TSV (local and English columns) to learn translations from (repeatable)."
    ),
    embedder: Optional[list[str]] = typer.Option(
        None, "--embedder", "-e", help="Embedder: use, e5, or a sentence-transformers model on disk (repeatable; default: use and e5)."
    ),
    margin: float = typer.Option(0.2, help="Lead over the second-best English candidate that a proposed link needs."),
    as_json: bool = JSON,
) -> None:
    """Align the LANG store's concepts to English concepts and write the concept graph's edges."""
    from medkb.align.store_alignment import align as run_align

    with reported(as_json), err.status(f"aligning {lang} to English", spinner="dots"):
        report = run_align(lang, home=home, knowledge=knowledge, embedders=embedder, margin=margin)
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    out.print(f"{report.lang}: edges written to {report.path} in {report.seconds:.1f}s", highlight=False)
    out.print(_table("relation", "edges", report.counts.items()))


def _table(left: str, right: str, rows) -> Table:
    table = Table(left, right)
    for name, value in rows:
        table.add_row(str(name), str(value))
    return table


if __name__ == "__main__":
    app()
