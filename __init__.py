"""medkb: multilingual clinical knowledge bases with concept-level retrieval.

The Python API mirrors the `kb` command line (README.md, "Commands", lists every pair):

    import medkb
    report = medkb.build("th")                    # kb build --lang th
    summary = medkb.stats("th")                   # kb stats --lang th
    medkb.align("th")                             # kb align --lang th
    medkb.graph().neighbors("เบาหวาน", "th")        # kb graph neighbors เบาหวาน --lang th
    with medkb.open("th") as base:                 # kb query / kb lookup --lang th
        hits = base.search("diabetes treatment", k=5)
        concepts = base.lookup("เบาหวาน")
    answer = medkb.ask("...", "th", model="m", base_url="http://127.0.0.1:8000/v1")  # kb ask

Only the subject of a call is positional (the language, the query text, the term, the question);
`home` and every option are keyword-only. Every result is a typed dataclass; `to_dict()` gives the
JSON the command prints with `--json`.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from medkb.store.errors import InputError, MedkbError, UsageError

if TYPE_CHECKING:  # what type checkers read; at run time each name is imported on first use (_LAZY)
    from medkb.align.alignment_eval import AlignEvaluation, eval_align
    from medkb.align.graph import ConceptGraph, GraphStats, Neighbor, graph
    from medkb.align.store_alignment import AlignReport, align
    from medkb.kb.build.builder import BuildReport, build
    from medkb.kb.server import serve
    from medkb.kb.stats import Stats, stats
    from medkb.reason.api import ask
    from medkb.reason.config import ModelConfig
    from medkb.reason.pipeline import Answer
    from medkb.reason.reasoning_eval import ReasonEvaluation, eval_reason
    from medkb.retrieve.hits import Hit
    from medkb.retrieve.index import Manifest, index
    from medkb.retrieve.lookup import ConceptRecord
    from medkb.retrieve.retrieval_eval import RetrievalEvaluation, eval_retrieve
    from medkb.retrieve.searcher import KnowledgeBase, lookup, open, query
    from medkb.store.database import default_home
    from medkb.store.version import __version__

# The module that defines each public name, imported when the name is first used: `import medkb`
# takes 4 ms this way, and took 2.0 s with every one of them imported first (python -X importtime,
# best of 5 on the 2-core development machine). Each is slow: from 8 ms for Hit (the `dataclasses`
# module) and 67 ms for __version__ (it reads the installed package's metadata) to 1.9 s with the
# HTTP server; and `kb` imports medkb before every command, `kb --help` included. The errors take
# 0.5 ms: they are imported above.
_LAZY = {
    "__version__": "medkb.store.version",
    "build": "medkb.kb.build.builder",
    "BuildReport": "medkb.kb.build.builder",
    "stats": "medkb.kb.stats",
    "Stats": "medkb.kb.stats",
    "default_home": "medkb.store.database",
    "align": "medkb.align.store_alignment",
    "AlignReport": "medkb.align.store_alignment",
    "eval_align": "medkb.align.alignment_eval",
    "AlignEvaluation": "medkb.align.alignment_eval",
    "graph": "medkb.align.graph",
    "ConceptGraph": "medkb.align.graph",
    "Neighbor": "medkb.align.graph",
    "GraphStats": "medkb.align.graph",
    "open": "medkb.retrieve.searcher",
    "KnowledgeBase": "medkb.retrieve.searcher",
    "query": "medkb.retrieve.searcher",
    "lookup": "medkb.retrieve.searcher",
    "Hit": "medkb.retrieve.hits",
    "ConceptRecord": "medkb.retrieve.lookup",
    "index": "medkb.retrieve.index",
    "Manifest": "medkb.retrieve.index",
    "eval_retrieve": "medkb.retrieve.retrieval_eval",
    "RetrievalEvaluation": "medkb.retrieve.retrieval_eval",
    "serve": "medkb.kb.server",
    "ask": "medkb.reason.api",
    "Answer": "medkb.reason.pipeline",
    "ModelConfig": "medkb.reason.config",
    "eval_reason": "medkb.reason.reasoning_eval",
    "ReasonEvaluation": "medkb.reason.reasoning_eval",
}

# Written out, not derived from _LAZY: linters and type checkers read a literal list (tests/test_api.py
# checks that the three agree).
__all__ = [
    "__version__",
    "build",
    "BuildReport",
    "stats",
    "Stats",
    "default_home",
    "align",
    "AlignReport",
    "eval_align",
    "AlignEvaluation",
    "graph",
    "ConceptGraph",
    "Neighbor",
    "GraphStats",
    "open",
    "KnowledgeBase",
    "query",
    "lookup",
    "Hit",
    "ConceptRecord",
    "index",
    "Manifest",
    "eval_retrieve",
    "RetrievalEvaluation",
    "serve",
    "ask",
    "Answer",
    "ModelConfig",
    "eval_reason",
    "ReasonEvaluation",
    "MedkbError",
    "UsageError",
    "InputError",
]


class _Package(ModuleType):
    """medkb itself. Loading a subpackage binds it on its parent, so that loading medkb.align (the
    subpackage: any use of the graph loads it) would hide medkb.align, the call: a public name is
    never bound to a module. The subpackage stays in sys.modules, where `from medkb.align.graph
    import ConceptGraph` finds it; only reaching it as an attribute (`medkb.align.graph`) finds the call.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'medkb' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later uses find it without coming here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
