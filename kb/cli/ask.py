"""`kb ask`: a clinical question through the co-reasoning pipeline, from the shell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from medkb.kb.cli.options import BASE_URL, CACHE, HOME, JSON, LANG, MAX_RETRIES, MAX_TOKENS, MODEL, TIMEOUT, err, model_settings, out, reported


def ask(
    question: str = typer.Argument(..., help="The question in LANG (with --premise: the hypothesis)."),
    lang: str = LANG,
    option: Optional[list[str]] = typer.Option(
        None, "--option", "-o", help="An answer option (repeatable, lettered A, B, C... in order): a multiple-choice question."
    ),
    premise: Optional[str] = typer.Option(None, "--premise", help="The premise of an NLI question; the answer is entailment, neutral or contradiction."),
    english: Optional[str] = typer.Option(None, "--english", help="The question in English, when you have it (skips translation)."),
    english_option: Optional[list[str]] = typer.Option(None, "--english-option", help="The options in English, with --english."),
    english_premise: Optional[str] = typer.Option(None, "--english-premise", help="The premise in English, with --english."),
    direct: bool = typer.Option(False, "--direct", help="Ask the model alone, in one call (the baseline), instead of the pipeline."),
    passages: int = typer.Option(8, "--passages", help="Passages from the knowledge bases that the answer may cite."),
    trace: Optional[Path] = typer.Option(None, "--trace", help="Write every stage's prompts, replies, outputs, timings and tokens to this JSON file."),
    model: Optional[str] = MODEL,
    base_url: Optional[str] = BASE_URL,
    timeout: Optional[float] = TIMEOUT,
    max_retries: Optional[int] = MAX_RETRIES,
    max_tokens: Optional[int] = MAX_TOKENS,
    cache: bool = CACHE,
    home: Optional[Path] = HOME,
    as_json: bool = JSON,
) -> None:
    """Answer QUESTION in LANG: reason in LANG and in English, align the concepts, retrieve local and English evidence, and cite it."""
    from medkb.reason.api import ask as run_ask

    with reported(as_json), err.status("reasoning", spinner="dots"):
        answer = run_ask(
            question,
            lang,
            options=option,
            premise=premise,
            english=english,
            english_options=english_option,
            english_premise=english_premise,
            home=home,
            direct=direct,
            passages=passages,
            trace=trace,
            cache=cache,
            **model_settings(model, base_url, timeout, max_retries, max_tokens),
        )
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
        return
    out.print(f"[bold]{escape(answer.answer)}[/bold]", highlight=False)
    out.print(escape(answer.rationale), highlight=False)
    cited = {p.id: p for p in answer.passages}
    for citation in answer.citations:
        passage = cited[citation]
        snippet = " ".join(passage.text.split())[:160]
        out.print(f"[dim]{escape(f'[{citation}]')} {escape(passage.title or passage.doc_id)}: {escape(snippet)}[/dim]", highlight=False)
    if answer.trace is None:  # an answer made without the pipeline has no calls to count
        return
    for warning in answer.trace.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    totals = answer.trace.totals()
    err.print(
        f"[dim]{totals['model_calls']} model calls ({totals['cached_calls']} cached), "
        f"{totals['prompt_tokens']} + {totals['completion_tokens']} tokens, {totals['seconds']:.1f}s[/dim]",
        highlight=False,
    )
