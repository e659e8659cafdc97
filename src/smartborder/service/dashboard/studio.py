"""The scenario studio's form: its fields, the scenario they describe, and back.

A form is a flat mapping of field names to text (what a browser posts, what a shared query
string holds). ``read_form`` checks it and builds the ``Scenario`` (``policy.scenario``, the
model scenario files are read into) and the run's inputs; ``form_of`` fills the form from a
scenario (a shipped one as a starting point). The scenario is handed to the simulation as TOML,
the file ``smartborder compare PORT FILE.toml`` reads, so the studio and the CLI answer the
same question the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from smartborder import data
from smartborder.policy.studies.scenario import Scenario, shipped_scenarios
from smartborder.ports.defaults import assumptions
from smartborder.tomlfiles import describe

#: Trusted-lane shares the form sets, per class (``classes.<class>.entitlements``).
SHARES = (("truck", "FAST"), ("pov", "SENTRI"), ("pov", "Ready"), ("pedestrian", "SENTRI"), ("pedestrian", "Ready"))
CLASSES = ("truck", "pov", "pedestrian")
LANES = ("standard", "FAST", "SENTRI", "Ready")
BOOTH_ROWS = 3
HOURS_ROWS = 2
MAX_REPLICATIONS = 20
PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
#: The longest description kept (a shipped scenario's, with its sources, is up to ~600 characters).
DESCRIPTION_CHARS = 1000
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,59}$")


@dataclass
class Run:
    """A studio run's inputs: the place, period, replications and seed, and the scenario."""

    port: str
    period: str
    replications: int
    seed: int
    scenario: Scenario

    def toml(self) -> str:
        return scenario_toml(self.scenario)

    def spec(self) -> dict[str, Any]:
        """The job's inputs (what its cache key hashes)."""
        return {
            "port": self.port,
            "period": self.period,
            "replications": self.replications,
            "seed": self.seed,
            "scenario": self.toml(),
        }

    def command(self, file: str = "scenario.toml") -> str:
        """The CLI command that answers the same question."""
        option = f"--month {self.period}" if "-" in self.period else f"--year {self.period}"
        return f"smartborder compare {self.port} {file} {option} -r {self.replications} --seed {self.seed} --json"


@dataclass
class Checked:
    run: Run | None
    errors: dict[str, str] = field(default_factory=dict)


def scenario_toml(scenario: Scenario) -> str:
    import tomli_w

    payload = scenario.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    payload = {"name": scenario.name, **payload}
    return tomli_w.dumps(payload)


def place_choices() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Ports with their crossings, for the studio's select: ``(code, label, [(crossing id, name)])``
    (a one-crossing port has none listed: it is its crossing)."""
    out = []
    for code, port in sorted(data.catalogue().items(), key=lambda item: item[1].name):
        crossings = data.crossings_of(code)
        if not crossings:
            continue
        out.append((code, port.label, [(c.id, c.name) for c in crossings] if len(crossings) > 1 else []))
    return out


def shipped() -> dict[str, Scenario]:
    """The shipped scenarios by their file's name, ``double-fast`` style."""
    return {stem.replace("_", "-"): Scenario.from_toml(path) for stem, path in shipped_scenarios().items()}


def _text(form: Mapping[str, str], name: str) -> str:
    return str(form.get(name, "") or "").strip()


def _number(
    form: Mapping[str, str],
    name: str,
    errors: dict[str, str],
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
) -> float | None:
    text = _text(form, name)
    if not text:
        return None
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        errors[name] = f"expected {'a whole number' if integer else 'a number'}, got {text!r}"
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"{low:g} to {high:g}" if high is not None else f"at least {low:g}"
        errors[name] = f"must be {bounds}, got {text}"
        return None
    return value


def _window(form: Mapping[str, str], prefix: str, errors: dict[str, str]) -> list[int] | None:
    start = _number(form, f"{prefix}_from", errors, 0, 24, integer=True)
    end = _number(form, f"{prefix}_to", errors, 0, 24, integer=True)
    if start is None and end is None:
        return None
    if start is None or end is None:
        errors[f"{prefix}_from"] = "give both the first hour and the hour it ends"
        return None
    return [int(start), int(end)]


