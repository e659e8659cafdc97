"""Trusted traveller programs and their parameters (``programs.toml``), read once."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib.resources import files
from typing import Any

from smartborder.trusted.errors import TrustedError


@lru_cache(maxsize=1)
def parameters() -> dict[str, Any]:
    """The whole ``programs.toml`` as a dict (programs, renewal, vetting, biometrics)."""
    return tomllib.loads((files("smartborder.trusted") / "programs.toml").read_text("utf-8"))


def program(name: str) -> dict[str, Any]:
    """One program's parameters; an unknown name is an error naming the known ones."""
    programs = parameters()["programs"]
    if name not in programs:
        raise TrustedError("program", f"expected one of {', '.join(programs)}, got {name!r}")
    return dict(programs[name])
