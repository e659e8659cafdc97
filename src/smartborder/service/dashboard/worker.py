"""One dashboard simulation, in a process of its own: ``python -m smartborder.service.dashboard.worker``.

Reads ``{"kind", "key", "spec", "out"}`` as JSON on stdin, runs the simulation, writes progress
as JSON lines on stdout (``{"done", "total", "message"}``; ``{"error"}`` when it fails) and the
result, atomically, to *out*. The result's ``result`` member is exactly what the CLI prints with
``--json`` for the same inputs (the same functions build both):

* ``border``: ``{"year", "replications", "seed"}`` — ``smartborder simulate --border mexico --year Y -r R --seed S --json``
* ``simulate``: ``{"port", "month", "replications", "seed"}`` — ``smartborder simulate PORT --month M -r R --seed S --json``
* ``compare``: ``{"port", "period", "replications", "seed", "scenario"}`` (a scenario as TOML text) —
  ``smartborder compare PORT SCENARIO.toml --month M -r R --seed S --json``
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from smartborder.atomic import write_atomic
from smartborder.service.dashboard.jobs import clean


def say(**message: Any) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def period_options(period: str) -> dict[str, Any]:
    """``2024-06`` → a month, ``2024`` → a year (what --month and --year take)."""
    return {"month": period} if "-" in period else {"year": int(period)}


def border(spec: dict[str, Any]) -> dict[str, Any]:
    from smartborder import data
    from smartborder.policy.studies.border import run_border
    from smartborder.report.tables import border_json

    year = int(spec["year"])
    total = sum(1 for c in data.crossings().values() if c.first_month.year <= year <= c.last_month.year)
    done = 0
    say(done=0, total=total, message=f"simulating {total} crossings for {year}")

    def tick(name: str) -> None:
        nonlocal done
        done += 1
        say(done=done, total=total, message=f"{name.split(',')[0]} done")

    run = run_border(year, int(spec["replications"]), int(spec["seed"]), progress=tick)
    return border_json(run)


def _progress(done: int, total: int) -> None:
    say(done=done, total=total, message=f"{done} of {total} crossing-replications simulated")


def simulate(spec: dict[str, Any]) -> dict[str, Any]:
    from smartborder.policy.studies.study import simulate_study
    from smartborder.report.tables import simulation_json

    result = simulate_study(
        spec["port"],
        replications=int(spec["replications"]),
        seed=int(spec["seed"]),
        progress=_progress,
        **period_options(spec["month"]),
    )
    return simulation_json(result.study, result.run)


def compare(spec: dict[str, Any]) -> dict[str, Any]:
    from smartborder.policy.studies.study import compare_study
    from smartborder.report.tables import comparison_json

    with tempfile.TemporaryDirectory(prefix="smartborder-studio-") as folder:
        path = Path(folder) / "studio.toml"
        path.write_text(spec["scenario"], "utf-8")
        result = compare_study(
            spec["port"],
            [str(path)],
            replications=int(spec["replications"]),
            seed=int(spec["seed"]),
            progress=_progress,
            **period_options(spec["period"]),
        )
    return comparison_json(result.study, result.scenarios, int(spec["replications"]), int(spec["seed"]))


KINDS = {"border": border, "simulate": simulate, "compare": compare}


#: How often a worker checks that the server that started it is still there (seconds).
PARENT_CHECK_S = 1.0


#: The environment variable through which the server names itself to its workers.
PARENT_VARIABLE = "SMARTBORDER_WORKER_PARENT"


def worker_env() -> dict[str, str]:
    """The environment a server starts a worker with: its own, unbuffered output, and its pid
    (so that a worker whose server died before it started watching still knows)."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", PARENT_VARIABLE: str(os.getpid())}


def watch_parent(parent: int, interval: float = PARENT_CHECK_S) -> threading.Thread:
    """Stop this worker, and every process it forked, once the server that started it (*parent*)
    has gone (killed, not stopped: a stopped server stops its workers itself). An orphan is
    adopted by another process, so its parent id changes; the worker leads a session of its
    own, so its process group is the worker and its pool."""

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                if os.name == "posix" and os.getpgid(0) == os.getpid():
                    os.killpg(os.getpid(), signal.SIGKILL)
                os._exit(1)
            time.sleep(interval)

    thread = threading.Thread(target=watch, name="parent-watch", daemon=True)
    thread.start()
    return thread


def main() -> int:
    from smartborder.errors import SmartborderError

    watch_parent(int(os.environ.get(PARENT_VARIABLE) or os.getppid()))
    request = json.loads(sys.stdin.read())
    out = Path(request["out"])
    start = time.perf_counter()
    try:
        result = KINDS[request["kind"]](request["spec"])
    except SmartborderError as exc:  # a refusal in the user's terms (a month without data, a lever that fits no lane)
        say(error=str(exc))
        return 1
    stored = {
        "key": request["key"],
        "kind": request["kind"],
        "spec": request["spec"],
        "seconds": round(time.perf_counter() - start, 2),
        "created": time.time(),
        "result": clean(result),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, json.dumps(stored, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
