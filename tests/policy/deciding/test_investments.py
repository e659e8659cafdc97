"""The investment catalogue: validation that names the field, and options applied to a port."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from smartborder.errors import InputFileError
from smartborder.policy.deciding.investments import (
    Catalogue,
    apply_option,
    as_scenario,
    load_catalogue,
    options_for,
    shipped_catalogue_path,
)
from smartborder.policy.errors import AnalysisError
from smartborder.policy.studies.study import prepare

PARAMETERS = """
[parameters]
officer_hour = { usd = 94.0, source = "ESTIMATE: test" }
officers_per_lane = { value = 1.5, source = "ESTIMATE: test" }
"""

OPTION = """
[[option]]
id = "pov-1"
description = "one more car booth"
capital = { usd = 1000, source = "ESTIMATE: test" }
annual = { usd = 0, source = "ESTIMATE: test" }
build_years = 0
[[option.levers.booths]]
class = "pov"
lane = "standard"
delta = 1
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "options.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_catalogue_loads_and_every_figure_says_fact_or_estimate() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.option) >= 10
    raw = tomllib.loads(shipped_catalogue_path().read_text("utf-8"))
    for option in raw["option"]:
        for key in ("capital", "annual"):
            assert option[key]["source"].startswith(("FACT:", "ESTIMATE")), (option["id"], key)
    # the kinds the issue asks for are all there
    levers = [o.levers for o in catalogue.option]
    assert any(lv.booths and all(b.delta > 0 for b in lv.booths) for lv in levers)  # booths added
    assert any(lv.hours for lv in levers)  # extended hours
    assert any(o.idle_booths for o in catalogue.option)  # officers added by hour
    assert any(lv.trusted for lv in levers)  # enrolment raised
    assert any(c.pre_inspected_share for lv in levers for c in lv.classes.values())  # pre-inspection
    assert any({b.delta < 0 for b in lv.booths} == {True, False} for lv in levers)  # conversions
    assert any(lv.new_port for lv in levers)  # a new crossing


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (('source = "ESTIMATE: test" }\nannual', 'source = "somewhere" }\nannual'), "option.0.capital.source"),
        (("build_years = 0", "build_years = 2"), "build_source"),
        (("delta = 1", "delta = 1\n[option.levers.classes.pov]\nvolume_factor = 1.2"), "volume_factor"),
        (('id = "pov-1"', 'id = "Pov 1"'), "option.0.id"),
        (("capital = { usd = 1000", "capital = { usd = -5"), "option.0.capital.usd"),
        (("build_years = 0", 'build_years = 0\nports = ["Atlantis"]'), "option[0].ports"),
    ],
)
def test_a_bad_catalogue_is_an_error_naming_the_field(tmp_path: Path, change: tuple[str, str], named: str) -> None:
    text = PARAMETERS + OPTION.replace(*change)
    assert text != PARAMETERS + OPTION
    with pytest.raises((InputFileError, AnalysisError), match="options: ") as info:
        Catalogue.from_toml(_write(tmp_path, text))
    assert named in str(info.value)


def test_duplicate_ids_and_enrolment_without_a_lever_are_errors(tmp_path: Path) -> None:
    with pytest.raises((InputFileError, AnalysisError), match=r"option\[1\].id: 'pov-1' is used twice"):
        Catalogue.from_toml(_write(tmp_path, PARAMETERS + OPTION + OPTION))
    enrolment = (
        '[[option.enrolment]]\nclass = "truck"\nlane = "FAST"\nfee = { usd = 50, source = "FACT: x" }\n'
        'fee_years = { value = 5, source = "FACT: x" }\n'
        'crossings_per_member = { value = 500, source = "ESTIMATE: x" }\n'
    )
    with pytest.raises((InputFileError, AnalysisError), match="no trusted lever raises truck FAST"):
        Catalogue.from_toml(_write(tmp_path, PARAMETERS + OPTION + enrolment))
    with pytest.raises((InputFileError, AnalysisError), match="does not exist"):
        Catalogue.from_toml(tmp_path / "missing.toml")


def test_options_that_do_not_fit_a_port_say_why() -> None:
    catalogue = load_catalogue()
    study = prepare("tecate", month="2024-06")
    fit = options_for(catalogue, study.specs, study.code, 2024)
    usable = {o.id for o in fit.usable}
    assert "truck-booths-2" in usable and "pov-booths-2" in usable
    assert fit.skipped["fast-enrolment-15"] == "no truck FAST lanes here"
    assert fit.skipped["new-crossing-laredo"] == "for Laredo only"
    assert "need booths built" in fit.skipped["truck-officers-midday"]  # Tecate's truck booths are busy
    laredo = prepare("laredo", month="2024-06")
    assert "new-crossing-laredo" in {o.id for o in options_for(catalogue, laredo.specs, laredo.code, 2024).usable}


def test_booths_bought_once_land_on_one_crossing_and_enrolment_on_all() -> None:
    catalogue = load_catalogue()
    study = prepare("laredo", month="2024-06")
    booths = apply_option(study.specs, catalogue.get("truck-booths-2"))
    changed = [s.crossing for s, b in zip(study.specs, booths, strict=True) if s != b]
    assert changed == ["world-trade-bridge"]  # the busiest truck bridge, not Colombia as well
    lane = next(s for s in booths if s.crossing == "world-trade-bridge").classes["truck"].lanes["standard"]
    assert [c.delta for c in lane.changes] == [2]
    fast = apply_option(study.specs, catalogue.get("fast-enrolment-15"))
    shares = {s.crossing: s.classes["truck"].entitlements["FAST"] for s in fast if "truck" in s.classes}
    assert shares == pytest.approx({"colombia": 0.35, "world-trade-bridge": 0.40})
    with pytest.raises(AnalysisError, match="booths go to world-trade-bridge only"):
        as_scenario(study.specs, [catalogue.get("truck-booths-2")])  # a scenario would change Colombia too


def test_a_new_crossing_is_appended_and_takes_its_share() -> None:
    catalogue = load_catalogue()
    study = prepare("laredo", month="2024-06")
    specs = apply_option(study.specs, catalogue.get("new-crossing-laredo"), 2024)
    assert len(specs) == len(study.specs) + 1 and specs[-1].crossing == "new"
    assert specs[0].classes["pov"].volume_factor == pytest.approx(0.85)
    with pytest.raises(AnalysisError, match="plan the port it takes from"):
        tecate = prepare("tecate", month="2024-06")
        apply_option(tecate.specs, catalogue.get("new-crossing-laredo"), 2024)


def test_a_lane_hour_costs_the_same_in_plan_and_staffing() -> None:
    """One officer-hour price and one officers-per-lane figure, from assumptions.toml [officers]."""
    from smartborder.policy.deciding.investments import load_catalogue
    from smartborder.policy.deciding.staffing_plan import OfficerCost

    staffing = OfficerCost.default()
    plan = load_catalogue().parameters
    assert plan.lane_hour_usd == pytest.approx(staffing.officers_per_lane * staffing.usd_per_officer_hour)
    assert plan.officer_hour.source == staffing.source.split("Cost: ", 1)[1]
