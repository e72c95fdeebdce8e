"""Every ```python block of README.md runs, as a reader going down the README would run it.

The blocks run in README order in one temporary MEDKB_HOME that starts with the Thai and English
stores of the embedded corpora (the session's `built_home`, what the README's `kb build --lang th`
and `--lang en` make), the working folder holding `../shared` as a checkout does: a block may use
what an earlier one made (the search block evaluates on the Japanese store the first block builds).
What a block names that no test machine has is replaced, or the block is skipped with the reason:

- `../shared/...`, the development data beside the checkout: the block skips without it;
- a model endpoint (`MODEL_URL`): the tests' OpenAI-compatible server (tests/reason/openai_stub.py),
  replying as a sound model would to the README's question (the Thai case of tests/reason/clinic.py);
  the block skips without the reason extra;
- a Dask scheduler (`SCHEDULER`): a LocalCluster's address, the cluster's shared folders replaced by
  the embedded English corpus and a temporary folder; it builds in a home of its own, since in the
  README home the English store of that corpus is built already and a build with nothing new sends
  nothing to the cluster; the block skips without the dask extra;
- `pip install "medkb[extra]"`: the block runs if the extra's packages are installed, else skips;
- passage vectors: a store the blocks build gets none (`embedder="auto"` means none here): the
  first block's 8,962 NANDO passages took over ten minutes to embed on the 2-core development
  machine. The stores the home starts with keep theirs; tests/retrieve tests passage vectors.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import shutil
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from medkb import corpora
from medkb.retrieve import index

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\S*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
LANGUAGES = {"python", "bash"}  # of the README's fenced blocks; a ```py block would escape this test
MODEL_URL = "http://127.0.0.1:8000/v1"
SCHEDULER = "tcp://scheduler:8786"
CLUSTER_CORPUS, CLUSTER_SHARDS = "/shared/pubmed", "/shared/medkb-shards"

sys.path.insert(0, str(Path(__file__).parent / "reason"))
from clinic import THAI  # noqa: E402 (tests/reason: the stub and its scripted cases)
from openai_stub import ScriptedModel, StubServer  # noqa: E402


def python_blocks() -> list[tuple[int, str]]:
    """(line of the opening fence, source) of every ```python block."""
    return [(README.count("\n", 0, m.start()) + 1, m.group(2)) for m in FENCE.finditer(README) if m.group(1) == "python"]


BLOCKS = python_blocks()


def missing_packages(extra: str) -> list[str]:
    """The packages of a medkb extra (pyproject's optional-dependencies) that are not installed."""
    listed = re.search(rf"^{re.escape(extra)} = \[(.*?)\]", PYPROJECT, re.MULTILINE)
    assert listed, f"README names medkb[{extra}], which pyproject.toml does not define"
    missing = []
    for requirement in re.findall(r'"([^"]+)"', listed.group(1)):
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0)
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    return missing


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """The blocks' working folder; `../shared` is put beside it for the blocks that read it."""
    checkout = tmp_path_factory.mktemp("readme") / "checkout"
    checkout.mkdir()
    return checkout


@pytest.fixture(scope="module")
def readme_home(built_home: Path, checkout: Path) -> Path:
    home = checkout.parent / "home"
    shutil.copytree(built_home, home)
    return home


def test_every_fenced_block_is_python_or_bash():
    assert {m.group(1) for m in FENCE.finditer(README)} <= LANGUAGES
    assert len(BLOCKS) == README.count("```python\n") >= 6


@pytest.mark.parametrize(("line", "source"), BLOCKS, ids=[f"README.md:{line}" for line, _ in BLOCKS])
def test_readme_block_runs(line, source, readme_home, checkout, monkeypatch, request):
    if "../shared/" in source:
        beside = checkout.parent / "shared"
        if not beside.exists():
            beside.symlink_to(shared_data(request, line).parent, target_is_directory=True)
    for extra in re.findall(r'pip install "medkb\[(\w+)\]"', source):
        if missing := missing_packages(extra):
            pytest.skip(f"README.md:{line} needs medkb[{extra}]: {', '.join(missing)} not installed")
    monkeypatch.chdir(checkout)
    monkeypatch.setenv("MEDKB_HOME", str(readme_home))
    monkeypatch.setattr(index, "passage_embedder", lambda lang, choice="auto": None if choice == "auto" else choice)
    with ExitStack() as running:
        if MODEL_URL in source:
            if importlib.util.find_spec("openai") is None:
                pytest.skip(f"README.md:{line} asks a model: the openai client (medkb[reason]) is not installed")
            server = running.enter_context(StubServer(ScriptedModel(THAI.replies)))
            source = source.replace(MODEL_URL, server.base_url)
        if SCHEDULER in source:
            source = source.replace(SCHEDULER, running.enter_context(local_cluster(line)).scheduler_address)
            source = source.replace(CLUSTER_CORPUS, str(corpora.corpus_dir("en"))).replace(CLUSTER_SHARDS, str(checkout / "shards"))
            monkeypatch.setenv("MEDKB_HOME", str(checkout.parent / "cluster-home"))
        exec(compile(source, f"README.md:{line}", "exec"), {"__name__": "readme"})  # noqa: S102 (the README's own code)


def shared_data(request, line: int) -> Path:
    """The session's `shared_data`; without it, a skip that names the block."""
    try:
        return request.getfixturevalue("shared_data")
    except pytest.skip.Exception as absent:
        pytest.skip(f"README.md:{line} reads ../shared: {absent.msg}")


def local_cluster(line: int):
    if missing := missing_packages("dask"):
        pytest.skip(f"README.md:{line} builds on a Dask cluster: {', '.join(missing)} (medkb[dask]) not installed")
    import distributed

    return distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
