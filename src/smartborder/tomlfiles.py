"""Reading the user's TOML files (port models, scenarios, sweep specs) into validated models.

One place for the three ways such a file goes wrong — missing, not TOML, not valid — so every
command reports them the same way: which file, which key, what is wrong.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from smartborder.errors import InputFileError

M = TypeVar("M", bound=BaseModel)


def describe(exc: ValidationError) -> str:
    """One line per problem: ``classes.truck.lanes.standard.booths: must be >= 0 (got -1)``."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "(top level)"
        got = f" (got {error['input']!r})" if "input" in error and not isinstance(error["input"], dict) else ""
        parts.append(f"{where}: {error['msg']}{got}")
    return "; ".join(parts)


def read_model(model: type[M], path: str | Path, what: str, defaults: dict[str, Any] | None = None) -> M:
    """Parse *path* as TOML into *model*; *what* ("scenario", "model", …) starts every message."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(f"{what}: file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(f"{what}: {path} is not valid TOML: {exc}") from None
    for key, value in (defaults or {}).items():
        raw.setdefault(key, value)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise InputFileError(f"{what}: {path}: {describe(exc)}") from None
