import numpy as np
import pytest

from smartborder.policy.errors import AnalysisError
from smartborder.policy.studies.border import run_border


def test_border_run_in_two_processes_equals_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ports = ["tecate", "naco", "progreso"]
    one = run_border(2024, workers=1, only=ports)
    two = run_border(2024, workers=2, only=ports)
    assert sorted(one.ports.index) == ["donna", "naco", "progreso-bridge", "tecate"]
    cols = [c for c in one.ports.columns if c not in ("port_code", "port", "name", "state")]
    np.testing.assert_array_equal(
        one.ports.loc[sorted(one.ports.index), cols].astype(float).values,
        two.ports.loc[sorted(one.ports.index), cols].astype(float).values,
    )
    summary = one.summary()
    assert list(summary["delay_cost_usd"]) == sorted(summary["delay_cost_usd"], reverse=True)
    assert summary["vehicles"].sum() > 1e6
    ports_table = one.by_port()
    assert sorted(ports_table.index) == ["2309", "2505", "2603"]
    progreso = summary[summary["port_code"] == "2309"]
    assert ports_table.loc["2309", "vehicles"] == pytest.approx(progreso["vehicles"].sum())
    assert ports_table.loc["2309", "crossings"] == 2
    # The map draws from either table (what `simulate --border --out` writes).
    from smartborder.report.figures import plot_border_map

    for name, table in (("ports", ports_table), ("crossings", summary)):
        path = plot_border_map(table, tmp_path / f"{name}.png", "test")
        assert path.stat().st_size > 10_000


def test_border_rejects_a_year_without_data() -> None:

    with pytest.raises(AnalysisError, match="year"):
        run_border(1990)
