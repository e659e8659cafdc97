"""Seed 004's trade proposals as test tables quoting the seed."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder.rules import InputImport, mfn_convergence, roo_waiver
from smartborder.rules.errors import RuleInputError


@pytest.mark.seed("trade.roo_waiver_margin_pp")
# "Rules of origin would be waived for tariff-free trade within NAFTA, provided that the exporting
#  country did not import a significant quantity of the affected inputs at tariff rates more than
#  (say) one percentage point lower than the MFN rates applied by the importing country."
@pytest.mark.parametrize(
    ("paid", "granted"),
    [
        (4.0, True),  # 1.0 point below the importer's 5 %: not "more than" one point
        (3.9, False),  # 1.1 points below
        (5.0, True),
        (0.0, False),
    ],
)
def test_roo_waiver_margin(paid: float, granted: bool) -> None:
    inputs = [InputImport(tariff_line="8708.29", value=100.0, tariff_paid_pct=paid)]
    assert roo_waiver("Firm A", 2027, inputs, {"8708.29": 5.0}).granted is granted


def _pairs(step: str, count: int) -> list[tuple[float, float]]:
    """(importer's MFN rate, rate paid) pairs exactly one point apart, as a user types them."""
    from decimal import Decimal

    unit = Decimal(step)
    return [(float(Decimal(1) + k * unit), float(k * unit)) for k in range(count)]


@pytest.mark.parametrize(("step", "count"), [("0.1", 300), ("0.01", 2000)])
def test_exactly_one_point_below_is_never_more_than_one_point_over_a_grid(step: str, count: int) -> None:
    """Binary floats said 2.2 - 1.2 > 1.0 for 8 of 300 one-decimal pairs and 96 of 2,000
    two-decimal pairs; as decimals, exactly one point is never "more than one point"."""
    wrong = [
        (mfn, paid)
        for mfn, paid in _pairs(step, count)
        if not roo_waiver(
            "F", 2027, [InputImport(tariff_line="x", value=1.0, tariff_paid_pct=paid)], {"x": mfn}
        ).granted
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("mfn", "paid", "granted"),
    [
        (2.2, 1.2, True),
        (2.21, 1.2, False),
        (10.0, 8.99, False),
        (0.3, 0.0, True),
        (1.0, 0.0, True),
        (1.001, 0.0, False),
    ],
)
def test_the_margin_at_its_boundary(mfn: float, paid: float, granted: bool) -> None:
    inputs = [InputImport(tariff_line="x", value=1.0, tariff_paid_pct=paid)]
    assert roo_waiver("F", 2027, inputs, {"x": mfn}).granted is granted


def test_a_negative_mfn_rate_is_refused() -> None:
    with pytest.raises(RuleInputError, match=r"importing_mfn_pct\.x"):
        roo_waiver("F", 2027, [InputImport(tariff_line="x", value=1.0, tariff_paid_pct=0.0)], {"x": -1.0})


@pytest.mark.seed("trade.roo_significant_share")
@pytest.mark.parametrize(("low_value", "granted"), [(4.9, True), (5.0, False)])
def test_roo_waiver_significant_quantity(low_value: float, granted: bool) -> None:
    inputs = [
        InputImport(tariff_line="a", value=100 - low_value, tariff_paid_pct=5.0),
        InputImport(tariff_line="a", value=low_value, tariff_paid_pct=0.0),
    ]
    decision = roo_waiver("Firm B", 2027, inputs, {"a": 5.0})
    assert decision.granted is granted
    assert "Firm B, 2027" in str(decision)


def test_roo_waiver_bad_input() -> None:
    with pytest.raises(RuleInputError, match="MFN rate"):
        roo_waiver("F", 2027, [InputImport(tariff_line="x", value=1, tariff_paid_pct=0)], {})


# "reducing their respective MFN tariffs to the lowest MFN level applied by Mexico, Canada or the
#  United States" ... "External MFN tariff schedules would converge only gradually."
def test_mfn_convergence_path() -> None:
    path = mfn_convergence({"MX": 10.0, "US": 2.0, "CA": 4.0}, 2027, 4)
    mx = path[path["partner"] == "MX"].set_index("year")["mfn_pct"]
    assert list(mx) == [10.0, 8.0, 6.0, 4.0, 2.0]
    assert path[path["year"] == 2031]["gap_pp"].abs().max() == 0
    assert (path[path["partner"] == "US"]["mfn_pct"] == 2.0).all()
    with pytest.raises(RuleInputError):
        mfn_convergence({"MX": 10.0}, 2027, 4)


@pytest.mark.parametrize(
    ("rates", "words"),
    [
        ({"US": -3.4, "MX": 7.1}, "rates_pct.US"),
        ({"US": float("nan"), "MX": 7.1}, "rates_pct.US"),
        ({f"P{k}": 5.0 for k in range(301)}, "at most 300"),
        ({"": 3.0, "MX": 7.1}, "needs a name"),
    ],
)
def test_mfn_convergence_refuses_what_the_doors_refuse(rates: dict[str, float], words: str) -> None:
    """The exported function makes the checks the HTTP door makes (a negative or NaN rate, too
    many partners), so Python callers get the same refusal."""
    from smartborder.rules.errors import RuleInputError
    from smartborder.rules.trade import mfn_convergence

    with pytest.raises(RuleInputError, match=words.replace(".", r"\.")):
        mfn_convergence(rates, 2027, 4)


@settings(max_examples=80, deadline=None)
@given(rates=st.lists(st.integers(0, 2000), min_size=2, max_size=6), horizon=st.integers(1, 40))
def test_the_mfn_path_ends_exactly_on_the_lowest_rate(rates: list[int], horizon: int) -> None:
    """Decimals end to end: tenths of a percent stay tenths, and the last year is the lowest rate
    exactly (3.4, never 3.4000000000000004, which fed back into the waiver flipped it)."""
    given_rates = {f"P{k}": tenths / 10 for k, tenths in enumerate(rates)}
    path = mfn_convergence(given_rates, 2027, horizon)
    last = path[path["year"] == 2027 + horizon]
    assert set(last["mfn_pct"]) == {min(given_rates.values())} and set(last["gap_pp"]) == {0.0}
    first = path[path["year"] == 2027]
    assert dict(zip(first["partner"], first["mfn_pct"], strict=True)) == given_rates


@pytest.mark.parametrize(
    ("start", "horizon", "field"),
    [(1, 10, "start_year"), (2027, 0, "horizon_years"), (2027, 101, "horizon_years"), (2027, True, "horizon_years")],
)
def test_mfn_convergence_names_what_it_refuses(start: int, horizon: int, field: str) -> None:
    with pytest.raises(RuleInputError, match=f"^{field}:"):
        mfn_convergence({"US": 3.4, "MX": 10.0}, start, horizon)


def test_the_cli_refuses_a_partner_given_twice(capsys: pytest.CaptureFixture[str]) -> None:
    from smartborder.cli import main

    with pytest.raises(SystemExit) as info:
        main(["trade", "mfn", "--rate", "US=3.4", "--rate", "MX=10", "--rate", "US=2", "--start", "2027"])
    assert info.value.code == 2 and "given twice" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "paid", "mfn", "named"),
    [
        ("abc", "1.2", "2.2", "value: not a number: 'abc'"),  # printed a decimal.ConversionSyntax class
        ("-100", "1.2", "2.2", "value: Input should be greater than 0"),  # printed '1 validation error for InputImport'
        ("100", "1001", "2.2", "tariff_paid_pct: Input should be less than or equal to 1000"),
        ("100", "1.2", "", "importing_mfn_pct: not a number: ''"),
    ],
)
def test_the_cli_waiver_names_the_column_it_refuses(
    value: str, paid: str, mfn: str, named: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from smartborder.cli import main

    path = tmp_path / "inputs.csv"
    path.write_text(f"tariff_line,value,tariff_paid_pct,importing_mfn_pct\n8708.29,{value},{paid},{mfn}\n")
    with pytest.raises(SystemExit) as info:
        main(["trade", "roo-waiver", str(path), "--importer", "gulf-fab", "--year", "2027"])
    err = " ".join(capsys.readouterr().err.split())
    assert info.value.code == 2 and f"inputs: line 2: {named}" in err, err
