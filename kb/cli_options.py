"""What every `kb` command shares: common options, the consoles and the error exit.

Its own module so that sub-apps (kb.graph_cli) and kb.cli, which registers them, can
both import it without importing each other.
"""
from __future__ import annotations

import typer
from rich.console import Console

from kb.errors import MedkbError

err = Console(stderr=True)
out = Console()

LANG = typer.Option(..., "--lang", "-l", help="Language code: th, zh, ja, ko, sw, yo or en.")
HOME = typer.Option(None, "--home", help="Folder of the stores (default: $MEDKB_HOME, else ~/.medkb).")
JSON = typer.Option(False, "--json", help="Print one JSON object instead of tables.")


def fail(error: MedkbError) -> None:
    err.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)
