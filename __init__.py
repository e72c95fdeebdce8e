"""medkb: multilingual clinical knowledge bases with concept-level retrieval.

The Python API mirrors the `kb` command line:

    import medkb
    report = medkb.build("th")              # kb build --lang th
    summary = medkb.stats("th")             # kb stats --lang th
    medkb.align("th")                       # kb align --lang th
    medkb.graph().neighbors("เบาหวาน", "th")  # kb graph neighbors เบาหวาน --lang th
    with medkb.open("th") as base:           # kb query / kb lookup --lang th
        hits = base.search("diabetes treatment", k=5)
        concepts = base.lookup("เบาหวาน")
    answer = medkb.ask("...", "th", model="m", base_url="http://127.0.0.1:8000/v1")  # kb ask

Submodules are imported on first use, so that `import medkb.store` (the bottom
layer, which ingest builds on) does not pull in the whole toolkit.
"""
from __future__ import annotations

from importlib import import_module

from medkb.store.version import __version__

_PUBLIC = {
    "build": "medkb.kb.build.builder",
    "BuildReport": "medkb.kb.build.builder",
    "stats": "medkb.kb.stats",
    "default_home": "medkb.store.database",
    "align": "medkb.align.store_alignment",
    "eval_align": "medkb.align.alignment_eval",
    "graph": "medkb.align.graph",
    "open": "medkb.retrieve.searcher",
    "KnowledgeBase": "medkb.retrieve.searcher",
    "query": "medkb.retrieve.searcher",
    "lookup": "medkb.retrieve.searcher",
    "index": "medkb.retrieve.index",
    "eval_retrieve": "medkb.retrieve.retrieval_eval",
    "serve": "medkb.kb.server",
    "ask": "medkb.reason.api",
    "eval_reason": "medkb.reason.reasoning_eval",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'kb' has no attribute {name!r}")
