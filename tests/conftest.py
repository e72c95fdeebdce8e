"""Shared fixtures: the development data beside the checkout, when it is there."""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """`../shared/data` beside the checkout; tests that need it skip without it."""
    if not (SHARED_DATA / "README.md").exists():
        pytest.skip(f"development data not found at {SHARED_DATA} (a fresh clone has none; CI has it)")
    return SHARED_DATA
