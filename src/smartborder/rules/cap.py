"""The annual cap: 'say 300,000 persons from Mexico annually' (seed 004).

Eligible applications are issued in the order they were filed until the year's cap is reached;
the rest wait, in order, for the next year. Ineligible ones are refused with their reasons. The
cap is for persons from Mexico (``work_permit.cap_nationality``): an eligible applicant of
another nationality on the day filed is issued outside it (``outside_cap``), neither counted
nor made to wait; one with no nationality on record is counted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

from smartborder.rules.bounds import check_count, check_year
from smartborder.rules.decision import Decision
from smartborder.rules.errors import RuleInputError
from smartborder.rules.history import History
from smartborder.rules.parameters import param
from smartborder.rules.work_permit import may_apply


class Application(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: str
    filed: dt.date
    skill: Literal["skilled", "unskilled"]
    history: History


@dataclass
class Allocation:
    year: int
    cap: int
    issued: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    refused: dict[str, Decision] = field(default_factory=dict)
    not_yet_filed: list[str] = field(default_factory=list)  # filed after the year: for a later cap
    nationality: str = "MX"  # whose applications the cap counts
    outside_cap: list[str] = field(default_factory=list)  # issued, another nationality: not counted


def cap_nationality(on: dt.date) -> str:
    """Whose applications the cap counts on *on* (``work_permit.cap_nationality``), checked: a
    reform naming 'Mexico' or 'mx' would otherwise take every recorded national out of the cap."""
    code = param("work_permit.cap_nationality", on)
    if not (isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code)):
        raise RuleInputError(
            f"work_permit.cap_nationality: {code!r} is not an ISO 3166-1 alpha-2 code (two capital letters, e.g. MX)"
        )
    return code


def allocate(applications: list[Application], year: int, cap: int | None = None) -> Allocation:
    """Issue permits for *year* in filing order up to the cap (default: the dated parameter)."""
    on = dt.date(check_year(year), 1, 1)
    cap = param("work_permit.annual_cap", on) if cap is None else check_count(cap, "cap", 10**9)
    counted = cap_nationality(on)
    result = Allocation(year, cap, nationality=counted)
    for application in sorted(applications, key=lambda a: (a.filed, a.application_id)):
        if application.filed.year > year:  # not filed yet in that year: it cannot take its cap
            result.not_yet_filed.append(application.application_id)
            continue
        decision = may_apply(application.history, max(on, application.filed))
        nationality = application.history.nationality_on(application.filed)
        if not decision.granted:
            result.refused[application.application_id] = decision
        elif nationality is not None and nationality != counted:
            result.outside_cap.append(application.application_id)
        elif len(result.issued) < cap:
            result.issued.append(application.application_id)
        else:
            result.waiting.append(application.application_id)
    return result
