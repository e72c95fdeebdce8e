"""`kb eval`: measurements that reproduce the numbers in the README."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from medkb.kb.cli.options import BASE_URL, CACHE, EMBEDDER, HOME, JSON, LANG, MAX_RETRIES, MAX_TOKENS, MODEL, TIMEOUT, model_settings, out, reported

eval_app = typer.Typer(help="Measure alignment quality on term pairs, retrieval quality on queries, and answers on a question set.", no_args_is_help=True)


@eval_app.command("align")
def eval_align_command(
    lang: str = LANG,
    pairs: Path = typer.Option(..., "--pairs", help="TSV of gold pairs: a local_label/local_term column and an en_label/en_term column."),
    candidates: Path = typer.Option(..., "--candidates", help="TSV whose label/en_term column lists every English candidate."),
    home: Optional[Path] = HOME,
    knowledge: Optional[list[Path]] = typer.Option(
        None, "--knowledge", help="Pair files to learn from (repeatable; default: the LANG_*.tsv pair files beside PAIRS and CANDIDATES, PAIRS excluded)."
    ),
    method: Optional[list[str]] = typer.Option(
        None, "--method", help="Use only these methods: memory, translation, transliteration, use, e5 or an embedder name (repeatable)."
    ),
    embedder: Optional[list[str]] = typer.Option(None, "--embedder", "-e", help="Embedders of the combined aligner (repeatable; default: use and e5)."),
    folds: int = typer.Option(1, "--folds", help="Cut PAIRS into this many folds and align each with the others as extra knowledge."),
    as_json: bool = JSON,
) -> None:
    """Align PAIRS' local terms against all CANDIDATES and report acc@1, acc@10 and MRR."""
    from medkb.align.alignment_eval import eval_align

    with reported(as_json):
        result = eval_align(
            lang,
            pairs=pairs,
            candidates=candidates,
            home=home,
            knowledge=knowledge,
            methods=method,
            embedders=embedder,
            folds=folds,
        )
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    out.print(
        f"{result.lang} {Path(result.pairs).name}: n={result.n} acc@1={result.acc_at_1:.3f} "
        f"acc@10={result.acc_at_10:.3f} mrr={result.mrr:.3f} ({', '.join(result.methods)}; "
        f"{result.knowledge.pairs} known pairs)",
        highlight=False,
    )


@eval_app.command("retrieve")
def eval_retrieve_command(
    lang: str = LANG,
    queries: Path = typer.Option(
        ..., "--queries", help='JSONL, one query per line: {"qid", "query", "relevant"} with relevant a list of doc_ids, optionally "grades" and "lang".'
    ),
    home: Optional[Path] = HOME,
    mode: str = typer.Option("hybrid", "--mode", "-m", help="hybrid (BM25 + dense + concepts, fused), bm25 or dense."),
    embedder: Optional[str] = EMBEDDER,
    per_query: bool = typer.Option(False, "--per-query", help="Also give every query's metrics (with --json)."),
    as_json: bool = JSON,
) -> None:
    """Search the LANG store with every query and report document-level MRR, recall@1/5/10 and nDCG@10."""
    from medkb.retrieve.retrieval_eval import eval_retrieve

    with reported(as_json):
        result = eval_retrieve(lang, queries=queries, home=home, mode=mode, embedder=embedder, per_query=per_query)
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    metrics = " ".join(f"{name}={value:.3f}" for name, value in result.metrics.to_dict().items())
    out.print(f"{result.lang} {Path(result.queries).name}: n={result.n} {metrics} ({mode}, embedder {result.embedder})", highlight=False)


@eval_app.command("reason")
def eval_reason_command(
    data: Path = typer.Option(
        ...,
        "--data",
        help='JSONL, one item per line: {"id", "lang", "question", "options" or "premise", "answer"}, or "rubric" (and "reference") for open questions.',
    ),
    home: Optional[Path] = HOME,
    method: Optional[list[str]] = typer.Option(None, "--method", help="co-reasoning (the pipeline) or direct (the model alone) (repeatable; default: both)."),
    judge_model: Optional[str] = typer.Option(None, "--judge-model", help="Model that grades open answers against their rubric (default: --model)."),
    per_item: bool = typer.Option(False, "--per-item", help="Also give every item's answers and scores (with --json)."),
    model: Optional[str] = MODEL,
    base_url: Optional[str] = BASE_URL,
    timeout: Optional[float] = TIMEOUT,
    max_retries: Optional[int] = MAX_RETRIES,
    max_tokens: Optional[int] = MAX_TOKENS,
    cache: bool = CACHE,
    as_json: bool = JSON,
) -> None:
    """Answer every item of DATA with the pipeline and with direct answering on the same model; report accuracy, judge grades, calls and tokens."""
    from medkb.reason.api import model_config
    from medkb.reason.reasoning_eval import METHODS, eval_reason

    with reported(as_json):
        config = model_config(home=home, cache=cache, **model_settings(model, base_url, timeout, max_retries, max_tokens))
        judge = model_config(home=home, cache=cache, **model_settings(judge_model, base_url, timeout, max_retries, max_tokens)) if judge_model else None
        result = eval_reason(data, home=home, config=config, judge=judge, methods=tuple(method or METHODS), per_item=per_item)
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    for name, summary in result.methods.items():
        scores = [
            f"accuracy={summary.accuracy:.3f} ({summary.scored})" if summary.scored else "",
            f"judge={summary.judge_mean:.2f}/5 ({summary.judged})" if summary.judged else "",
        ]
        out.print(
            f"{name}: {' '.join(filter(None, scores)) or 'nothing scored'}; {summary.errors} errors; "
            f"{summary.model_calls} model calls, {summary.prompt_tokens} + {summary.completion_tokens} tokens",
            highlight=False,
        )
