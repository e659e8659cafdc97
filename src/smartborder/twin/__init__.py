"""The port-of-entry digital twin: port models, the engines that run them, and their metrics.

Callers outside the twin use this package's names, never its modules' (``engine``, ``lean``,
``kernels``, ``metrics``, ``replications`` are the twin's own; ``tests/test_architecture.py``
holds it)::

    from smartborder import twin
    streams = twin.flow_streams(seed, r, [f.name for f in model.flows])
    result = twin.run(model, arrivals, rng=streams, horizon=...)   # the engine that fits
    twin.station_summary(result)

The model's types (``twin.model``, ``twin.arrivals``, ``twin.distributions``) and errors
(``twin.errors``) are public modules. The engines load on first use, so importing the errors or
the model types does not compile or import them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smartborder import lazy
from smartborder.twin.errors import KernelInputError, ModelError, TwinError

if TYPE_CHECKING:
    from smartborder.twin.engine import TAIL_HOURS, FlowTrace, InitialQueue, SimulationResult
    from smartborder.twin.kernels import fcfs, queue_area_by_bin
    from smartborder.twin.lean import LeanResult, LeanTrace
    from smartborder.twin.metrics import (
        HIST_BIN_MIN,
        HIST_MAX_MIN,
        accumulate_waits,
        histogram_quantile,
        station_summary,
    )
    from smartborder.twin.replications import confidence_interval
    from smartborder.twin.runner import flow_streams, run, uses_lean

#: Public name → the twin module that defines it (imported on first use).
_LAZY = {
    "TAIL_HOURS": "engine",
    "FlowTrace": "engine",
    "InitialQueue": "engine",
    "SimulationResult": "engine",
    "fcfs": "kernels",
    "queue_area_by_bin": "kernels",
    "LeanResult": "lean",
    "LeanTrace": "lean",
    "HIST_BIN_MIN": "metrics",
    "HIST_MAX_MIN": "metrics",
    "accumulate_waits": "metrics",
    "histogram_quantile": "metrics",
    "station_summary": "metrics",
    "confidence_interval": "replications",
    "flow_streams": "runner",
    "run": "runner",
    "uses_lean": "runner",
}

__all__ = [  # noqa: RUF022 - plain sorted(), as the tests of every package check
    "FlowTrace",
    "HIST_BIN_MIN",
    "HIST_MAX_MIN",
    "InitialQueue",
    "KernelInputError",
    "LeanResult",
    "LeanTrace",
    "ModelError",
    "SimulationResult",
    "TAIL_HOURS",
    "TwinError",
    "accumulate_waits",
    "confidence_interval",
    "fcfs",
    "flow_streams",
    "histogram_quantile",
    "queue_area_by_bin",
    "run",
    "station_summary",
    "uses_lean",
]


__getattr__ = lazy.loader(__name__, _LAZY, globals())
