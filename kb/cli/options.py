"""What every `kb` command shares: common options, the consoles and how a command fails.

Its own module so that the command modules and kb/cli/app.py, which registers them, can
all import it without importing each other.

A command fails through `reported` or `fail` only: a MedkbError (bad input, a missing store, finding
nothing) is one line `error: ...` on stderr, or with --json one JSON object {"error", "kind"} on
stderr (stdout holds results only), and exit status 1. Any other exception is a bug, and shows as
a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from medkb.store.errors import MedkbError
from medkb.store.languages import get_language

err = Console(stderr=True)
out = Console()


def _known_language(ctx: typer.Context, code: str) -> str:
    """Refuse an unknown --lang before the command starts: `kb build --lang xx` took twice as long as
    `kb --help`, importing the build first, and `kb stats --lang xx` said to build the xx store."""
    if not ctx.resilient_parsing:
        with reported(ctx.params.get("as_json", False)):
            get_language(code)
    return code


LANG = typer.Option(..., "--lang", "-l", callback=_known_language, help="Language code: th, zh, ja, ko, sw, yo or en.")
HOME = typer.Option(None, "--home", help="Folder of the stores (default: $MEDKB_HOME, else ~/.medkb).")
# Eager, so that it is read before --lang, wherever it stands, and a refused language is reported as JSON too.
JSON = typer.Option(False, "--json", is_eager=True, help="Print one JSON object instead of tables.")


def _embedder_choice(value: str) -> str | None:
    return None if value.lower() == "none" else value


EMBEDDER = typer.Option(
    "auto",
    "--embedder",
    "-e",
    callback=_embedder_choice,
    help="Passage embedder: auto (the index's own, else the measured default if installed), use, e5, none, or a sentence-transformers model on disk.",
)

ENGINE = typer.Option(
    "auto",
    "--engine",
    help="BM25 engine: auto (the index's own, else bm25s), bm25s, or lucene (Anserini through pyserini; install medkb[lucene] in its own environment).",
)


class NotFound(MedkbError):
    """A search or lookup that found nothing: exit status 1, as grep's is when nothing matches."""


def fail(error: MedkbError, as_json: bool = False) -> NoReturn:
    """End the command with exit status 1 and the error in one line (one JSON object with --json)."""
    message = " ".join(str(error).splitlines())
    if as_json:
        print(json.dumps({"error": message, "kind": type(error).__name__}, ensure_ascii=False), file=sys.stderr)
    else:
        err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@contextmanager
def reported(as_json: bool = False) -> Iterator[None]:
    """Run a command's work; a MedkbError from it ends the command through `fail`."""
    try:
        yield
    except MedkbError as error:
        fail(error, as_json)


class progress_bar:
    """A progress bar on stderr, updated by (done, total, what) calls from long work.

    Only on a terminal: elsewhere rich draws nothing but ends the bar with a newline, which put a
    blank line before every `kb build` error and summary written to a file or a pipe.
    """

    def __init__(self, enabled: bool):
        self.bar = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not (enabled and err.is_interactive),
        )
        self.task: TaskID | None = None

    def __enter__(self):
        self.bar.start()
        return self.update

    def update(self, done: int, total: int, current: str) -> None:
        if self.task is None:
            self.task = self.bar.add_task(current, total=total)
        self.bar.update(self.task, completed=done, total=total, description=current[-48:])

    def __exit__(self, *exc):
        self.bar.stop()


# The model endpoint (kb ask, kb eval reason). The API key is read from the environment only
# (MEDKB_API_KEY or OPENAI_API_KEY): on a command line it would show in `ps` and shell history.
MODEL = typer.Option(None, "--model", help="Model name (default: $MEDKB_MODEL).")
BASE_URL = typer.Option(None, "--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1 (default: $MEDKB_BASE_URL, else OpenAI's).")
TIMEOUT = typer.Option(None, "--timeout", help="Seconds a request may take before it is retried (default 120).")
MAX_RETRIES = typer.Option(
    None, "--max-retries", help="Further attempts after a connection error, a timeout, 429 or 5xx, with exponential backoff (default 4)."
)
MAX_TOKENS = typer.Option(None, "--max-tokens", help="Most tokens in a reply; one cut short is asked again with up to 4x as many (default 1024).")
CACHE = typer.Option(True, "--cache/--no-cache", help="Keep model replies under HOME/llm-cache, so that re-runs ask nothing again.")


def model_settings(model, base_url, timeout, max_retries, max_tokens) -> dict:
    """The ModelConfig settings a command was given (None: from the environment or the default)."""
    settings = {"model": model, "base_url": base_url, "timeout": timeout, "max_retries": max_retries, "max_tokens": max_tokens}
    if max_tokens:
        settings["max_tokens_cap"] = 4 * max_tokens
    return settings
