"""Optional libraries, brought by medkb's extras: an import that fails says which extra to install."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from medkb.store.errors import MedkbError


class MissingExtra(MedkbError, ImportError):
    """An optional library is not installed: says which medkb extra brings it."""


@contextmanager
def needs_extra(extra: str) -> Iterator[None]:
    """Turn an ImportError inside the block into one that names the extra to install."""
    try:
        yield
    except ImportError as error:
        missing = error.name or "a library"
        raise MissingExtra(f"{missing} is not installed: pip install 'medkb[{extra}]'") from error
