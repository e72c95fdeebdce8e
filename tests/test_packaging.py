"""medkb installs as one import name, `medkb`, whose folders are layers that import only downwards."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import medkb

ROOT = Path(__file__).resolve().parents[1]
# The house, bottom to top: a module may import its own layer and the layers below it, never above.
# corpora/ is embedded data beside the store; the root __init__.py (import medkb) is the facade over all.
LAYERS = {"store": 0, "corpora": 0, "ingest": 1, "align": 2, "retrieve": 3, "reason": 4, "kb": 5, "": 6}
OLD_NAMES = ("kb", "ingest", "align", "retrieve", "reason", "corpora", "store")


def _installed_top_level_names() -> set[str]:
    """The top-level import names the installed medkb distribution adds to its environment."""
    # The environment's own record, not the medkb.egg-info that building leaves in this checkout.
    elsewhere = [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT]
    dist = next(iter(metadata.distributions(name="medkb", path=elsewhere)))
    files = [str(f) for f in dist.files or []]
    finders = [f for f in files if re.fullmatch(r"__editable___medkb_.*_finder\.py", f)]
    if finders:  # an editable install maps its names in a finder module instead of copying files
        text = Path(str(dist.locate_file(finders[0]))).read_text(encoding="utf-8")
        mapping = re.search(r"MAPPING: dict\[str, str\] = (\{.*?\})", text)
        assert mapping, f"no MAPPING in {finders[0]}"
        return set(ast.literal_eval(mapping.group(1)))
    names = set()
    for name in files:
        top = name.split("/")[0]
        if top.endswith((".dist-info", ".pth")) or top == ".." or top == "__pycache__":
            continue
        names.add(top.removesuffix(".py"))
    return names


def test_the_distribution_installs_one_import_name():
    assert _installed_top_level_names() == {"medkb"}


@pytest.mark.parametrize("name", OLD_NAMES)
def test_no_generic_top_level_name_is_importable(name, tmp_path):
    # Run from an empty folder, so that only the environment (not this checkout) can provide the name.
    run = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode != 0 and "ModuleNotFoundError" in run.stderr, f"`import {name}` works: {run.stderr}"


def test_medkb_is_this_checkout_and_typed():
    assert Path(medkb.__file__).resolve().parent == ROOT or (Path(medkb.__file__).parent / "store").is_dir()
    assert (Path(medkb.__file__).parent / "py.typed").is_file()


def _package_folders() -> set[str]:
    folders = set()
    for init in ROOT.rglob("__init__.py"):
        rel = init.parent.relative_to(ROOT)
        if rel.parts and rel.parts[0] in ("tests", "bench", "build", "dist") or any(p.startswith(".") for p in rel.parts):
            continue
        folders.add(".".join(("medkb", *rel.parts)))
    return folders


def test_pyproject_lists_every_subpackage():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"] == {"medkb": "."}
    assert set(config["packages"]) == _package_folders()


def _imports(path: Path) -> list[tuple[int, str]]:
    return _imports_of(path, path.read_text(encoding="utf-8"))


def _imports_of(path: Path, text: str) -> list[tuple[int, str]]:
    """Every medkb module a file imports, anywhere in it (lazy imports inside functions included)."""
    found = []
    for node in ast.walk(ast.parse(text, str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(path, node.level, node.module or "")
            # `from medkb import corpora` imports the subpackage; `from medkb import build`, the facade.
            found += [(node.lineno, f"{module}.{a.name}" if module == "medkb" else module) for a in node.names]
    return [(line, name) for line, name in found if name == "medkb" or name.startswith("medkb.")]


def _absolute(path: Path, level: int, module: str) -> str:
    """The absolute name of `from <level dots><module> import ...` in the file at path."""
    if not level:
        return module
    package = ("medkb", *path.parent.relative_to(ROOT).parts)
    base = package[: len(package) - level + 1]
    return ".".join((*base, module) if module else base)


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else ""


def test_imports_only_go_down():
    upward = []
    for folder in (f for f in LAYERS if f):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, name in _imports(path):
                if LAYERS[_layer(name)] > LAYERS[folder]:
                    upward.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(upward)


def test_the_layer_check_sees_an_upward_import():
    # The check above must fail on a module of the store that reaches into the build.
    probe = ROOT / "store" / "probe.py"
    text = "from .errors import UsageError\n\ndef f():\n    from medkb.kb.build.builder import build\n"
    assert [(line, _layer(name)) for line, name in _imports_of(probe, text)] == [(1, "store"), (4, "kb")]
    assert LAYERS["kb"] > LAYERS["store"]
