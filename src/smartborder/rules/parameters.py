"""Dated parameters of the seed's programs, each with the sentence it comes from.

A parameter has values by the date from which they apply (OpenFisca's idea of dated
parameters), so a reform is a new dated value, not a code change.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from smartborder.rules.errors import RuleInputError


@dataclass(frozen=True)
class Parameter:
    name: str
    values: dict[dt.date, Any]
    seed: str
    choice: str = ""

    def at(self, on: dt.date) -> Any:
        """The value in force on *on*."""
        valid = [start for start in self.values if start <= on]
        if not valid:
            raise RuleInputError(f"date: parameter {self.name} has no value before {min(self.values)}, asked for {on}")
        return self.values[max(valid)]


@lru_cache(maxsize=1)
def parameters() -> dict[str, Parameter]:
    raw = tomllib.loads((files("smartborder.rules") / "parameters.toml").read_text("utf-8"))
    out = {}
    for group, items in raw.items():
        for key, spec in items.items():
            name = f"{group}.{key}"
            values = {dt.date.fromisoformat(k): v for k, v in spec["values"].items()}
            out[name] = Parameter(name, values, spec["seed"], spec.get("choice", ""))
    return out


def parameter(name: str) -> Parameter:
    """Parameter *name* with all its dated values (a reform is one of them)."""
    try:
        return parameters()[name]
    except KeyError:
        raise RuleInputError(f"parameter: unknown {name!r}") from None


def param(name: str, on: dt.date) -> Any:
    """Value of parameter *name* on date *on*."""
    try:
        return parameters()[name].at(on)
    except KeyError:
        raise RuleInputError(f"parameter: unknown {name!r}") from None


def version_on(on: dt.date) -> str:
    """The rules' version in force on *on*: the latest date from which any parameter's value
    applies (a reform is a new dated value, so this names the set of values a decision used)."""
    starts = [start for parameter in parameters().values() for start in parameter.values if start <= on]
    return f"parameters of {max(starts).isoformat()}" if starts else "no parameters in force"
