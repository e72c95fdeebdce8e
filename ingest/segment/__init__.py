"""Words, sentences and passages, each language with its own tokenizer."""

from medkb.ingest.segment.passages import PassageSettings, cut_passages
from medkb.ingest.segment.tokenize import Token, tokenize

__all__ = ["PassageSettings", "Token", "cut_passages", "tokenize"]
