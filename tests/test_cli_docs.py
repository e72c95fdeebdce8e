"""Every CLI command has help and is documented in the README beside its Python call."""
from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import kb
from kb.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(info.name or info.callback.__name__ for info in app.registered_commands)


def test_the_cli_has_commands():
    assert {"build", "stats"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name):
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0
    command = typer.main.get_command(app).commands[name]
    assert command.help and len(command.help) > 20
    for param in command.params:
        if param.name != "help":
            assert getattr(param, "help", None), f"kb {name} {param.name} has no help"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented_with_its_python_call(name):
    assert f"| `kb {name}` | `kb.{name}(" in README
    assert callable(getattr(kb, name))
