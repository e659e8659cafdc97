"""Registry shares into a port model; the package's public names."""

import pytest

import smartborder.trusted as trusted
from smartborder.ports import default_spec
from smartborder.trusted import TrustedError
from smartborder.trusted.shares import shares_from_counts, with_shares


def test_all_is_sorted_and_complete() -> None:
    assert trusted.__all__ == sorted(trusted.__all__)
    assert all(hasattr(trusted, name) for name in trusted.__all__)


def test_shares_from_counts() -> None:
    shares = shares_from_counts({("truck", "FAST"): 300, ("pov", "SENTRI"): 50}, {"truck": 1000, "pov": 500})
    assert shares == {"truck": {"FAST": 0.3}, "pov": {"SENTRI": 0.1}}
    with pytest.raises(TrustedError, match="no truck volume"):
        shares_from_counts({("truck", "FAST"): 3}, {"truck": 0})
    with pytest.raises(TrustedError, match="exceed the BTS volume"):
        shares_from_counts({("truck", "FAST"): 3000}, {"truck": 1000})


def test_with_shares_changes_only_the_registry_lanes() -> None:
    spec = default_spec("camino real", 2024)  # trucks, cars and buses
    before = spec.classes["pov"].entitlements
    changed = with_shares(spec, {"truck": {"FAST": 0.31}, "pov": {"SENTRI": 0.05}, "bus": {"FAST": 0.5}})
    assert changed.classes["truck"].entitlements["FAST"] == 0.31
    assert changed.classes["pov"].entitlements == {**before, "SENTRI": 0.05}
    assert changed.classes["bus"] == spec.classes["bus"]  # buses have no FAST lane: left alone
    assert spec.classes["truck"].entitlements["FAST"] != 0.31  # the input is not modified
