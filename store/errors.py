"""Errors a user sees: each names the file (where there is one) and the problem."""

from __future__ import annotations

from pathlib import Path


class MedkbError(Exception):
    """Base of every error medkb raises on purpose."""


class InputError(MedkbError):
    """A file that cannot be read as what it claims to be."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class UsageError(MedkbError):
    """A request that cannot be carried out as asked (unknown language, no corpus...)."""


class IngestError(MedkbError):
    """Processing failed for a reason other than a file's content (a fault, a lost worker); names the file."""
