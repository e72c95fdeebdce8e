"""medkb's layers import only downwards: store (with the embedded corpora) at the bottom, then
ingest, align, retrieve, reason, and kb on top, so that a lower layer works without the ones above."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
LAYERS = {"store": 0, "corpora": 0, "ingest": 1, "align": 2, "retrieve": 3, "reason": 4, "kb": 5}


def imported_layers(path: Path) -> set[str]:
    """The medkb subpackages a module imports, at its top or inside functions."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name.split(".")[1] for name in names if name.startswith("medkb.")}


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_a_layer_imports_nothing_above_it(layer):
    upward = {
        str(path.relative_to(PACKAGE)): sorted(other for other in imported_layers(path) if LAYERS.get(other, -1) > LAYERS[layer])
        for path in sorted((PACKAGE / layer).rglob("*.py"))
    }
    assert {module: above for module, above in upward.items() if above} == {}
