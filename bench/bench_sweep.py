"""Benchmark: a 1,000-cell sweep with 1 and 2 local worker processes and on a 2-worker dask
LocalCluster, checking that all three give identical rows.

Why it exists: sweeps are how analysts explore levers; the issue asks for the speed-up from one
worker to two and for the cluster to reproduce the local results cell for cell.

Run from the repository root::

    .venv/bin/python bench/bench_sweep.py
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from smartborder.policy.studies.sweep import SweepSpec, read_results, run_sweep

SPEC = {
    "name": "bench",
    "ports": ["naco", "lukeville", "columbus", "presidio", "tornillo"],
    "months": ["2024-05"],
    "replications": 20,
    "seed": 1,
    "grid": {"classes.truck.entitlements.FAST": [0.1, 0.3], "booths.truck.standard": [0, 1, 2, 3, 4]},
}


def main() -> None:
    from distributed import LocalCluster

    spec = SweepSpec.model_validate(SPEC)
    cells = len(spec.cells())
    root = Path(tempfile.mkdtemp(prefix="smartborder-sweep-"))
    run_sweep(SweepSpec.model_validate({**SPEC, "replications": 1}), root / "warm", workers=1)  # compile
    timings, results = {}, {}
    for label, kwargs in (("1 local worker", {"workers": 1}), ("2 local workers", {"workers": 2})):
        start = time.perf_counter()
        outcome = run_sweep(spec, root / label, **kwargs)  # type: ignore[arg-type]
        timings[label] = time.perf_counter() - start
        assert outcome.failed == 0
        results[label] = read_results(root / label)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        run_sweep(
            SweepSpec.model_validate({**SPEC, "replications": 1}),
            root / "warm-dask",
            scheduler=cluster.scheduler_address,
        )  # compile on the workers
        start = time.perf_counter()
        run_sweep(spec, root / "dask", scheduler=cluster.scheduler_address)
        timings["dask LocalCluster, 2 workers"] = time.perf_counter() - start
        results["dask LocalCluster, 2 workers"] = read_results(root / "dask")
    reference = results["1 local worker"].drop(columns="seconds")
    for frame in results.values():
        pd.testing.assert_frame_equal(reference, frame.drop(columns="seconds"))
    base = timings["1 local worker"]
    print(f"sweep of {cells:,} cells (port-months of 5 small ports, 10 scenarios, 20 replications)")
    print(f"{'runner':<32}{'seconds':>9}{'cells/s':>10}{'speed-up':>10}")
    for label, seconds in timings.items():
        print(f"{label:<32}{seconds:>9.2f}{cells / seconds:>10.1f}{base / seconds:>9.2f}x")
    print("all three runners gave identical rows, cell for cell")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
