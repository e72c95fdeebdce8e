"""Words, sentences and passages, each language with its own tokenizer."""
from ingest.segment.passages import PassageSettings, cut_passages
from ingest.segment.tokenize import Token, tokenize

__all__ = ["PassageSettings", "Token", "cut_passages", "tokenize"]
