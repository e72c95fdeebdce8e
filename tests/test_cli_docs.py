"""Every CLI command, sub-app commands included (`kb graph stats`), has help and is documented in
the README beside its Python call."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import medkb
from medkb.kb.cli.app import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(info.name or info.callback.__name__ for info in app.registered_commands)
# (group, command) of every sub-app: ("graph", "neighbors"), ("eval", "align")...
SUBCOMMANDS = sorted(
    (group.name, info.name or info.callback.__name__)
    for group in app.registered_groups
    for info in group.typer_instance.registered_commands
)


def _assert_documented_options(command, words: str) -> None:
    assert command.help and len(command.help) > 20, f"kb {words} has no help"
    for param in command.params:
        if param.name != "help":
            assert getattr(param, "help", None), f"kb {words} {param.name} has no help"


def test_the_cli_has_commands():
    assert {"build", "stats"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name):
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0
    _assert_documented_options(typer.main.get_command(app).commands[name], name)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented_with_its_python_call(name):
    assert f"| `kb {name}` | `medkb.{name}(" in README
    assert callable(getattr(medkb, name))


def test_the_cli_has_sub_apps():
    assert {("graph", "stats"), ("graph", "neighbors"), ("graph", "export"), ("eval", "align")} <= set(SUBCOMMANDS)


@pytest.mark.parametrize(("group", "name"), SUBCOMMANDS)
def test_subcommand_has_help(group, name):
    result = CliRunner().invoke(app, [group, name, "--help"])
    assert result.exit_code == 0, result.output
    command = typer.main.get_command(app).commands[group].commands[name]
    _assert_documented_options(command, f"{group} {name}")


@pytest.mark.parametrize(("group", "name"), SUBCOMMANDS)
def test_subcommand_is_documented_with_its_python_call(group, name):
    # A row "| `kb graph neighbors` | `medkb.graph(home).neighbors(...)` | ...": its Python column
    # starts with a callable of the kb package.
    row = re.search(rf"^\| `kb {group} {name}` \| `medkb\.(\w+)\(", README, re.MULTILINE)
    assert row, f"README has no row for kb {group} {name}"
    assert callable(getattr(medkb, row.group(1)))
