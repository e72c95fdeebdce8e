"""Every CLI command, sub-app commands included (`kb graph stats`), has help and is documented in the
README beside its Python call; the row's call has the real function's parameters, kinds, defaults and
result type, and the command's options are that call's parameters."""

from __future__ import annotations

import ast
import inspect
import re
import typing
from dataclasses import fields
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import medkb
from medkb.kb.cli.app import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
ROOT = typer.main.get_command(app)
# "build", "stats"... and "graph neighbors", "eval align"...: every command, as typed after `kb`.
# (Typer 0.29 brings a click of its own: a group is told by its sub-commands, not by click.Group.)
COMMANDS = sorted(
    [name for name, command in ROOT.commands.items() if not hasattr(command, "commands")]
    + [f"{group} {name}" for group, sub in ROOT.commands.items() if hasattr(sub, "commands") for name in sub.commands]
)
# A row: | `kb graph neighbors` | `medkb.graph(*, home, langs).neighbors(term, lang, *, relation, target_lang) -> list[Neighbor]` | ...
ROW = r"^\| `kb {command}` \| `medkb\.(?P<call>\w+)\((?P<params>[^)]*)\)(?:\.(?P<method>\w+)\((?P<method_params>[^)]*)\))? -> (?P<result>[^`]+)` \|"

# Options a command has that its call does not, and why.
CLI_ONLY = {
    "as_json": "the output form: the call returns the result, whose to_dict() is the JSON",
    "graph neighbors top": "the call returns every neighbour, strongest first: slice the list",
}
# Parameters a call has that its command does not, and why.
PYTHON_ONLY = {
    "progress": "a callback for the caller's own progress display; the command draws a progress bar",
    "langs": "kb graph reads every store of the home folder (kb serve has --lang, repeatable)",
    "expand": "kb eval retrieve searches as kb query does; bench/retrieve_quality.py measures search without expansion",
}
# A command's option whose parameter has another name: (command option) -> parameter.
RENAMED = {
    "build seed": "seed_lexicon",  # --seed/--no-seed reads better than --seed-lexicon/--no-seed-lexicon
    "eval reason judge_model": "judge",  # the judge's ModelConfig, made from --judge-model and the other model options
}
# The model endpoint's options (kb ask, kb eval reason) are ModelConfig's settings: ask takes them as
# **settings; eval_reason as its `config`, which reason.api.model_config makes of them (and of --cache).
MODEL_SETTINGS = {f.name for f in fields(medkb.ModelConfig)} | {"cache"}


def _assert_documented_options(command, words: str) -> None:
    assert command.help and len(command.help) > 20, f"kb {words} has no help"
    for param in command.params:
        if param.name != "help":
            assert getattr(param, "help", None), f"kb {words} {param.name} has no help"


def click_command(words: str):
    command = ROOT
    for word in words.split():
        command = command.commands[word]
    return command


def readme_row(words: str) -> re.Match:
    row = re.search(ROW.format(command=re.escape(words)), README, re.MULTILINE)
    assert row, f"README's command table has no row `kb {words}` | `medkb.call(...) -> Result` |"
    return row


def documented_signature(params: str) -> list[tuple[str, str, object]]:
    """(name, kind, default or Parameter.empty) of a row's parameter list, read as Python's own."""
    arguments = ast.parse(f"def call({params}): pass").body[0].args
    written: list[tuple[str, str, object]] = []
    positional = arguments.posonlyargs + arguments.args
    defaults = [inspect.Parameter.empty] * (len(positional) - len(arguments.defaults)) + [ast.literal_eval(d) for d in arguments.defaults]
    written += [(a.arg, "POSITIONAL_OR_KEYWORD", d) for a, d in zip(positional, defaults, strict=True)]
    written += [
        (a.arg, "KEYWORD_ONLY", inspect.Parameter.empty if d is None else ast.literal_eval(d))
        for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
    ]
    if arguments.kwarg:
        written.append((arguments.kwarg.arg, "VAR_KEYWORD", inspect.Parameter.empty))
    return written


def real_signature(function) -> list[inspect.Parameter]:
    return [p for p in inspect.signature(function).parameters.values() if p.name not in ("self", "cls")]


def check_call(words: str, function, params: str) -> list[inspect.Parameter]:
    """The row's parameters are the function's, in order, of the same kinds; a default it writes is the real one."""
    real = real_signature(function)
    written = documented_signature(params)
    assert [(name, kind) for name, kind, _ in written] == [(p.name, p.kind.name) for p in real], (
        f"kb {words}: README has `{function.__name__}({params})`, the code `{function.__name__}{inspect.signature(function)}`"
    )
    for (name, _, default), parameter in zip(written, real, strict=True):
        assert default is inspect.Parameter.empty or default == parameter.default, (
            f"kb {words}: README's default of {name} is {default!r}, the code's {parameter.default!r}"
        )
    return real


def type_name(annotation) -> str:
    """How the README writes a result type: Stats, list[Neighbor], Path, None."""
    if annotation is type(None):
        return "None"
    if typing.get_origin(annotation) is list:
        return f"list[{type_name(typing.get_args(annotation)[0])}]"
    return annotation.__name__


def test_the_cli_has_commands_and_sub_apps():
    assert {"build", "stats", "graph stats", "graph neighbors", "graph export", "eval align"} <= set(COMMANDS)


@pytest.mark.parametrize("words", COMMANDS)
def test_command_has_help(words):
    result = CliRunner().invoke(app, [*words.split(), "--help"])
    assert result.exit_code == 0, result.output
    _assert_documented_options(click_command(words), words)


@pytest.mark.parametrize("words", COMMANDS)
def test_readme_row_is_the_real_call(words):
    row = readme_row(words)
    function = getattr(medkb, row["call"])
    called = check_call(words, function, row["params"])
    if row["method"]:
        function = getattr(typing.get_type_hints(function)["return"], row["method"])
        called += check_call(words, function, row["method_params"])
    assert type_name(typing.get_type_hints(function)["return"]) == row["result"], f"kb {words}: README's result type is {row['result']}"


@pytest.mark.parametrize("words", COMMANDS)
def test_the_commands_options_are_its_calls_parameters(words):
    row = readme_row(words)
    function = getattr(medkb, row["call"])
    parameters = real_signature(function)
    if row["method"]:
        parameters += real_signature(getattr(typing.get_type_hints(function)["return"], row["method"]))
    names = {p.name for p in parameters}
    takes_settings = any(p.kind is p.VAR_KEYWORD for p in parameters) or "config" in names
    matched = set()
    for option in click_command(words).params:
        target = RENAMED.get(f"{words} {option.name}") or option.name
        if target not in names and getattr(option, "multiple", False) and target + "s" in names:
            target += "s"  # a repeatable --option gives the list `options`
        if target in names:
            matched.add(target)
        elif option.name in MODEL_SETTINGS and takes_settings:
            matched |= {"config", "settings"} & names
        else:
            assert option.name in CLI_ONLY or f"{words} {option.name}" in CLI_ONLY, f"kb {words} --{option.name} is no parameter of the Python call"
    unmatched = names - matched
    assert unmatched <= set(PYTHON_ONLY), f"kb {words} has no option for {', '.join(sorted(unmatched - set(PYTHON_ONLY)))}"
