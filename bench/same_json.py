"""Same outputs: the README's analyses as JSON, byte for byte, at two revisions.

A change that moves code without changing behaviour (issue 24: one door into the twin, the report
reading results, policy in three rooms, imports where they are used) must print exactly what it
printed before. This script runs the README's examples of ``simulate``, ``compare``, ``staffing``,
``scorecard``, ``plan``, ``calibrate``, ``forecast`` and ``sweep`` with ``--json`` (month-long
periods, so the whole run takes a few minutes) against two revisions of the source, each in a
scratch directory of its own, and compares what each printed, byte for byte::

    .venv/bin/python bench/same_json.py                  # HEAD against the working tree
    .venv/bin/python bench/same_json.py 311e791 HEAD     # any two revisions

Both run in this environment's Python (the installed dependencies) with the revision's
``src`` first on the path; the examples' input files are the newer revision's. The one figure
that is a measurement, not a result — ``plan``'s ``seconds`` — is blanked before comparing, and
said so. Exit status 0 when every output is identical, 1 otherwise (with the first differing
line of each).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: The commands, in order (later ones read what earlier ones wrote: plan.csv, out/donna.toml).
EXAMPLES = "{examples}"
COMMANDS: list[list[str]] = [
    ["simulate", "laredo", "--month", "2024-06"],
    ["compare", "laredo", "double-fast", "--month", "2024-06"],
    ["staffing", "colombia", "--month", "2024-06", "--target-wait", "10", "--class", "truck", "--out", "plan.csv"],
    ["simulate", "colombia", "--month", "2024-06", "--class", "truck", "--staffing", "plan.csv"],
    ["scorecard", "--year", "2024", "--ports", "nogales"],
    ["plan", "otay mesa", "--month", "2024-06", "--budget", "50000000"],
    [
        "calibrate",
        "donna",
        "--observations",
        f"{EXAMPLES}/synthetic_readings_donna.csv",
        "--month",
        "2025-08",
        "--train-until",
        "2026-08-16",
        "--out",
        "out/donna.toml",
    ],
    [
        "forecast",
        "donna",
        "--observations",
        f"{EXAMPLES}/synthetic_readings_donna.csv",
        "--at",
        "2026-08-20 14:00",
        "--model",
        "out/donna.toml",
    ],
    ["sweep", f"{EXAMPLES}/sweep_small.toml", "--out", "sweep", "--workers", "1"],
]

#: Keys whose values are measurements of the run, not its results.
TIMINGS = {"seconds"}


def _blank(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("<timing>" if k in TIMINGS else _blank(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank(v) for v in value]
    return value


def _tree(revision: str, scratch: Path) -> Path:
    """The source tree of *revision* ('.' for the working tree)."""
    if revision == ".":
        return ROOT
    scratch.mkdir(parents=True, exist_ok=True)
    where = scratch / "tree"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(where), revision], cwd=ROOT, check=True, capture_output=True
    )
    return where


def _run(tree: Path, work: Path, command: list[str]) -> str:
    args = [part.replace(EXAMPLES, str(ROOT / "examples")) for part in command] + ["--json"]
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "COLUMNS": "80", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from smartborder.cli import main; main(sys.argv[1:])", *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:  # never "the same": a failure is not an output
        raise RuntimeError(f"exit {done.returncode}: {done.stderr.strip()[-400:]}")
    text = done.stdout
    try:
        return json.dumps(_blank(json.loads(text)), sort_keys=False, ensure_ascii=False, indent=1)
    except json.JSONDecodeError:
        return text


def main(before: str = "HEAD", after: str = ".") -> int:
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        trees: dict[str, Path] = {}
        same = 0
        try:
            for name, revision in (("before", before), ("after", after)):
                trees[name] = _tree(revision, scratch / name)
            works = {name: scratch / f"work-{name}" for name in trees}
            for work in works.values():
                work.mkdir()
            for command in COMMANDS:
                try:
                    out = {name: _run(trees[name], works[name], command) for name in trees}
                except RuntimeError as failed:
                    print(f"FAIL  smartborder {shlex.join(command)}: {failed}")
                    continue
                label = "smartborder " + shlex.join(command).replace(EXAMPLES, "examples") + " --json"
                if out["before"] == out["after"]:
                    same += 1
                    print(f"same  {len(out['after'].encode()):>9,} bytes  {label}")
                    continue
                first = next(
                    (
                        (a, b)
                        for a, b in zip(out["before"].splitlines(), out["after"].splitlines(), strict=False)
                        if a != b
                    ),
                    ("(one output is longer)", ""),
                )
                print(f"DIFF  {label}\n      before: {first[0][:150]}\n      after:  {first[1][:150]}")
        finally:
            for tree in trees.values():
                if tree != ROOT:
                    subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
        print(
            f"{same} of {len(COMMANDS)} outputs identical ({before} against {'the working tree' if after == '.' else after});"
            f" blanked as timings: {', '.join(sorted(TIMINGS))}"
        )
        return 0 if same == len(COMMANDS) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