def _chain(form: Mapping[str, str], errors: dict[str, str]) -> dict[str, Any]:
    """The trucks' whole-crossing levers (``[classes.truck.chain]``) the form sets: follow trucks
    from Mexico, joint inspection for FAST trucks, Mexico's red-light share, and the share the
    state inspects with its minutes and spread (the default inspection's where not given). Any
    of them makes the study follow trucks from Mexico, baseline included (``Scenario.whole_crossing``)."""
    chain: dict[str, Any] = {}
    if _text(form, "chain_whole") == "on":
        chain["add"] = True
    if _text(form, "chain_joint") == "on":
        chain["joint"] = {"lanes": ["FAST"]}
    red = _number(form, "chain_red", errors, 0, 1)
    if red is not None:
        chain["mexico_exam"] = {"share": red}
    share = _number(form, "chain_state_share", errors, 0, 1)
    minutes = _number(form, "chain_state_minutes", errors, 1, 600)
    spread = _number(form, "chain_state_cv", errors, 0, 3)
    if spread is not None and minutes is None:
        errors["chain_state_cv"] = "give the inspection's minutes too"
    if share is not None or minutes is not None:
        chain["state"] = {"share": share} if share is not None else {}
        if minutes is not None:
            default = assumptions()["truck"]["chain"]["state_inspection"]
            chain["state"]["service"] = {
                "kind": default["kind"],
                "mean": minutes,
                "cv": default["cv"] if spread is None else spread,
                "source": "the scenario studio's state inspection minutes and spread",
            }
    return chain


def read_form(form: Mapping[str, str]) -> Checked:
    """The run a studio form describes, or the problems with it (field name → words)."""
    errors: dict[str, str] = {}
    port = _text(form, "port")
    if not port:
        errors["port"] = "choose a port or crossing"
    else:
        try:
            data.resolve_place(port)
        except data.DataError as exc:
            errors["port"] = str(exc)
    period = _text(form, "period")
    if not PERIOD.match(period):
        errors["period"] = "a month as YYYY-MM (e.g. 2024-06), or a year as YYYY"
    replications = _number(form, "replications", errors, 1, MAX_REPLICATIONS, integer=True)
    seed = _number(form, "seed", errors, 0, 2**31 - 1, integer=True)
    name = _text(form, "name") or "studio"
    if not NAME.match(name):
        errors["name"] = "letters, digits, spaces, '.', '_' and '-' (up to 60)"
    raw: dict[str, Any] = {"name": name, "description": _text(form, "description")[:DESCRIPTION_CHARS]}
    classes: dict[str, dict[str, Any]] = {}
    for vehicle, lane in SHARES:
        share = _number(form, f"share_{vehicle}_{lane}", errors, 0, 1)
        if share is not None:
            classes.setdefault(vehicle, {}).setdefault("entitlements", {})[lane] = share
    pre = _number(form, "pre_inspected", errors, 0, 1)
    if pre is not None:
        classes.setdefault("truck", {})["pre_inspected_share"] = pre
    chain = _chain(form, errors)
    if chain:
        classes.setdefault("truck", {})["chain"] = chain
    for vehicle in CLASSES:
        growth = _number(form, f"growth_{vehicle}", errors, 0, 10)
        if growth is not None:
            classes.setdefault(vehicle, {})["volume_factor"] = growth
    raw["classes"] = classes
    booths = []
    for k in range(BOOTH_ROWS):
        delta = _number(form, f"booth{k}_delta", errors, -50, 50, integer=True)
        if delta is None or delta == 0:
            continue
        lever: dict[str, Any] = {
            "class": _text(form, f"booth{k}_class") or "pov",
            "lane": _text(form, f"booth{k}_lane") or "standard",
            "delta": int(delta),
            "days": _text(form, f"booth{k}_days") or "all",
        }
        window = _window(form, f"booth{k}", errors)
        if window is not None:
            lever["hours"] = window
        booths.append(lever)
    raw["booths"] = booths
    hours = []
    for k in range(HOURS_ROWS):
        window = _window(form, f"hours{k}", errors)
        if window is None:
            continue
        lever = {"class": _text(form, f"hours{k}_class") or "truck", "open": window}
        lane = _text(form, f"hours{k}_lane")
        if lane:
            lever["lane"] = lane
        if _text(form, f"hours{k}_weekends") == "on":
            lever["open_saturday"] = lever["open_sunday"] = window
        hours.append(lever)
    raw["hours"] = hours
    new_name = _text(form, "new_port_name")
    new_share = _number(form, "new_port_share", errors, 0, 1)
    if new_name or new_share:
        if not new_name or new_share is None:
            errors["new_port_name"] = "a new crossing needs a name and the share of traffic it takes"
        else:
            takes = _text(form, "new_port_takes") or port
            try:
                data.resolve_place(takes)
            except data.DataError as exc:
                errors["new_port_takes"] = str(exc)
            raw["new_port"] = {"name": new_name, "takes": {takes: new_share}}
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        errors["scenario"] = describe(exc)
        scenario = None
    if errors or scenario is None:
        return Checked(None, errors)
    return Checked(Run(port, period, int(replications or 5), int(seed or 0), scenario))


