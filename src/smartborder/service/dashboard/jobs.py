"""Background simulations for the dashboard: one job per distinct input, run once, kept on disk.

A job is a simulation a page needs — a border-year, a port's month, a studio comparison — named
by a key, the hash of what it computes (its kind, its inputs and a fingerprint of the model's
code and data), so the same question asked twice, by two people or after a restart, is answered
from the cache. Each job runs in its own process (``python -m smartborder.service.dashboard.worker``):
the server stays responsive, a crash or a runaway run cannot take it down, and the border-year's
own pool of worker processes is forked from a single-threaded process rather than from the
server's threads. The worker reports progress as lines on its stdout; a thread per job reads them.

Border-years run one at a time, and so do the lighter port and studio jobs (on a queue of their
own, so a studio run does not wait behind a border-year): a small machine is not asked to run
more simulations at once than it has cores for.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from smartborder.errors import SmartborderError
from smartborder.jsonsafe import json_safe

#: Job kinds and the queue each runs on (one job at a time per queue).
QUEUES = {"border": "heavy", "compare": "light", "simulate": "light"}
#: Results kept in memory (each is a few hundred kB at most); the disk keeps them all.
MEMORY = 32
#: Studio runs waiting or running at most; more are refused until some finish (a flood of studio
#: runs must not queue hours of work).
MAX_PENDING = 16
#: Simulations started by page views (the overview, a port's month) waiting or running at most,
#: counted apart from the studio's: anonymous views of many months must not queue unbounded work
#: (issue 27: 1,000 views queued 1,000 jobs, 1,014 threads, 4 GB) nor take the studio's places.
MAX_PAGE_PENDING = 8
#: What a refused request is told to wait (seconds), as ``Retry-After``.
BUSY_RETRY_S = 60
#: A failed job is answered as failed for this long (seconds) before it may be tried again;
#: finished jobs are forgotten after an hour (their results stay on disk).
RETRY_AFTER_S = 60.0
FORGET_AFTER_S = 3600.0


class Busy(SmartborderError):
    """Too many simulations are waiting; try again later."""


@lru_cache(maxsize=1)
def model_fingerprint() -> str:
    """A hash of the code and data that decide a simulation's figures: a cached result is used
    only while they are unchanged (the service, CLI and report modules do not count)."""
    from smartborder import __version__

    root = Path(str(files("smartborder")))
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or relative.parts[0] in ("service", "cli", "report") or "__pycache__" in relative.parts:
            continue
        if path.suffix in (".pyc", ".png"):
            continue
        digest.update(str(relative).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


#: JSON-safe as the CLI prints it (numpy scalars as numbers, NaN and infinities as null).
clean = json_safe


def job_key(kind: str, spec: dict[str, Any]) -> str:
    """The key of a job: 20 hex digits of the hash of its kind, inputs and the model."""
    text = json.dumps({"kind": kind, "spec": spec, "model": model_fingerprint()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass
class Job:
    """A simulation asked for: its progress, and where its result is once done."""

    key: str
    kind: str
    spec: dict[str, Any]
    state: str = "queued"  # queued, running, done, failed
    done: int = 0
    total: int = 0
    message: str = "waiting for an earlier simulation to finish"
    error: str | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    studio: bool = False  # asked for by a studio run (counted against MAX_PENDING), else by a page view

    def as_dict(self) -> dict[str, Any]:
        now = time.time()
        return {
            "key": self.key,
            "kind": self.kind,
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "message": self.message,
            "error": self.error,
            "seconds": round((self.finished or now) - (self.started or now), 1),
        }


class JobRunner:
    """Starts jobs, tracks their progress and hands back their results (memory, then disk)."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self._jobs: dict[str, Job] = {}
        self._results: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._queues = {name: threading.Semaphore(1) for name in set(QUEUES.values())}
        self._children: set[subprocess.Popen[str]] = set()
        self._closed = False

    def path(self, kind: str, key: str, suffix: str = ".json") -> Path:
        return self.cache_dir / kind / f"{key}{suffix}"

    def result(self, kind: str, key: str) -> dict[str, Any] | None:
        """The stored result of a job (``{"key", "kind", "spec", "seconds", "result"}``), or None."""
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        path = self.path(kind, key)
        try:
            stored: dict[str, Any] = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        self._remember(key, stored)
        return stored

    def _remember(self, key: str, stored: dict[str, Any]) -> None:
        with self._lock:
            self._results[key] = stored
            while len(self._results) > MEMORY:
                self._results.popitem(last=False)

    def job(self, key: str) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def submit(self, kind: str, spec: dict[str, Any], limit: bool = False) -> Job:
        """The job computing *spec*: done at once when cached, the running one when it is running
        (or queued), a recent failure as failed, else a new one started in the background. A new
        job is refused (``Busy``) while ``MAX_PENDING`` studio runs (*limit*: a studio run) or
        ``MAX_PAGE_PENDING`` page views' simulations wait or run."""
        key = job_key(kind, spec)
        now = time.time()
        with self._lock:
            known = self._jobs.get(key)
            if known is not None and (
                known.state in ("queued", "running")
                or (known.state == "failed" and now - (known.finished or now) < RETRY_AFTER_S)
            ):
                return known
        if self.result(kind, key) is not None:
            return Job(key, kind, spec, state="done", message="from the cache")
        job = Job(key, kind, spec, studio=limit)
        with self._lock:
            pending = sum(j.state in ("queued", "running") and j.studio == limit for j in self._jobs.values())
            if pending >= (MAX_PENDING if limit else MAX_PAGE_PENDING):
                raise Busy(f"{pending} simulations are waiting or running; try again in a few minutes")
            for old in [k for k, j in self._jobs.items() if j.finished and now - j.finished > FORGET_AFTER_S]:
                del self._jobs[old]
            self._jobs[key] = job
        threading.Thread(target=self._run, args=(job,), name=f"dashboard-job-{key}", daemon=True).start()
        return job

    def _run(self, job: Job) -> None:
        with self._queues[QUEUES[job.kind]]:
            if self._closed:
                return
            job.state, job.started, job.message = "running", time.time(), "starting"
            out = self.path(job.kind, job.key)
            out.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._work(job, out)
            except OSError as exc:  # the worker could not be started at all
                job.state, job.error = "failed", f"could not start the simulation: {exc}"
            job.finished = time.time()

    def _work(self, job: Job, out: Path) -> None:
        request = json.dumps({"kind": job.kind, "key": job.key, "spec": job.spec, "out": str(out)})
        from smartborder.service.dashboard.worker import worker_env

        env = worker_env()
        error = None
        # stderr to a file (a pipe nobody reads while stdout is read could fill and stall the
        # worker); a session of its own, so that stopping it stops the processes it forks too.
        with (
            tempfile.TemporaryFile("w+") as stderr,
            subprocess.Popen(
                [sys.executable, "-m", "smartborder.service.dashboard.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env=env,
                start_new_session=os.name == "posix",
            ) as child,
        ):
            with self._lock:
                self._children.add(child)
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write(request)
            child.stdin.close()
            for line in child.stdout:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if "error" in message:
                    error = str(message["error"])
                else:
                    job.done, job.total = int(message.get("done", job.done)), int(message.get("total", job.total))
                    job.message = str(message.get("message", job.message))
            code = child.wait()
            stderr.seek(0)
            last = stderr.read().strip().splitlines()[-1:]
        with self._lock:
            self._children.discard(child)
        if code == 0 and out.exists():
            job.state, job.message = "done", "done"
            self.result(job.kind, job.key)
            return
        job.state = "failed"
        job.error = error or f"the simulation stopped (exit {code})" + (f": {last[0]}" if last else "")

    def close(self) -> None:
        """Stop running simulations (at server shutdown); queued ones never start."""
        self._closed = True
        with self._lock:
            children = list(self._children)
        for child in children:
            _stop(child)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def _stop(child: subprocess.Popen[str]) -> None:
    """SIGTERM to the worker and every process it started (its session), or to it alone."""
    if os.name == "posix":
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
    else:
        child.terminate()
