"""Every command's help reads at 80 columns: flags without a type, nothing cut off."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from smartborder.cli import app

ROOT: Any = typer.main.get_command(app)


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command and group under *group* (groups are what has ``commands``)."""
    found = [(prefix, group)]
    for name, command in getattr(group, "commands", {}).items():
        found += _commands(command, (*prefix, name))
    return found


COMMANDS = _commands(ROOT)


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) or "smartborder" for p, _ in COMMANDS])
def test_help_is_readable_at_80_columns(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(
        app, [*path, "--help"], env={"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}, terminal_width=80
    )
    assert result.exit_code == 0, result.output
    text = result.output
    assert "<bool>" not in text  # a flag takes no value
    assert "…" not in text, f"help cut off:\n{text}"
    assert max(len(line) for line in text.splitlines()) <= 80


def test_every_command_says_what_it_does() -> None:
    assert len(COMMANDS) > 30  # sub-commands are walked too
    for path, command in COMMANDS[1:]:
        assert (command.help or command.short_help or "").strip(), path
