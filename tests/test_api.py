"""`import medkb`: explicit public names that tools and type checkers see, loaded when first used;
one calling convention (only the subject positional); typed results; every call documented."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest

import medkb

INIT = Path(medkb.__file__)
# The one positional parameter of a call (two for ask and query, `a` and `b` for a path): what
# the call is about. Everything else, `home` first, is keyword-only.
SUBJECTS = {"lang", "text", "query", "term", "question", "data", "nodes", "path", "a", "b"}
LANGUAGE_PARAMETERS = {
    "lang": "the language of the store the call reads or writes",
    "langs": "the languages of several stores",
    "query_lang": "the language of a query's text",
    "term_lang": "the language of a term's text",
    "target_lang": "the language of the nodes asked for",
}
# Import medkb alone must not load these: each costs from 50 ms (the version's metadata) to seconds,
# and the `kb` command imports medkb before it even parses its arguments.
HEAVY = ["duckdb", "numpy", "networkx", "spacy", "bm25s", "typer", "openai", "fastapi", "medkb.store.version", "medkb.retrieve.searcher"]


def public_calls() -> list[tuple[str, typing.Callable]]:
    """(name, callable) of the functions medkb exports and the methods of KnowledgeBase and ConceptGraph."""
    calls = [(name, value) for name in medkb.__all__ if inspect.isfunction(value := getattr(medkb, name))]
    calls.append(("KnowledgeBase", medkb.KnowledgeBase))
    for cls in (medkb.KnowledgeBase, medkb.ConceptGraph):
        for name, member in vars(cls).items():
            function = member.__func__ if isinstance(member, classmethod) else member
            if not name.startswith("_") and inspect.isfunction(function):
                calls.append((f"{cls.__name__}.{name}", function))
    return calls


CALLS = public_calls()


def parameters(call) -> list[inspect.Parameter]:
    return [p for p in inspect.signature(call).parameters.values() if p.name not in ("self", "cls")]


def test_dir_and_all_list_every_public_name():
    assert set(medkb.__all__) <= set(dir(medkb))
    assert {
        "build",
        "stats",
        "open",
        "KnowledgeBase",
        "ask",
        "Stats",
        "AlignEvaluation",
        "RetrievalEvaluation",
        "ReasonEvaluation",
        "Neighbor",
        "MedkbError",
        "__version__",
    } <= set(medkb.__all__)
    with pytest.raises(AttributeError, match="module 'medkb' has no attribute 'nothing'"):
        medkb.nothing  # noqa: B018


def _type_checking_imports() -> dict[str, str]:
    """name: module of each `from module import name` under `if TYPE_CHECKING:` in medkb/__init__.py."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    blocks = [node for node in tree.body if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"]
    assert len(blocks) == 1, "medkb/__init__.py needs one `if TYPE_CHECKING:` block of imports"
    return {alias.name: node.module for node in blocks[0].body if isinstance(node, ast.ImportFrom) for alias in node.names}


def test_type_checkers_see_every_public_name_where_it_is_defined():
    seen = _type_checking_imports()
    eager = {name for name in medkb.__all__ if name in vars(medkb) and name not in seen}
    assert set(seen) | eager == set(medkb.__all__) and len(medkb.__all__) == len(set(medkb.__all__))
    assert set(medkb._LAZY) == set(seen)  # each name loaded from where the type checker reads it
    for name, module in seen.items():
        value = getattr(medkb, name)
        assert getattr(importlib.import_module(module), name) is value
        if hasattr(value, "__module__"):  # not __version__, a str
            assert value.__module__ == module, f"{name} is defined in {value.__module__}, not {module}"


def test_the_type_information_is_installed_with_the_package():
    # PEP 561: a type checker reads an installed package's annotations only if it ships py.typed.
    # pyproject is the checkout's; py.typed is looked for where medkb is installed (site-packages in CI).
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    package_data = pyproject.split("[tool.setuptools.package-data]", 1)[1].split("\n[", 1)[0]
    assert re.search(r'^medkb = \[[^]]*"py\.typed"', package_data, re.MULTILINE)
    assert (INIT.parent / "py.typed").is_file()


def test_import_medkb_loads_nothing_heavy():
    code = f"import sys, medkb; print([m for m in {HEAVY!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_medkb_align_is_the_call_even_once_the_align_subpackage_is_loaded():
    # Loading medkb.align.graph binds the subpackage medkb.align on medkb, where the call lives.
    code = "import medkb, medkb.align.graph; from medkb.align.graph import ConceptGraph; medkb.graph; print(medkb.align.__module__)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert found.stdout.strip() == "medkb.align.store_alignment", found.stderr


def test_a_public_name_is_loaded_on_first_use_and_kept():
    first = medkb.stats
    assert "stats" in vars(medkb) and medkb.stats is first is importlib.import_module("medkb.kb.stats").stats


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_only_the_subject_is_positional(name, call):
    positional = [p.name for p in parameters(call) if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    assert set(positional) <= SUBJECTS, f"{name}: {', '.join(set(positional) - SUBJECTS)} should be keyword-only"
    assert len(positional) <= 2


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_each_language_parameter_has_one_meaning(name, call):
    for p in parameters(call):
        assert "lang" not in p.name or p.name in LANGUAGE_PARAMETERS, f"{name}: {p.name} is none of {', '.join(LANGUAGE_PARAMETERS)}"
    # The store is always named; only a text's language may be left to be guessed.
    assert all(p.default is p.empty for p in parameters(call) if p.name == "lang"), f"{name}: lang has a default"


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_every_parameter_and_the_return_are_documented(name, call):
    doc = inspect.getdoc(call) or ""
    assert doc, f"{name} has no docstring"
    documented = doc.split("Args:", 1)[1] if "Args:" in doc else ""
    for p in parameters(call):
        stars = "**" if p.kind is p.VAR_KEYWORD else "*" if p.kind is p.VAR_POSITIONAL else ""
        assert re.search(rf"^\s+{re.escape(stars + p.name)}:", documented, re.MULTILINE), f"{name}: {p.name} is not under Args:"
    if not inspect.isclass(call) and typing.get_type_hints(call).get("return") is not type(None):
        assert "\nReturns:\n" in doc, f"{name} does not say what it returns"


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_results_are_typed(name, call):
    if inspect.isclass(call):
        return
    result = typing.get_type_hints(call)["return"]
    inner = typing.get_args(result)[0] if typing.get_origin(result) is list else result
    assert typing.get_origin(result) is not dict and result is not dict, f"{name} returns a dict"
    assert inner is not dict and typing.get_origin(inner) is not dict, f"{name} returns dicts"


def test_every_result_type_prints_as_the_cli_json():
    for name in medkb.__all__:
        value = getattr(medkb, name)
        if dataclasses.is_dataclass(value) and name not in ("ModelConfig",):
            assert callable(getattr(value, "to_dict", None)), f"{name} has no to_dict() for --json"


def test_lookup_names_the_terms_language_term_lang_in_both_calls(built_home):
    # English text looked up in the Thai store: the same records through either call.
    with medkb.open("th", home=built_home) as base:
        from_base = [r.to_dict() for r in base.lookup("tuberculosis", term_lang="en")]
    assert from_base and from_base == [r.to_dict() for r in medkb.lookup("tuberculosis", "th", home=built_home, term_lang="en")]
