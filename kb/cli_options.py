"""What every `kb` command shares: common options, the consoles and the error exit.

Its own module so that sub-apps (kb.graph_cli) and kb.cli, which registers them, can
both import it without importing each other.
"""
from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kb.errors import MedkbError

err = Console(stderr=True)
out = Console()

LANG = typer.Option(..., "--lang", "-l", help="Language code: th, zh, ja, ko, sw, yo or en.")
HOME = typer.Option(None, "--home", help="Folder of the stores (default: $MEDKB_HOME, else ~/.medkb).")
JSON = typer.Option(False, "--json", help="Print one JSON object instead of tables.")


def _embedder_choice(value: str) -> str | None:
    return None if value.lower() == "none" else value


EMBEDDER = typer.Option(
    "auto", "--embedder", "-e", callback=_embedder_choice,
    help="Passage embedder: auto (the index's own, else the measured default if installed), use, e5, none, or a sentence-transformers model on disk.",
)


def fail(error: MedkbError) -> None:
    err.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


class progress_bar:
    """A progress bar on stderr, updated by (done, total, what) calls from long work."""

    def __init__(self, enabled: bool):
        self.bar = Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err, transient=True, disable=not enabled,
        )
        self.task = None

    def __enter__(self):
        self.bar.start()
        return self.update

    def update(self, done: int, total: int, current: str) -> None:
        if self.task is None:
            self.task = self.bar.add_task(current, total=total)
        self.bar.update(self.task, completed=done, total=total, description=current[-48:])

    def __exit__(self, *exc):
        self.bar.stop()
