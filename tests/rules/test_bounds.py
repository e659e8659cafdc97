"""The rules check their own inputs (issue 27 item 16): a call from Python cannot skip what the
CLI and the API refuse."""

from __future__ import annotations

import datetime as dt

import pytest

from smartborder.rules.bounds import MAX_CERTIFIED_CROSSINGS
from smartborder.rules.cap import allocate
from smartborder.rules.errors import RuleInputError
from smartborder.rules.history import History
from smartborder.rules.resident_permit import may_get_resident_permit, program_active


@pytest.mark.parametrize(
    ("certified", "field"),
    [
        (-5, "certified_crossings"),
        (True, "certified_crossings"),
        (MAX_CERTIFIED_CROSSINGS + 1, "certified_crossings"),
        (2.5, "certified_crossings"),
    ],
)
def test_program_active_refuses_what_the_doors_refuse(certified: object, field: str) -> None:
    with pytest.raises(RuleInputError, match=f"^{field}:"):
        program_active(2027, certified)  # type: ignore[arg-type]


@pytest.mark.parametrize("year", [0, 1, 1899, 2200, 9999])
def test_years_outside_the_bounds_are_refused_not_crashed_on(year: int) -> None:
    with pytest.raises(RuleInputError, match=r"^year:"):
        program_active(year, 100_000)
    with pytest.raises(RuleInputError, match=r"^year:"):
        allocate([], year)


def test_a_negative_count_never_grants_a_resident_permit() -> None:
    with pytest.raises(RuleInputError, match=r"^certified_crossings:"):
        may_get_resident_permit(History(person_id="p"), dt.date(2027, 6, 1), dt.date(2020, 1, 1), -5)


@pytest.mark.parametrize("cap", [-1, True, 1.5])
def test_allocate_refuses_a_cap_that_is_not_a_count(cap: object) -> None:
    with pytest.raises(RuleInputError, match=r"^cap:"):
        allocate([], 2027, cap=cap)  # type: ignore[arg-type]


def test_within_the_bounds_they_answer() -> None:
    assert program_active(2027, 150_000).granted and not program_active(2027, MAX_CERTIFIED_CROSSINGS).granted
    assert allocate([], 2027, cap=0).issued == []


@pytest.mark.parametrize(
    ("importer", "year", "field"), [("", 2027, "importer"), ("   ", 2027, "importer"), ("Gulf Fabrication", 1, "year")]
)
def test_the_waiver_names_the_field_it_refuses(importer: str, year: int, field: str) -> None:
    from decimal import Decimal

    from smartborder.rules.trade import InputImport, roo_waiver

    items = [InputImport(tariff_line="7208", value=Decimal(100), tariff_paid_pct=Decimal(1))]
    with pytest.raises(RuleInputError, match=f"^{field}:"):
        roo_waiver(importer, year, items, {"7208": Decimal(3)})