def form_of(scenario: Scenario) -> dict[str, str]:
    """Form fields set as *scenario* sets them (levers the form has no field for are left out)."""
    form: dict[str, str] = {"name": scenario.name, "description": scenario.description}
    for vehicle, change in scenario.classes.items():
        for lane, share in (change.entitlements or {}).items():
            form[f"share_{vehicle}_{lane}"] = f"{share:g}"
        if change.pre_inspected_share is not None:
            form["pre_inspected"] = f"{change.pre_inspected_share:g}"
        if change.volume_factor is not None:
            form[f"growth_{vehicle}"] = f"{change.volume_factor:g}"
        chain = change.chain
        if chain is not None:
            if chain.add:
                form["chain_whole"] = "on"
            if chain.joint is not None and "FAST" in chain.joint.lanes:
                form["chain_joint"] = "on"
            if chain.mexico_exam is not None and chain.mexico_exam.share is not None:
                form["chain_red"] = f"{chain.mexico_exam.share:g}"
            if chain.state is not None:
                if chain.state.share is not None:
                    form["chain_state_share"] = f"{chain.state.share:g}"
                if chain.state.service is not None and chain.state.service.mean is not None:
                    form["chain_state_minutes"] = f"{chain.state.service.mean:g}"
                    if chain.state.service.cv is not None:
                        form["chain_state_cv"] = f"{chain.state.service.cv:g}"
    for k, booth in enumerate(scenario.booths[:BOOTH_ROWS]):
        form.update(
            {
                f"booth{k}_class": booth.vehicle,
                f"booth{k}_lane": booth.lane,
                f"booth{k}_delta": str(booth.delta),
                f"booth{k}_from": str(booth.hours[0]),
                f"booth{k}_to": str(booth.hours[1]),
                f"booth{k}_days": booth.days,
            }
        )
    for k, lever in enumerate(scenario.hours[:HOURS_ROWS]):
        form.update(
            {
                f"hours{k}_class": lever.vehicle,
                f"hours{k}_lane": lever.lane or "",
                f"hours{k}_from": str(lever.open[0]),
                f"hours{k}_to": str(lever.open[1]),
            }
        )
        if lever.open_saturday is not None or lever.open_sunday is not None:
            form[f"hours{k}_weekends"] = "on"
    if scenario.new_port is not None:
        (takes, share), *_ = scenario.new_port.takes.items()
        form.update({"new_port_name": scenario.new_port.name, "new_port_share": f"{share:g}", "new_port_takes": takes})
    return form
