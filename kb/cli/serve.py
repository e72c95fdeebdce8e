"""`kb serve`: the HTTP API (kb.server) from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from medkb.kb.cli.options import HOME, reported


def serve(
    home: Optional[Path] = HOME,
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on; any but a loopback address lets other machines in (there is no authentication)."
    ),
    port: int = typer.Option(8000, "--port", "-p", help="TCP port to listen on."),
    lang: Optional[list[str]] = typer.Option(None, "--lang", "-l", help="A language to serve (repeatable; default: every store in the home folder)."),
) -> None:
    """Serve search, lookup and concepts of the built knowledge bases over HTTP (OpenAPI description at /docs)."""
    with reported():  # a missing store, or the serve extra not installed
        from medkb.kb.server import serve as run_serve

        run_serve(home=home, host=host, port=port, langs=lang)
