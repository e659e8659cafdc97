import pytest

from smartborder import data


def test_catalogue_has_all_28_ports_with_metadata() -> None:
    ports = data.catalogue()
    assert len(ports) == 28
    laredo = ports["2304"]
    assert (laredo.name, laredo.state) == ("Laredo", "Texas")
    assert 27 < laredo.lat < 28 and -100 < laredo.lon < -99
    assert "Trucks" in laredo.measures
    assert str(laredo.first_month) == "1996-01"
    assert str(ports["2582"].first_month) == "2017-10"  # Cross Border Xpress opened Dec 2015/2017


@pytest.mark.parametrize("query", ["laredo", "Laredo", "Laredo, TX", "LAREDO, Texas", "2304", " laredo "])
def test_laredo_resolves_every_way(query: str) -> None:
    assert data.resolve_port(query).code == "2304"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Pharr", "2305"),
        ("World Trade Bridge", "2304"),
        ("Calexico", "2503"),
        ("Calexico East", "2507"),
        ("calexico e", "2507"),
        ("Mariposa", "2604"),
        ("Bridge of the Americas", "2402"),
        ("Otay Mesa", "2506"),
        ("cbx", "2582"),
    ],
)
def test_aliases_and_prefixes(query: str, code: str) -> None:
    assert data.resolve_port(query).code == code


def test_non_exact_match_is_never_silent() -> None:
    assert data.resolve("pharr").note is not None
    assert data.resolve("laredo").note is None


def test_typo_raises_with_closest_match() -> None:
    with pytest.raises(data.UnknownPortError) as info:
        data.resolve_port("Lardeo")
    assert any("Laredo" in s for s in info.value.suggestions)
    assert "port:" in str(info.value)


def test_ambiguous_prefix_lists_candidates() -> None:
    with pytest.raises(data.AmbiguousPortError) as info:
        data.resolve_port("cal")
    assert {"Calexico, CA (2503)", "Calexico East, CA (2507)"} <= set(info.value.candidates)


@pytest.mark.parametrize("bad", ["9999", "Atlantis", ""])
def test_unknown_port(bad: str) -> None:
    with pytest.raises(data.UnknownPortError):
        data.resolve_port(bad)
