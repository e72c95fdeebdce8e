"""Terminologies (TSV, HPO babelon, OBO, the seed lexicon) read into Concepts."""

from __future__ import annotations

from medkb.ingest.terms.load import load_terminology
from medkb.ingest.terms.terminology import Terminology

__all__ = ["Terminology", "load_terminology"]
