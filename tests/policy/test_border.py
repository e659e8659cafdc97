import numpy as np
import pytest

from smartborder.policy.border import run_border


def test_border_run_in_two_processes_equals_one() -> None:
    ports = ["tecate", "naco", "lukeville"]
    one = run_border(2024, workers=1, only=ports)
    two = run_border(2024, workers=2, only=ports)
    assert sorted(one.ports.index) == ["2505", "2602", "2603"]
    cols = [c for c in one.ports.columns if c not in ("name", "state")]
    np.testing.assert_array_equal(one.ports.loc[sorted(one.ports.index), cols].astype(float).values,
                                  two.ports.loc[sorted(one.ports.index), cols].astype(float).values)
    summary = one.summary()
    assert list(summary["delay_cost_usd"]) == sorted(summary["delay_cost_usd"], reverse=True)
    assert summary["vehicles"].sum() > 1e6


def test_border_rejects_a_year_without_data() -> None:
    from smartborder.twin import ModelError

    with pytest.raises(ModelError, match="year"):
        run_border(1990)
