"""Where the CLI writes: results to stdout (JSON alone with ``--json``), messages to stderr."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from rich.console import Console

console = Console()
err_console = Console(stderr=True)


def _clean(value: Any) -> Any:
    """Make numpy/pandas scalars and NaN JSON-safe (NaN → null)."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def print_json(payload: Any) -> None:
    """Write *payload* as JSON to stdout and nothing else."""
    sys.stdout.write(json.dumps(_clean(payload), indent=2, ensure_ascii=False) + "\n")


def note(message: str) -> None:
    """An informational line on stderr (never mixes with ``--json`` output)."""
    err_console.print(f"[dim]{message}[/dim]")
