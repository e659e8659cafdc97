"""Sweeps: cells are independent, resumable, fail alone, and a dask cluster gives the same rows."""

from pathlib import Path

import pandas as pd
import pytest

from smartborder.policy.errors import AnalysisError
from smartborder.policy.studies.sweep import SweepSpec, read_results, run_sweep

SPEC = {
    "name": "t",
    "ports": ["tecate", "naco"],
    "months": ["2024-05"],
    "replications": 2,
    "seed": 5,
    "grid": {"classes.truck.entitlements.FAST": [0.1, 0.3], "booths.truck.standard": [0, 1]},
}


def test_cells_are_the_full_product() -> None:
    spec = SweepSpec.model_validate(SPEC)
    cells = spec.cells()
    assert len(cells) == 4 * 2 * 1 * 2
    assert len({c["cell_id"] for c in cells}) == len(cells)


def test_local_processes_equal_serial_and_resume(tmp_path: Path) -> None:
    spec = SweepSpec.model_validate(SPEC)
    serial = run_sweep(spec, tmp_path / "serial", workers=1)
    parallel = run_sweep(spec, tmp_path / "parallel", workers=2)
    assert serial.done == parallel.done == 16 and serial.failed == 0
    a, b = read_results(tmp_path / "serial"), read_results(tmp_path / "parallel")
    columns = [c for c in a.columns if c != "seconds"]
    pd.testing.assert_frame_equal(a[columns], b[columns])
    # More booths never hurt, cell for cell (same streams).
    key = ["port", "param.classes.truck.entitlements.FAST", "replication"]
    without = a[a["param.booths.truck.standard"] == 0].set_index(key)["truck.wait_mean_min"]
    more = a[a["param.booths.truck.standard"] == 1].set_index(key)["truck.wait_mean_min"]
    assert (more <= without.loc[more.index] + 1e-9).all()
    again = run_sweep(spec, tmp_path / "parallel", workers=2)
    assert again.done == 0 and again.skipped == 16


def test_a_failing_cell_is_reported_and_the_rest_go_on(tmp_path: Path) -> None:
    raw = {**SPEC, "ports": ["tecate", "san ysidro"], "grid": {"booths.truck.standard": [1]}}
    outcome = run_sweep(SweepSpec.model_validate(raw), tmp_path / "s", workers=1)
    results = read_results(tmp_path / "s")
    assert outcome.failed == 2  # San Ysidro has no trucks
    failed = results[results["status"] == "error"]
    assert set(failed["port"]) == {"san ysidro"} and failed["error"].str.contains("truck").all()
    assert (results.loc[results["port"] == "tecate", "status"] == "ok").all()


def test_bad_specs_stop_before_work(tmp_path: Path) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="months"):
        SweepSpec.model_validate({**SPEC, "months": None})
    with pytest.raises(AnalysisError, match="not a lever"):
        run_sweep(SweepSpec.model_validate({**SPEC, "grid": {"speed": [1]}}), tmp_path / "x")
    with pytest.raises(Exception, match="port"):
        run_sweep(SweepSpec.model_validate({**SPEC, "ports": ["Atlantis"]}), tmp_path / "y")


def test_dask_local_cluster_equals_local_run(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    spec = SweepSpec.model_validate(SPEC)
    run_sweep(spec, tmp_path / "local", workers=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        outcome = run_sweep(spec, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert outcome.done == 16 and outcome.failed == 0
    a, b = read_results(tmp_path / "local"), read_results(tmp_path / "dask")
    columns = [c for c in a.columns if c != "seconds"]
    pd.testing.assert_frame_equal(a[columns], b[columns])
