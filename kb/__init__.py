"""medkb: multilingual clinical knowledge bases with concept-level retrieval.

The Python API mirrors the `kb` command line:

    import kb
    report = kb.build("th")              # kb build --lang th
    summary = kb.stats("th")             # kb stats --lang th
    kb.align("th")                       # kb align --lang th
    kb.graph().neighbors("เบาหวาน", "th")  # kb graph neighbors เบาหวาน --lang th
    with kb.open("th") as base:           # kb query / kb lookup --lang th
        hits = base.search("diabetes treatment", k=5)
        concepts = base.lookup("เบาหวาน")
    answer = kb.ask("...", "th", model="m", base_url="http://127.0.0.1:8000/v1")  # kb ask

Submodules are imported on first use, so that `import kb.store` (the bottom
layer, which ingest builds on) does not pull in the whole toolkit.
"""
from __future__ import annotations

from importlib import import_module

from kb.version import __version__

_PUBLIC = {
    "build": "kb.builder",
    "BuildReport": "kb.builder",
    "stats": "kb.summary",
    "default_home": "kb.store",
    "align": "align.store_alignment",
    "eval_align": "align.evaluate",
    "graph": "align.graph",
    "open": "retrieve.searcher",
    "KnowledgeBase": "retrieve.searcher",
    "query": "retrieve.searcher",
    "lookup": "retrieve.searcher",
    "index": "retrieve.index",
    "eval_retrieve": "retrieve.evaluate",
    "serve": "kb.server",
    "ask": "reason.api",
    "eval_reason": "reason.evaluate",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'kb' has no attribute {name!r}")
