"""Seed 004's trade proposals as test tables quoting the seed."""

import pytest

from smartborder.rules import InputImport, mfn_convergence, roo_waiver
from smartborder.rules.errors import RuleInputError


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


@pytest.mark.parametrize(("low_value", "granted"), [(4.9, True), (5.0, False)])
def test_roo_waiver_significant_quantity(low_value: float, granted: bool) -> None:
    inputs = [InputImport(tariff_line="a", value=100 - low_value, tariff_paid_pct=5.0),
              InputImport(tariff_line="a", value=low_value, tariff_paid_pct=0.0)]
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
