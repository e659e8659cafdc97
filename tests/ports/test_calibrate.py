import tomllib

import pandas as pd
import pytest
import tomli_w

from smartborder import data
from smartborder.ports import PortSpec, default_spec, monthly_demand
from smartborder.twin import ModelError


def test_every_port_has_a_default_model() -> None:
    for code in data.catalogue():
        spec = default_spec(code, 2024)
        model = spec.to_model()
        assert model.flows, code
        assert all(v for v in spec.provenance.values())


def test_laredo_uses_published_booths_scaled_to_the_whole_port() -> None:
    spec = default_spec("laredo", 2024)
    lanes = spec.classes["truck"].lanes
    # 11 standard + 4 FAST at World Trade Bridge, which carries ~76 % of Laredo's trucks.
    assert lanes["standard"].booths == 15 and lanes["FAST"].booths == 6
    assert spec.provenance["classes.truck.lanes.booths"].startswith("FACT")
    assert spec.classes["truck"].entitlements == {"FAST": 0.25}
    assert "pov" in spec.classes and "bus" in spec.classes


def test_estimates_are_marked() -> None:
    spec = default_spec("douglas", 2024)
    assert "classes.truck.lanes.booths" in spec.estimates()
    assert spec.estimates()["classes.truck.service.standard"].startswith("ESTIMATE")


def test_ports_without_traffic_class_omit_it() -> None:
    assert set(default_spec("san ysidro", 2024).classes) == {"pov", "pedestrian", "bus"}
    assert set(default_spec("cross border xpress", 2024).classes) == {"pedestrian"}


def test_published_hours_become_staffing() -> None:
    spec = default_spec("ysleta", 2024)
    staffing = spec.classes["truck"].lanes["standard"].staffing()
    assert staffing.weekday[7] == 0 and staffing.weekday[8] > 0 and staffing.weekday[23] > 0
    assert staffing.sunday == [0] * 24  # closed to commercial traffic on Sunday
    assert staffing.saturday[9] > 0 and staffing.saturday[17] == 0


def test_monthly_demand_adds_up_to_the_real_volume() -> None:
    spec = default_spec("nogales", 2024)
    demand, first_weekday = monthly_demand(spec, pd.Period("2024-03", "M"))
    trucks = data.monthly_series(spec.code, "Trucks", data.MonthRange.parse("2024-03", "2024-03")).iloc[0]
    total = sum(v.sum() for k, v in demand.items() if k.startswith("truck."))
    assert total == pytest.approx(trucks)
    assert next(iter(demand.values())).size == 31 * 24
    assert first_weekday == 4  # 2024-03-01 was a Friday


def test_port_file_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = default_spec("otay mesa", 2024)
    path = tmp_path / "otay.toml"
    path.write_text(tomli_w.dumps(spec.model_dump(mode="json", exclude_none=True)))
    assert PortSpec.from_toml(path) == spec


def test_invalid_port_file_names_the_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = default_spec("tecate", 2024)
    raw = spec.model_dump(mode="json", exclude_none=True)
    raw["classes"]["pov"]["lanes"]["standard"]["booths"] = -2
    path = tmp_path / "bad.toml"
    path.write_text(tomli_w.dumps(raw))
    with pytest.raises(ModelError, match=r"classes\.pov\.lanes\.standard\.booths"):
        PortSpec.from_toml(path)
    path.write_text("this is = not [toml")
    with pytest.raises(ModelError, match="not valid TOML"):
        PortSpec.from_toml(path)
    raw = tomllib.loads(tomli_w.dumps(spec.model_dump(mode="json", exclude_none=True)))
    raw["classes"]["pov"]["entitlements"] = {"SENTRI": 0.7, "Ready": 0.6}
    path.write_text(tomli_w.dumps(raw))
    with pytest.raises(ModelError, match="entitlements"):
        PortSpec.from_toml(path)


def test_year_without_data() -> None:
    with pytest.raises(ModelError, match="year"):
        default_spec("ysleta", 2015)  # Ysleta is reported separately from 2020-03


def test_staffing_fit_against_cbp_profile_beats_installed_booths() -> None:
    import numpy as np

    from smartborder.ports.staffing_fit import _simulated_profile, fit_staffing
    from smartborder.data.wait_profiles import hourly_wait_profile

    spec = default_spec("san ysidro", 2020)
    month = pd.Period("2020-06", "M")
    fit = fit_staffing(spec, month)
    observed = hourly_wait_profile("2504", "pov", "standard", 6).to_numpy()
    installed = _simulated_profile(spec, "pov", "standard", month, 0).to_numpy()
    rmse_installed = float(np.sqrt(np.mean((installed - observed) ** 2)))
    assert fit.rmse < rmse_installed / 1.5  # the fit explains much more than installed booths
    assert 0 < fit.share < 1
    assert fit.spec.provenance["classes.pov.lanes.booths"].startswith("FITTED")


def test_wait_profile_only_for_san_ysidro() -> None:
    from smartborder.data import DataError
    from smartborder.data.wait_profiles import hourly_wait_profile

    with pytest.raises(DataError, match="San Ysidro"):
        hourly_wait_profile("2304", "pov", "standard", 6)


def test_capacity_warning_for_an_overloaded_model() -> None:
    from smartborder.ports.calibrate import capacity_warnings
    from smartborder.ports.staffing_fit import scale_booths

    spec = default_spec("otay mesa", 2024)
    months = [pd.Period("2024-06", "M")]
    assert capacity_warnings(spec, months) == []
    starved = scale_booths(spec, "pov", 0.1)
    warnings = capacity_warnings(starved, months)
    assert len(warnings) == 1 and warnings[0].startswith("pov:")
