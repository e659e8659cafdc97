"""Dated parameters of the seed's programs, each with the sentence it comes from.

A parameter has values by the date from which they apply (OpenFisca's idea of dated
parameters), so a reform is a new dated value, not a code change. A reform file has the shape
of ``parameters.toml`` (a section per parameter, ``values`` by date, a ``choice`` saying why)
and adds its dated values to the shipped ones; ``under_reform`` asks every rule under it::

    with under_reform(read_reform("shorter_reports.toml")):
        ask("renew", history, on)          # the decision's version names the reform
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from smartborder.lazy import once
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


@dataclass(frozen=True)
class Reform:
    """Dated values added to the shipped parameters, under a name decisions cite."""

    name: str
    values: dict[str, dict[dt.date, Any]] = field(default_factory=dict)


#: The parameters in force for this context (a reform's), or None for the shipped ones.
_REFORMED: ContextVar[tuple[str, dict[str, Parameter]] | None] = ContextVar("reformed", default=None)


def parameters() -> dict[str, Parameter]:
    """The parameters in force: the shipped ones, or under a reform (``under_reform``) theirs."""
    reformed = _REFORMED.get()
    return reformed[1] if reformed is not None else shipped_parameters()


def read_reform(path: str | Path) -> Reform:
    """A reform file: sections named as shipped parameters (``[work_permit.report_interval_months]``)
    with ``values`` by ISO date (see ``make_reform``). Errors name the key."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise RuleInputError(f"reform: file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleInputError(f"reform: {path} is not valid TOML: {exc}") from None
    flat: dict[str, Any] = {}
    for group, items in raw.items():
        if not isinstance(items, dict):
            raise RuleInputError(f"reform: {group}: expected a section of parameters")
        for key, spec in items.items():
            if not isinstance(spec, dict) or "values" not in spec:
                raise RuleInputError(
                    f'reform: {group}.{key}.values: expected dated values, e.g. {{ "2030-07-01" = 2 }}'
                )
            flat[f"{group}.{key}"] = spec["values"]
    return make_reform(path.stem, flat)


def make_reform(name: str, values: Any) -> Reform:
    """A reform named *name* from ``{parameter: {"YYYY-MM-DD": value}}``: each a shipped
    parameter, each value of the kind its shipped values are (a number for a number, a list for
    a list). The same checks for a file (``read_reform``) and a request body. Errors name the key."""
    shipped = shipped_parameters()
    if not isinstance(values, dict) or not values:
        raise RuleInputError("reform: changes no parameter")
    out: dict[str, dict[dt.date, Any]] = {}
    for parameter_name, dated in values.items():
        if parameter_name not in shipped:
            raise RuleInputError(f"reform: {parameter_name}: not a parameter of the rules")
        if not isinstance(dated, dict) or not dated:
            raise RuleInputError(f'reform: {parameter_name}.values: expected dated values, e.g. {{"2030-07-01": 2}}')
        kind = type(next(iter(shipped[parameter_name].values.values())))
        out[parameter_name] = {}
        for day, value in dated.items():
            try:
                start = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
            except ValueError:
                raise RuleInputError(f"reform: {parameter_name}.values: {day!r} is not a date YYYY-MM-DD") from None
            if not 1900 <= start.year <= 2199:
                raise RuleInputError(f"reform: {parameter_name}.values: {start} is outside the years 1900..2199")
            if isinstance(value, bool) or not isinstance(value, kind):
                raise RuleInputError(
                    f"reform: {parameter_name}.values.{start}: expected a {kind.__name__} as the "
                    f"shipped values are, got {value!r}"
                )
            out[parameter_name][start] = value
    return Reform(name, out)


@contextmanager
def under_reform(reform: Reform) -> Iterator[None]:
    """Every rule asked within this block reads the shipped parameters with *reform*'s dated
    values added; decisions name it in their version."""
    table = dict(shipped_parameters())
    for name, dated in reform.values.items():
        old = table[name]
        table[name] = Parameter(name, {**old.values, **dated}, old.seed, old.choice)
    token = _REFORMED.set((reform.name, table))
    try:
        yield
    finally:
        _REFORMED.reset(token)


@once
def shipped_parameters() -> dict[str, Parameter]:
    """The parameters as shipped (``parameters.toml``)."""
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
    version = f"parameters of {max(starts).isoformat()}" if starts else "no parameters in force"
    reformed = _REFORMED.get()
    return version if reformed is None else f"{version}, under the reform {reformed[0]!r}"
