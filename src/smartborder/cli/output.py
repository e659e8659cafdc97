"""Where the CLI writes: results to stdout (JSON alone with ``--json``), messages to stderr."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console

from smartborder.jsonsafe import json_safe

console = Console()
err_console = Console(stderr=True)


def print_json(payload: Any) -> None:
    """Write *payload* as JSON to stdout and nothing else."""
    sys.stdout.write(json.dumps(json_safe(payload), indent=2, ensure_ascii=False) + "\n")


def note(message: str) -> None:
    """An informational line on stderr (never mixes with ``--json`` output)."""
    err_console.print(f"[dim]{message}[/dim]")
