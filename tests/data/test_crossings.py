"""The crossing catalogue: names as CBP and locals say them, volumes that add up to BTS's ports."""

from __future__ import annotations

import pytest

from smartborder import data
from smartborder.data import AmbiguousPortError, UnknownPortError

# (what a user types, the crossing id it must resolve to) — the list and more.
NAMES = [
    ("B&M", "b-and-m"),
    ("b and m bridge", "b-and-m"),
    ("Gateway", "gateway"),
    ("Veterans", "veterans"),
    ("Los Tomates", "veterans"),
    ("Los Indios", "los-indios"),
    ("Free Trade", "los-indios"),
    ("World Trade Bridge", "world-trade-bridge"),
    ("Colombia", "colombia"),
    ("Juárez-Lincoln", "juarez-lincoln"),
    ("juarez lincoln", "juarez-lincoln"),
    ("Gateway to the Americas", "gateway-to-the-americas"),
    ("BOTA", "bota"),
    ("Paso del Norte", "paso-del-norte"),
    ("PDN", "paso-del-norte"),
    ("Stanton", "stanton"),
    ("Good Neighbor", "stanton"),
    ("Pharr", "pharr"),
    ("Anzalduas", "anzalduas"),
    ("McAllen-Hidalgo", "mcallen-hidalgo"),
    ("Camino Real", "camino-real"),
    ("Zaragoza", "ysleta"),
    ("Donna", "donna"),
    ("Marcelino Serna", "marcelino-serna"),
    ("230404", "world-trade-bridge"),  # CBP Border Wait Times port number
    ("535501", "b-and-m"),
    ("230106", "b-and-m"),  # CBP's stale duplicate entry maps to the same bridge
]


@pytest.mark.parametrize(("query", "crossing"), NAMES)
def test_names_resolve_to_one_crossing(query: str, crossing: str) -> None:
    place = data.resolve_place(query)
    assert [c.id for c in place.crossings] == [crossing]


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("laredo", ["gateway-to-the-americas", "juarez-lincoln", "colombia", "world-trade-bridge"]),
        ("Brownsville", ["b-and-m", "gateway", "veterans", "los-indios"]),
        ("El Paso, TX", ["bota", "paso-del-norte", "stanton"]),
        ("Hidalgo", ["mcallen-hidalgo", "pharr", "anzalduas"]),
        ("2304", ["gateway-to-the-americas", "juarez-lincoln", "colombia", "world-trade-bridge"]),
        ("san ysidro", ["san-ysidro"]),
        ("otay mesa", ["otay-mesa"]),
    ],
)
def test_a_port_resolves_to_all_its_crossings(query: str, ids: list[str]) -> None:
    place = data.resolve_place(query)
    assert place.kind == "port"
    assert [c.id for c in place.crossings] == ids


def test_an_ambiguous_name_lists_the_candidates() -> None:
    with pytest.raises(AmbiguousPortError) as err:
        data.resolve_place("Bridge I")
    assert "Eagle Pass Bridge I" in str(err.value) and "Gateway to the Americas" in str(err.value)


def test_a_typo_is_never_guessed() -> None:
    with pytest.raises(UnknownPortError) as err:
        data.resolve_place("gatway")
    assert "Gateway International Bridge" in str(err.value)


def test_a_crossing_is_asked_for_but_a_port_of_several_given() -> None:
    with pytest.raises(data.DataError, match="name one of them"):
        data.resolve_crossing("laredo")
    assert data.resolve_crossing("otay mesa").id == "otay-mesa"


def test_every_crossing_has_traffic_and_every_port_has_crossings() -> None:
    crossings = data.crossings()
    assert {c.port_code for c in crossings.values()} == set(data.catalogue())
    months = data.MonthRange.parse("2024-01", "2024-12")
    for crossing in crossings.values():
        total = sum(
            float(crossing.series(m, months).sum()) for m in ("Trucks", "Personal Vehicles", "Pedestrians", "Buses")
        )
        assert total > 0, crossing.id


@pytest.mark.parametrize("year", [2015, 2019, 2024])
def test_texas_bridges_add_up_to_the_bts_port(year: int) -> None:
    """CBP's bridge counts and BTS's port counts are two publications of the same crossings."""
    months = data.MonthRange.parse(f"{year}-01", f"{year}-12")
    for port in data.catalogue().values():
        parts = data.crossings_of(port.code)
        if not any(c.bridge for c in parts) or port.code in ("2401", "2402"):
            continue  # BTS counted Ysleta inside El Paso until 2020-03
        for measure in ("Trucks", "Personal Vehicles"):
            bts = float(data.monthly_series(port.code, measure, months).sum())
            bridges = sum(float(c.series(measure, months).sum()) for c in parts)
            if bts > 10_000:
                assert bridges == pytest.approx(bts, rel=0.03), (port.name, measure)


def test_bridge_counts_run_past_bts() -> None:
    wtb = data.resolve_crossing("World Trade Bridge")
    assert str(wtb.last_month) == "2025-12"
    assert wtb.series("Trucks", data.MonthRange.parse("2025-01", "2025-12")).size == 12


def test_cbp_lane_facts() -> None:
    facts = data.lane_facts(data.resolve_crossing("World Trade Bridge"))
    assert facts["truck"].max_lanes == 19 and facts["truck"].lane_types == ("standard", "FAST")
    sy = data.lane_facts(data.resolve_crossing("san ysidro"))
    assert sy["pov"].max_lanes == 34
    assert sy["pedestrian"].max_lanes == 22 + 14  # San Ysidro and PedWest
    assert data.lane_facts(data.resolve_crossing("amistad dam")) == {}
